import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { App } from 'aws-cdk-lib';
import { BlueprintConfig } from '../config';
import { customNameOf, factsOf, resourceStateClass, StateClass } from './state-classes';
import { buildBlueprint } from '../lib/blueprint';
import { crossStackReferences, Deployment } from './gate/template';

export type Impact = 'added' | 'updated in place' | 'replaced' | 'may be replaced' | 'removed' | 'orphaned';

export interface ResourceChange {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly impact: Impact;
  readonly stateClass: StateClass;
  /** Properties whose change causes the impact (for replacements), or fails (for a failing update). */
  readonly causes: readonly string[];
  /** Why the change blocks, or what a transient replacement costs. */
  readonly note?: string;
  readonly blocked: boolean;
  /** A deliberate change of what the resource is (review/state-classes.ts `roleChanges`), e.g. a promotion. */
  readonly roleChange?: string;
}

/** An output that a consumer stack reads, changed so that the consumer would be stranded. */
export interface StrandedConsumer {
  readonly producer: string;
  readonly output: string;
  readonly consumer: string;
  readonly consumerLogicalId: string;
  readonly reference: 'Fn::GetStackOutput' | 'Fn::ImportValue';
  readonly reason: string;
}

export interface UpgradePlan {
  readonly changes: readonly ResourceChange[];
  readonly stranded: readonly StrandedConsumer[];
  readonly blocked: readonly ResourceChange[];
  readonly warnings: readonly ResourceChange[];
}

export type Templates = Readonly<Record<string, { readonly [key: string]: unknown }>>;

/**
 * Synthesizes one configuration (compliance plugins on) into every
 * stack's template with its region and account. `pathMetadata` records
 * each resource's construct path (`aws:cdk:path`) so that a finding can
 * name it.
 */
export function synthesizeDeployment(config: BlueprintConfig, context: Record<string, unknown>, options: { pathMetadata?: boolean } = {}): Deployment {
  const app = new App({
    context: { ...context, ...(options.pathMetadata ? { 'aws:cdk:enable-path-metadata': true } : {}) },
    builtinCloudFormationValidation: false,
  });
  buildBlueprint(app, config);
  const assembly = app.synth();
  return Object.fromEntries(
    assembly.stacks.map((s) => [s.stackName, { template: s.template, region: s.environment.region, account: s.environment.account }]),
  );
}

/** Synthesizes one configuration (compliance plugins on) and returns each stack's template by stack name. */
export function synthesizeTemplates(config: BlueprintConfig, context: Record<string, unknown>): Templates {
  return templatesOf(synthesizeDeployment(config, context));
}

export function templatesOf(deployment: Deployment): Templates {
  return Object.fromEntries(Object.entries(deployment).map(([name, s]) => [name, s.template as Templates[string]]));
}

const IMPACTS: Partial<Record<ResourceImpact, Impact>> = {
  [ResourceImpact.WILL_CREATE]: 'added',
  [ResourceImpact.WILL_IMPORT]: 'added',
  [ResourceImpact.WILL_UPDATE]: 'updated in place',
  [ResourceImpact.WILL_REPLACE]: 'replaced',
  [ResourceImpact.MAY_REPLACE]: 'may be replaced',
  [ResourceImpact.WILL_DESTROY]: 'removed',
  [ResourceImpact.WILL_ORPHAN]: 'orphaned',
};

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
const resourcesIn = (t: Templates[string] | undefined): Resources => ((t?.Resources ?? {}) as Resources);

/**
 * Every resource change from one set of templates to the next, with its
 * impact (CloudFormation's replacement rules, from @aws-cdk/cloudformation-diff),
 * its state class and the rule that decides it (review/state-classes.ts):
 * a durable resource replaced, possibly replaced or removed blocks; any
 * resource that keeps its custom name through a replacement blocks
 * (CloudFormation cannot replace it); an update the service refuses on a
 * grown resource blocks; a transient replacement is a warning. Outputs
 * that other stacks read are followed too: a producer change that would
 * strand a consumer blocks.
 */
