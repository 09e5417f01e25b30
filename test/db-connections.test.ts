import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DEPLOY_TASK_RUN_TYPE } from '../constructs';
import { APP_SECRET_REPLICA_OUTPUT, STANDBY_APP_SECRET_OUTPUT } from '../lib/data-stack';
import { synthesize, Synthesized } from './support/blueprint';

// GIVEN phase 3 in prod (five read replicas, a standby region, a worker) with the default application login,
// phase 2 with a migration and a schedule, the same phase 3 with the explicit opt-out (null), and phase 1 in dev
// (no replica), each synthesized once
const s = synthesize({ phase: 'phase3', stage: 'prod' });
const withJobs = synthesize({
  phase: 'phase2',
  stage: 'dev',
  settings: {
    services: [{ name: 'web', migrationCommand: ['./migrate'] }],
    schedules: [{ name: 'nightly', schedule: 'cron(0 3 * * ? *)', command: ['./nightly'] }],
  },
});
const plain = synthesize({ phase: 'phase3', stage: 'prod', settings: { database: { applicationLogin: null } } });
const small = synthesize({ phase: 'phase1', stage: 'dev' });

type Container = { Environment: { Name: string; Value: unknown }[]; Secrets: { Name: string; ValueFrom: unknown }[] };
function webContainer(template: Template): Container {
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  return task!.Properties.ContainerDefinitions[0];
}
const env = (c: Container, name: string): unknown => c.Environment.find((e) => e.Name === name)?.Value;
const secretFrom = (c: Container, name: string): string => JSON.stringify(c.Secrets.find((e) => e.Name === name)?.ValueFrom);
/** Every stack of the site whose tasks log in to the database: services, their migrations, workers and schedules. */
function taskStacks(x: Synthesized, prefix = ''): Stack[] {
  return x.app.node.children.filter((c): c is Stack => c instanceof Stack && new RegExp(`^${x.config.appName}-${x.config.stage}-${prefix}(service|migrate|worker|schedule)-`).test(c.stackName));
}

describe('GIVEN the default application login: a running task survives a password rotation (ADR 0027, ADR 0032)', () => {
  const web = webContainer(s.web);

  test('THEN the default is the login "app", and tasks log in as it, never as the master user', () => {
    expect(s.config.database.applicationLogin).toBe('app');
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
    // The function finds the master secret through `masterarn` in the login's value.
    s.data.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: { 'Fn::Join': ['', ['{"username":"app","dbname":"app","masterarn":"', { Ref: Match.stringLikeRegexp('^DatabaseInstanceSecretAttachment') }, '"}']] } }),
    });
    // The master secret rotates on its own schedule, single-user: only the setup task and the function use it.
    s.data.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: Match.stringLikeRegexp('^DatabaseInstanceSecretAttachment') },
      HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLSingleUser' }),
    });
    expect(Object.keys(s.data.findResources('AWS::SecretsManager::RotationSchedule'))).toHaveLength(2);
  });

  test('THEN the app stack runs the setup task during its deploy, with the login name, and fails it on a non-zero exit', () => {
    const runs = s.appStack.findResources(DEPLOY_TASK_RUN_TYPE);
    expect(Object.keys(runs)).toHaveLength(1);
    const run = Object.values(runs)[0]!.Properties;
    expect(run).toMatchObject({
      TaskDefinition: { Ref: expect.stringMatching(/^LoginSetupTask/) },
      Container: 'psql',
      Login: 'app',
      ServiceTimeout: '3600',
    });
    expect(run.Cluster).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] });
    // The setup task lives beside the run: a new revision changes the property in the same stack, never an export in use.
    const task = s.appStack.findResources('AWS::ECS::TaskDefinition');
    expect(Object.keys(task)).toEqual([run.TaskDefinition.Ref]);
    s.data.resourceCountIs('AWS::ECS::TaskDefinition', 0);
  });

  test('THEN every stack whose tasks log in deploys after the app stack, where the login is created', () => {
    for (const x of [s, withJobs]) {
      const stacks = taskStacks(x);
      expect(stacks.map((t) => t.stackName.split('-')[2])).toEqual(expect.arrayContaining(x === s ? ['service', 'worker'] : ['service', 'migrate', 'schedule']));
      for (const stack of stacks) expect(stack.dependencies).toContain(x.blueprint.app);
    }
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
  });

  test('THEN the standby creates no login and runs no setup: its database is a read-only replica that receives the logins by replication', () => {
    s.stack('standby-data').resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    const standbyApp = s.stack('standby-app');
    standbyApp.resourceCountIs(DEPLOY_TASK_RUN_TYPE, 0);
    standbyApp.resourceCountIs('AWS::ECS::TaskDefinition', 0);
    standbyApp.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    expect(s.blueprint.standby!.app.loginSetup).toBeUndefined();
    for (const stack of taskStacks(s, 'standby-')) expect(stack.dependencies).not.toContain(s.blueprint.app);
  });
});

