import { GateRule, Violation } from '../../rule';
import { conditionKeys, grantsAction, hasServicePrincipal, resolveResource, resourcesOf, statementsOf } from '../../template';

const ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:GenerateDataKey', 'kms:DescribeKey'];

/** CloudWatch Logs uses a log group's key as logs.<region>.amazonaws.com, and only a key in the log group's region. */
export const LogGroupKeyAllowsLogs: GateRule = {
  id: 'LogGroupKeyAllowsLogs',
  summary: "A log group's KMS key is in the log group's region and its policy allows logs.<region>.amazonaws.com, conditioned on the kms:EncryptionContext:aws:logs:arn context.",
  documentation:
    'Amazon CloudWatch Logs, "Encrypt log data in CloudWatch Logs using AWS Key Management Service" https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
  fix: 'give the key policy an Allow for the service principal logs.<region>.amazonaws.com (kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*) with an ArnLike condition on kms:EncryptionContext:aws:logs:arn, and use a key of the same region',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const group of resourcesOf(input.deployment, 'AWS::Logs::LogGroup')) {
      const keyRef = group.resource.Properties?.KmsKeyId;
      if (keyRef === undefined) continue;
      const key = resolveResource(input.deployment, group.stack, keyRef);
      if (key?.resource.Type !== 'AWS::KMS::Key') continue;
      if (key.region !== group.region) {
        violations.push({
          stack: group.stack,
          logicalId: group.logicalId,
          message: `the log group in ${group.region} is encrypted with key ${key.stack} ${key.logicalId} in ${key.region}; CloudWatch Logs needs a key in the log group's region`,
        });
        continue;
      }
      const service = `logs.${group.region}.amazonaws.com`;
      const statements = statementsOf(key.resource.Properties?.KeyPolicy).filter((s) => s.Effect === 'Allow' && hasServicePrincipal(s, service));
      const missing = ACTIONS.filter((a) => !statements.some((s) => grantsAction(s, a)));
      if (missing.length > 0) {
        violations.push({
          stack: key.stack,
          logicalId: key.logicalId,
          message: `log group ${group.stack} ${group.logicalId} is encrypted with this key, but the key policy does not allow ${service} ${missing.join(', ')}: the log group cannot be created or written`,
        });
      } else if (!statements.some((s) => conditionKeys(s).includes('kms:encryptioncontext:aws:logs:arn'))) {
        violations.push({
          stack: key.stack,
          logicalId: key.logicalId,
          message: `the key policy lets ${service} use the key for any log group of any account: condition it on kms:EncryptionContext:aws:logs:arn`,
        });
      }
    }
    return violations;
  },
};
