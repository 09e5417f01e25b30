import { planUpgrade, templatesOf, UpgradePlan } from '../../../plan';
import { GateInput } from '../../rule';

const cache = new WeakMap<object, WeakMap<object, UpgradePlan>>();

/** The planner's view of the upgrade from the previous phase, computed once per pair of deployments. */
export function planOf(input: GateInput): UpgradePlan | undefined {
  if (!input.previous) return undefined;
  let byAfter = cache.get(input.previous);
  if (!byAfter) cache.set(input.previous, (byAfter = new WeakMap()));
  let plan = byAfter.get(input.deployment);
  if (!plan) byAfter.set(input.deployment, (plan = planUpgrade(templatesOf(input.previous), templatesOf(input.deployment))));
  return plan;
}
