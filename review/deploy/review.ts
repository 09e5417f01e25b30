import type { Change } from '@aws-sdk/client-cloudformation';
import { customNameOf, factsOf, StateClass } from '../state-classes';

/**
 * The review of a CloudFormation change set against the state classes: the
 * same verdicts as the offline planner (review/plan.ts), but on what
 * CloudFormation says it will do to the stack as deployed.
 * Change set fields: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 */

export type Verdict = 'ok' | 'warning' | 'refused' | 'allowed by override';

export interface ReviewedChange {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  /** CloudFormation's action: Add, Modify, Remove, Import, Dynamic. */
  readonly action: string;
  /** For a Modify: True, Conditional or False. */
  readonly replacement?: string;
  readonly stateClass: StateClass;
  /** Properties whose change may recreate the resource. */
  readonly causes: readonly string[];
  readonly verdict: Verdict;
  readonly reason?: string;
}

/** A resource of the synthesized template, as the review reads it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

export interface ReviewInput {
  readonly stack: string;
  readonly changes: readonly Change[];
  /** The synthesized template's resources, by logical id. */
  readonly resources: Readonly<Record<string, TemplateResource>>;
  /** `<stack>/<logicalId>` a deliberate migration may replace or remove. */
  readonly allow: ReadonlySet<string>;
}

/**
 * One verdict per resource change. Refused: a durable resource replaced,
 * possibly replaced (`Conditional`: CloudFormation itself decides only while
 * it executes, so the guard assumes the worst) or removed, or a
 * custom-named resource replaced. Warning: a transient resource replaced
 * or removed, or a custom-named one possibly replaced.
 */
export function reviewChanges(input: ReviewInput): ReviewedChange[] {
  const reviewed: ReviewedChange[] = [];
  for (const change of input.changes) {
    const rc = change.ResourceChange;
    if (change.Type !== 'Resource' || rc?.LogicalResourceId === undefined) continue;
    const logicalId = rc.LogicalResourceId;
    const type = rc.ResourceType ?? 'unknown';
    const facts = factsOf(type);
    const stateClass = facts.stateClass;
    const action = rc.Action ?? 'unknown';
    const recreating = (rc.Details ?? []).filter(
      (d) => d.Target?.Attribute === 'Properties' && (d.Target.RequiresRecreation === 'Always' || d.Target.RequiresRecreation === 'Conditionally'),
    );
    const causes = [...new Set(recreating.map((d) => d.Target?.Name ?? '?'))];
    const resource = input.resources[logicalId];
    const replacement = action === 'Modify' ? rc.Replacement : undefined;

    let verdict: Verdict = 'ok';
    let reason: string | undefined;
    const replaced = replacement === 'True' || replacement === 'Conditional';
    const name = resource ? customNameOf(resource.Type, resource.Properties) : undefined;
    const holderRemoved = facts.heldBy !== undefined && input.changes.some((c) => c.ResourceChange?.Action === 'Remove' && c.ResourceChange.ResourceType === facts.heldBy!.type);
    if (stateClass === 'durable' && action === 'Remove' && rc.PolicyAction === 'Retain' && facts.whenOrphaned) {
      // DeletionPolicy Retain: CloudFormation leaves it in the account (ChangeSet ResourceChange.PolicyAction).
      verdict = 'warning';
      reason = `durable, retained: ${facts.whenOrphaned}`;
    } else if (stateClass === 'durable' && action === 'Remove' && holderRemoved) {
      // RDS refuses to delete a group an instance still uses, so its removal loses nothing.
      reason = `removed with the ${facts.heldBy!.type} resources this change set removes: ${facts.heldBy!.reason}`;
    } else if (stateClass === 'durable' && action === 'Remove') {
      verdict = 'refused';
      reason = 'durable: removing it from the stack deletes or detaches its data';
    } else if (stateClass === 'durable' && replaced) {
      verdict = 'refused';
      reason = `durable: ${replacement === 'True' ? 'replacing' : 'possibly replacing'} it loses or detaches its data`;
    } else if (replacement === 'True' && name !== undefined) {
      verdict = 'refused';
      reason = `custom-named (${name}): CloudFormation cannot replace it and would fail the update`;
    } else if (stateClass === 'transient' && (replaced || action === 'Remove')) {
      verdict = 'warning';
      reason = 'transient: rebuilt from empty (npm run plan names what that costs)';
    } else if (replacement === 'Conditional' && name !== undefined) {
      verdict = 'warning';
      reason = `custom-named (${name}): if CloudFormation does replace it, the update fails`;
    }
    if (verdict === 'refused' && input.allow.has(`${input.stack}/${logicalId}`)) verdict = 'allowed by override';
    reviewed.push({ stack: input.stack, logicalId, type, action, replacement, stateClass, causes, verdict, reason });
  }
  return reviewed;
}

const ACTION_WORDS: Readonly<Record<string, string>> = {
  Add: 'added',
  Remove: 'removed',
  Import: 'imported',
  Dynamic: 'dynamic',
};

/** What a change does, in the planner's words. */
export function impactOf(c: ReviewedChange): string {
  if (c.action !== 'Modify') return ACTION_WORDS[c.action] ?? c.action;
  if (c.replacement === 'True') return 'replaced';
  if (c.replacement === 'Conditional') return 'may be replaced';
  return 'updated in place';
}