describe('GIVEN a deployment on the master secret upgrading to the default login', () => {
  test('THEN every export its old task stacks import is still exported, so the data stacks deploy before them (npm run plan: nothing stranded)', () => {
    const imports = (t: Template): string[] => [...JSON.stringify(t.toJSON()).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((m) => m[1]!);
    const exported = (t: Template): string[] => Object.values<{ Export?: { Name: string } }>(t.toJSON().Outputs ?? {}).flatMap((o) => (o.Export ? [o.Export.Name] : []));
    for (const [consumer, producer] of [
      ['service-web', 'data'],
      ['worker-worker', 'data'],
      ['standby-service-web', 'standby-data'],
      ['standby-worker-worker', 'standby-data'],
    ] as const) {
      const before = imports(plain.stack(consumer)).filter((name) => name.startsWith(`blueprint-prod-${producer}:`));
      expect(before.length).toBeGreaterThan(0);
      expect(exported(s.stack(producer))).toEqual(expect.arrayContaining(before));
    }
  });
});

describe('GIVEN the opt-out, database.applicationLogin null', () => {
  test('THEN tasks read the master secret for every credential variable, in both regions', () => {
    for (const c of [webContainer(plain.web), webContainer(plain.stack('standby-service-web'))]) {
      for (const name of ['DB_USERNAME', 'DB_PASSWORD', 'PGUSER', 'PGPASSWORD']) {
        expect(secretFrom(c, name)).toMatch(/DatabaseInstanceSecretAttachment|DatabaseSecretArn/);
        expect(secretFrom(c, name)).not.toMatch(/ApplicationLogin|DatabaseAppSecret/);
      }
    }
    expect(secretFrom(webContainer(plain.web), 'PGPASSWORD')).toMatch(/DatabaseInstanceSecretAttachment/);
  });

  test('THEN no login, setup run, multi-user rotation or login secret replica is made', () => {
    expect(Object.keys(plain.data.findResources('AWS::SecretsManager::Secret')).filter((id) => id.startsWith('ApplicationLogin'))).toEqual([]);
    plain.appStack.resourceCountIs(DEPLOY_TASK_RUN_TYPE, 0);
    plain.appStack.resourceCountIs('AWS::Lambda::Function', 0);
    plain.data.resourcePropertiesCountIs('AWS::SecretsManager::RotationSchedule', { HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLMultiUser' }) }, 0);
    plain.data.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    expect(Object.keys(plain.data.toJSON().Outputs ?? {})).not.toContain(APP_SECRET_REPLICA_OUTPUT);
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

  test('GIVEN no replica THEN DB_READ_HOST is the primary and no zone is made', () => {
    const web = webContainer(small.web);
    expect(env(web, 'DB_READ_HOST')).toEqual(env(web, 'DB_HOST'));
    expect(env(web, 'DB_READ_HOSTS')).toBeUndefined();
    small.data.resourceCountIs('AWS::Route53::HostedZone', 0);
  });
});
