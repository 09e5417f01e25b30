import { Match, Template } from 'aws-cdk-lib/assertions';
import { HOT_STANDBY_PARAMETERS, maxConnectionsFor, vcpusOf } from '../../../config/postgres';
import { planUpgrade } from '../../../review/plan';
import { Synthesized, synthesize } from '../../support/blueprint';

// GIVEN prod in each phase, each synthesized once
const phases = {
  phase1: synthesize({ phase: 'phase1', stage: 'prod' }),
  phase2: synthesize({ phase: 'phase2', stage: 'prod' }),
  phase3: synthesize({ phase: 'phase3', stage: 'prod' }),
};
const all = Object.values(phases);

type Resource = { Properties: Record<string, unknown> };
const instances = (t: Template): Record<string, Resource> => t.findResources('AWS::RDS::DBInstance') as Record<string, Resource>;
const primaryOf = (t: Template): Resource => Object.values(instances(t)).find((r) => r.Properties.SourceDBInstanceIdentifier === undefined)!;
const replicasOf = (t: Template): Resource[] => Object.values(instances(t)).filter((r) => r.Properties.SourceDBInstanceIdentifier !== undefined);
/** The parameters of the group an instance names by Ref. */
function parametersOf(t: Template, instance: Resource): Record<string, string> {
  const ref = (instance.Properties.DBParameterGroupName as { Ref: string }).Ref;
  return (t.findResources('AWS::RDS::DBParameterGroup')[ref]!.Properties as { Parameters: Record<string, string> }).Parameters;
}
/** PostgreSQL's hot-standby parameters; a replica's must be at least its primary's. Unset is the family default in both groups. */
const HOT_STANDBY = ['max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction'];
function expectAtLeast(replica: Record<string, string>, primary: Record<string, string>): void {
  for (const name of HOT_STANDBY) {
    if (primary[name] === undefined) continue;
    expect({ name, value: Number(replica[name]) >= Number(primary[name]) }).toEqual({ name, value: true });
  }
  for (const name of HOT_STANDBY.filter((n) => replica[n] !== undefined && primary[n] === undefined)) {
    // A replica may only raise a default, never pin one lower: the two pinned here are the class-derived ones.
    expect(['max_connections', 'max_worker_processes']).toContain(name);
  }
}

describe('storage across phase upgrades', () => {
  test('THEN every phase allocates the same storage and only the autoscaling ceiling grows', () => {
    const allocated = all.map((p) => primaryOf(p.data).Properties.AllocatedStorage);
    const ceilings = all.map((p) => primaryOf(p.data).Properties.MaxAllocatedStorage as number);
    expect(new Set(allocated)).toEqual(new Set(['50']));
    expect(ceilings).toEqual([200, 1000, 4000]);
  });

  test('THEN no replica, same-region or standby, names a storage size: each takes its source\'s, and keeps the ceiling', () => {
    const replicas = [...replicasOf(phases.phase2.data), ...replicasOf(phases.phase3.data), ...replicasOf(phases.phase3.stack('standby-data'))];
    expect(replicas).toHaveLength(2 + 5 + 1);
    for (const r of replicas) {
      expect(r.Properties.AllocatedStorage).toBeUndefined();
      expect(r.Properties.MaxAllocatedStorage).toBeGreaterThan(0);
    }
  });
});

