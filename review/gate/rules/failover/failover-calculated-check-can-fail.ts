import { GateRule, Violation } from '../../rule';
import { failoverChecks } from './failover-checks';

/**
 * A calculated health check with a HealthThreshold of 0 is always healthy:
 * a failover record on it never fails over. (One above its number of
 * children is always unhealthy: how a promoted standby holds the old
 * primary's half, ADR 0029.)
 */
export const FailoverCalculatedCheckCanFail: GateRule = {
  id: 'FailoverCalculatedCheckCanFail',
  summary: 'A failover record on a calculated health check can read unhealthy: its HealthThreshold is above 0.',
  documentation:
    'Amazon Route 53 API, UpdateHealthCheck HealthThreshold ("If you specify 0, Route 53 always considers this health check to be healthy") https://docs.aws.amazon.com/Route53/latest/APIReference/API_UpdateHealthCheck.html#Route53-UpdateHealthCheck-request-HealthThreshold',
  fix: 'set HealthThreshold to the number of child checks that must be healthy (at least 1), or above the number of children to hold the record unhealthy on purpose',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const { failover, recordName, check, config } of failoverChecks(input.deployment, 'CALCULATED')) {
      if (!(Number(config.HealthThreshold ?? 0) > 0)) {
        violations.push({
          stack: check.stack,
          logicalId: check.logicalId,
          message: `${failover} record ${recordName} follows a calculated health check with HealthThreshold ${config.HealthThreshold ?? 'unset'}: Route 53 always reads it healthy, so the record never fails over`,
        });
      }
    }
    return violations;
  },
};
