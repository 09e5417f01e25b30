import { resolveConfig } from '../config';
import { customNameOf, RESOURCE_TYPES, stateClassOf } from '../review/state-classes';
import { formatPlan, isBlocked, planUpgrade, synthesizeTemplates, Templates } from '../review/plan';
import { CDK_CONTEXT } from './support/blueprint';

// GIVEN the prod ladder, each phase synthesized once
const templates = (phase: string, settings?: object): Templates =>
  synthesizeTemplates(resolveConfig({ phase, stage: 'prod', settings }), CDK_CONTEXT);
const phase1 = templates('phase1');
const phase2 = templates('phase2');
const phase3 = templates('phase3');

function durableIds(t: Templates): string[] {
  return Object.entries(t).flatMap(([stack, template]) =>
    Object.entries((template.Resources ?? {}) as Record<string, { Type: string }>)
      .filter(([, r]) => stateClassOf(r.Type) === 'durable')
      .map(([id, r]) => `${stack}/${id} ${r.Type}`),
  );
}

describe('the upgrade ladder, prod', () => {
  test.each([
    ['phase1', 'phase2', phase1, phase2],
    ['phase2', 'phase3', phase2, phase3],
    ['phase1', 'phase3', phase1, phase3],
  ])('WHEN upgrading %s to %s THEN nothing blocks: no durable or custom-named resource replaced, no failing update, no stranded consumer', (_from, _to, before, after) => {
    const plan = planUpgrade(before, after);
    expect(plan.blocked).toEqual([]);
    expect(plan.stranded).toEqual([]);
    expect(plan.changes.filter((c) => c.stateClass === 'durable' && c.impact !== 'added' && c.impact !== 'updated in place')).toEqual([]);
  });

  test('THEN every durable resource of a phase keeps its logical id in the next phases', () => {
    const later2 = new Set(durableIds(phase2));
    const later3 = new Set(durableIds(phase3));
    for (const id of durableIds(phase1)) expect(later2).toContain(id);
    for (const id of durableIds(phase2)) expect(later3).toContain(id);
  });

  test('THEN every stack of a phase is still there, under the same name, in the next', () => {
    const names = (t: Templates): string[] => Object.keys(t).sort();
    expect(names(phase1)).toEqual(['blueprint-prod-app', 'blueprint-prod-data', 'blueprint-prod-service-web']);
    expect(names(phase2)).toEqual([...Object.keys(phase1), 'blueprint-prod-worker-worker', 'blueprint-prod-edge'].sort());
    expect(names(phase3)).toEqual([
      ...Object.keys(phase1),
      'blueprint-prod-worker-worker',
      'blueprint-prod-standby-recovery',
      'blueprint-prod-standby-data',
      'blueprint-prod-standby-app',
      'blueprint-prod-standby-service-web',
      'blueprint-prod-standby-worker-worker',
      'blueprint-prod-edge',
    ].sort());
  });

  test('WHEN upgrading phase 1 to 2 THEN the database is resized in place and read replicas, NAT gateways and the worker queue are added', () => {
    const plan = planUpgrade(phase1, phase2);
    const byType = (type: string, impact: string): number => plan.changes.filter((c) => c.type === type && c.impact === impact).length;
    expect(plan.changes.find((c) => c.logicalId.startsWith('DatabaseInstance') && c.type === 'AWS::RDS::DBInstance')?.impact).toBe('updated in place');
    expect(byType('AWS::RDS::DBInstance', 'added')).toBe(2);
    expect(byType('AWS::EC2::NatGateway', 'added')).toBe(2);
    expect(byType('AWS::SQS::Queue', 'added')).toBe(2);
    expect(plan.changes.find((c) => c.type === 'AWS::ElastiCache::ReplicationGroup')?.impact).toBe('updated in place');
  });

  test('THEN the printed plan names each change and ends with the verdict', () => {
    const text = formatPlan(planUpgrade(phase1, phase2), 'Upgrade');
    expect(text).toMatch(/^Stack blueprint-prod-data$/m);
    expect(text).toMatch(/updated in place +durable +AWS::RDS::DBInstance DatabaseInstance/);
    expect(text).toMatch(/^Safe: no durable or custom-named resource is replaced or removed, no update fails on a grown resource, no consumer is stranded\.$/m);
  });
});

