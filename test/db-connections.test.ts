import { Match } from 'aws-cdk-lib/assertions';
import { APP_SECRET_REPLICA_OUTPUT, LOGIN_SETUP_OUTPUT, STANDBY_APP_SECRET_OUTPUT } from '../lib/data-stack';
import { synthesize } from './support/blueprint';

// GIVEN phase 3 in prod (five read replicas, a standby region) with an application login, the same with the
// default (no login), and phase 1 in dev (no replica), each synthesized once
const s = synthesize({ phase: 'phase3', stage: 'prod', settings: { database: { applicationLogin: 'app' } } });
const plain = synthesize({ phase: 'phase3', stage: 'prod' });
const small = synthesize({ phase: 'phase1', stage: 'dev' });

type Container = { Environment: { Name: string; Value: unknown }[]; Secrets: { Name: string; ValueFrom: unknown }[] };
function webContainer(template: typeof s.web): Container {
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  return task!.Properties.ContainerDefinitions[0];
}
const env = (c: Container, name: string): unknown => c.Environment.find((e) => e.Name === name)?.Value;
const secretFrom = (c: Container, name: string): string => JSON.stringify(c.Secrets.find((e) => e.Name === name)?.ValueFrom);

describe('GIVEN database.applicationLogin "app": surviving a password rotation (ADR 0027)', () => {
  const web = webContainer(s.web);

  test('THEN tasks log in as the application login, never as the master user', () => {
    for (const name of ['DB_USERNAME', 'DB_PASSWORD', 'PGUSER', 'PGPASSWORD']) {
      expect(secretFrom(web, name)).toMatch(/ExportsOutputRefApplicationLoginSecretAttachment/);
      expect(secretFrom(web, name)).not.toMatch(/DatabaseInstanceSecretAttachment/);
    }
  });

  test('THEN on rotation the function sets a new password on the other login with the master secret, so a task\'s login stays valid one more period', () => {
    s.data.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: Match.stringLikeRegexp('^ApplicationLoginSecretAttachment') },
      HostedRotationLambda: Match.objectLike({
        RotationType: 'PostgreSQLMultiUser',
        MasterSecretArn: { Ref: Match.stringLikeRegexp('^DatabaseInstanceSecretAttachment') },
        MasterSecretKmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
      }),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: false,
    });
    // The master secret rotates on its own schedule, single-user: only the setup task and the function use it.
    s.data.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: Match.stringLikeRegexp('^DatabaseInstanceSecretAttachment') },
      HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLSingleUser' }),
    });
    expect(Object.keys(s.data.findResources('AWS::SecretsManager::RotationSchedule'))).toHaveLength(2);
  });

  test('THEN the login secret is replicated to the standby region, whose tasks read that replica through a parameter of their own region', () => {
    const standbyRegion = s.config.standby!.region;
    s.data.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"username":"app"')])] } }),
      ReplicaRegions: [{ Region: standbyRegion, KmsKeyId: `arn:aws:kms:${standbyRegion}:111111111111:alias/blueprint-prod-recovery` }],
    });
    s.data.hasOutput(APP_SECRET_REPLICA_OUTPUT, {
      Value: { 'Fn::Join': [':', [`arn:aws:secretsmanager:${standbyRegion}:111111111111:secret`, { 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: Match.stringLikeRegexp('^ApplicationLoginSecretAttachment') }] }] }]] },
    });
    s.stack('standby-data').hasResourceProperties('AWS::SSM::Parameter', {
      Value: { 'Fn::GetStackOutput': { StackName: 'blueprint-prod-data', Region: s.config.env.region, OutputName: APP_SECRET_REPLICA_OUTPUT } },
    });
    const standbyWeb = webContainer(s.stack('standby-service-web'));
    expect(secretFrom(standbyWeb, 'DB_PASSWORD')).toMatch(/DatabaseAppSecretArn/);
    s.stack('standby-data').hasOutput(STANDBY_APP_SECRET_OUTPUT, { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseAppSecretArn'), 'Value'] } });
    // The standby creates no login of its own: its database and its logins are the primary's.
    s.stack('standby-data').resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    s.stack('standby-data').resourceCountIs('AWS::ECS::TaskDefinition', 0);
  });

  test('THEN the data stack outputs the command that creates the logins and waits for its exit code', () => {
    const command = JSON.stringify(s.data.toJSON().Outputs[LOGIN_SETUP_OUTPUT].Value);
    expect(command).toMatch(/--stack-name blueprint-prod-app --query \\"StackResources\[\?ResourceType=='AWS::ECS::Cluster'\]/);
    expect(command).toMatch(/aws ecs run-task --cluster \$CLUSTER /);
    expect(command).toMatch(/ApplicationLoginSetupTask/);
    expect(command).toMatch(/aws ecs wait tasks-stopped/);
    expect(command).toMatch(/assignPublicIp=DISABLED/);
  });
});

