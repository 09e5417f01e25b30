import { Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
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

/**
 * The Control Tower log-group rules every retained, encrypted log group of
 * the kit meets or departs from the same way: retention comes from
 * configuration (30 days by default, not the control's year), and a key
 * from another stack arrives as a cross-stack reference, which the Guard rule
 * cannot resolve to a key (acknowledged only then, so it never goes stale).
 */
export function acknowledgeLogGroup(group: logs.ILogGroup, key: kms.IKey): void {
  acknowledge(
    group,
    'Logs are kept for protection.logRetentionDays (30 by default, as docs/architecture.md §8 specifies), not the control\'s one year; raise that setting to 365 where an auditor requires it.',
    controlTower('cloudwatch_log_group_retention_period_check'),
  );
  if (Stack.of(key) !== Stack.of(group)) {
    acknowledge(
      group,
      'Encrypted with the deployment\'s data key (tested); the key ARN reaches this stack as a cross-stack reference (Fn::ImportValue, or Fn::GetStackOutput from another region), which the Guard rule cannot resolve to a key.',
      controlTower('cloudwatch_log_group_encrypted_check'),
    );
  }
}
