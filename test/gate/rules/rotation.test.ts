import { MultiUserRotationMasterSecret } from '../../../review/gate/rules/policies/multi-user-rotation-master-secret';
import { deployment, firing, messages } from '../support';

describe('MultiUserRotationMasterSecret', () => {
  function rotation(options: { masterArn?: boolean; masterKey?: boolean; masterarnInValue?: boolean; type?: string }) {
    const { masterArn = true, masterKey = true, masterarnInValue = true, type = 'PostgreSQLMultiUser' } = options;
    return deployment({
      data: {
        resources: {
          Key: { Type: 'AWS::KMS::Key', Properties: {} },
          Master: { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] }, GenerateSecretString: { SecretStringTemplate: '{"username":"dbadmin"}' } } },
          MasterAttachment: { Type: 'AWS::SecretsManager::SecretTargetAttachment', Properties: { SecretId: { Ref: 'Master' } } },
          App: {
            Type: 'AWS::SecretsManager::Secret',
            Properties: {
              GenerateSecretString: {
                SecretStringTemplate: masterarnInValue ? { 'Fn::Join': ['', ['{"username":"app","masterarn":"', { Ref: 'MasterAttachment' }, '"}']] } : '{"username":"app"}',
              },
            },
          },
          AppAttachment: { Type: 'AWS::SecretsManager::SecretTargetAttachment', Properties: { SecretId: { Ref: 'App' } } },
          Rotation: {
            Type: 'AWS::SecretsManager::RotationSchedule',
            Properties: {
              SecretId: { Ref: 'AppAttachment' },
              HostedRotationLambda: {
                RotationType: type,
                ...(masterArn ? { MasterSecretArn: { Ref: 'MasterAttachment' } } : {}),
                ...(masterKey ? { MasterSecretKmsKeyArn: { 'Fn::GetAtt': ['Key', 'Arn'] } } : {}),
              },
            },
          },
        },
      },
    });
  }

  test('GIVEN the master secret, its key and masterarn in the value THEN it passes', () => {
    expect(firing(MultiUserRotationMasterSecret, rotation({}))).toEqual([]);
  });
  test('GIVEN no MasterSecretArn THEN it fires on the schedule', () => {
    expect(firing(MultiUserRotationMasterSecret, rotation({ masterArn: false }))).toEqual(['data Rotation']);
    expect(messages(MultiUserRotationMasterSecret, rotation({ masterArn: false }))).toEqual([expect.stringMatching(/PostgreSQLMultiUser rotation has no MasterSecretArn/)]);
  });
  test('GIVEN a master secret under a customer key and no MasterSecretKmsKeyArn THEN it fires', () => {
    expect(messages(MultiUserRotationMasterSecret, rotation({ masterKey: false }))).toEqual([expect.stringMatching(/master secret Master is encrypted with a customer managed key, but the rotation has no MasterSecretKmsKeyArn/)]);
  });
  test('GIVEN a rotated secret without masterarn THEN it fires', () => {
    expect(messages(MultiUserRotationMasterSecret, rotation({ masterarnInValue: false }))).toEqual([expect.stringMatching(/rotated secret App has no masterarn/)]);
  });
  test('GIVEN a single-user rotation THEN it does not apply', () => {
    expect(firing(MultiUserRotationMasterSecret, rotation({ masterArn: false, masterarnInValue: false, type: 'PostgreSQLSingleUser' }))).toEqual([]);
  });
});