describe('replica parameters', () => {
  test('THEN same-region replicas have their own parameter group, at the hot-standby ceiling, with TLS required', () => {
    for (const p of [phases.phase2, phases.phase3]) {
      const primary = parametersOf(p.data, primaryOf(p.data));
      for (const r of replicasOf(p.data)) {
        const own = parametersOf(p.data, r);
        expect(r.Properties.DBParameterGroupName).not.toEqual(primaryOf(p.data).Properties.DBParameterGroupName);
        expect(own).toEqual({
          'rds.force_ssl': '1',
          max_connections: String(HOT_STANDBY_PARAMETERS.maxConnections),
          max_worker_processes: String(HOT_STANDBY_PARAMETERS.maxWorkerProcesses),
        });
        expectAtLeast(own, primary);
      }
    }
  });

  test('THEN the standby region\'s replica runs at the same ceiling', () => {
    const standby = phases.phase3.stack('standby-data');
    const [replica] = replicasOf(standby);
    expectAtLeast(parametersOf(standby, replica!), parametersOf(phases.phase3.data, primaryOf(phases.phase3.data)));
    expect(parametersOf(standby, replica!)).toMatchObject({
      max_connections: String(HOT_STANDBY_PARAMETERS.maxConnections),
      max_worker_processes: String(HOT_STANDBY_PARAMETERS.maxWorkerProcesses),
    });
  });

  test('THEN while an upgrade resizes the primary before its replicas, the replicas\' values already cover the new primary', () => {
    // The replicas of phase N still run phase N's group when phase N+1's primary restarts.
    const pairs: [Synthesized, Synthesized][] = [
      [phases.phase2, phases.phase3],
      [phases.phase3, phases.phase3],
    ];
    for (const [before, after] of pairs) {
      const newPrimary = parametersOf(after.data, primaryOf(after.data));
      for (const r of replicasOf(before.data)) expectAtLeast(parametersOf(before.data, r), newPrimary);
    }
  });

  test('THEN the ceiling covers every class the kit knows, by RDS\'s own defaults', () => {
    for (const instanceClass of ['t4g.medium', 'r7g.large', 'r7g.2xlarge', 'r7g.16xlarge', 'm7g.8xlarge']) {
      expect(HOT_STANDBY_PARAMETERS.maxConnections).toBeGreaterThanOrEqual(maxConnectionsFor(instanceClass));
      // default.postgres17: max_worker_processes = GREATEST(${DBInstanceVCPU*2},8)
      expect(HOT_STANDBY_PARAMETERS.maxWorkerProcesses).toBeGreaterThanOrEqual(Math.max(2 * vcpusOf(instanceClass), 8));
    }
  });

  test('THEN the vCPU counts the ceiling is built from are the published ones, so the ceiling is 128 worker processes', () => {
    // Amazon EC2 instance type specifications (Graviton): db.* classes have the vCPUs of their EC2 twin.
    const published: Record<string, number> = { 't4g.medium': 2, 'm7g.large': 2, 'r7g.xlarge': 4, 'm7g.2xlarge': 8, 'r7g.12xlarge': 48, 'r7g.16xlarge': 64 };
    for (const [instanceClass, vcpus] of Object.entries(published)) expect([instanceClass, vcpusOf(instanceClass)]).toEqual([instanceClass, vcpus]);
    expect(HOT_STANDBY_PARAMETERS).toEqual({ maxConnections: 5000, maxWorkerProcesses: 128 });
  });

  test('THEN the primary keeps its group and pins max_connections below RDS\'s formula on nominal memory', () => {
    const nominal = (gib: number): number => Math.min(Math.floor((gib * 1024 ** 3) / 9_531_392), 5000);
    const p2 = parametersOf(phases.phase2.data, primaryOf(phases.phase2.data));
    expect(Number(p2.max_connections)).toBe(maxConnectionsFor('r7g.large'));
    expect(Number(p2.max_connections)).toBeLessThan(nominal(16));
    phases.phase1.data.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Description: 'PostgreSQL 17: TLS required, max_connections pinned',
      Parameters: { max_connections: String(maxConnectionsFor('t4g.medium')), max_worker_processes: Match.absent() },
    });
  });
});

describe('moving a deployed replica to its own parameter group', () => {
  test('THEN the planner reads it as an in-place update, not a replacement', () => {
    const replica = (group: string): Record<string, unknown> => ({
      Resources: {
        Replica1: { Type: 'AWS::RDS::DBInstance', Properties: { SourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:x', DBInstanceClass: 'db.r7g.large', DBParameterGroupName: { Ref: group } } },
      },
    });
    const plan = planUpgrade({ data: replica('DatabaseParameters') }, { data: replica('DatabaseReplicaParameters') });
    expect(plan.changes.map((c) => [c.logicalId, c.impact])).toEqual([['Replica1', 'updated in place']]);
    expect(plan.blocked).toEqual([]);
  });
});