describe('GIVEN the default, database.applicationLogin null', () => {
  test('THEN tasks read the master secret for every credential variable, in both regions', () => {
    for (const c of [webContainer(plain.web), webContainer(plain.stack('standby-service-web'))]) {
      for (const name of ['DB_USERNAME', 'DB_PASSWORD', 'PGUSER', 'PGPASSWORD']) {
        expect(secretFrom(c, name)).toMatch(/DatabaseInstanceSecretAttachment|DatabaseSecretArn/);
        expect(secretFrom(c, name)).not.toMatch(/ApplicationLogin|DatabaseAppSecret/);
      }
    }
    expect(secretFrom(webContainer(plain.web), 'PGPASSWORD')).toMatch(/DatabaseInstanceSecretAttachment/);
  });

  test('THEN no login, setup task, multi-user rotation, setup command or login secret replica is made', () => {
    const secrets = Object.values(plain.data.findResources('AWS::SecretsManager::Secret'));
    expect(secrets.filter((r) => JSON.stringify(r.Properties.GenerateSecretString ?? {}).includes('"username":"app"'))).toEqual([]);
    expect(Object.keys(plain.data.findResources('AWS::SecretsManager::Secret')).filter((id) => id.startsWith('ApplicationLogin'))).toEqual([]);
    plain.data.resourceCountIs('AWS::ECS::TaskDefinition', 0);
    plain.data.resourcePropertiesCountIs('AWS::SecretsManager::RotationSchedule', { HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLMultiUser' }) }, 0);
    plain.data.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    const outputs = Object.keys(plain.data.toJSON().Outputs ?? {});
    expect(outputs).not.toContain(LOGIN_SETUP_OUTPUT);
    expect(outputs).not.toContain(APP_SECRET_REPLICA_OUTPUT);
    expect(Object.keys(plain.stack('standby-data').toJSON().Outputs ?? {})).not.toContain(STANDBY_APP_SECRET_OUTPUT);
  });

  test('THEN the reader endpoint is on all the same', () => {
    expect(env(webContainer(plain.web), 'DB_READ_HOST')).toBe('db-read.blueprint-prod.internal');
  });
});

describe('one reader host', () => {
  test('THEN DB_READ_HOST is the weighted name over every replica, and DB_READ_HOSTS still lists them', () => {
    const web = webContainer(s.web);
    expect(env(web, 'DB_READ_HOST')).toBe('db-read.blueprint-prod.internal');
    expect(JSON.stringify(env(web, 'DB_READ_HOSTS'))).toMatch(/DatabaseReplica5/);
    const records = Object.values(s.data.findResources('AWS::Route53::RecordSet')).map((r) => r.Properties);
    expect(records).toHaveLength(s.config.database.readReplicas);
    for (const [i, r] of records.entries()) {
      expect(r).toMatchObject({ Name: 'db-read.blueprint-prod.internal.', Type: 'CNAME', Weight: 1, SetIdentifier: `replica-${i + 1}` });
      expect(r.ResourceRecords).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^DatabaseReplica${i + 1}`)), 'Endpoint.Address'] }]);
    }
    s.data.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'blueprint-prod.internal.', VPCs: [Match.objectLike({ VPCRegion: s.config.env.region })] });
  });

  test('GIVEN no replica THEN DB_READ_HOST and DB_READ_HOSTS are the primary, so a rename of either holds in every phase, and no zone is made', () => {
    const web = webContainer(small.web);
    expect(env(web, 'DB_READ_HOST')).toEqual(env(web, 'DB_HOST'));
    expect(env(web, 'DB_READ_HOSTS')).toEqual(env(web, 'DB_HOST'));
    small.data.resourceCountIs('AWS::Route53::HostedZone', 0);
  });
});
