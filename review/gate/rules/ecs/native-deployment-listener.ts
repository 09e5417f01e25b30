import { GateRule, Violation } from '../../rule';
import { asArray, Located, resolveResource, resourcesOf } from '../../template';

const NATIVE = new Set(['BLUE_GREEN', 'CANARY', 'LINEAR']);

const same = (a: Located | undefined, b: Located | undefined): boolean => a !== undefined && b !== undefined && a.stack === b.stack && a.logicalId === b.logicalId;

/**
 * ECS native blue/green, canary and linear deployments shift traffic by
 * rewriting the weights of the production listener rule's forward action
 * between the two target groups, on a listener whose default action is a
 * forward.
 */
export const EcsNativeDeploymentListener: GateRule = {
  id: 'EcsNativeDeploymentListener',
  summary:
    "A service deployed with ECS native blue/green, canary or linear names a production listener rule that forwards to both its target groups, on a listener whose default action is a forward.",
  documentation:
    'Amazon ECS, "Application Load Balancer resources for blue/green, linear, and canary deployments" https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html',
  fix: 'make the production rule a weighted forward to the primary and the alternate target group, on a listener whose default action forwards; or use the rolling strategy',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const service of resourcesOf(input.deployment, 'AWS::ECS::Service')) {
      const strategy = service.resource.Properties?.DeploymentConfiguration?.Strategy;
      if (!NATIVE.has(strategy)) continue;
      for (const lb of asArray(service.resource.Properties?.LoadBalancers) as any[]) {
        const advanced = lb.AdvancedConfiguration;
        if (!advanced) {
          violations.push({ stack: service.stack, logicalId: service.logicalId, message: `${strategy} deployment without an AdvancedConfiguration (alternate target group, production listener rule)` });
          continue;
        }
        const rule = resolveResource(input.deployment, service.stack, advanced.ProductionListenerRule);
        const alternate = resolveResource(input.deployment, service.stack, advanced.AlternateTargetGroupArn);
        const primary = resolveResource(input.deployment, service.stack, lb.TargetGroupArn);
        if (rule?.resource.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule') {
          const forwarded = (asArray(rule.resource.Properties?.Actions) as any[])
            .filter((a) => a.Type === 'forward')
            .flatMap((a) => [a.TargetGroupArn, ...asArray(a.ForwardConfig?.TargetGroups).map((t: any) => t.TargetGroupArn)])
            .filter((t) => t !== undefined)
            .map((t) => resolveResource(input.deployment, rule.stack, t));
          const missing = [
            ...(forwarded.some((f) => same(f, primary)) ? [] : ['the primary']),
            ...(forwarded.some((f) => same(f, alternate)) ? [] : ['the alternate']),
          ];
          if (missing.length > 0) {
            violations.push({
              stack: service.stack,
              logicalId: service.logicalId,
              message: `the production listener rule ${rule.stack} ${rule.logicalId} does not forward to ${missing.join(' and ')} target group: ECS has no rule weights to shift`,
            });
          }
          const listener = resolveResource(input.deployment, rule.stack, rule.resource.Properties?.ListenerArn);
          const defaults = asArray(listener?.resource.Properties?.DefaultActions) as any[];
          if (listener && !defaults.some((a) => a.Type === 'forward')) {
            violations.push({
              stack: service.stack,
              logicalId: service.logicalId,
              message: `the production listener ${listener.stack} ${listener.logicalId} has a ${defaults.map((a) => a.Type).join(', ')} default action; ECS native ${strategy} deployments need a listener whose default action is a forward`,
            });
          }
        }
      }
    }
    return violations;
  },
};
