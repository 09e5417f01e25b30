import { Template } from 'aws-cdk-lib/assertions';
import { resolveConfig } from '../config';
import { DEPLOYABILITY, formatFinding, runGate } from '../review/gate';
import { formatPlan, isBlocked, planUpgrade, synthesizeDeployment, templatesOf, Templates } from '../review/plan';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { CDK_CONTEXT } from './support/blueprint';

// GIVEN phase 3 in prod as it runs (hosted zone, CDN, standby in us-west-2), waiting and then promoted
const waiting = resolveConfig({ phase: 'phase3', stage: 'prod', settings: PRODUCTION_SETTINGS });
const promoted = resolveConfig({ phase: 'phase3', stage: 'prod', settings: { ...PRODUCTION_SETTINGS, standby: { role: 'promoted' } } });
// Synthesized with the compliance plugins on: a cdk-nag finding in either throws here.
const waitingDeployment = synthesizeDeployment(waiting, CDK_CONTEXT);
const promotedDeployment = synthesizeDeployment(promoted, CDK_CONTEXT);
const before: Templates = templatesOf(waitingDeployment);
const after: Templates = templatesOf(promotedDeployment);
const template = (t: Templates, stack: string): Template => Template.fromJSON(t[`blueprint-prod-${stack}`] as Record<string, unknown>);
type Resource = { Type: string; Properties: Record<string, any> };
const resources = (t: Templates, stack: string, type: string): Record<string, Resource> => template(t, stack).findResources(type) as Record<string, Resource>;
const only = (t: Templates, stack: string, type: string): [string, Resource] => {
  const found = Object.entries(resources(t, stack, type));
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('standby.role "promoted": the standby database', () => {
  const [waitingId, replica] = only(before, 'standby-data', 'AWS::RDS::DBInstance');
  const [promotedId, database] = only(after, 'standby-data', 'AWS::RDS::DBInstance');

  test('THEN it is the same resource, under the same logical id and identifier, so CloudFormation updates it', () => {
    expect(promotedId).toBe(waitingId);
    expect(database.Properties.DBInstanceIdentifier).toBe(replica.Properties.DBInstanceIdentifier);
    expect(database.Properties.KmsKeyId).toEqual(replica.Properties.KmsKeyId);
  });

  test('THEN it has no source (CloudFormation promotes it), is Multi-AZ, keeps backups and deletion protection', () => {
    expect(replica.Properties.SourceDBInstanceIdentifier).toMatch(/^arn:aws:rds:us-east-1:/);
    expect(database.Properties).not.toHaveProperty('SourceDBInstanceIdentifier');
    expect(database.Properties).not.toHaveProperty('SourceRegion');
    expect(database.Properties.MultiAZ).toBe(true);
    expect(database.Properties.BackupRetentionPeriod).toBe(promoted.database.backupRetentionDays);
    expect(promoted.database.backupRetentionDays).toBeGreaterThan(0);
    expect(database.Properties.DeletionProtection).toBe(true);
    // As for a primary: its automated backups outlive it (CloudFormation's default deletes them with it).
    expect(replica.Properties).not.toHaveProperty('DeleteAutomatedBackups');
    expect(database.Properties).toMatchObject({ DeleteAutomatedBackups: false, CopyTagsToSnapshot: true });
  });

  test('THEN its tasks keep reading the same secret, whose ARN the promotion does not read again from the primary region', () => {
    expect(resources(after, 'standby-data', 'AWS::SSM::Parameter')).toEqual(resources(before, 'standby-data', 'AWS::SSM::Parameter'));
    const secretsOf = (t: Templates): unknown[] =>
      Object.values(resources(t, 'standby-service-web', 'AWS::ECS::TaskDefinition')).flatMap((d) => d.Properties.ContainerDefinitions.map((c: { Secrets: unknown }) => c.Secrets));
    expect(secretsOf(after)).toEqual(secretsOf(before));
  });

  test('THEN the replica-lag alarm is gone: a standalone database has no lag to watch', () => {
    const names = (t: Templates): string[] => Object.values(resources(t, 'standby-app', 'AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName);
    expect(names(before)).toContain('blueprint-prod-db-standby-lag');
    expect(names(after)).not.toContain('blueprint-prod-db-standby-lag');
  });
});

describe('standby.role "promoted": capacity', () => {
  const minOf = (t: Templates, stack: string): number => Object.values(resources(t, stack, 'AWS::ApplicationAutoScaling::ScalableTarget'))[0]!.Properties.MinCapacity;

  test('THEN the standby web service runs the primary\'s minimum, not standby.minTasks', () => {
    expect(minOf(before, 'standby-service-web')).toBe(waiting.standby!.minTasks);
    expect(minOf(after, 'standby-service-web')).toBe(minOf(after, 'service-web'));
    expect(minOf(after, 'service-web')).toBeGreaterThan(waiting.standby!.minTasks);
  });

  test('THEN the standby worker, off while its database was a replica (standby.workerTasks 0), runs the primary\'s scaling', () => {
    expect(Object.keys(resources(before, 'standby-worker-worker', 'AWS::ApplicationAutoScaling::ScalableTarget'))).toHaveLength(0);
    expect(Object.values(resources(before, 'standby-worker-worker', 'AWS::ECS::Service'))[0]!.Properties.DesiredCount).toBe(0);
    expect(minOf(after, 'standby-worker-worker')).toBe(minOf(after, 'worker-worker'));
    expect(minOf(after, 'worker-worker')).toBeGreaterThan(0);
  });

  test('THEN the standby VPC has the primary\'s NAT gateways, one per zone', () => {
    expect(Object.keys(resources(before, 'standby-data', 'AWS::EC2::NatGateway'))).toHaveLength(waiting.standby!.natGateways);
    expect(Object.keys(resources(after, 'standby-data', 'AWS::EC2::NatGateway'))).toHaveLength(promoted.network.natGateways);
  });
});

describe('standby.role "promoted": DNS', () => {
  const record = (t: Templates, stack: string): Resource => Object.values(resources(t, stack, 'AWS::Route53::RecordSet')).find((r) => r.Properties.Failover !== undefined)!;

  test('THEN the primary region\'s half of the failover pair follows a calculated check that is always unhealthy', () => {
    const checks = resources(after, 'app', 'AWS::Route53::HealthCheck');
    const held = Object.entries(checks).find(([, c]) => c.Properties.HealthCheckConfig.Type === 'CALCULATED');
    expect(held).toBeDefined();
    const [heldId, heldCheck] = held!;
    // More healthy children required than it has: Route 53 always reads it unhealthy.
    expect(heldCheck.Properties.HealthCheckConfig.HealthThreshold).toBeGreaterThan(heldCheck.Properties.HealthCheckConfig.ChildHealthChecks.length);
    const primary = record(after, 'app');
    expect(primary.Properties.Failover).toBe('PRIMARY');
    expect(primary.Properties.HealthCheckId).toEqual({ Ref: heldId });
    // Before the promotion the same record followed the region's origin check, which stays as the held check's child.
    const [regionId, regionCheck] = only(before, 'app', 'AWS::Route53::HealthCheck');
    expect(regionCheck.Properties.HealthCheckConfig.Type).toBe('CLOUDWATCH_METRIC');
    expect(record(before, 'app').Properties.HealthCheckId).toEqual({ Ref: regionId });
    expect(heldCheck.Properties.HealthCheckConfig.ChildHealthChecks).toEqual([{ Ref: regionId }]);
    expect(checks[regionId]).toEqual(regionCheck);
  });

  test('THEN the standby\'s half is unchanged: still SECONDARY on its own origin check, so DNS serves it while the primary is held', () => {
    expect(record(after, 'standby-app')).toEqual(record(before, 'standby-app'));
    expect(record(after, 'standby-app').Properties.Failover).toBe('SECONDARY');
  });
});

describe('planning standby -> promoted', () => {
  const plan = planUpgrade(before, after);

  test('THEN nothing blocks, and the database is a deliberate, irreversible role change updated in place', () => {
    expect(isBlocked(plan)).toBe(false);
    const db = plan.changes.find((c) => c.type === 'AWS::RDS::DBInstance');
    expect(db).toMatchObject({ stack: 'blueprint-prod-standby-data', impact: 'updated in place', blocked: false });
    expect(db!.roleChange).toMatch(/^standby database promoted: irreversible/);
    const text = formatPlan(plan, 'failover');
    expect(text).toMatch(/^ {2}ROLE {4}blueprint-prod-standby-data DatabaseInstance\w+: standby database promoted: irreversible/m);
    expect(text).toMatch(/^Safe: .*1 deliberate role change\(s\), listed above, cannot be undone\.$/m);
  });

  test('THEN outside the standby region only the primary\'s DNS half changes, which waits for that region to answer', () => {
    const elsewhere = plan.changes.filter((c) => !c.stack.startsWith('blueprint-prod-standby-'));
    expect(elsewhere.length).toBeGreaterThan(0);
    for (const c of elsewhere) {
      expect(c.stack).toBe('blueprint-prod-app');
      expect(c.type).toMatch(/^AWS::Route53::(HealthCheck|RecordSet)$/);
    }
  });
});

describe('the deployability gate on the promotion', () => {
  test('THEN no rule fires on the promoted configuration, planned as an upgrade of the waiting one', () => {
    expect(runGate(DEPLOYABILITY, { deployment: promotedDeployment, previous: waitingDeployment }).map(formatFinding)).toEqual([]);
  });
});
