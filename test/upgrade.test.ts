import { resolveConfig } from '../config';
import { stateClassOf } from '../review/state-classes';
import { formatPlan, planUpgrade, synthesizeTemplates, Templates } from '../review/plan';
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
  ])('WHEN upgrading %s to %s THEN no durable resource is replaced or removed', (_from, _to, before, after) => {
    const plan = planUpgrade(before, after);
    expect(plan.blocked).toEqual([]);
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
    expect(text).toMatch(/^Safe: no durable resource is replaced or removed\.$/m);
  });
});

describe('the planner catches unsafe upgrades', () => {
  test('GIVEN a changed VPC CIDR THEN the VPC and its subnets would be replaced and the plan is blocked', () => {
    const plan = planUpgrade(phase1, templates('phase2', { network: { vpcCidr: '10.1.0.0/16' } }));
    const blocked = plan.blocked.map((c) => `${c.type} ${c.impact}`);
    expect(blocked).toContain('AWS::EC2::VPC replaced');
    expect(blocked).toContain('AWS::EC2::Subnet replaced');
    expect(formatPlan(plan, 'x')).toMatch(/^BLOCKED: \d+ durable resource\(s\) would be replaced or removed\.$/m);
  });

  test('GIVEN a changed database major version THEN the parameter group would be replaced and the plan is blocked', () => {
    const plan = planUpgrade(phase1, templates('phase1', { database: { engineVersion: '16.8' } }));
    expect(plan.blocked.map((c) => c.type)).toContain('AWS::RDS::DBParameterGroup');
    expect(plan.blocked.find((c) => c.type === 'AWS::RDS::DBParameterGroup')!.causes).toContain('Family');
  });

  test('GIVEN a removed worker THEN its queues (which may hold messages) would be removed and the plan is blocked', () => {
    const plan = planUpgrade(phase2, templates('phase2', { workers: [] }));
    expect(plan.blocked.filter((c) => c.type === 'AWS::SQS::Queue').map((c) => c.impact)).toEqual(['orphaned', 'orphaned']);
  });

  test('GIVEN a changed replica count per shard THEN the cache would be replaced: a warning with its blast radius, not a block', () => {
    const plan = planUpgrade(phase1, templates('phase1', { cache: { replicasPerShard: 2 } }));
    expect(plan.blocked).toEqual([]);
    const warning = plan.warnings.find((c) => c.type === 'AWS::ElastiCache::ReplicationGroup')!;
    expect(warning.impact).toBe('replaced');
    expect(warning.causes).toEqual(['ReplicasPerNodeGroup']);
    expect(warning.note).toMatch(/cache starts empty/);
  });
});
