import { GateRule, Violation } from '../../rule';
import { asArray, conditionKeys, grantsAction, hasServicePrincipal, Located, resolveResource, resourcesOf, statementsOf } from '../../template';

const KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/** Whether a resource reference points at `target`. */
function pointsAt(input: { deployment: Parameters<typeof resolveResource>[0] }, stack: string, ref: unknown, target: Located): boolean {
  const r = resolveResource(input.deployment, stack, ref);
  return r?.stack === target.stack && r.logicalId === target.logicalId;
}

/**
 * EventBridge delivers to an SQS target as events.amazonaws.com, allowed by
 * the queue's policy alone (a rule has no role for SQS); a queue encrypted
 * with a KMS key also needs the key policy to let events.amazonaws.com
 * generate data keys and decrypt, and the AWS managed key alias/aws/sqs can
 * never allow it. Otherwise every matched event is dropped
 * (FailedInvocations) and whatever watches the queue stays quiet.
 */
export const RuleQueueAdmitsEventBridge: GateRule = {
  id: 'RuleQueueAdmitsEventBridge',
  summary:
    "An SQS queue an EventBridge rule targets allows events.amazonaws.com sqs:SendMessage in its queue policy, scoped by aws:SourceArn or aws:SourceAccount; if it is KMS-encrypted, the key is customer managed and its policy allows events.amazonaws.com kms:GenerateDataKey and kms:Decrypt.",
  documentation:
    'EventBridge User Guide, "Using resource-based policies for Amazon EventBridge" (Amazon SQS permissions) https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions; "Troubleshooting Amazon EventBridge" (rule triggered but the SQS queue receives nothing; encrypted queues) https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html',
  fix: 'add to the queue policy an Allow of sqs:SendMessage for events.amazonaws.com with aws:SourceArn = the rule\'s ARN (aws-events-targets SqsQueue does), and use SQS-managed encryption or a customer managed key whose policy allows events.amazonaws.com',
  evaluate(input) {
    const violations: Violation[] = [];
    const policies = resourcesOf(input.deployment, 'AWS::SQS::QueuePolicy');
    for (const rule of resourcesOf(input.deployment, 'AWS::Events::Rule')) {
      for (const target of asArray(rule.resource.Properties?.Targets) as Array<{ Arn?: unknown }>) {
        const queue = resolveResource(input.deployment, rule.stack, target.Arn);
        if (queue?.resource.Type !== 'AWS::SQS::Queue') continue;
        const at = { stack: rule.stack, logicalId: rule.logicalId };
        const statements = policies
          .filter((p) => asArray(p.resource.Properties?.Queues).some((q) => pointsAt(input, p.stack, q, queue)))
          .flatMap((p) => statementsOf(p.resource.Properties?.PolicyDocument));
        const allow = statements.find((s) => s.Effect === 'Allow' && hasServicePrincipal(s, 'events.amazonaws.com') && grantsAction(s, 'sqs:SendMessage'));
        if (!allow) {
          violations.push({ ...at, message: `the policy of queue ${queue.stack} ${queue.logicalId} does not let events.amazonaws.com send to it: every event the rule matches is dropped` });
        } else if (!conditionKeys(allow).some((k) => k === 'aws:sourcearn' || k === 'aws:sourceaccount')) {
          violations.push({ ...at, message: `the policy of queue ${queue.stack} ${queue.logicalId} lets events.amazonaws.com send without aws:SourceArn or aws:SourceAccount: any account's rules could (confused deputy)` });
        }
        const keyRef = queue.resource.Properties?.KmsMasterKeyId;
        if (keyRef === undefined) continue;
        if (typeof keyRef === 'string' && keyRef.includes('alias/aws/sqs')) {
          violations.push({ ...at, message: `queue ${queue.stack} ${queue.logicalId} is encrypted with the AWS managed key alias/aws/sqs, whose policy EventBridge may not use: every event is dropped` });
          continue;
        }
        const key = resolveResource(input.deployment, queue.stack, keyRef);
        if (key?.resource.Type !== 'AWS::KMS::Key') continue;
        const keyPolicy = statementsOf(key.resource.Properties?.KeyPolicy).filter((s) => s.Effect === 'Allow' && hasServicePrincipal(s, 'events.amazonaws.com'));
        const missing = KEY_ACTIONS.filter((a) => !keyPolicy.some((s) => grantsAction(s, a)));
        if (missing.length > 0) {
          violations.push({ ...at, message: `the policy of key ${key.stack} ${key.logicalId}, which encrypts queue ${queue.logicalId}, does not allow events.amazonaws.com ${missing.join(', ')}: every event is dropped` });
        }
      }
    }
    return violations;
  },
};
