import { CreateChangeSetCommand, DescribeStacksCommand, ExecuteChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { Deployment } from '../../review/deploy/assembly';
import { formatDeploymentPlan } from '../../review/deploy/format';
import { GuardedDeploy, GuardError } from '../../review/deploy/guard';
import { change, FakeRegion, FakeRegionOptions, fakeStack, policyDenies } from './fake-aws';

// GIVEN a deployment of three stacks in two regions: a data stack (a
// database, a bucket, a subnet group) and an app stack in the primary
// region, a standby data stack in the standby region; each region has the
// SLO burn-rate page alarm.
const PRIMARY = 'eu-west-1';
const STANDBY = 'eu-central-1';
const PAGE = 'shop-prod-availability-burn-page';

const stack = fakeStack;

const DEPLOYMENT: Deployment = {
  stacks: [
    stack('shop-prod-data', PRIMARY, {
      Database: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceIdentifier: 'shop-prod-postgres', MultiAZ: true } },
      Logs: { Type: 'AWS::S3::Bucket' },
      DatabaseSubnets: { Type: 'AWS::RDS::DBSubnetGroup' },
      CacheCluster: { Type: 'AWS::ElastiCache::ReplicationGroup' },
    }),
    stack('shop-prod-app', PRIMARY, { Service: { Type: 'AWS::ECS::Service' }, Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardName: 'shop-prod' } } }, ['shop-prod-data']),
    stack('shop-prod-standby-data', STANDBY, { Replica: { Type: 'AWS::RDS::DBInstance' } }, ['shop-prod-data']),
  ],
  pageAlarms: [
    { region: PRIMARY, alarmName: PAGE },
    { region: STANDBY, alarmName: PAGE },
  ],
};

const inPlace = change('Service', 'AWS::ECS::Service', 'Modify', 'False', [{ name: 'DesiredCount', recreation: 'Never' }]);
const replica = change('Replica', 'AWS::RDS::DBInstance', 'Add');

interface World {
  readonly primary: FakeRegion;
  readonly standby: FakeRegion;
  readonly guard: GuardedDeploy;
  readonly logs: string[];
  readonly published: { count: number };
}

/** The deployment against fake regions: the data and app stacks exist, the standby is new. */
function world(primary: FakeRegionOptions = {}, standby: FakeRegionOptions = {}): World {
  const regions: Record<string, FakeRegion> = {
    [PRIMARY]: new FakeRegion(PRIMARY, {
      stacks: { 'shop-prod-data': 'UPDATE_COMPLETE', 'shop-prod-app': 'UPDATE_COMPLETE' },
      planned: { 'shop-prod-data': { empty: true }, 'shop-prod-app': [inPlace] },
      alarms: { [PAGE]: 'OK' },
      ...primary,
    }),
    [STANDBY]: new FakeRegion(STANDBY, { planned: { 'shop-prod-standby-data': [replica] }, ...standby }),
  };
  const logs: string[] = [];
  const published = { count: 0 };
  const guard = new GuardedDeploy(DEPLOYMENT, {
    clients: (region) => regions[region]!,
    publishAssets: async () => {
      published.count++;
    },
    log: (line) => logs.push(line),
    pollIntervalMs: 0,
    changeSetName: 'guard-test',
  });
  return { primary: regions[PRIMARY]!, standby: regions[STANDBY]!, guard, logs, published };
}

/** Nothing the guard created and did not execute is left: no change set, no empty REVIEW_IN_PROGRESS stack. */
function expectNoResidue(w: World): void {
  for (const r of [w.primary, w.standby]) {
    expect([...r.changeSets.keys()]).toEqual([]);
    expect([...r.stacks.values()].map((s) => s.status)).not.toContain('REVIEW_IN_PROGRESS');
  }
}

