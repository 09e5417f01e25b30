import { ParameterGroupMatchesClusterMode } from '../../../review/gate/rules/cache/parameter-group-cluster-mode';
import { deployment, firing, messages } from '../support';

const group = (clusterMode: string, parameterGroup: unknown) => ({
  Type: 'AWS::ElastiCache::ReplicationGroup',
  Properties: { ReplicationGroupDescription: 'store', ClusterMode: clusterMode, CacheParameterGroupName: parameterGroup },
});
const custom = (properties: Record<string, string>) => ({ Type: 'AWS::ElastiCache::ParameterGroup', Properties: { CacheParameterGroupFamily: 'valkey8', Description: 'store', Properties: properties } });
const data = (resources: Record<string, object>) => deployment({ data: { resources: resources as never } });

describe('ParameterGroupMatchesClusterMode', () => {
  test('GIVEN a cluster-mode group on a custom group without cluster-enabled THEN it fires on the replication group', () => {
    const input = data({ Params: custom({ 'maxmemory-policy': 'noeviction' }), Store: group('enabled', { Ref: 'Params' }) });
    expect(firing(ParameterGroupMatchesClusterMode, input)).toEqual(['data Store']);
    expect(messages(ParameterGroupMatchesClusterMode, input)[0]).toMatch(/cluster mode is enabled but parameter group data Params has cluster-enabled no/);
  });
  test('GIVEN a cluster-mode group on a custom group with cluster-enabled yes THEN it passes', () => {
    expect(firing(ParameterGroupMatchesClusterMode, data({ Params: custom({ 'maxmemory-policy': 'noeviction', 'cluster-enabled': 'yes' }), Store: group('enabled', { Ref: 'Params' }) }))).toEqual([]);
  });
  test('GIVEN a group without cluster mode on a default .cluster.on group THEN it fires', () => {
    expect(firing(ParameterGroupMatchesClusterMode, data({ Cache: group('disabled', 'default.valkey8.cluster.on') }))).toEqual(['data Cache']);
  });
  test('GIVEN the defaults that match each mode THEN it passes', () => {
    expect(firing(ParameterGroupMatchesClusterMode, data({ A: group('disabled', 'default.valkey8'), B: group('enabled', 'default.valkey8.cluster.on') }))).toEqual([]);
  });
});