export function planUpgrade(before: Templates, after: Templates): UpgradePlan {
  const changes: ResourceChange[] = [];
  const stacks = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const stack of stacks) {
    const diff = fullDiff(before[stack] ?? {}, after[stack] ?? {});
    diff.resources.forEachDifference((logicalId, change) => {
      let impact = IMPACTS[change.changeImpact];
      if (impact === undefined) return;
      const type = change.resourceType ?? 'unknown';
      const facts = factsOf(type);
      // The stricter of the old and the new resource's own class: a store turned cache still holds a store's data.
      const classes = [resourceStateClass(resourcesIn(before[stack])[logicalId], type), resourceStateClass(resourcesIn(after[stack])[logicalId], type)];
      const stateClass = classes.includes('durable') ? 'durable' : classes.includes('transient') ? 'transient' : facts.stateClass;
      const replacing = Object.entries(change.propertyUpdates).filter(
        ([, p]) => p.changeImpact === ResourceImpact.WILL_REPLACE || p.changeImpact === ResourceImpact.MAY_REPLACE,
      );
      const notes: string[] = [];
      if (impact === 'may be replaced') {
        // Drop "maybe" properties whose actual old -> new change is known to be in place.
        const open = replacing.filter(([name, p]) => {
          const rule = facts.conditionalUpdates?.find((r) => r.property === name);
          return !(rule && p.changeImpact === ResourceImpact.MAY_REPLACE && rule.inPlace(p.oldValue, p.newValue, change.newProperties ?? {}, change.oldProperties ?? {}));
        });
        if (open.length === 0) {
          impact = 'updated in place';
          notes.push(...replacing.map(([name]) => facts.conditionalUpdates!.find((r) => r.property === name)!.reason));
        }
      }
      let causes = impact === 'replaced' || impact === 'may be replaced' ? replacing.map(([name]) => name) : [];
      const replaced = impact === 'replaced' || impact === 'may be replaced';
      const destructive = replaced || impact === 'removed' || impact === 'orphaned';
      let blocked = false;
      const oldName = customNameOf(type, change.oldProperties);
      if (replaced && oldName !== undefined && oldName === customNameOf(type, change.newProperties)) {
        blocked = true;
        notes.unshift(`custom name ${oldName}: CloudFormation cannot replace a custom-named resource (it creates the replacement first, and the name is taken); the update fails`);
      }
      if (destructive && stateClass === 'durable') {
        if (impact === 'orphaned' && facts.whenOrphaned) {
          notes.unshift(`durable, retained: ${facts.whenOrphaned}`);
        } else if (impact === 'removed' && facts.heldBy && removedWithHolders(before[stack], after[stack], logicalId, facts.heldBy.type)) {
          notes.unshift(`removed with every ${facts.heldBy.type} that used it: ${facts.heldBy.reason}`);
        } else {
          blocked = true;
          notes.unshift('durable: data would be lost or detached');
        }
      }
      if (impact === 'updated in place') {
        for (const rule of facts.failingUpdates ?? []) {
          const p = change.propertyUpdates[rule.property];
          if (p && rule.fails(p.oldValue, p.newValue, change.oldProperties ?? {}, change.newProperties ?? {})) {
            blocked = true;
            causes = [...causes, rule.property];
            notes.unshift(`${rule.property} ${JSON.stringify(p.oldValue)} -> ${JSON.stringify(p.newValue)}: ${rule.reason}`);
          }
        }
      }
      if (impact === 'removed' && facts.failingRemoval?.fails(change.oldProperties ?? {})) {
        blocked = true;
        notes.unshift(facts.failingRemoval.reason);
      }
      if (impact === 'added' && facts.failingCreate?.fails(change.newProperties ?? {})) {
        blocked = true;
        notes.unshift(facts.failingCreate.reason);
      }
      if (destructive && !blocked && stateClass === 'transient') notes.push(facts.blastRadius ?? 'rebuilt from empty');
      const note = notes.length > 0 ? `${notes.join('; ')}${blocked ? '; the upgrade is blocked' : ''}` : undefined;
      const role = impact === 'updated in place' ? facts.roleChanges?.find((r) => r.when(change.oldProperties ?? {}, change.newProperties ?? {})) : undefined;
      const roleChange = role ? `${role.summary} (${role.detail})` : impact === 'added' && type === DB_INSTANCE ? failbackReplica(before[stack], change.newProperties ?? {}) : undefined;
      changes.push({ stack, logicalId, type, impact, stateClass, causes, note, blocked, ...(roleChange ? { roleChange } : {}) });
    });
  }
  const stranded = strandedConsumers(before, after, changes);
  return {
    changes,
    stranded,
    blocked: changes.filter((c) => c.blocked),
    warnings: changes.filter((c) => !c.blocked && c.stateClass === 'transient' && c.note !== undefined && c.impact !== 'updated in place'),
  };
}

const DB_INSTANCE = 'AWS::RDS::DBInstance';

/**
 * Whether a resource removed from `stack` was used (by Ref) only by
 * resources of `holderType` that the same upgrade removes: a database's
 * parameter or subnet group retired with it.
 */
