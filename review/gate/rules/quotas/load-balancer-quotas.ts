import { GateRule, Violation } from '../../rule';
import { asArray, Located, resolveResource, resourcesOf } from '../../template';

export const MAX_RULES_PER_LOAD_BALANCER = 100;
export const MAX_TARGET_GROUPS_PER_LOAD_BALANCER = 100;

/** The target groups an action forwards to. */
function targetGroupsOf(actions: unknown): unknown[] {
  return (asArray(actions) as any[]).flatMap((a) => [a.TargetGroupArn, ...asArray(a.ForwardConfig?.TargetGroups).map((t: any) => t.TargetGroupArn)]).filter((t) => t !== undefined);
}

const key = (r: Located): string => `${r.stack}/${r.logicalId}`;

/**
 * Listener rules (default rules aside) and target groups are counted per
 * load balancer, across every stack that adds rules to its listeners.
 */
export const LoadBalancerQuotas: GateRule = {
  id: 'LoadBalancerQuotas',
  summary: `An Application Load Balancer has at most ${MAX_RULES_PER_LOAD_BALANCER} listener rules (default rules aside) and ${MAX_TARGET_GROUPS_PER_LOAD_BALANCER} target groups.`,
  documentation: 'Elastic Load Balancing, "Quotas for your Application Load Balancers" https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html',
  fix: 'spread the services over more load balancers, or raise the quota with Service Quotas before deploying',
  evaluate(input) {
    const violations: Violation[] = [];
    const listeners = new Map(resourcesOf(input.deployment, 'AWS::ElasticLoadBalancingV2::Listener').map((l) => [key(l), l]));
    const perLb = new Map<string, { lb: Located; rules: number; targetGroups: Set<string> }>();
    const entry = (lb: Located) => {
      if (!perLb.has(key(lb))) perLb.set(key(lb), { lb, rules: 0, targetGroups: new Set() });
      return perLb.get(key(lb))!;
    };
    const addTargets = (e: { targetGroups: Set<string> }, from: Located, actions: unknown): void => {
      for (const tg of targetGroupsOf(actions)) {
        const r = resolveResource(input.deployment, from.stack, tg);
        if (r) e.targetGroups.add(key(r));
      }
    };
    for (const listener of listeners.values()) {
      const lb = resolveResource(input.deployment, listener.stack, listener.resource.Properties?.LoadBalancerArn);
      if (lb) addTargets(entry(lb), listener, listener.resource.Properties?.DefaultActions);
    }
    for (const rule of resourcesOf(input.deployment, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
      const listener = resolveResource(input.deployment, rule.stack, rule.resource.Properties?.ListenerArn);
      const lb = listener && resolveResource(input.deployment, listener.stack, listener.resource.Properties?.LoadBalancerArn);
      if (!lb) continue;
      const e = entry(lb);
      e.rules += 1;
      addTargets(e, rule, rule.resource.Properties?.Actions);
    }
    for (const { lb, rules, targetGroups } of perLb.values()) {
      if (rules > MAX_RULES_PER_LOAD_BALANCER) {
        violations.push({ stack: lb.stack, logicalId: lb.logicalId, message: `${rules} listener rules across the deployment's stacks (at most ${MAX_RULES_PER_LOAD_BALANCER}): the rule past the quota fails to create` });
      }
      if (targetGroups.size > MAX_TARGET_GROUPS_PER_LOAD_BALANCER) {
        violations.push({ stack: lb.stack, logicalId: lb.logicalId, message: `${targetGroups.size} target groups behind it (at most ${MAX_TARGET_GROUPS_PER_LOAD_BALANCER})` });
      }
    }
    return violations;
  },
};
