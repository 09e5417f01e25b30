import { AllocatedStorageUnchanged } from '../../../review/gate/rules/upgrades/allocated-storage-unchanged';
import { CustomNamedReplacement } from '../../../review/gate/rules/upgrades/custom-named-replacement';
import { PromotionKeepsCreateOnlyProperties } from '../../../review/gate/rules/upgrades/promotion-keeps-create-only';
import { RemovedInstanceUnprotected } from '../../../review/gate/rules/upgrades/removed-instance-unprotected';
import { ReplicaSourceHasBackups } from '../../../review/gate/rules/upgrades/replica-source-backups';
import { ReplicaMaxConnections } from '../../../review/gate/rules/upgrades/replica-max-connections';
import { StrandedConsumer } from '../../../review/gate/rules/upgrades/stranded-consumer';
import { deployment, firing, messages, stackOutput } from '../support';

const db = (props: Record<string, unknown>) => ({ Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.r7g.large', Engine: 'postgres', ...props } });

describe('AllocatedStorageUnchanged', () => {
  const phase = (storage: string, max: string) => deployment({ data: { resources: { Db: db({ AllocatedStorage: storage, MaxAllocatedStorage: max }) } } });
  test('GIVEN AllocatedStorage raised between phases THEN it fires on the instance', () => {
    const input = { previous: phase('50', '500'), deployment: phase('200', '1000') };
    expect(firing(AllocatedStorageUnchanged, input)).toEqual(['data Db']);
    expect(messages(AllocatedStorageUnchanged, input)[0]).toMatch(/AllocatedStorage "50" -> "200"/);
  });
  test('GIVEN only MaxAllocatedStorage raised THEN it passes', () => {
    expect(firing(AllocatedStorageUnchanged, { previous: phase('50', '500'), deployment: phase('50', '1000') })).toEqual([]);
  });
  test('GIVEN a new instance THEN it passes: nothing is deployed yet', () => {
    expect(firing(AllocatedStorageUnchanged, { previous: deployment({ data: { resources: {} } }), deployment: phase('200', '1000') })).toEqual([]);
  });
  test('GIVEN no previous phase THEN it passes', () => {
    expect(firing(AllocatedStorageUnchanged, phase('200', '1000'))).toEqual([]);
  });
});

describe('CustomNamedReplacement', () => {
  const cache = (id: string | undefined, replicas: number) =>
    deployment({
      data: {
        resources: {
          Cache: {
            Type: 'AWS::ElastiCache::ReplicationGroup',
            Properties: { ...(id ? { ReplicationGroupId: id } : {}), ReplicationGroupDescription: 'cache', ReplicasPerNodeGroup: replicas, ClusterMode: 'enabled' },
          },
        },
      },
    });
  test('GIVEN a replacement of a cache that keeps its ReplicationGroupId THEN it fires', () => {
    const input = { previous: cache('shop-prod-cache', 1), deployment: cache('shop-prod-cache', 2) };
    expect(firing(CustomNamedReplacement, input)).toEqual(['data Cache']);
    expect(messages(CustomNamedReplacement, input)[0]).toMatch(/keeps its custom name ReplicationGroupId "shop-prod-cache"/);
  });
  test('GIVEN the same replacement of a cache CloudFormation names THEN it passes (the planner warns instead)', () => {
    expect(firing(CustomNamedReplacement, { previous: cache(undefined, 1), deployment: cache(undefined, 2) })).toEqual([]);
  });
  test('GIVEN an in-place change of the named cache THEN it passes', () => {
    expect(firing(CustomNamedReplacement, { previous: cache('shop-prod-cache', 1), deployment: cache('shop-prod-cache', 1) })).toEqual([]);
  });
});

describe('StrandedConsumer', () => {
  const producerAndConsumer = (output: string, read: string, queueProps: Record<string, unknown> = {}) =>
    deployment({
      data: { resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: queueProps } }, outputs: { [output]: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] } } } },
      worker: { resources: { Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: stackOutput('data', read) }] } } } } },
    });
  test('GIVEN an output renamed while the consumer still reads the old name THEN it fires on the consumer', () => {
    const input = { previous: producerAndConsumer('QueueArn', 'QueueArn'), deployment: producerAndConsumer('QueueArnV2', 'QueueArn') };
    expect(firing(StrandedConsumer, input)).toEqual(['worker Policy']);
    expect(messages(StrandedConsumer, input)[0]).toMatch(/still reads it/);
  });
  test('GIVEN the producing resource replaced while the consumer reads it weakly THEN it fires', () => {
    const input = { previous: producerAndConsumer('QueueArn', 'QueueArn'), deployment: producerAndConsumer('QueueArn', 'QueueArn', { FifoQueue: true }) };
    expect(messages(StrandedConsumer, input)[0]).toMatch(/data Queue is replaced; worker Policy reads output QueueArn with Fn::GetStackOutput/);
  });
  test('GIVEN an unchanged producer THEN it passes', () => {
    expect(firing(StrandedConsumer, { previous: producerAndConsumer('QueueArn', 'QueueArn'), deployment: producerAndConsumer('QueueArn', 'QueueArn') })).toEqual([]);
  });
});

