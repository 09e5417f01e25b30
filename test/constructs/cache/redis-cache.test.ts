import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RedisCache, RedisCacheProps, STATE_CLASS_METADATA } from '../../../constructs';
import { dataTier } from '../../support/data-tier';

function fixture(): { stack: Stack; props: RedisCacheProps } {
  const { stack, vpc, subnets, encryptionKey } = dataTier('Redis');
  return {
    stack,
    props: { vpc, subnets, replicationGroupId: 'shop-prod-jobs', nodeType: 'cache.r7g.large', engineVersion: '8.0', replicasPerShard: 2, snapshotRetentionDays: 15, encryptionKey },
  };
}

function build(over: Partial<RedisCacheProps>): { cache: RedisCache; template: Template } {
  const { stack, props } = fixture();
  const cache = new RedisCache(stack, 'Redis', { ...props, ...over });
  return { cache, template: Template.fromStack(stack) };
}

describe('RedisCache without cluster mode', () => {
  const { cache, template } = build({ clusterMode: false, role: 'store' });

  test('THEN one primary and its replicas, sized by NumCacheClusters, Multi-AZ with automatic failover', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      ClusterMode: 'disabled',
      NumCacheClusters: 3,
      NumNodeGroups: Match.absent(),
      ReplicasPerNodeGroup: Match.absent(),
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      SnapshotRetentionLimit: 15,
      TransitEncryptionMode: 'required',
    });
  });

  test('THEN tasks get the primary and the reader endpoint', () => {
    expect(Stack.of(cache).resolve(cache.endpointAddress)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'PrimaryEndPoint.Address'] });
    expect(Stack.of(cache).resolve(cache.readerEndpointAddress)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'ReaderEndPoint.Address'] });
  });

  test('THEN a store never evicts: a custom non-cluster parameter group with noeviction', () => {
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'maxmemory-policy': 'noeviction', 'cluster-enabled': Match.absent() },
    });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheParameterGroupName: { Ref: Match.stringLikeRegexp('RedisParameters') } });
  });

  test('THEN a store is durable for the planner and snapshotted on delete', () => {
    template.hasResource('AWS::ElastiCache::ReplicationGroup', { DeletionPolicy: 'Snapshot', Metadata: { [STATE_CLASS_METADATA]: 'durable' } });
  });
});

describe('RedisCache in cluster mode as a cache', () => {
  const { cache, template } = build({ shards: 3 });

  test('THEN shards and replicas per shard, ElastiCache\'s evicting cluster.on group, the configuration endpoint', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      ClusterMode: 'enabled',
      NumNodeGroups: 3,
      ReplicasPerNodeGroup: 2,
      NumCacheClusters: Match.absent(),
      CacheParameterGroupName: 'default.valkey8.cluster.on',
    });
    template.resourceCountIs('AWS::ElastiCache::ParameterGroup', 0);
    expect(Stack.of(cache).resolve(cache.endpointAddress)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'ConfigurationEndPoint.Address'] });
    expect(cache.readerEndpointAddress).toBeUndefined();
  });

  test('THEN a cache is not marked durable', () => {
    const [group] = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'));
    expect(group!.Metadata?.[STATE_CLASS_METADATA]).toBeUndefined();
  });
});

test('WHEN a store is in cluster mode THEN its custom group says cluster-enabled', () => {
  const { template } = build({ role: 'store', shards: 2 });
  template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', { Properties: { 'maxmemory-policy': 'noeviction', 'cluster-enabled': 'yes' } });
});

describe('RedisCache props', () => {
  test('WHEN shards is more than 1 without cluster mode THEN it refuses, naming both props', () => {
    const { stack, props } = fixture();
    expect(() => new RedisCache(stack, 'Redis', { ...props, clusterMode: false, shards: 2 })).toThrow('RedisCache Redis: shards is 2 but clusterMode is false');
  });

  test('WHEN there is no replica THEN it refuses: Multi-AZ failover needs one', () => {
    const { stack, props } = fixture();
    expect(() => new RedisCache(stack, 'Redis', { ...props, replicasPerShard: 0 })).toThrow('RedisCache Redis: replicasPerShard is 0');
  });
});
