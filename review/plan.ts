import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { App } from 'aws-cdk-lib';
import { BlueprintConfig } from '../config';
import { BLAST_RADIUS, CONDITIONAL_UPDATES, StateClass, stateClassOf } from './state-classes';
import { buildBlueprint } from '../lib/blueprint';

export type Impact = 'added' | 'updated in place' | 'replaced' | 'may be replaced' | 'removed' | 'orphaned';

export interface ResourceChange {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly impact: Impact;
  readonly stateClass: StateClass;
  /** Properties whose change causes the impact (for replacements). */
  readonly causes: readonly string[];
  /** Why a durable change blocks, or what a transient replacement costs. */
  readonly note?: string;
  readonly blocked: boolean;
}

export interface UpgradePlan {
  readonly changes: readonly ResourceChange[];
  readonly blocked: readonly ResourceChange[];
  readonly warnings: readonly ResourceChange[];
}

export type Templates = Readonly<Record<string, { readonly [key: string]: unknown }>>;

/** Synthesizes one configuration (compliance plugins on) and returns each stack's template by stack name. */
export function synthesizeTemplates(config: BlueprintConfig, context: Record<string, unknown>): Templates {
  const app = new App({ context, builtinCloudFormationValidation: false });
  buildBlueprint(app, config);
  const assembly = app.synth();
  return Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template]));
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

/**
 * Every resource change from one set of templates to the next, with its
 * impact (CloudFormation's replacement rules, from @aws-cdk/cloudformation-diff)
 * and state class. A durable resource replaced, possibly replaced or removed
 * blocks the upgrade; a transient replacement is a warning.
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
      const stateClass = stateClassOf(type);
      const replacing = Object.entries(change.propertyUpdates).filter(
        ([, p]) => p.changeImpact === ResourceImpact.WILL_REPLACE || p.changeImpact === ResourceImpact.MAY_REPLACE,
      );
      let note: string | undefined;
      if (impact === 'may be replaced') {
        // Drop "maybe" properties whose actual old -> new change is known to be in place.
        const open = replacing.filter(([name, p]) => {
          const rule = CONDITIONAL_UPDATES.find((r) => r.type === type && r.property === name);
          return !(rule && p.changeImpact === ResourceImpact.MAY_REPLACE && rule.inPlace(p.oldValue, p.newValue, change.newProperties ?? {}));
        });
        if (open.length === 0) impact = 'updated in place';
      }
      const causes = impact === 'replaced' || impact === 'may be replaced' ? replacing.map(([name]) => name) : [];
      const destructive = impact === 'replaced' || impact === 'may be replaced' || impact === 'removed' || impact === 'orphaned';
      const blocked = destructive && stateClass === 'durable';
      if (blocked) note = 'durable: data would be lost or detached; the upgrade is blocked';
      else if (destructive && stateClass === 'transient') note = BLAST_RADIUS[type] ?? 'rebuilt from empty';
      changes.push({ stack, logicalId, type, impact, stateClass, causes, note, blocked });
    });
  }
  return {
    changes,
    blocked: changes.filter((c) => c.blocked),
    warnings: changes.filter((c) => !c.blocked && c.stateClass === 'transient' && c.note !== undefined),
  };
}

/** The plan as text: per stack, one line a change, then the verdict. */
export function formatPlan(plan: UpgradePlan, title: string): string {
  const lines = [title, ''];
  const stacks = [...new Set(plan.changes.map((c) => c.stack))];
  for (const stack of stacks) {
    lines.push(`Stack ${stack}`);
    for (const c of plan.changes.filter((x) => x.stack === stack)) {
      const mark = c.blocked ? 'BLOCKED ' : c.note ? 'WARNING ' : '        ';
      const why = c.causes.length > 0 ? ` (${c.causes.join(', ')})` : '';
      lines.push(`  ${mark}${c.impact.padEnd(17)} ${c.stateClass.padEnd(9)} ${c.type} ${c.logicalId}${why}${c.note ? `: ${c.note}` : ''}`);
    }
    lines.push('');
  }
  if (plan.changes.length === 0) lines.push('No resource changes.', '');
  const count = (impact: Impact): number => plan.changes.filter((c) => c.impact === impact).length;
  lines.push(
    `${count('added')} added, ${count('updated in place')} updated in place, ${count('replaced') + count('may be replaced')} replaced or possibly replaced, ${count('removed') + count('orphaned')} removed.`,
  );
  lines.push(
    plan.blocked.length > 0
      ? `BLOCKED: ${plan.blocked.length} durable resource(s) would be replaced or removed.`
      : `Safe: no durable resource is replaced or removed${plan.warnings.length > 0 ? `; ${plan.warnings.length} transient warning(s)` : ''}.`,
  );
  return lines.join('\n');
}