describe('the planner catches unsafe upgrades', () => {
  test('GIVEN a changed VPC CIDR THEN the VPC and its subnets would be replaced and the plan is blocked', () => {
    const plan = planUpgrade(phase1, templates('phase2', { network: { vpcCidr: '10.1.0.0/16' } }));
    const blocked = plan.blocked.map((c) => `${c.type} ${c.impact}`);
    expect(blocked).toContain('AWS::EC2::VPC replaced');
    expect(blocked).toContain('AWS::EC2::Subnet replaced');
    expect(formatPlan(plan, 'x')).toMatch(/^BLOCKED: \d+ resource change\(s\) and \d+ stranded consumer\(s\) would fail the upgrade or lose data\.$/m);
  });

  test('GIVEN a changed database major version THEN the parameter group would be replaced and the plan is blocked', () => {
    const plan = planUpgrade(phase1, templates('phase1', { database: { engineVersion: '16.8' } }));
    expect(plan.blocked.map((c) => c.type)).toContain('AWS::RDS::DBParameterGroup');
    expect(plan.blocked.find((c) => c.type === 'AWS::RDS::DBParameterGroup')!.causes).toContain('Family');
  });

  test('GIVEN a removed worker THEN its queues (which may hold messages) would be removed and the plan is blocked', () => {
    const plan = planUpgrade(phase2, templates('phase2', { workers: [] }));
    expect(plan.blocked.filter((c) => c.type === 'AWS::SQS::Queue').map((c) => c.impact)).toEqual(['orphaned', 'orphaned']);
    // Its retained log group stays in the account with its logs: reported, not blocking.
    const logs = plan.changes.filter((c) => c.type === 'AWS::Logs::LogGroup' && c.impact === 'orphaned');
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) expect(l).toMatchObject({ blocked: false, note: expect.stringMatching(/^durable, retained: kept in the account with its logs until their retention ends/) });
  });

  test('GIVEN the load balancer\'s firewall in phase 1 WHEN the CDN takes the firewall in phase 2 THEN the regional WAF log group is kept and nothing blocks', () => {
    const plan = planUpgrade(templates('phase1', { firewall: { pathExceptions: [] } }), phase2);
    expect(plan.changes.filter((c) => c.type === 'AWS::WAFv2::WebACL' && c.impact === 'removed')).toHaveLength(1);
    expect(plan.changes.find((c) => c.type === 'AWS::Logs::LogGroup' && c.logicalId.startsWith('Firewall'))).toMatchObject({ impact: 'orphaned', blocked: false });
    expect(plan.blocked).toEqual([]);
  });

  test('GIVEN a changed replica count per shard THEN the cache would be replaced under its custom ReplicationGroupId: blocked, with the reason printed', () => {
    const plan = planUpgrade(phase1, templates('phase1', { cache: { replicasPerShard: 2 } }));
    const cache = plan.blocked.find((c) => c.type === 'AWS::ElastiCache::ReplicationGroup')!;
    expect(cache).toMatchObject({ impact: 'replaced', stateClass: 'transient', causes: ['ReplicasPerNodeGroup'] });
    expect(cache.note).toMatch(/custom name ReplicationGroupId "blueprint-prod-cache": CloudFormation cannot replace a custom-named resource/);
    expect(plan.warnings).toEqual([]);
    expect(formatPlan(plan, 'x')).toMatch(/BLOCKED replaced +transient +AWS::ElastiCache::ReplicationGroup CacheReplicationGroup\w* \(ReplicasPerNodeGroup\): custom name/);
  });

  test('GIVEN a larger allocated storage on the deployed database THEN the in-place update is blocked: RDS refuses it once autoscaling has grown the volume', () => {
    const plan = planUpgrade(phase1, templates('phase1', { database: { allocatedStorageGiB: 100 } }));
    const db = plan.blocked.find((c) => c.type === 'AWS::RDS::DBInstance')!;
    expect(db).toMatchObject({ impact: 'updated in place', causes: ['AllocatedStorage'] });
    expect(db.note).toMatch(/AllocatedStorage "\d+" -> "100": .*storage autoscaling/);
    expect(isBlocked(plan)).toBe(true);
  });
});

/** A one-resource stack, for the planner's per-type rules. */
const stack = (resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>, outputs?: Record<string, { Value: unknown }>): Templates[string] => ({
  Resources: resources,
  ...(outputs ? { Outputs: outputs } : {}),
});

