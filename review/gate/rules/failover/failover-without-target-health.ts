import { GateRule, Violation } from '../../rule';
import { resourcesOf } from '../../template';

/**
 * With EvaluateTargetHealth on an alias to a load balancer, Route 53 reads
 * the load balancer as unhealthy when any of its target groups has no
 * healthy target: one service fails the whole region over.
 */
export const FailoverWithoutTargetHealth: GateRule = {
  id: 'FailoverWithoutTargetHealth',
  summary: 'A failover record does not evaluate its alias target\'s health: the region fails over on its own health check only.',
  documentation:
    'Amazon Route 53, "Evaluate target health" for alias records to Elastic Load Balancing https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-alias.html#rrsets-values-alias-evaluate-target-health',
  fix: 'set EvaluateTargetHealth to false and attach a health check on a deployment-wide signal that is always emitted and reads unhealthy when missing',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const r of resourcesOf(input.deployment, 'AWS::Route53::RecordSet')) {
      const p = r.resource.Properties ?? {};
      if (p.Failover !== undefined && p.AliasTarget?.EvaluateTargetHealth === true) {
        violations.push({
          stack: r.stack,
          logicalId: r.logicalId,
          message: `${p.Failover} failover record ${p.Name} evaluates the alias target's health: one service whose targets are all unhealthy sends the whole region to the other`,
        });
      }
    }
    return violations;
  },
};
