import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { synthesize } from './support/blueprint';

// GIVEN phase 3 in prod (primary us-east-1, standby us-west-2), synthesized once
const s = synthesize({ phase: 'phase3', stage: 'prod' });
const primaryRegion = s.config.env.region;
const standbyRegion = s.config.standby!.region;
const standbyStacks = s.app.node.children.filter((c): c is Stack => c instanceof Stack && c.stackName.startsWith('blueprint-prod-standby-'));
const recovery = s.stack('standby-recovery');

describe('standby credentials', () => {
  const taskDefinitions = standbyStacks.flatMap((stack) => Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition')));

  test('THEN no standby task definition reads a secret of the primary region, or anything resolved from it', () => {
    expect(taskDefinitions.length).toBeGreaterThanOrEqual(2);
    const secrets = taskDefinitions.flatMap((t) => t.Properties.ContainerDefinitions.flatMap((c: { Secrets?: unknown[] }) => c.Secrets ?? []));
    expect(secrets.map((x: { Name: string }) => x.Name)).toEqual(expect.arrayContaining(['DB_USERNAME', 'DB_PASSWORD']));
    for (const secret of secrets) {
      const valueFrom = JSON.stringify((secret as { ValueFrom: unknown }).ValueFrom);
      expect(valueFrom).not.toContain(primaryRegion);
      expect(valueFrom).not.toMatch(/"StackName":"blueprint-prod-(data|app|edge)"/);
    }
  });

  test('THEN the standby data stack keeps the replica secret\'s ARN in its own region, read once from the primary at deploy', () => {
    const data = s.stack('standby-data');
    data.hasResourceProperties('AWS::SSM::Parameter', {
      Value: { 'Fn::GetStackOutput': { StackName: 'blueprint-prod-data', Region: primaryRegion, OutputName: 'DatabaseSecretStandbyReplicaArn' } },
    });
    // The primary names the replica: its own secret's ARN with the standby region.
    s.data.hasOutput('DatabaseSecretStandbyReplicaArn', {
      Value: { 'Fn::Join': [':', [`arn:aws:secretsmanager:${standbyRegion}:111111111111:secret`, { 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: Match.stringLikeRegexp('^DatabaseInstanceSecretAttachment') }] }] }]] },
    });
  });

  test('THEN the primary\'s master secret is replicated to the standby region under the recovery key, named by its alias', () => {
    s.data.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"dbadmin"}' }),
      ReplicaRegions: [{ Region: standbyRegion, KmsKeyId: `arn:aws:kms:${standbyRegion}:111111111111:alias/blueprint-prod-recovery` }],
    });
    recovery.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
    recovery.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/blueprint-prod-recovery', TargetKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecoveryKey'), 'Arn'] } });
  });

  test('THEN the primary region\'s stacks read nothing from the standby region, even to deploy', () => {
    const primaryStacks = [s.blueprint.data, s.blueprint.app, ...s.blueprint.services.values(), ...s.blueprint.workers.values()];
    const read = new RegExp(`"Fn::GetStackOutput":\\{[^}]*"Region":"${standbyRegion}"`);
    const readsStandby = primaryStacks.filter((stack) => read.test(JSON.stringify(Template.fromStack(stack).toJSON())));
    expect(readsStandby.map((stack) => stack.stackName)).toEqual([]);
  });

  test('THEN standby tasks may decrypt only through Secrets Manager in the standby region', () => {
    for (const stack of standbyStacks) {
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
      for (const p of Object.values(policies)) {
        for (const st of p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: Record<string, Record<string, unknown>> }[]) {
          if (![st.Action].flat().includes('kms:Decrypt')) continue;
          const via = JSON.stringify(st.Condition?.StringEquals?.['kms:ViaService'] ?? '');
          expect(via).not.toContain(primaryRegion);
        }
      }
    }
  });
});

describe('backup copies to the standby region', () => {
  test('THEN the copy vault lives in the recovery stack, deployed before the primary\'s data stack', () => {
    recovery.hasResource('AWS::Backup::BackupVault', {
      Properties: { BackupVaultName: 'blueprint-prod-standby-backups', EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecoveryKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    expect(s.blueprint.data.dependencies.map((d) => d.stackName)).toContain('blueprint-prod-standby-recovery');
    expect(s.blueprint.recovery!.dependencies).toEqual([]);
    s.stack('standby-data').resourceCountIs('AWS::Backup::BackupVault', 0);
    expect(s.blueprint.recovery!.terminationProtection).toBe(true);
  });

  test('THEN the daily rule copies into that vault, and the backup role may use its key for AWS services only', () => {
    s.data.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            CopyActions: [
              {
                DestinationBackupVaultArn: `arn:aws:backup:${standbyRegion}:111111111111:backup-vault:blueprint-prod-standby-backups`,
                Lifecycle: { DeleteAfterDays: s.config.database.backupPlanRetentionDays },
              },
            ],
          }),
        ],
      },
    });
    const keys = `arn:aws:kms:${standbyRegion}:111111111111:key/*`;
    const alias = { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/blueprint-prod-recovery' } };
    s.data.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^BackupPlanDatabaseRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'kms:DescribeKey', Resource: keys, Condition: alias }),
          Match.objectLike({ Action: 'kms:CreateGrant', Resource: keys, Condition: { ...alias, Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
        ]),
      },
    });
  });
});

describe('the recovery key', () => {
  test('THEN Secrets Manager may encrypt the secret\'s replica with it for this account\'s principals, and nothing else may through that statement', () => {
    recovery.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'SecretsManagerReplicatesTheDatabaseSecret',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            // Data-key use only: never key administration or grants.
            Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
            Resource: '*',
            Condition: {
              StringEquals: {
                'kms:CallerAccount': '111111111111',
                'kms:ViaService': [`secretsmanager.${standbyRegion}.amazonaws.com`, `secretsmanager.${primaryRegion}.amazonaws.com`],
              },
            },
          }),
        ]),
      },
    });
  });
});
