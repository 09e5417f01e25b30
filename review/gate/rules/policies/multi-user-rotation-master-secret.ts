import { GateRule, Violation } from '../../rule';
import { flatten, Located, resolveResource, resourcesOf } from '../../template';

/** The secret itself behind a reference to it or to its attachment to a database. */
function secretBehind(deployment: Parameters<typeof resolveResource>[0], stack: string, value: unknown): Located | undefined {
  const found = resolveResource(deployment, stack, value);
  if (found?.resource.Type === 'AWS::SecretsManager::SecretTargetAttachment') return resolveResource(deployment, found.stack, found.resource.Properties?.SecretId);
  return found;
}

/**
 * The alternating-users rotation function logs in with the superuser
 * secret named by `masterarn` in the rotated secret's value, and may read
 * and decrypt only what its template was given: `MasterSecretArn`, and
 * `MasterSecretKmsKeyArn` when that secret is encrypted with a customer
 * managed key. Missing any of them, every rotation fails at its setSecret
 * step and the secret stays on its old value.
 */
export const MultiUserRotationMasterSecret: GateRule = {
  id: 'MultiUserRotationMasterSecret',
  summary: "A multi-user (alternating users) hosted rotation names the master secret, and its key when it has one, and the rotated secret's value names the master secret as `masterarn`.",
  documentation:
    'AWS CloudFormation, "AWS::SecretsManager::RotationSchedule HostedRotationLambda" https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-secretsmanager-rotationschedule-hostedrotationlambda.html; AWS Secrets Manager, "JSON structure of AWS Secrets Manager database credentials secrets" https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html',
  fix: 'give the hosted rotation the master secret (HostedRotation.postgreSqlMultiUser({ masterSecret })) and create the rotated secret with rds.DatabaseSecret({ masterSecret })',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const schedule of resourcesOf(input.deployment, 'AWS::SecretsManager::RotationSchedule')) {
      const hosted = schedule.resource.Properties?.HostedRotationLambda;
      if (typeof hosted?.RotationType !== 'string' || !hosted.RotationType.endsWith('MultiUser')) continue;
      const at = { stack: schedule.stack, logicalId: schedule.logicalId };
      if (hosted.MasterSecretArn === undefined) {
        violations.push({ ...at, message: `${hosted.RotationType} rotation has no MasterSecretArn: the function may not read the secret it logs in with, and every rotation fails` });
        continue;
      }
      const master = secretBehind(input.deployment, schedule.stack, hosted.MasterSecretArn);
      if (master?.resource.Properties?.KmsKeyId !== undefined && hosted.MasterSecretKmsKeyArn === undefined) {
        violations.push({ ...at, message: `the master secret ${master.logicalId} is encrypted with a customer managed key, but the rotation has no MasterSecretKmsKeyArn: the function cannot decrypt it` });
      }
      const rotated = secretBehind(input.deployment, schedule.stack, schedule.resource.Properties?.SecretId);
      const generated = rotated?.resource.Properties?.GenerateSecretString;
      if (generated !== undefined && !flatten(generated.SecretStringTemplate).includes('"masterarn"')) {
        violations.push({ ...at, message: `the rotated secret ${rotated!.logicalId} has no masterarn in its value: the function cannot find the master secret` });
      }
    }
    return violations;
  },
};
