import { GateRule, Violation } from '../../rule';
import { asArray, Located, referencedResources, resolveResource, resourcesOf } from '../../template';

const NATIVE = new Set(['BLUE_GREEN', 'CANARY', 'LINEAR']);

const key = (r: Located): string => `${r.stack}/${r.logicalId}`;

/**
 * With ECS native blue/green, canary and linear deployments the primary
 * and alternate target groups swap roles at every deployment. An alarm or
 * a scaling policy that reads one target group's metrics watches an idle
 * target group half of the time.
 */
export const EcsNativeDeploymentWatchesBothTargetGroups: GateRule = {
  id: 'EcsNativeDeploymentWatchesBothTargetGroups',
  summary:
    "A service deployed with ECS native blue/green, canary or linear has no deployment alarm or scaling policy that reads only one of its two target groups' metrics.",
  documentation:
    'Amazon ECS, "Amazon ECS blue/green deployments" (the production and alternate target groups swap after each deployment) https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html',
  fix: 'alarm and scale on metric math over both target groups (or on load-balancer-wide and service-level metrics), never on one target group alone',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const service of resourcesOf(input.deployment, 'AWS::ECS::Service')) {
      const strategy = service.resource.Properties?.DeploymentConfiguration?.Strategy;
      if (!NATIVE.has(strategy)) continue;
      const pairs = (asArray(service.resource.Properties?.LoadBalancers) as any[])
        .filter((lb) => lb.AdvancedConfiguration)
        .map((lb) => [lb.TargetGroupArn, lb.AdvancedConfiguration.AlternateTargetGroupArn].map((t) => resolveResource(input.deployment, service.stack, t)))
        .filter((pair): pair is [Located, Located] => pair.every((t) => t !== undefined));
      if (pairs.length === 0) continue;
      const alarmNames = new Set(asArray(service.resource.Properties?.DeploymentConfiguration?.Alarms?.AlarmNames));
      const watchers = [
        ...resourcesOf(input.deployment, 'AWS::CloudWatch::Alarm').filter((a) => a.region === service.region && alarmNames.has(a.resource.Properties?.AlarmName)),
        ...resourcesOf(input.deployment, 'AWS::ApplicationAutoScaling::ScalingPolicy').filter((p) => p.stack === service.stack),
      ];
      for (const watcher of watchers) {
        const read = new Set(referencedResources(input.deployment, watcher.stack, watcher.resource.Properties).map(key));
        for (const [primary, alternate] of pairs) {
          const readsPrimary = read.has(key(primary));
          const readsAlternate = read.has(key(alternate));
          if (readsPrimary !== readsAlternate) {
            violations.push({
              stack: watcher.stack,
              logicalId: watcher.logicalId,
              message: `${watcher.resource.Type === 'AWS::CloudWatch::Alarm' ? 'deployment alarm' : 'scaling policy'} of ${service.stack} ${service.logicalId} (${strategy}) reads only the ${readsPrimary ? 'primary' : 'alternate'} target group: after the next deployment it watches the idle one`,
            });
          }
        }
      }
    }
    return violations;
  },
};
