import { resolveConfig } from '../config';
import { planUpgrade, synthesizeTemplates, Templates } from '../review/plan';
import { durableResources } from '../review/stack-policy';
import { CDK_CONTEXT } from './support/blueprint';

// GIVEN a deployment with the preset cache and a job store, synthesized once; and the same with both modes switched
const settings = { redis: [{ name: 'jobs' }] };
const config = resolveConfig({ phase: 'phase2', stage: 'prod', settings });
const before = synthesizeTemplates(config, CDK_CONTEXT);
const after = synthesizeTemplates(resolveConfig({ phase: 'phase2', stage: 'prod', settings: { cache: { clusterMode: false, shards: 1 }, redis: [{ name: 'jobs', clusterMode: true }] } }), CDK_CONTEXT);

type Resource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, unknown>; DeletionPolicy?: string };
const resources = (t: Templates, type: string): [string, string, Resource][] =>
  Object.entries(t).flatMap(([stack, template]) => Object.entries((template.Resources ?? {}) as Record<string, Resource>).filter(([, r]) => r.Type === type).map(([id, r]) => [stack, id, r] as [string, string, Resource]));
const groupNamed = (t: Templates, name: string): [string, string, Resource] => resources(t, 'AWS::ElastiCache::ReplicationGroup').find(([, , r]) => r.Properties?.ReplicationGroupId === name)!;

describe('a job store beside the cache', () => {
  test('THEN the settings file needs only its name: a store without cluster mode, from the template', () => {
    expect(config.redis).toEqual([expect.objectContaining({ name: 'jobs', role: 'store', clusterMode: false, shards: 1, replicasPerShard: 1 })]);
  });

  test('THEN the store is its own group: no cluster mode, noeviction, Multi-AZ, daily snapshots and a final one, durable for the planner', () => {
    const [, , store] = groupNamed(before, 'blueprint-prod-jobs');
    expect(store.Properties).toEqual(expect.objectContaining({ ClusterMode: 'disabled', NumCacheClusters: 2, MultiAZEnabled: true, AutomaticFailoverEnabled: true, SnapshotRetentionLimit: 15 }));
    expect(store.DeletionPolicy).toBe('Snapshot');
    expect(store.Metadata?.['blueprint:state-class']).toBe('durable');
    expect(resources(before, 'AWS::ElastiCache::ParameterGroup').map(([, , r]) => r.Properties?.Properties)).toEqual([{ 'maxmemory-policy': 'noeviction' }]);
  });

  test('THEN the preset cache keeps its logical id, cluster mode and default parameter group', () => {
    const [, id, cache] = groupNamed(before, 'blueprint-prod-cache');
    expect(id).toMatch(/^CacheReplicationGroup/);
    expect(cache.Properties).toEqual(expect.objectContaining({ ClusterMode: 'enabled', NumNodeGroups: 3, CacheParameterGroupName: 'default.valkey8.cluster.on' }));
    expect(cache.Metadata?.['blueprint:state-class']).toBeUndefined();
  });

  test('THEN every task finds both: the cache under REDIS_*, the store under REDIS_JOBS_* with its primary, reader and AUTH token', () => {
    // Every application task: the login setup's psql task is the kit's own (ADR 0032).
    const tasks = resources(before, 'AWS::ECS::TaskDefinition').filter(([, id]) => !id.startsWith('LoginSetupTask'));
    expect(tasks.length).toBeGreaterThan(1);
    for (const [stack, id, task] of tasks) {
      const app = task.Properties!.ContainerDefinitions[0];
      const env = Object.fromEntries((app.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]));
      const secrets = (app.Secrets as { Name: string }[]).map((s) => s.Name);
      expect([`${stack}/${id}`, Object.keys(env).filter((n) => n.startsWith('REDIS_')).sort()]).toEqual([
        `${stack}/${id}`,
        ['REDIS_CLUSTER', 'REDIS_HOST', 'REDIS_JOBS_CLUSTER', 'REDIS_JOBS_HOST', 'REDIS_JOBS_PORT', 'REDIS_JOBS_READER_HOST', 'REDIS_JOBS_TLS', 'REDIS_PORT', 'REDIS_TLS'],
      ]);
      expect([env.REDIS_CLUSTER, env.REDIS_JOBS_CLUSTER, env.REDIS_JOBS_TLS]).toEqual(['true', 'false', 'true']);
      expect(secrets).toEqual(expect.arrayContaining(['REDIS_AUTH_TOKEN', 'REDIS_JOBS_AUTH_TOKEN']));
    }
  });

  test('THEN the store alarms on any eviction, per node, and on memory; the cache keeps its eviction threshold', () => {
    const alarms = resources(before, 'AWS::CloudWatch::Alarm').map(([, , r]) => r.Properties!);
    const named = (n: string) => alarms.find((a) => a.AlarmName === n);
    expect(named('blueprint-prod-jobs-1-1-evictions')).toEqual(expect.objectContaining({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Dimensions: [{ Name: 'CacheClusterId', Value: 'blueprint-prod-jobs-001' }] }));
    expect(named('blueprint-prod-jobs-1-2-evictions')?.Dimensions).toEqual([{ Name: 'CacheClusterId', Value: 'blueprint-prod-jobs-002' }]);
    expect(named('blueprint-prod-jobs-1-1-memory')).toBeDefined();
    expect(named('blueprint-prod-jobs-1-2-replication-lag')).toBeDefined();
    expect(named('blueprint-prod-cache-1-1-evictions')?.Threshold).toBe(config.sla.saturation.cacheEvictions.threshold);
  });

  test('THEN the tasks may reach the store on the Redis port', () => {
    const ingress = resources(before, 'AWS::EC2::SecurityGroupIngress').map(([, , r]) => r.Properties!.Description);
    expect(ingress).toContain('Application tasks to Valkey blueprint-prod-jobs');
  });
});

describe('the planner on a change of mode', () => {
  const plan = planUpgrade(before, after);
  const change = (name: string) => {
    const [stack, id] = groupNamed(before, name);
    return plan.changes.find((c) => c.stack === stack && c.logicalId === id)!;
  };

  test('WHEN the store switches to cluster mode THEN it is reported replaced and blocked: durable and custom-named', () => {
    expect(change('blueprint-prod-jobs')).toEqual(expect.objectContaining({ impact: 'replaced', stateClass: 'durable', blocked: true }));
    expect(change('blueprint-prod-jobs').note).toMatch(/^durable: data would be lost or detached; custom name ReplicationGroupId "blueprint-prod-jobs"/);
  });

  test('THEN the guarded deploy\'s stack policy protects the store, not the cache', () => {
    const [stack, storeId] = groupNamed(before, 'blueprint-prod-jobs');
    const [, cacheId] = groupNamed(before, 'blueprint-prod-cache');
    const durable = durableResources(before[stack] as Parameters<typeof durableResources>[0]);
    expect(durable.get(storeId)).toBe('AWS::ElastiCache::ReplicationGroup');
    expect(durable.has(cacheId)).toBe(false);
  });

  test('WHEN the cache leaves cluster mode THEN it is reported replaced, transient, and blocked by its custom name', () => {
    expect(change('blueprint-prod-cache')).toEqual(expect.objectContaining({ impact: 'replaced', stateClass: 'transient', blocked: true }));
  });
});
