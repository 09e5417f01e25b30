import { GateRule, Violation } from '../../rule';
import { flatten, resolveResource, resourcesOf } from '../../template';
import { failoverChecks } from './failover-checks';

/**
 * A health check on a CloudWatch alarm follows the alarm's state: with
 * TreatMissingData notBreaching (or ignore), a region that goes dark
 * emits nothing and its alarm stays OK, so it reads healthy.
 */
export const FailoverAlarmTreatsMissingAsUnhealthy: GateRule = {
  id: 'FailoverAlarmTreatsMissingAsUnhealthy',
  summary: "A failover record's health check reads a region that emits nothing as unhealthy: its alarm treats missing data as breaching (or as missing, with insufficient data read as unhealthy).",
  documentation:
    'Amazon Route 53, "Monitoring a CloudWatch alarm" (health checks on alarm state) https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html#health-checks-creating-values-cloudwatch; Amazon CloudWatch, "Configuring how CloudWatch alarms treat missing data" https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data',
  fix: 'fail over on a signal that is always emitted (e.g. a per-region synthetic check of the origin) with TreatMissingData breaching, and InsufficientDataHealthStatus Unhealthy',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const { failover, recordName, check, config } of failoverChecks(input.deployment, 'CLOUDWATCH_METRIC')) {
      if (config.InsufficientDataHealthStatus !== 'Unhealthy') {
        violations.push({
          stack: check.stack,
          logicalId: check.logicalId,
          message: `the health check of ${failover} record ${recordName} reads an alarm without data as ${config.InsufficientDataHealthStatus ?? 'LastKnownStatus'}, not Unhealthy`,
        });
      }
      const name = config.AlarmIdentifier?.Name;
      const alarm =
        resolveResource(input.deployment, check.stack, name) ??
        resourcesOf(input.deployment, 'AWS::CloudWatch::Alarm').find((a) => a.resource.Properties?.AlarmName === flatten(name) && a.region === config.AlarmIdentifier?.Region);
      const treat = alarm?.resource.Properties?.TreatMissingData ?? 'missing';
      // breaching reads silence as ALARM; missing lets the alarm go to INSUFFICIENT_DATA, which the check reads as Unhealthy.
      const silenceIsUnhealthy = treat === 'breaching' || (treat === 'missing' && config.InsufficientDataHealthStatus === 'Unhealthy');
      if (alarm && !silenceIsUnhealthy) {
        violations.push({
          stack: alarm.stack,
          logicalId: alarm.logicalId,
          message: `${failover} record ${recordName} fails over on this alarm, which treats missing data as ${treat}: a region that goes dark emits nothing and reads healthy`,
        });
      }
    }
    return violations;
  },
};