describe('a promotion requires a standby', () => {
  test('GIVEN no standby deployed WHEN the next settings add one already promoted THEN the plan blocks the database\'s creation', () => {
    const plan = planUpgrade(phase2, templates('phase3', { standby: { role: 'promoted' } }));
    expect(plan.blocked.map((c) => [c.stack, c.type, c.impact])).toEqual([['blueprint-prod-standby-data', 'AWS::RDS::DBInstance', 'added']]);
    expect(plan.blocked[0]!.note).toMatch(/^a DB instance created with neither a source, a snapshot nor a master user: .*standby\.role "promoted" needs a standby deployed as "standby" first/);
  });
});

describe('the planner\'s facts per resource type, on hand-written templates', () => {
  test('THEN every type in the table has a state class, and every custom name is read from its name property', () => {
    for (const facts of Object.values(RESOURCE_TYPES)) expect(['durable', 'transient', 'stateless']).toContain(facts.stateClass);
    expect(customNameOf('AWS::CloudWatch::Dashboard', { DashboardName: 'shop-prod' })).toBe('DashboardName "shop-prod"');
    expect(customNameOf('AWS::CloudWatch::Dashboard', {})).toBeUndefined();
    expect(customNameOf('AWS::CloudFront::Distribution', { DistributionConfig: { Aliases: ['shop.example.com'] } })).toBe('DistributionConfig.Aliases ["shop.example.com"]');
  });

  const SOURCE = 'arn:aws:rds:us-east-1:111111111111:db:shop-prod-postgres';
  const db = (props: Record<string, unknown>) => ({ data: stack({ Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', ...props } } }) });
  test.each([
    ['BackupRetentionPeriod 7 -> 14 is in place', { BackupRetentionPeriod: 7 }, { BackupRetentionPeriod: 14 }, 'updated in place', false, /non-zero retention to another non-zero value/],
    ['BackupRetentionPeriod 7 -> 0 may replace and blocks', { BackupRetentionPeriod: 7 }, { BackupRetentionPeriod: 0 }, 'may be replaced', true, /durable/],
    ['MultiAZ false -> true is in place', { MultiAZ: false }, { MultiAZ: true }, 'updated in place', false, /single-AZ instance to Multi-AZ/],
    ['MultiAZ true -> false may replace and blocks', { MultiAZ: true }, { MultiAZ: false }, 'may be replaced', true, /durable/],
    ['AllocatedStorage 50 -> 200 is in place but blocks', { AllocatedStorage: '50' }, { AllocatedStorage: '200' }, 'updated in place', true, /AllocatedStorage "50" -> "200"/],
    ['MaxAllocatedStorage 500 -> 1000 is in place and passes', { AllocatedStorage: '50', MaxAllocatedStorage: 500 }, { AllocatedStorage: '50', MaxAllocatedStorage: 1000 }, 'updated in place', false, undefined],
    ['a replica loses its source, turning on backups and Multi-AZ: a promotion, in place', { SourceDBInstanceIdentifier: SOURCE, MultiAZ: false }, { MultiAZ: true, BackupRetentionPeriod: 7 }, 'updated in place', false, /promotes the read replica in place/],
    ['a replica changes source: may replace and blocks', { SourceDBInstanceIdentifier: SOURCE }, { SourceDBInstanceIdentifier: `${SOURCE}-2` }, 'may be replaced', true, /durable/],
    ['a primary turns backups on from unset, no promotion: may replace and blocks', { MultiAZ: true }, { MultiAZ: true, BackupRetentionPeriod: 7 }, 'may be replaced', true, /durable/],
    ['a promotion that turns backups off: may replace and blocks', { SourceDBInstanceIdentifier: SOURCE }, { BackupRetentionPeriod: 0 }, 'may be replaced', true, /durable/],
  ])('GIVEN a DB instance WHEN %s', (_name, before, after, impact, blocked, reason) => {
    const [change] = planUpgrade(db(before), db(after)).changes;
    expect(change).toMatchObject({ impact, blocked });
    // A rule that decides says why; a plain update says nothing.
    if (reason) expect(change!.note).toMatch(reason);
    else expect(change!.note).toBeUndefined();
  });

  test('GIVEN a promotion THEN the plan lists it as a role change, irreversible, and a plain update is no role change', () => {
    const plan = planUpgrade(db({ SourceDBInstanceIdentifier: SOURCE, MultiAZ: false }), db({ MultiAZ: true, BackupRetentionPeriod: 7 }));
    expect(plan.changes.map((c) => c.roleChange)).toEqual([expect.stringMatching(/^standby database promoted: irreversible \(/)]);
    expect(formatPlan(plan, 'x')).toMatch(/^Role changes\n {2}ROLE {4}data Db: standby database promoted: irreversible/m);
    expect(planUpgrade(db({ MultiAZ: false }), db({ MultiAZ: true })).changes.map((c) => c.roleChange)).toEqual([undefined]);
  });

  const cache = (props: Record<string, unknown>) => ({ data: stack({ Cache: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { ReplicationGroupDescription: 'c', ...props } } }) });
  test.each([
    ['shards added in cluster mode are in place', { ClusterMode: 'enabled', NumNodeGroups: 1 }, { ClusterMode: 'enabled', NumNodeGroups: 3 }, 'updated in place', false],
    ['shards added without cluster mode may replace a generated name: a warning', { NumNodeGroups: 1 }, { NumNodeGroups: 3 }, 'may be replaced', false],
    ['shards added without cluster mode, custom name: blocked', { ReplicationGroupId: 'c1', NumNodeGroups: 1 }, { ReplicationGroupId: 'c1', NumNodeGroups: 3 }, 'may be replaced', true],
  ])('GIVEN a cache WHEN %s', (_name, before, after, impact, blocked) => {
    const [change] = planUpgrade(cache(before), cache(after)).changes;
    expect(change).toMatchObject({ impact, blocked });
  });

  test('GIVEN a stateless topic replaced under its custom name THEN it blocks; under a generated name it passes', () => {
    const withName = (name?: string) => ({ app: stack({ Topic: { Type: 'AWS::SNS::Topic', Properties: { ...(name ? { TopicName: name } : {}), FifoTopic: false } } }) });
    const fifo = (name?: string) => ({ app: stack({ Topic: { Type: 'AWS::SNS::Topic', Properties: { ...(name ? { TopicName: name } : {}), FifoTopic: true } } }) });
    expect(planUpgrade(withName('alerts'), fifo('alerts')).blocked.map((c) => c.logicalId)).toEqual(['Topic']);
    expect(planUpgrade(withName(), fifo()).blocked).toEqual([]);
  });

  describe('a producer change that would strand a consumer', () => {
    const producer = (output: string, queueProps: Record<string, unknown> = {}) =>
      stack({ Queue: { Type: 'AWS::SQS::Queue', Properties: queueProps } }, { [output]: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] } } });
    const consumer = (output: string, intrinsic: 'weak' | 'strong' = 'weak') =>
      stack({
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: intrinsic === 'weak' ? { 'Fn::GetStackOutput': { StackName: 'data', Region: 'us-east-1', OutputName: output } } : { 'Fn::ImportValue': output } },
              ],
            },
          },
        },
      });
    test('GIVEN an output the consumer reads is removed THEN the plan is blocked and says which consumer', () => {
      const plan = planUpgrade({ data: producer('QueueArn'), worker: consumer('QueueArn') }, { data: producer('QueueArnRenamed'), worker: consumer('QueueArn') });
      expect(plan.stranded).toEqual([expect.objectContaining({ producer: 'data', output: 'QueueArn', consumer: 'worker', consumerLogicalId: 'Policy' })]);
      expect(isBlocked(plan)).toBe(true);
      expect(formatPlan(plan, 'x')).toMatch(/^ {2}BLOCKED output QueueArn of data is removed but worker Policy still reads it/m);
    });
    test('GIVEN the resource behind an output is replaced while a consumer reads it weakly THEN the plan is blocked', () => {
      const plan = planUpgrade({ data: producer('QueueArn'), worker: consumer('QueueArn') }, { data: producer('QueueArn', { FifoQueue: true }), worker: consumer('QueueArn') });
      expect(plan.stranded.map((s) => s.reason)).toEqual([expect.stringMatching(/resolved only when the consumer itself updates/)]);
    });
    test('GIVEN an export removed while the consumer still imports it THEN the plan is blocked', () => {
      const exporting = (name: string) => ({ ...producer(name), Outputs: { [name]: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] }, Export: { Name: name } } } });
      const plan = planUpgrade({ data: exporting('QueueArn'), worker: consumer('QueueArn', 'strong') }, { data: exporting('QueueArn2'), worker: consumer('QueueArn', 'strong') });
      expect(plan.stranded.map((s) => s.reference)).toEqual(['Fn::ImportValue']);
    });
    test('GIVEN an unchanged producer THEN nothing is stranded', () => {
      expect(planUpgrade({ data: producer('QueueArn'), worker: consumer('QueueArn') }, { data: producer('QueueArn'), worker: consumer('QueueArn') }).stranded).toEqual([]);
    });
  });
});
