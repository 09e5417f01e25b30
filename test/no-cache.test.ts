import { resolveConfig } from '../config';
import { DEPLOYABILITY, formatFinding, runGate } from '../review/gate';
import { Deployment } from '../review/gate/template';
import { phaseDoc } from '../review/phase-doc';
import { planUpgrade, synthesizeDeployment, templatesOf } from '../review/plan';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { CDK_CONTEXT } from './support/blueprint';

// GIVEN an application that needs no Redis (`cache: null`) in phase 1, and the same in phase 3 with its
// standby region and a job store of its own; the phase-1 preset as it runs, for the planner. Each
// synthesized once with the compliance plugins on: a cdk-nag finding throws here.
const phase1Config = resolveConfig({ phase: 'phase1', stage: 'prod', settings: { ...PRODUCTION_SETTINGS, cache: null } });
const phase1 = synthesizeDeployment(phase1Config, CDK_CONTEXT, { pathMetadata: true });
const phase3Config = resolveConfig({ phase: 'phase3', stage: 'prod', settings: { ...PRODUCTION_SETTINGS, cache: null, redis: [{ name: 'jobs' }] } });
const phase3 = synthesizeDeployment(phase3Config, CDK_CONTEXT, { pathMetadata: true });
const preset1 = synthesizeDeployment(resolveConfig({ phase: 'phase1', stage: 'prod', settings: PRODUCTION_SETTINGS }), CDK_CONTEXT, { pathMetadata: true });

type Resource = { Type: string; Properties?: Record<string, any> };
type Container = { Name: string; Environment?: { Name: string; Value: unknown }[]; Secrets?: { Name: string }[] };
const resources = (d: Deployment, type?: string): [string, string, Resource][] =>
  Object.entries(d).flatMap(([stack, s]) =>
    Object.entries((s.template.Resources ?? {}) as Record<string, Resource>)
      .filter(([, r]) => type === undefined || r.Type === type)
      .map(([id, r]) => [stack, id, r] as [string, string, Resource]),
  );
/** Every application container (the one that reads DB_HOST), with its variable and secret names. */
const appContainers = (d: Deployment): { where: string; env: string[]; secrets: string[] }[] =>
  resources(d, 'AWS::ECS::TaskDefinition').flatMap(([stack, id, r]) =>
    (r.Properties!.ContainerDefinitions as Container[])
      .filter((c) => (c.Environment ?? []).some((e) => e.Name === 'DB_HOST'))
      .map((c) => ({ where: `${stack}/${id}/${c.Name}`, env: (c.Environment ?? []).map((e) => e.Name), secrets: (c.Secrets ?? []).map((s) => s.Name) })),
  );
const redisPortIngress = (d: Deployment): string[] =>
  resources(d, 'AWS::EC2::SecurityGroupIngress').filter(([, , r]) => r.Properties!.FromPort === 6379).map(([, , r]) => r.Properties!.Description as string);
const alarmNames = (d: Deployment): string[] => resources(d, 'AWS::CloudWatch::Alarm').map(([, , r]) => String(r.Properties!.AlarmName));
const dashboards = (d: Deployment): string => JSON.stringify(resources(d, 'AWS::CloudWatch::Dashboard').map(([, , r]) => r.Properties!.DashboardBody));
const regions = (d: Deployment): string[] => [...new Set(Object.values(d).map((s) => s.region))].sort();

describe('cache null in phase 1: an application that needs no Redis gets none', () => {
  test('THEN no ElastiCache resource, and none of the cache\'s own security group, AUTH token or URL secret', () => {
    expect(resources(phase1).filter(([, , r]) => r.Type.startsWith('AWS::ElastiCache::'))).toEqual([]);
    expect(resources(phase1).filter(([stack, id]) => stack.endsWith('-data') && /^Cache[A-Z]/.test(id)).map(([, id]) => id)).toEqual([]);
    // The same configuration with the preset cache has all of them: the check above can fail.
    expect(resources(preset1, 'AWS::ElastiCache::ReplicationGroup')).toHaveLength(1);
  });

  test('THEN no task reads a REDIS_ variable or secret', () => {
    const containers = appContainers(phase1);
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) expect([c.where, [...c.env, ...c.secrets].filter((n) => n.startsWith('REDIS_'))]).toEqual([c.where, []]);
    expect(appContainers(preset1).every((c) => c.env.includes('REDIS_HOST') && c.secrets.includes('REDIS_AUTH_TOKEN'))).toBe(true);
  });

  test('THEN the tasks are admitted to nothing on the Redis port', () => {
    expect(redisPortIngress(phase1)).toEqual([]);
    expect(redisPortIngress(preset1)).toEqual(['Application tasks to Valkey']);
  });

  test('THEN no cache alarm and no cache widget on the dashboard', () => {
    expect(alarmNames(phase1).filter((n) => n.includes('-cache-'))).toEqual([]);
    expect(dashboards(phase1)).not.toContain('AWS/ElastiCache');
    expect(alarmNames(preset1)).toContain('blueprint-prod-cache-1-1-cpu');
    expect(dashboards(preset1)).toContain('AWS/ElastiCache');
  });

  test('THEN the deployability gate finds nothing', () => {
    expect(runGate(DEPLOYABILITY, { deployment: phase1 }).map(formatFinding)).toEqual([]);
  });

  test('THEN the phase document (costs, diagrams, alarms, data protection) says nothing of a cache', () => {
    const { markdown } = phaseDoc({ config: phase1Config, templates: templatesOf(phase1) });
    expect(markdown.split('\n').filter((l) => /cache|valkey|redis|6379/i.test(l))).toEqual([]);
    const preset = resolveConfig({ phase: 'phase1', stage: 'prod', settings: PRODUCTION_SETTINGS });
    expect(phaseDoc({ config: preset, templates: templatesOf(preset1) }).markdown).toMatch(/Valkey cache/);
  });
});

