import { DynamicReferenceQuota, dynamicReferences } from '../../../review/gate/rules/quotas/dynamic-references';
import { deployment, firing, messages } from '../support';

/** `n` secrets whose string each holds one token reference, split around its ARN as aws-cdk-lib writes it. */
function urlSecrets(n: number) {
  return Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `Urls${i}`,
      { Type: 'AWS::SecretsManager::Secret', Properties: { SecretString: { 'Fn::Join': ['', ['{"db0":"rediss://:{{resolve:secretsmanager:', { Ref: 'Token' }, ':SecretString:::}}@host:6379/0"}']] } } },
    ]),
  );
}

describe('DynamicReferenceQuota', () => {
  test('GIVEN a reference split across Fn::Join fragments THEN it counts once', () => {
    expect(dynamicReferences({ Resources: urlSecrets(2) })).toBe(2);
  });
  test('GIVEN 60 references in one template THEN it passes', () => {
    expect(firing(DynamicReferenceQuota, deployment({ data: { resources: urlSecrets(60) } }))).toEqual([]);
  });
  test('GIVEN 61 references in one template THEN it fires on the stack', () => {
    expect(messages(DynamicReferenceQuota, deployment({ data: { resources: urlSecrets(61) } }))).toEqual(['the template holds 61 dynamic references (at most 60): CloudFormation rejects it']);
  });
  test('GIVEN 40 references in each of two stacks THEN it passes: the quota is per template', () => {
    expect(firing(DynamicReferenceQuota, deployment({ data: { resources: urlSecrets(40) }, other: { resources: urlSecrets(40) } }))).toEqual([]);
  });
});