describe('ReplicaMaxConnections', () => {
  const group = (max?: string) => ({ Type: 'AWS::RDS::DBParameterGroup', Properties: { Family: 'postgres17', Parameters: { 'rds.force_ssl': '1', ...(max ? { max_connections: max } : {}) } } });
  const replicaOf = { 'Fn::Join': ['', ['arn:aws:rds:us-east-1:111111111111:db:', { Ref: 'Primary' }]] };
  /** A primary and a replica sharing one parameter group, or each with its own. */
  const phase = (primaryMax: string, replicaMax?: string) =>
    deployment({
      data: {
        resources: {
          Params: group(primaryMax),
          ...(replicaMax ? { ReplicaParams: group(replicaMax) } : {}),
          Primary: db({ DBParameterGroupName: { Ref: 'Params' } }),
          Replica: db({ SourceDBInstanceIdentifier: replicaOf, DBParameterGroupName: { Ref: replicaMax ? 'ReplicaParams' : 'Params' } }),
        },
      },
    });
  test('GIVEN a replica whose own group pins fewer connections than its source THEN it fires on the replica', () => {
    expect(messages(ReplicaMaxConnections, phase('5000', '1802'))).toEqual([expect.stringMatching(/max_connections \(1802\) is below its source data Primary's \(5000\)/)]);
  });
  test('GIVEN an upgrade raising max_connections on a group primary and replica share THEN it fires on the replica', () => {
    expect(firing(ReplicaMaxConnections, { previous: phase('1802'), deployment: phase('5000') })).toEqual(['data Replica']);
  });
  test('GIVEN replicas raised first in their own group THEN it passes', () => {
    expect(firing(ReplicaMaxConnections, { previous: phase('1802', '5000'), deployment: phase('5000', '5000') })).toEqual([]);
  });
  test('GIVEN an unchanged shared group THEN it passes', () => {
    expect(firing(ReplicaMaxConnections, { previous: phase('1802'), deployment: phase('1802') })).toEqual([]);
  });
  test('GIVEN a cross-region replica named by a literal ARN with fewer connections THEN it fires', () => {
    const d = deployment({
      data: { resources: { Params: group('5000'), Primary: db({ DBInstanceIdentifier: 'shop-prod-postgres', DBParameterGroupName: { Ref: 'Params' } }) } },
      'standby-data': {
        region: 'us-west-2',
        resources: {
          Params: group('1000'),
          Replica: db({ SourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:shop-prod-postgres', DBParameterGroupName: { Ref: 'Params' } }),
        },
      },
    });
    expect(firing(ReplicaMaxConnections, d)).toEqual(['standby-data Replica']);
  });
});

describe('RemovedInstanceUnprotected', () => {
  const data = (resources: Record<string, ReturnType<typeof db>>) => deployment({ data: { resources } });
  const old = (protection: boolean) => db({ DBInstanceIdentifier: 'shop-prod-postgres', DeletionProtection: protection });
  test('GIVEN an instance removed while its last template protects it THEN it fires: the delete fails and the instance is left running outside the stack', () => {
    const input = { previous: data({ Old: old(true), New: db({}) }), deployment: data({ New: db({}) }) };
    expect(firing(RemovedInstanceUnprotected, input)).toEqual(['data Old']);
    expect(messages(RemovedInstanceUnprotected, input)[0]).toMatch(/^shop-prod-postgres is removed while its deletion protection is on/);
  });
  test('GIVEN the deploy before turned protection off THEN removing it passes', () => {
    expect(firing(RemovedInstanceUnprotected, { previous: data({ Old: old(false) }), deployment: data({}) })).toEqual([]);
  });
  test('GIVEN a protected instance kept, or no previous phase THEN it passes', () => {
    expect(firing(RemovedInstanceUnprotected, { previous: data({ Old: old(true) }), deployment: data({ Old: old(true) }) })).toEqual([]);
    expect(firing(RemovedInstanceUnprotected, data({ Old: old(true) }))).toEqual([]);
  });
});

describe('PromotionKeepsCreateOnlyProperties', () => {
  const data = (props: Record<string, unknown>) => deployment({ data: { resources: { Db: db(props) } } });
  const replica = data({ SourceDBInstanceIdentifier: 'arn:aws:rds:us-west-2:111111111111:db:shop-prod-postgres', MultiAZ: false });
  test('GIVEN a replica promoted with the user name its source gave it THEN it fires: MasterUsername is create-only, and the database would be replaced by an empty one', () => {
    const input = { previous: replica, deployment: data({ MasterUsername: 'dbadmin', MasterUserPassword: 'x', MultiAZ: true }) };
    expect(firing(PromotionKeepsCreateOnlyProperties, input)).toEqual(['data Db']);
    expect(messages(PromotionKeepsCreateOnlyProperties, input)[0]).toMatch(/^the promotion also changes MasterUsername, create-only/);
  });
  test('GIVEN a replica promoted with StorageEncrypted, which its template had to leave out THEN it fires too', () => {
    const input = { previous: replica, deployment: data({ StorageEncrypted: true, MultiAZ: true }) };
    expect(messages(PromotionKeepsCreateOnlyProperties, input)).toEqual([expect.stringMatching(/^the promotion also changes StorageEncrypted, create-only/)]);
  });
  test('GIVEN a replica promoted with only a password THEN it passes: the password is a modification after the promotion', () => {
    expect(firing(PromotionKeepsCreateOnlyProperties, { previous: replica, deployment: data({ MasterUserPassword: 'x', MultiAZ: true }) })).toEqual([]);
  });
  test('GIVEN an instance that was standalone already THEN it passes', () => {
    expect(firing(PromotionKeepsCreateOnlyProperties, { previous: data({ MasterUsername: 'dbadmin' }), deployment: data({ MasterUsername: 'dbadmin' }) })).toEqual([]);
  });
});

describe('ReplicaSourceHasBackups', () => {
  const pair = (retention: number | undefined) =>
    deployment({
      data: {
        resources: {
          Primary: db({ DBInstanceIdentifier: 'shop-prod-postgres', ...(retention === undefined ? {} : { BackupRetentionPeriod: retention }) }),
          Replica: db({ SourceDBInstanceIdentifier: { 'Fn::Join': ['', ['arn:aws:rds:eu-west-1:111111111111:db:', { Ref: 'Primary' }]] } }),
        },
      },
    });
  test('GIVEN a replica of an instance without automated backups THEN it fires: RDS refuses to create it', () => {
    expect(firing(ReplicaSourceHasBackups, pair(0))).toEqual(['data Replica']);
    expect(firing(ReplicaSourceHasBackups, pair(undefined))).toEqual(['data Replica']);
    expect(messages(ReplicaSourceHasBackups, pair(0))[0]).toMatch(/its source data Primary has no automated backups \(BackupRetentionPeriod 0\)/);
  });
  test('GIVEN a source with backups THEN it passes', () => {
    expect(firing(ReplicaSourceHasBackups, pair(7))).toEqual([]);
  });
});
