import { GateRule, Violation } from '../../rule';
import { asArray, grantsAction, PolicyStatement, resolveResource, statementsOf } from '../../template';
import { ecsSchedules, roleStatements } from './scheduler-role';

const KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/** Whether a key policy statement lets the account's IAM policies grant the key's use (the `:root` principal). */
function delegatesToIam(s: PolicyStatement): boolean {
  const principal = s.Principal as { AWS?: unknown } | undefined;
  return asArray(principal?.AWS).some((p) => JSON.stringify(p).includes(':root')) && KEY_ACTIONS.every((a) => grantsAction(s, a));
}

/**
 * EventBridge Scheduler sends a failed start to the dead-letter queue as
 * the schedule's execution role. For a queue encrypted with a customer
 * managed key the role needs sqs:SendMessage on the queue and
 * kms:GenerateDataKey and kms:Decrypt on the key, and the key policy must
 * let it have them; otherwise the dead-letter event is lost
 * (InvocationsFailedToBeSentToDeadLetterCount).
 */
export const DeadLetterKeyAllowsScheduler: GateRule = {
  id: 'DeadLetterKeyAllowsScheduler',
  summary:
    "A schedule's dead-letter queue accepts its execution role: sqs:SendMessage on the queue, and for a KMS-encrypted queue kms:GenerateDataKey and kms:Decrypt on a key whose policy delegates to IAM or names the role.",
  documentation:
    'EventBridge Scheduler User Guide, "Configuring a dead-letter queue for EventBridge Scheduler" https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html; Amazon SQS Developer Guide, "Key management" https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html',
  fix: "grant the scheduler role sqs:SendMessage on the dead-letter queue and kms:GenerateDataKey and kms:Decrypt on its key, and keep the key policy's statement for the account root (or name the role in it)",
  evaluate(input) {
    const violations: Violation[] = [];
    for (const { schedule, role } of ecsSchedules(input.deployment)) {
      const dlqArn = schedule.resource.Properties?.Target?.DeadLetterConfig?.Arn;
      if (dlqArn === undefined || !role) continue;
      const at = { stack: schedule.stack, logicalId: schedule.logicalId };
      const queue = resolveResource(input.deployment, schedule.stack, dlqArn);
      if (queue?.resource.Type !== 'AWS::SQS::Queue') continue;
      const statements = roleStatements(input.deployment, role);
      const onQueue = (s: PolicyStatement) => asArray(s.Resource).some((r) => r === '*' || resolveResource(input.deployment, (s as { stack?: string }).stack ?? role.stack, r)?.logicalId === queue.logicalId);
      if (!statements.some((s) => grantsAction(s, 'sqs:SendMessage') && onQueue(s))) {
        violations.push({ ...at, message: `the scheduler role may not send to its dead-letter queue ${queue.stack} ${queue.logicalId}: failed starts are lost` });
      }
      const keyRef = queue.resource.Properties?.KmsMasterKeyId;
      if (keyRef === undefined) continue;
      const key = resolveResource(input.deployment, queue.stack, keyRef);
      if (key?.resource.Type !== 'AWS::KMS::Key') continue;
      const onKey = (s: PolicyStatement) =>
        asArray(s.Resource).some((r) => r === '*' || resolveResource(input.deployment, (s as { stack?: string }).stack ?? role.stack, r)?.logicalId === key.logicalId || JSON.stringify(r).includes(key.logicalId));
      const missing = KEY_ACTIONS.filter((a) => !statements.some((s) => grantsAction(s, a) && onKey(s)));
      const keyPolicy = statementsOf(key.resource.Properties?.KeyPolicy).filter((s) => s.Effect === 'Allow');
      const namesRole = keyPolicy.some((s) => JSON.stringify(s.Principal ?? {}).includes(role.logicalId) && KEY_ACTIONS.every((a) => grantsAction(s, a)));
      if (!namesRole && missing.length > 0) {
        violations.push({ ...at, message: `the scheduler role may not use the dead-letter queue's key ${key.stack} ${key.logicalId} (${missing.join(', ')}): failed starts are lost` });
      } else if (!namesRole && !keyPolicy.some(delegatesToIam)) {
        violations.push({ ...at, message: `the key policy of ${key.stack} ${key.logicalId} neither delegates to IAM (the account root) nor names the scheduler role: failed starts are lost` });
      }
    }
    return violations;
  },
};