describe('the guarded deploy, happy path', () => {
  test('WHEN nothing durable is touched and the error budget is fine THEN it executes every reviewed change set, in each stack\'s own region, and protects every stack', async () => {
    const w = world();
    const outcome = await w.guard.deploy();

    expect(outcome.result).toBe('deployed');
    expect(outcome.deployed).toEqual(['shop-prod-app', 'shop-prod-standby-data']);
    expect(w.published.count).toBe(1);
    // Each region's client saw only its own stacks.
    const stacksCalled = (r: FakeRegion): string[] => [...new Set(r.cfnMock.commandCalls(CreateChangeSetCommand).map((c) => c.args[0].input.StackName!))];
    expect(stacksCalled(w.primary)).toEqual(['shop-prod-data', 'shop-prod-app']);
    expect(stacksCalled(w.standby)).toEqual(['shop-prod-standby-data']);
    // The change set names the published template, the execution role, and the right type.
    const created = w.standby.cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    expect(created).toMatchObject({
      ChangeSetType: 'CREATE',
      TemplateURL: DEPLOYMENT.stacks[2]!.templateUrl,
      RoleARN: DEPLOYMENT.stacks[2]!.executionRoleArn,
      Capabilities: expect.arrayContaining(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']),
    });
    expect(w.primary.cfnMock.commandCalls(CreateChangeSetCommand).map((c) => c.args[0].input.ChangeSetType)).toEqual(['UPDATE', 'UPDATE', 'UPDATE', 'UPDATE']);
    // The plan pass cleaned up; the executed change set is the one reviewed just before.
    expect(w.primary.journal).toEqual([
      'CreateChangeSet shop-prod-data UPDATE',
      'DeleteChangeSet shop-prod-data',
      'CreateChangeSet shop-prod-app UPDATE',
      'DeleteChangeSet shop-prod-app',
      'CreateChangeSet shop-prod-data UPDATE',
      'DeleteChangeSet shop-prod-data',
      'SetStackPolicy shop-prod-data',
      'UpdateTerminationProtection shop-prod-data true',
      'CreateChangeSet shop-prod-app UPDATE',
      'ExecuteChangeSet shop-prod-app',
      'SetStackPolicy shop-prod-app',
    ]);
    // The new standby stack is created once, by the change set reviewed just before it runs.
    expect(w.standby.journal).toEqual([
      'CreateChangeSet shop-prod-standby-data CREATE',
      'ExecuteChangeSet shop-prod-standby-data',
      'SetStackPolicy shop-prod-standby-data',
      'UpdateTerminationProtection shop-prod-standby-data true',
    ]);
    expectNoResidue(w);
  });

  test('THEN every stack ends with a policy that freezes its durable resources and nothing else', async () => {
    const w = world();
    await w.guard.deploy();
    const policy = w.primary.stacks.get('shop-prod-data')!.policy!;
    for (const action of ['Update:Replace', 'Update:Delete']) {
      expect(policyDenies(policy, action, 'Database', 'AWS::RDS::DBInstance')).toBe(true);
      expect(policyDenies(policy, action, 'Logs', 'AWS::S3::Bucket')).toBe(true);
      expect(policyDenies(policy, action, 'CacheCluster', 'AWS::ElastiCache::ReplicationGroup')).toBe(false);
    }
    expect(policyDenies(policy, 'Update:Modify', 'Database', 'AWS::RDS::DBInstance')).toBe(false);
    expect(policyDenies(w.primary.stacks.get('shop-prod-app')!.policy!, 'Update:Replace', 'Service', 'AWS::ECS::Service')).toBe(false);
    expect(policyDenies(w.standby.stacks.get('shop-prod-standby-data')!.policy!, 'Update:Delete', 'Replica', 'AWS::RDS::DBInstance')).toBe(true);
  });

  test('WHEN only planning THEN it reviews every stack, reads the alarms, and changes nothing', async () => {
    const w = world();
    const plan = await w.guard.plan();
    const alarms = await w.guard.errorBudget();

    expect(plan.stacks.map((s) => `${s.stack} ${s.status}`)).toEqual(['shop-prod-data no changes', 'shop-prod-app changes', 'shop-prod-standby-data new']);
    // A stack not deployed yet is planned from its template, without creating anything in its region.
    expect(plan.stacks[2]!.changes.map((c) => `${c.logicalId} ${c.action} ${c.verdict}`)).toEqual(['Replica Add ok']);
    expect(w.standby.journal).toEqual([]);
    expect(alarms).toEqual([
      { region: PRIMARY, alarmName: PAGE, state: 'OK' },
      { region: STANDBY, alarmName: PAGE, state: 'missing' },
    ]);
    for (const r of [w.primary, w.standby]) {
      expect(r.cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
      expect(r.journal.filter((j) => j.startsWith('SetStackPolicy'))).toEqual([]);
    }
    expectNoResidue(w);
    const text = formatDeploymentPlan(plan, 'Plan shop prod', { alarms });
    expect(text).toMatch(/^Stack shop-prod-app \(eu-west-1\): changes$/m);
    expect(text).toMatch(/updated in place +stateless AWS::ECS::Service Service/);
    expect(text).toMatch(/^Safe: no durable resource is replaced or removed\.$/m);
    // The pipeline's job summary: the same plan as Markdown.
    const md = formatDeploymentPlan(plan, 'Plan shop prod', { alarms, markdown: true });
    expect(md).toMatch(/^### Plan shop prod$/m);
    expect(md).toMatch(/^\*\*shop-prod-app \(eu-west-1\): changes\*\*\n\n```\n {11}updated in place/m);
    expect(md).toMatch(/^- Error budget: shop-prod-availability-burn-page \(eu-west-1\) is OK$/m);
  });
});

describe('the guards refuse', () => {
  test('WHEN the deployed database would be replaced THEN nothing is executed and the change sets are gone', async () => {
    const w = world({
      planned: {
        'shop-prod-data': [change('Database', 'AWS::RDS::DBInstance', 'Modify', 'True', [{ name: 'StorageEncrypted', recreation: 'Always' }])],
        'shop-prod-app': [inPlace],
      },
    });
    const outcome = await w.guard.deploy();

    expect(outcome).toMatchObject({ result: 'refused', guard: 'plan', deployed: [] });
    expect(outcome.plan.refused.map((c) => `${c.stack}/${c.logicalId} ${c.causes.join()}`)).toEqual(['shop-prod-data/Database StorageEncrypted']);
    for (const r of [w.primary, w.standby]) expect(r.cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(w.primary.cwMock.commandCalls(DescribeAlarmsCommand)).toHaveLength(0);
    expectNoResidue(w);
    expect(formatDeploymentPlan(outcome.plan, 'Deploy')).toMatch(/^ {2}REFUSED +replaced +durable +AWS::RDS::DBInstance Database \(StorageEncrypted\): durable/m);
  });

  test('WHEN a durable bucket would be removed from the deployed stack THEN the deploy is refused', async () => {
    const w = world({ planned: { 'shop-prod-data': [change('Logs', 'AWS::S3::Bucket', 'Remove')], 'shop-prod-app': [inPlace] } });
    const outcome = await w.guard.deploy();

    expect(outcome).toMatchObject({ result: 'refused', guard: 'plan' });
    expect(outcome.plan.refused.map((c) => `${c.logicalId} ${c.action}`)).toEqual(['Logs Remove']);
    expect(w.primary.cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expectNoResidue(w);
  });

  test('WHEN the SLO burn-rate page alarm is in ALARM THEN nothing is deployed without --force', async () => {
    const w = world({ alarms: { [PAGE]: 'ALARM' } });
    const outcome = await w.guard.deploy();

    expect(outcome).toMatchObject({ result: 'refused', guard: 'error budget', deployed: [] });
    expect(w.primary.cwMock.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input).toEqual({ AlarmNames: [PAGE], AlarmTypes: ['CompositeAlarm'] });
    expect(w.standby.cwMock.commandCalls(DescribeAlarmsCommand)).toHaveLength(1);
    for (const r of [w.primary, w.standby]) expect(r.cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expectNoResidue(w);
    expect(formatDeploymentPlan(outcome.plan, 'Deploy', { alarms: outcome.alarms })).toMatch(/^REFUSED: shop-prod-availability-burn-page \(eu-west-1\) in ALARM/m);
  });

  test('WHEN the page alarm is in ALARM and --force gives a reason THEN it deploys and logs the reason', async () => {
    const w = world({ alarms: { [PAGE]: 'ALARM' } });
    const outcome = await w.guard.deploy({ force: 'the fix for the burning errors is this deploy' });

    expect(outcome.result).toBe('deployed');
    expect(w.logs).toContain(`FORCED past ${PAGE} in ALARM (${PRIMARY}): the fix for the burning errors is this deploy`);
  });

  test('WHEN --force or --allow-replace comes without a reason THEN the request is rejected before any AWS call', async () => {
    const w = world();
    await expect(w.guard.deploy({ force: ' ' })).rejects.toThrow(new GuardError('--force needs a reason: --force "why deploying while the error budget burns is right"'));
    await expect(w.guard.deploy({ allowReplace: ['shop-prod-data/Database'] })).rejects.toThrow(/--allow-replace needs --reason/);
    await expect(w.guard.deploy({ allowReplace: ['shop-prod-nope/Database'], reason: 'x' })).rejects.toThrow(/--allow-replace shop-prod-nope\/Database is not allowed; allowed: <stack>\/<logicalId>/);
    expect(w.primary.cfnMock.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  test('WHEN a stack that could not be planned before its dependencies deployed turns out to replace a durable resource THEN the deploy stops there', async () => {
    const refusedReplica = change('Replica', 'AWS::RDS::DBInstance', 'Modify', 'Conditional', [{ name: 'SourceDBInstanceIdentifier', recreation: 'Conditionally' }]);
    const w = world(
      {},
      {
        stacks: { 'shop-prod-standby-data': 'UPDATE_COMPLETE' },
        planned: { 'shop-prod-standby-data': (attempt) => (attempt === 0 ? { failed: 'No export named shop-prod-data:DatabaseArn found' } : [refusedReplica]) },
      },
    );
    const outcome = await w.guard.deploy();

    expect(outcome.plan.stacks.find((s) => s.stack === 'shop-prod-standby-data')).toMatchObject({ status: 'changes', changes: [{ logicalId: 'Replica', verdict: 'refused' }] });
    expect(outcome).toMatchObject({ result: 'refused', guard: 'plan', deployed: ['shop-prod-app'] });
    expect(outcome.plan.refused.map((c) => c.logicalId)).toEqual(['Replica']);
    expect(w.standby.cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expectNoResidue(w);
  });

  test('WHEN a new stack\'s change set fails THEN the deploy stops with CloudFormation\'s reason and leaves no empty stack behind', async () => {
    const w = world({}, { planned: { 'shop-prod-standby-data': { failed: 'Template format error: Unresolved resource dependencies [Vpc]' } } });
    await expect(w.guard.deploy()).rejects.toThrow('shop-prod-standby-data: the change set could not be created: Template format error: Unresolved resource dependencies [Vpc]');
    expect(w.standby.journal).toEqual(['CreateChangeSet shop-prod-standby-data CREATE', 'DeleteChangeSet shop-prod-standby-data', 'DeleteStack shop-prod-standby-data']);
    expectNoResidue(w);
    expect(w.standby.stacks.has('shop-prod-standby-data')).toBe(false);
  });

  test('WHEN a first create rolled back THEN the empty stack is deleted and created again, instead of an update CloudFormation refuses', async () => {
    const w = world({}, { stacks: { 'shop-prod-standby-data': 'ROLLBACK_COMPLETE' } });
    const outcome = await w.guard.deploy();
    expect(outcome.result).toBe('deployed');
    expect(w.standby.journal.slice(0, 3)).toEqual(['DeleteStack shop-prod-standby-data', 'CreateChangeSet shop-prod-standby-data CREATE', 'ExecuteChangeSet shop-prod-standby-data']);
    expect(w.standby.stacks.get('shop-prod-standby-data')!.status).toBe('CREATE_COMPLETE');
  });

  test('WHEN a stack cannot be planned before its dependencies deploy THEN the plan says so instead of failing', async () => {
    const w = world({}, { stacks: { 'shop-prod-standby-data': 'UPDATE_COMPLETE' }, planned: { 'shop-prod-standby-data': { failed: 'No export named shop-prod-data:DatabaseArn found' } } });
    const plan = await w.guard.plan();
    expect(plan.stacks[2]).toMatchObject({ status: 'not planned', note: 'No export named shop-prod-data:DatabaseArn found' });
    expect(plan.refused).toEqual([]);
    expectNoResidue(w);
  });
});

describe('a deliberate migration, by override', () => {
  const replaceDb = change('Database', 'AWS::RDS::DBInstance', 'Modify', 'True', [{ name: 'DBInstanceClass', recreation: 'Always' }]);

  test('WHEN --allow-replace names the replaced database with a reason THEN only that resource is unfrozen for this update, and frozen again after', async () => {
    const w = world({ planned: { 'shop-prod-data': [replaceDb], 'shop-prod-app': [inPlace] } });
    const outcome = await w.guard.deploy({ allowReplace: ['shop-prod-data/Database'], reason: 'move to encrypted storage (snapshot restored)' });

    expect(outcome.result).toBe('deployed');
    expect(outcome.plan.overridden.map((c) => c.logicalId)).toEqual(['Database']);
    expect(w.logs).toContain('OVERRIDE shop-prod-data/Database (AWS::RDS::DBInstance) may be replaced: move to encrypted storage (snapshot restored)');
    const data = w.primary.journal.filter((j) => j.endsWith('shop-prod-data') || j.includes('shop-prod-data '));
    expect(data.slice(-5)).toEqual([
      'CreateChangeSet shop-prod-data UPDATE',
      'SetStackPolicy shop-prod-data',
      'ExecuteChangeSet shop-prod-data',
      'SetStackPolicy shop-prod-data',
      'UpdateTerminationProtection shop-prod-data true',
    ]);
    const [during, after] = w.primary.policiesSet('shop-prod-data');
    expect(policyDenies(during!, 'Update:Replace', 'Database', 'AWS::RDS::DBInstance')).toBe(false);
    expect(policyDenies(during!, 'Update:Replace', 'Logs', 'AWS::S3::Bucket')).toBe(true);
    expect(policyDenies(after!, 'Update:Replace', 'Database', 'AWS::RDS::DBInstance')).toBe(true);
  });

  test('WHEN --allow-replace names a bucket removed from the template THEN the override lets it be deleted and keeps the other bucket frozen', async () => {
    const w = world({ planned: { 'shop-prod-data': [change('OldLogs', 'AWS::S3::Bucket', 'Remove')], 'shop-prod-app': [inPlace] } });
    const outcome = await w.guard.deploy({ allowReplace: ['shop-prod-data/OldLogs'], reason: 'its objects moved to the Logs bucket' });

    expect(outcome.result).toBe('deployed');
    expect(w.logs).toContain('OVERRIDE shop-prod-data/OldLogs (AWS::S3::Bucket) may be removed: its objects moved to the Logs bucket');
    const [during] = w.primary.policiesSet('shop-prod-data');
    expect(policyDenies(during!, 'Update:Delete', 'OldLogs', 'AWS::S3::Bucket')).toBe(false);
    expect(policyDenies(during!, 'Update:Delete', 'Logs', 'AWS::S3::Bucket')).toBe(true);
  });

  test('WHEN a retired database goes with its parameter group THEN the override names the instance, and the policy during the update lets both go', async () => {
    const removal = [change('OldDatabase', 'AWS::RDS::DBInstance', 'Remove'), change('OldParameters', 'AWS::RDS::DBParameterGroup', 'Remove')];
    const refused = await world({ planned: { 'shop-prod-data': removal, 'shop-prod-app': [inPlace] } }).guard.deploy();
    expect(refused.result).toBe('refused');
    const w = world({ planned: { 'shop-prod-data': removal, 'shop-prod-app': [inPlace] } });
    const outcome = await w.guard.deploy({ allowReplace: ['shop-prod-data/OldDatabase'], reason: 'generation 1 retired after the switch back' });
    expect(outcome.result).toBe('deployed');
    const [during] = w.primary.policiesSet('shop-prod-data');
    expect(policyDenies(during!, 'Update:Delete', 'OldDatabase', 'AWS::RDS::DBInstance')).toBe(false);
    expect(policyDenies(during!, 'Update:Delete', 'OldParameters', 'AWS::RDS::DBParameterGroup')).toBe(false);
  });

  test('WHEN the overridden update fails THEN the protective policy is still restored', async () => {
    const w = world({ planned: { 'shop-prod-data': [replaceDb], 'shop-prod-app': [inPlace] }, endsIn: { 'shop-prod-data': 'UPDATE_ROLLBACK_COMPLETE' } });
    await expect(w.guard.deploy({ allowReplace: ['shop-prod-data/Database'], reason: 'migration' })).rejects.toThrow('shop-prod-data: deploy ended UPDATE_ROLLBACK_COMPLETE');
    expect(policyDenies(w.primary.stacks.get('shop-prod-data')!.policy!, 'Update:Replace', 'Database', 'AWS::RDS::DBInstance')).toBe(true);
    expect(w.logs).toContain('  Database UPDATE_FAILED: Action denied by stack policy');
  });
});