describe('cache null in phase 3 with a standby region and a job store', () => {
  test('THEN both regions have only the store\'s groups, no cache of their own', () => {
    expect(regions(phase3)).toEqual(expect.arrayContaining([phase3Config.env.region, phase3Config.standby!.region]));
    const groups = resources(phase3, 'AWS::ElastiCache::ReplicationGroup').map(([stack, , r]) => [stack, r.Properties!.ReplicationGroupId]);
    expect(groups).toEqual([
      ['blueprint-prod-data', 'blueprint-prod-jobs'],
      ['blueprint-prod-standby-data', expect.stringMatching(/-jobs$/)],
    ]);
    expect(resources(phase3).filter(([stack, id]) => stack.endsWith('-data') && /^Cache[A-Z]/.test(id)).map(([stack, id]) => `${stack}/${id}`)).toEqual([]);
  });

  test('THEN every task in both regions reads the store under REDIS_JOBS_*, and nothing of a cache', () => {
    const containers = appContainers(phase3);
    expect(containers.some((c) => c.where.includes('standby'))).toBe(true);
    for (const c of containers) {
      expect([c.where, c.env.filter((n) => n.startsWith('REDIS_')).sort()]).toEqual([
        c.where,
        ['REDIS_JOBS_CLUSTER', 'REDIS_JOBS_HOST', 'REDIS_JOBS_PORT', 'REDIS_JOBS_READER_HOST', 'REDIS_JOBS_TLS'],
      ]);
      expect([c.where, c.secrets.filter((n) => n.startsWith('REDIS_'))]).toEqual([c.where, ['REDIS_JOBS_AUTH_TOKEN']]);
    }
  });

  test('THEN the tasks reach the store on the Redis port, in each region, and nothing else on it', () => {
    const ingress = redisPortIngress(phase3);
    expect(ingress).toHaveLength(2);
    for (const d of ingress) expect(d).toMatch(/^Application tasks to Valkey .*-jobs$/);
  });

  test('THEN the store keeps its alarms and widget; no cache alarm remains', () => {
    const names = alarmNames(phase3);
    expect(names.filter((n) => n.includes('-cache-'))).toEqual([]);
    expect(names).toContain('blueprint-prod-jobs-1-1-evictions');
    expect(dashboards(phase3)).toContain('blueprint-prod-jobs-001');
  });

  test('THEN the deployability gate finds nothing', () => {
    expect(runGate(DEPLOYABILITY, { deployment: phase3 }).map(formatFinding)).toEqual([]);
  });
});

describe('the planner when a running deployment turns its cache off, and back on', () => {
  const off = planUpgrade(templatesOf(preset1), templatesOf(phase1));
  const on = planUpgrade(templatesOf(phase1), templatesOf(preset1));
  const data = (plan: typeof off, type: string) => plan.changes.filter((c) => c.stack === 'blueprint-prod-data' && c.type === type);

  test('WHEN turned off THEN the replication group is removed with a warning naming its blast radius, not a block', () => {
    expect(data(off, 'AWS::ElastiCache::ReplicationGroup')).toEqual([expect.objectContaining({ impact: 'removed', stateClass: 'transient', blocked: false })]);
    expect(data(off, 'AWS::ElastiCache::ReplicationGroup')[0]!.note).toMatch(/the cache starts empty/);
    expect(off.warnings.map((w) => w.type)).toContain('AWS::ElastiCache::ReplicationGroup');
  });

  test('WHEN turned off THEN the retained AUTH token is left in the account, not a block', () => {
    expect(data(off, 'AWS::SecretsManager::Secret')).toEqual([expect.objectContaining({ impact: 'orphaned', blocked: false, note: expect.stringMatching(/^durable, retained: kept in the account with its value/) })]);
    expect(off.blocked).toEqual([]);
  });

  test('WHEN turned off THEN the old tasks still import the cache\'s exports: the services and app stack deploy first (two deploys, ADR 0018)', () => {
    expect(off.stranded.length).toBeGreaterThan(0);
    for (const s of off.stranded) expect(s.producer).toBe('blueprint-prod-data');
    expect(new Set(off.stranded.map((s) => s.consumer))).toEqual(new Set(['blueprint-prod-app', 'blueprint-prod-service-web']));
  });

  test('WHEN turned back on THEN nothing is blocked or stranded: the cache and its token are added anew', () => {
    expect(on.blocked).toEqual([]);
    expect(on.stranded).toEqual([]);
    expect(data(on, 'AWS::ElastiCache::ReplicationGroup')).toEqual([expect.objectContaining({ impact: 'added' })]);
  });
});

describe('a settings file that turns the cache off, then on again in a later phase', () => {
  const settings = { cache: null, phases: { phase3: { cache: { nodeType: 'cache.r7g.large', shards: 2 } } } };

  test('GIVEN phase 1 THEN there is no cache', () => {
    expect(resolveConfig({ phase: 'phase1', settings }).cache).toBeNull();
  });

  test('GIVEN phase 3 THEN the overlay\'s cache starts from phase 1\'s preset cache, resized by the overlay', () => {
    expect(resolveConfig({ phase: 'phase3', settings }).cache).toEqual({ nodeType: 'cache.r7g.large', engineVersion: '8.0', clusterMode: true, shards: 2, replicasPerShard: 1, snapshotRetentionDays: 15 });
  });
});