function removedWithHolders(before: Templates[string] | undefined, after: Templates[string] | undefined, logicalId: string, holderType: string): boolean {
  const ref = JSON.stringify({ Ref: logicalId });
  const holders = Object.entries(resourcesIn(before)).filter(([, r]) => JSON.stringify(r.Properties ?? {}).includes(ref));
  const remaining = resourcesIn(after);
  return holders.length > 0 && holders.every(([id, r]) => r.Type === holderType && !(id in remaining));
}

/**
 * A cross-region read replica added beside a standalone database of the same stack: a
 * failback or a switch back (ADR 0029) making the region the standby of the region its source
 * is in. Nothing is replaced or removed, but what the region's database is
 * changes, so the plan says so.
 */
function failbackReplica(before: Templates[string] | undefined, added: Record<string, unknown>): string | undefined {
  // Only a cross-region replica names a key: a same-region one inherits its source's (CreateDBInstanceReadReplica, KmsKeyId).
  if (added.SourceDBInstanceIdentifier === undefined || added.KmsKeyId === undefined) return undefined;
  const region = JSON.stringify(added.SourceDBInstanceIdentifier).match(/:rds:([a-z]{2}(?:-[a-z]+)+-\d+):/)?.[1] ?? 'another region';
  const standalone = Object.values(resourcesIn(before)).some((r) => r.Type === DB_INSTANCE && r.Properties?.SourceDBInstanceIdentifier === undefined && r.Properties?.DBClusterIdentifier === undefined);
  if (!standalone) return undefined;
  return `new cross-region replica: ${String(added.DBInstanceIdentifier)}, a replica of ${region}'s database, added beside this region's standalone database (kept as it is); this region becomes ${region}'s standby (ADR 0029)`;
}

interface Read {
  readonly consumer: string;
  readonly logicalId: string;
  readonly producer: string;
  readonly output: string;
  readonly reference: 'Fn::GetStackOutput' | 'Fn::ImportValue';
}

/** Every output a stack's resources read from another stack. */
function readsOf(templates: Templates): Read[] {
  const exportsByName = new Map<string, { producer: string; output: string }>();
  for (const [producer, t] of Object.entries(templates)) {
    for (const [output, o] of Object.entries((t.Outputs ?? {}) as Record<string, { Export?: { Name?: unknown } }>)) {
      if (typeof o.Export?.Name === 'string') exportsByName.set(o.Export.Name, { producer, output });
    }
  }
  const reads: Read[] = [];
  for (const [consumer, t] of Object.entries(templates)) {
    for (const [logicalId, r] of Object.entries(resourcesIn(t))) {
      for (const ref of crossStackReferences(r.Properties)) {
        if (ref.kind === 'GetStackOutput' && ref.stackName !== undefined) {
          reads.push({ consumer, logicalId, producer: ref.stackName, output: ref.output, reference: 'Fn::GetStackOutput' });
        } else if (ref.kind === 'ImportValue') {
          const e = exportsByName.get(ref.output);
          if (e) reads.push({ consumer, logicalId, ...e, reference: 'Fn::ImportValue' });
        }
      }
    }
  }
  return reads;
}

/** The logical ids an output's value is made of. */
function producersOf(value: unknown): string[] {
  const ids: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, any>;
    if (typeof o.Ref === 'string') ids.push(o.Ref);
    const att = o['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string') ids.push(att[0]);
    Object.values(o).forEach(walk);
  };
  walk(value);
  return ids;
}

/**
 * Consumers a producer change would strand. A weak reference
 * (`Fn::GetStackOutput`) is resolved only when the consuming resource is
 * created or updated, so it keeps an identifier the producer no longer
 * has; a strong one (`Fn::ImportValue`) makes the producer's update fail.
 * Either way the upgrade must not go ahead unnoticed.
 */
