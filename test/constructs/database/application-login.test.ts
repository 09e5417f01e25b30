import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { ApplicationLogin, ApplicationLoginProps } from '../../../constructs';
import { CDK_CONTEXT } from '../../support/blueprint';

/** A stack with a VPC, a key and a PostgreSQL primary whose master secret the login's rotation uses. */
function fixture(extra: Partial<ApplicationLoginProps> = {}): { template: Template; stack: Stack; login: ApplicationLogin } {
  const stack = new Stack(new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false }), 'Db', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1 });
  const key = new kms.Key(stack, 'Key');
  const instance = new rds.DatabaseInstance(stack, 'Instance', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
    vpc,
    credentials: rds.Credentials.fromGeneratedSecret('dbadmin', { encryptionKey: key }),
    databaseName: 'shop',
  });
  const group = new ec2.SecurityGroup(stack, 'DbGroup', { vpc, allowAllOutbound: false });
  const login = new ApplicationLogin(stack, 'Login', {
    instance,
    databaseName: 'shop',
    masterSecret: instance.secret!,
    databaseSecurityGroup: group,
    port: 5432,
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    encryptionKey: key,
    ...extra,
  });
  return { template: Template.fromStack(stack), stack, login };
}

describe('ApplicationLogin', () => {
  const { template, stack } = fixture();
  const masterRef = { Ref: Match.stringLikeRegexp('^InstanceSecretAttachment') };

  test('THEN the login secret names the master secret, which the multi-user rotation function logs in with', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        SecretStringTemplate: { 'Fn::Join': ['', ['{"username":"app","dbname":"shop","masterarn":"', masterRef, '"}']] },
      }),
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
    });
    // Attached: host, port and engine are written into the value, which the function requires.
    template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', {
      SecretId: { Ref: Match.stringLikeRegexp('^LoginSecret') },
      TargetType: 'AWS::RDS::DBInstance',
    });
  });

  test('THEN it rotates with alternating users every 30 days, not at creation, with the master secret and its key', () => {
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: Match.stringLikeRegexp('^LoginSecretAttachment') },
      HostedRotationLambda: Match.objectLike({
        RotationType: 'PostgreSQLMultiUser',
        MasterSecretArn: masterRef,
        MasterSecretKmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      }),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: false,
    });
  });

  test('THEN the secret and its retention survive the stack', () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret', { Properties: { GenerateSecretString: Match.objectLike({ SecretStringTemplate: Match.objectLike({}) }) } });
    expect(Object.values(secrets).map((s) => s.DeletionPolicy)).toEqual(['Retain']);
  });

  test('THEN the rotation function reaches the database port and HTTPS only, and no setup is made here', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { Description: 'Application login rotation', FromPort: 5432, ToPort: 5432 });
    const groups = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Application login') } });
    expect(Object.keys(groups)).toHaveLength(1);
    template.resourceCountIs('AWS::ECS::TaskDefinition', 0);
    for (const g of Object.values(groups)) expect(g.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })]);
    expect(stack.resolve(fixture().login.username)).toBe('app');
  });

  test('GIVEN credential replicas and another period THEN the secret is replicated under the named key and rotates on that period', () => {
    const { template: t } = fixture({ credentialReplicas: [{ region: 'us-west-2', kmsKeyId: 'arn:aws:kms:us-west-2:111111111111:alias/shop-recovery' }], rotateEvery: Duration.days(7), username: 'shop' });
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"username":"shop"')])] }) }),
      ReplicaRegions: [{ Region: 'us-west-2', KmsKeyId: 'arn:aws:kms:us-west-2:111111111111:alias/shop-recovery' }],
    });
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' }, HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLMultiUser' }) });
  });
});
