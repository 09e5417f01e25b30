import { CreateChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { Deployment, deploymentIn } from '../../review/deploy/assembly';
import { GuardedDeploy } from '../../review/deploy/guard';
import { change, FakeRegion, FakeRegionOptions, fakeStack, policyDenies } from './fake-aws';

// GIVEN a two-region deployment whose primary region is down: the standby
// stacks depend on the primary's data stack and on the edge stack in
// us-east-1, and each region has the SLO burn-rate page alarm.
const PRIMARY = 'eu-west-1';
const STANDBY = 'eu-central-1';
const EDGE = 'us-east-1';
const PAGE = 'shop-prod-availability-burn-page';

const stack = fakeStack;

const WHOLE: Deployment = {
  stacks: [
    stack('shop-prod-data', PRIMARY, { DatabaseInstance: { Type: 'AWS::RDS::DBInstance' } }),
    stack('shop-prod-app', PRIMARY, { Service: { Type: 'AWS::ECS::Service' } }, ['shop-prod-data']),
    stack('shop-prod-edge', EDGE, { Cdn: { Type: 'AWS::CloudFront::Distribution' } }),
    stack('shop-prod-standby-data', STANDBY, { DatabaseInstance: { Type: 'AWS::RDS::DBInstance' }, Logs: { Type: 'AWS::S3::Bucket' } }, ['shop-prod-data']),
    stack('shop-prod-standby-app', STANDBY, { Service: { Type: 'AWS::ECS::Service' } }, ['shop-prod-standby-data']),
    stack('shop-prod-standby-service-web', STANDBY, { Service: { Type: 'AWS::ECS::Service' } }, ['shop-prod-standby-app', 'shop-prod-edge']),
  ],
  pageAlarms: [
    { region: PRIMARY, alarmName: PAGE },
    { region: STANDBY, alarmName: PAGE },
  ],
};

const promotion = change('DatabaseInstance', 'AWS::RDS::DBInstance', 'Modify', 'False', [{ name: 'SourceDBInstanceIdentifier', recreation: 'Never' }]);
const scaleUp = change('Service', 'AWS::ECS::Service', 'Modify', 'False', [{ name: 'DesiredCount', recreation: 'Never' }]);

/** The standby region answers; any call to another region fails the test, as a dead region's API would fail the deploy. */
function standbyOnly(options: FakeRegionOptions = {}): { standby: FakeRegion; guard: GuardedDeploy; asked: string[]; published: number[] } {
  const standby = new FakeRegion(STANDBY, {
    stacks: { 'shop-prod-standby-data': 'UPDATE_COMPLETE', 'shop-prod-standby-app': 'UPDATE_COMPLETE', 'shop-prod-standby-service-web': 'UPDATE_COMPLETE' },
    planned: { 'shop-prod-standby-data': [promotion], 'shop-prod-standby-app': { empty: true }, 'shop-prod-standby-service-web': [scaleUp] },
    alarms: { [PAGE]: 'OK' },
    ...options,
  });
  const asked: string[] = [];
  const published: number[] = [];
  const guard = new GuardedDeploy(deploymentIn(WHOLE, STANDBY), {
    clients: (region) => {
      asked.push(region);
      if (region !== STANDBY) throw new Error(`the deploy reached ${region}`);
      return standby;
    },
    publishAssets: async () => {
      published.push(1);
    },
    log: () => undefined,
    pollIntervalMs: 0,
    changeSetName: 'guard-test',
  });
  return { standby, guard, asked, published };
}

describe('one region\'s stacks (npm run deploy -- --region standby)', () => {
  test('THEN the selection is that region\'s stacks in dependency order, its alarm alone, and the stacks of other regions it needs are named', () => {
    const d = deploymentIn(WHOLE, STANDBY);
    expect(d.stacks.map((s) => s.name)).toEqual(['shop-prod-standby-data', 'shop-prod-standby-app', 'shop-prod-standby-service-web']);
    expect(d.pageAlarms).toEqual([{ region: STANDBY, alarmName: PAGE }]);
    expect(d.outside).toEqual([
      { stack: 'shop-prod-data', region: PRIMARY, neededBy: ['shop-prod-standby-data'] },
      { stack: 'shop-prod-edge', region: EDGE, neededBy: ['shop-prod-standby-service-web'] },
    ]);
    expect(() => deploymentIn(WHOLE, 'ap-south-1')).toThrow('The deployment has no stack in ap-south-1');
  });

  test('WHEN the primary region is down THEN it plans, deploys and protects the standby stacks without a call to any other region', async () => {
    const w = standbyOnly();
    const outcome = await w.guard.deploy();

    expect(outcome.result).toBe('deployed');
    expect(outcome.deployed).toEqual(['shop-prod-standby-data', 'shop-prod-standby-service-web']);
    expect([...new Set(w.asked)]).toEqual([STANDBY]);
    expect(outcome.alarms).toEqual([{ region: STANDBY, alarmName: PAGE, state: 'OK' }]);
    expect(w.standby.cwMock.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input.AlarmNames).toEqual([PAGE]);
    // Every chosen stack, and no other, ends with its protective policy.
    expect([...w.standby.stacks.entries()].filter(([, s]) => s.policy !== undefined).map(([n]) => n)).toEqual([
      'shop-prod-standby-data',
      'shop-prod-standby-app',
      'shop-prod-standby-service-web',
    ]);
    expect(policyDenies(w.standby.stacks.get('shop-prod-standby-data')!.policy!, 'Update:Delete', 'DatabaseInstance', 'AWS::RDS::DBInstance')).toBe(true);
  });

  test('WHEN the standby\'s change set would remove a durable resource THEN the plan guard refuses, nothing is executed', async () => {
    const w = standbyOnly({ planned: { 'shop-prod-standby-data': [change('Logs', 'AWS::S3::Bucket', 'Remove')], 'shop-prod-standby-app': { empty: true }, 'shop-prod-standby-service-web': [scaleUp] } });
    const outcome = await w.guard.deploy();

    expect(outcome).toMatchObject({ result: 'refused', guard: 'plan', deployed: [] });
    expect(outcome.plan.refused.map((c) => `${c.stack}/${c.logicalId}`)).toEqual(['shop-prod-standby-data/Logs']);
    expect(w.standby.journal.filter((j) => j.startsWith('ExecuteChangeSet'))).toEqual([]);
    expect([...new Set(w.asked)]).toEqual([STANDBY]);
  });

  test('WHEN the standby region\'s page alarm is in ALARM THEN the error-budget guard refuses unless forced with a reason', async () => {
    const refused = await standbyOnly({ alarms: { [PAGE]: 'ALARM' } }).guard.deploy();
    expect(refused).toMatchObject({ result: 'refused', guard: 'error budget', deployed: [] });

    const w = standbyOnly({ alarms: { [PAGE]: 'ALARM' } });
    const forced = await w.guard.deploy({ force: 'regional failover: the burn is the lost region' });
    expect(forced.result).toBe('deployed');
    expect(w.standby.cfnMock.commandCalls(CreateChangeSetCommand).every((c) => c.args[0].input.StackName!.startsWith('shop-prod-standby-'))).toBe(true);
  });

  test('WHEN an override names a stack of another region THEN it is a usage error naming the stacks allowed', async () => {
    const w = standbyOnly();
    await expect(w.guard.deploy({ allowReplace: ['shop-prod-data/DatabaseInstance'], reason: 'x' })).rejects.toThrow(
      '--allow-replace shop-prod-data/DatabaseInstance is not allowed; allowed: <stack>/<logicalId> with a stack of this deployment (shop-prod-standby-data, shop-prod-standby-app, shop-prod-standby-service-web)',
    );
    expect(w.published).toEqual([]);
  });
});