function strandedConsumers(before: Templates, after: Templates, changes: readonly ResourceChange[]): StrandedConsumer[] {
  const stranded: StrandedConsumer[] = [];
  const afterReads = readsOf(after);
  const seen = new Set<string>();
  const add = (r: Read, reason: string): void => {
    const key = `${r.producer}|${r.output}|${r.consumer}|${r.logicalId}`;
    if (seen.has(key)) return;
    seen.add(key);
    stranded.push({ producer: r.producer, output: r.output, consumer: r.consumer, consumerLogicalId: r.logicalId, reference: r.reference, reason });
  };
  for (const r of readsOf(before)) {
    const outputsAfter = (after[r.producer]?.Outputs ?? {}) as Record<string, { Value: unknown }>;
    const outputBefore = ((before[r.producer]?.Outputs ?? {}) as Record<string, { Value: unknown }>)[r.output];
    const stillRead = afterReads.some((a) => a.consumer === r.consumer && a.logicalId === r.logicalId && a.producer === r.producer && a.output === r.output);
    if (!(r.output in outputsAfter)) {
      // A weak reader removed with what it read strands nothing; an importer still holds the export until its own stack deploys.
      if (after[r.consumer] === undefined || (r.reference === 'Fn::GetStackOutput' && !(r.logicalId in resourcesIn(after[r.consumer])))) continue;
      add(
        r,
        stillRead
          ? `output ${r.output} of ${r.producer} is removed but ${r.consumer} ${r.logicalId} still reads it: its next update fails`
          : r.reference === 'Fn::ImportValue'
            ? `export ${r.output} of ${r.producer} is removed while ${r.consumer} ${r.logicalId} imports it: CloudFormation refuses to delete an export in use; deploy the consumer first`
            : `output ${r.output} of ${r.producer} is removed or renamed; ${r.consumer} ${r.logicalId} reads it weakly and must be deployed after the producer in the same upgrade`,
      );
      continue;
    }
    if (!stillRead || outputBefore === undefined) continue;
    const replaced = producersOf(outputBefore.Value).filter((id) =>
      changes.some((c) => c.stack === r.producer && c.logicalId === id && (c.impact === 'replaced' || c.impact === 'may be replaced')),
    );
    if (replaced.length > 0) {
      add(
        r,
        r.reference === 'Fn::ImportValue'
          ? `${r.producer} ${replaced.join(', ')} is replaced and its export ${r.output} changes while ${r.consumer} ${r.logicalId} imports it: CloudFormation refuses the producer update`
          : `${r.producer} ${replaced.join(', ')} is replaced; ${r.consumer} ${r.logicalId} reads output ${r.output} with Fn::GetStackOutput, resolved only when the consumer itself updates, so it keeps pointing at the deleted resource`,
      );
    }
  }
  return stranded;
}

/** The plan as text: per stack, one line a change, the stranded consumers, then the verdict. */
export function formatPlan(plan: UpgradePlan, title: string): string {
  const lines = [title, ''];
  const stacks = [...new Set(plan.changes.map((c) => c.stack))];
  for (const stack of stacks) {
    lines.push(`Stack ${stack}`);
    for (const c of plan.changes.filter((x) => x.stack === stack)) {
      const mark = c.blocked ? 'BLOCKED ' : c.roleChange ? 'ROLE    ' : c.note && c.impact !== 'updated in place' ? 'WARNING ' : '        ';
      const why = c.causes.length > 0 ? ` (${c.causes.join(', ')})` : '';
      lines.push(`  ${mark}${c.impact.padEnd(17)} ${c.stateClass.padEnd(9)} ${c.type} ${c.logicalId}${why}${c.note ? `: ${c.note}` : ''}`);
    }
    lines.push('');
  }
  const roles = plan.changes.filter((c) => c.roleChange !== undefined);
  if (roles.length > 0) {
    lines.push('Role changes');
    for (const c of roles) lines.push(`  ROLE    ${c.stack} ${c.logicalId}: ${c.roleChange}`);
    lines.push('');
  }
  if (plan.stranded.length > 0) {
    lines.push('Cross-stack references');
    for (const s of plan.stranded) lines.push(`  BLOCKED ${s.reason}`);
    lines.push('');
  }
  if (plan.changes.length === 0) lines.push('No resource changes.', '');
  const count = (impact: Impact): number => plan.changes.filter((c) => c.impact === impact).length;
  lines.push(
    `${count('added')} added, ${count('updated in place')} updated in place, ${count('replaced') + count('may be replaced')} replaced or possibly replaced, ${count('removed') + count('orphaned')} removed.`,
  );
  const blocking = plan.blocked.length + plan.stranded.length;
  lines.push(
    blocking > 0
      ? `BLOCKED: ${plan.blocked.length} resource change(s) and ${plan.stranded.length} stranded consumer(s) would fail the upgrade or lose data.`
      : `Safe: no durable or custom-named resource is replaced or removed, no update fails on a grown resource, no consumer is stranded${plan.warnings.length > 0 ? `; ${plan.warnings.length} transient warning(s)` : ''}${roles.length > 0 ? `; ${roles.length} deliberate role change(s), listed above, cannot be undone` : ''}.`,
  );
  return lines.join('\n');
}

/** Whether the plan blocks the upgrade. */
export function isBlocked(plan: UpgradePlan): boolean {
  return plan.blocked.length > 0 || plan.stranded.length > 0;
}
