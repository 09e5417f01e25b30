import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges the same finding under each rule pack's own id (AwsSolutions,
 * NIST 800-53 rev 5, HIPAA Security, PCI DSS 3.2.1 name one check
 * differently), with one reason, on the construct the finding concerns.
 */
export function acknowledge(scope: IConstruct, reason: string, ...ruleIds: string[]): void {
  Validations.of(scope).acknowledge(...ruleIds.map((id) => ({ id, reason })));
}

const COMPLIANCE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'] as const;

/**
 * The compliance packs' ids for one rule, e.g. `RDSMultiAZSupport`, less the
 * packs named in `except` that do not have the rule (acknowledging a rule a
 * pack never reports would be a stale acknowledgement).
 */
export function inCompliancePacks(rule: string, ...except: (typeof COMPLIANCE_PACKS)[number][]): string[] {
  return COMPLIANCE_PACKS.filter((pack) => !except.includes(pack)).map((pack) => `${pack}-${rule}`);
}

/** The id under which AWS Control Tower proactive controls (cdk-validator-cfnguard) report a rule. */
export function controlTower(rule: string): string {
  return `cdk-validator-cfnguard::${rule}`;
}

/** One reason for every wildcard-resource statement a task role may carry, so the acknowledgements agree. */
export const TASK_ROLE_WILDCARDS =
  'The only wildcard-resource statements on this task role are for actions that support no resource-level permissions: X-Ray trace submission (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) and, where ECS Exec is on, the Session Manager channel actions (ssmmessages:*Channel).';
