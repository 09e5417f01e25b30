import { GateRule, Violation } from '../../rule';
import { grantsAction, hasServicePrincipal, resolveResource, statementsOf } from '../../template';
import { alarmTopics } from '../alarm-targets';

/** CloudWatch publishes to an encrypted topic only when the key lets it use the key. */
export const AlarmTopicKeyAllowsCloudWatch: GateRule = {
  id: 'AlarmTopicKeyAllowsCloudWatch',
  summary: 'A topic that alarms notify is encrypted with a customer managed key whose policy lets cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*.',
  documentation:
    'Amazon SNS, "Configuring AWS KMS permissions for AWS services" https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services',
  fix: 'encrypt the topic with a customer managed key (not alias/aws/sns) whose key policy allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const { topic, alarm } of alarmTopics(input)) {
      const keyRef = topic.resource.Properties?.KmsMasterKeyId;
      if (keyRef === undefined) continue;
      if (typeof keyRef === 'string' && keyRef.endsWith('alias/aws/sns')) {
        violations.push({
          stack: topic.stack,
          logicalId: topic.logicalId,
          message: `the topic is encrypted with the AWS managed key alias/aws/sns, whose policy cannot allow CloudWatch: alarm ${alarm.stack} ${alarm.logicalId} cannot publish to it`,
        });
        continue;
      }
      const key = resolveResource(input.deployment, topic.stack, keyRef);
      if (key?.resource.Type !== 'AWS::KMS::Key') continue;
      const statements = statementsOf(key.resource.Properties?.KeyPolicy).filter(
        (s) => s.Effect === 'Allow' && hasServicePrincipal(s, 'cloudwatch.amazonaws.com'),
      );
      const missing = ['kms:Decrypt', 'kms:GenerateDataKey'].filter((a) => !statements.some((s) => grantsAction(s, a)));
      if (missing.length > 0) {
        violations.push({
          stack: key.stack,
          logicalId: key.logicalId,
          message: `topic ${topic.stack} ${topic.logicalId} is encrypted with this key, but the key policy does not allow cloudwatch.amazonaws.com ${missing.join(', ')}: alarm ${alarm.stack} ${alarm.logicalId} cannot publish`,
        });
      }
    }
    return violations;
  },
};
