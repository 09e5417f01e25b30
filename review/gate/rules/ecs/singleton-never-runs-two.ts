import { GateRule, Violation } from '../../rule';
import { asArray, resolveResource, resourcesOf } from '../../template';

/** The tag the kit puts on a service that must never run two tasks. */
export const SINGLETON_TAG = { Key: 'blueprint:singleton', Value: 'true' } as const;

/**
 * A rolling ECS deployment may run up to maximumPercent of the desired
 * count and keep minimumHealthyPercent of it: with one task, maximumPercent
 * 100 and minimumHealthyPercent 0 stop the old task before the new one
 * starts, and any autoscaling would start a second.
 */
export const SingletonNeverRunsTwo: GateRule = {
  id: 'SingletonNeverRunsTwo',
  summary: 'A service tagged blueprint:singleton runs one task, deploys with maximumPercent 100 and minimumHealthyPercent 0, and has no scalable target.',
  documentation:
    'Amazon ECS Developer Guide, "Deploy Amazon ECS services by replacing tasks" (minimumHealthyPercent, maximumPercent) https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html',
  fix: 'give the singleton DesiredCount 1, DeploymentConfiguration MaximumPercent 100 and MinimumHealthyPercent 0, and no Application Auto Scaling target',
  evaluate(input) {
    const violations: Violation[] = [];
    const targets = resourcesOf(input.deployment, 'AWS::ApplicationAutoScaling::ScalableTarget');
    for (const service of resourcesOf(input.deployment, 'AWS::ECS::Service')) {
      const p = service.resource.Properties ?? {};
      if (!asArray(p.Tags).some((t: any) => t?.Key === SINGLETON_TAG.Key && t?.Value === SINGLETON_TAG.Value)) continue;
      const at = { stack: service.stack, logicalId: service.logicalId };
      // In a standby region a singleton waits with 0 tasks.
      if (p.DesiredCount !== 1 && p.DesiredCount !== 0) violations.push({ ...at, message: `DesiredCount is ${String(p.DesiredCount)}; a singleton runs one task` });
      const max = p.DeploymentConfiguration?.MaximumPercent ?? 200;
      const min = p.DeploymentConfiguration?.MinimumHealthyPercent ?? 100;
      if (max > 100) violations.push({ ...at, message: `MaximumPercent ${max} starts the new task beside the old one: two run at once during a deployment` });
      if (min !== 0) violations.push({ ...at, message: `MinimumHealthyPercent ${min} with MaximumPercent ${max} keeps the old task until the new one runs: the deployment cannot proceed without running two` });
      const scaled = targets.some((t) => {
        const id = t.resource.Properties?.ResourceId;
        // A logical id names a resource of its own stack only.
        if (t.stack === service.stack && JSON.stringify(id ?? '').includes(`"${service.logicalId}"`)) return true;
        const target = resolveResource(input.deployment, t.stack, id);
        return target?.stack === service.stack && target.logicalId === service.logicalId;
      });
      if (scaled) violations.push({ ...at, message: 'an Application Auto Scaling target can start a second task' });
    }
    return violations;
  },
};
