import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ConfigError, resolveConfig, UserSettings } from '../config';
import { DEPLOYABILITY, formatFinding, runGate } from '../review/gate';
import { formatPlan, isBlocked, planUpgrade, synthesizeDeployment, templatesOf, Templates } from '../review/plan';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { Deployment } from '../review/gate/template';
import { buildBlueprint } from '../lib/blueprint';
import { CDK_CONTEXT } from './support/blueprint';

// GIVEN phase 3 in prod as it runs (primary us-east-1, standby us-west-2), promoted by a failover, then
// rebuilt by a failback: the promoted database's standalone secret is in us-west-2.
const PROMOTED_SECRET = 'arn:aws:secretsmanager:us-west-2:111111111111:secret:blueprint-prod/database-AbCdEf';
const withStandby = (standby: Record<string, unknown>): UserSettings => ({ ...PRODUCTION_SETTINGS, standby } as UserSettings);
const waiting = resolveConfig({ phase: 'phase3', stage: 'prod', settings: PRODUCTION_SETTINGS });
// The promotion's runbook makes the secret standalone and names it (standby.databaseSecretArn) before the failback.
const promoted = resolveConfig({ phase: 'phase3', stage: 'prod', settings: withStandby({ role: 'promoted', databaseSecretArn: PROMOTED_SECRET }) });
const failback = resolveConfig({ phase: 'phase3', stage: 'prod', settings: withStandby({ role: 'failback', databaseGeneration: 2, databaseSecretArn: PROMOTED_SECRET }) });
// Synthesized with the compliance plugins on: a cdk-nag finding in any throws here.
const promotedDeployment = synthesizeDeployment(promoted, CDK_CONTEXT);
// Synthesized once through an app of its own, so the assembly's stack dependencies can be read too.
const failbackAssembly = (() => {
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  buildBlueprint(app, failback);
  return app.synth();
})();
const failbackDeployment: Deployment = Object.fromEntries(
  failbackAssembly.stacks.map((s) => [s.stackName, { template: s.template, region: s.environment.region, account: s.environment.account }]),
);
const waitingT: Templates = templatesOf(synthesizeDeployment(waiting, CDK_CONTEXT));
const promotedT: Templates = templatesOf(promotedDeployment);
const failbackT: Templates = templatesOf(failbackDeployment);
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; DependsOn?: unknown };
const resources = (t: Templates, stack: string, type: string): Record<string, Resource> =>
  Template.fromJSON(t[`blueprint-prod-${stack}`] as Record<string, unknown>).findResources(type) as Record<string, Resource>;

describe('standby.role "failback": the primary region\'s new database', () => {
  const before = resources(promotedT, 'data', 'AWS::RDS::DBInstance');
  const after = resources(failbackT, 'data', 'AWS::RDS::DBInstance');
  const added = Object.keys(after).filter((id) => !(id in before));
  const replica = after[added[0]!]!;

  test('THEN it is one new instance, under a logical id and identifier of its own, and every instance of the first database is kept as it was', () => {
    expect(added).toHaveLength(1);
    expect(replica.Properties.DBInstanceIdentifier).toBe('blueprint-prod-postgres-2');
    for (const [id, r] of Object.entries(before)) expect(after[id]).toEqual(r);
  });

  test('THEN it replicates the promoted database by its ARN in the standby region, encrypted with this region\'s data key', () => {
    expect(replica.Properties.SourceDBInstanceIdentifier).toBe('arn:aws:rds:us-west-2:111111111111:db:blueprint-prod-postgres');
    const [keyId] = Object.keys(resources(failbackT, 'data', 'AWS::KMS::Key')).filter((id) => id.startsWith('DataKey'));
    expect(replica.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    // CloudFormation takes only the key for a replica; the source's encryption is inherited.
    expect(replica.Properties).not.toHaveProperty('StorageEncrypted');
    expect(replica.Properties).not.toHaveProperty('MasterUsername');
    expect(replica.Properties.MultiAZ).toBe(false);
    expect(replica.Properties.DeletionProtection).toBe(true);
    expect(replica.DeletionPolicy).toBe('Snapshot');
  });

  test('THEN the primary data stack is deployed after the promoted one, and no longer before it', () => {
    const deps = (name: string): string[] => failbackAssembly.getStackArtifact(name).dependencies.map((d) => d.id);
    expect(deps('blueprint-prod-data')).toContain('blueprint-prod-standby-data');
    expect(deps('blueprint-prod-standby-data')).not.toContain('blueprint-prod-data');
  });

  test('THEN the primary region\'s tasks use the new replica with the promoted database\'s secret, and wait at the standby\'s sizes', () => {
    const web = Object.values(resources(failbackT, 'service-web', 'AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0];
    const secrets = (web.Secrets as { Name: string; ValueFrom: unknown }[]).filter((x) => x.Name.startsWith('DB_'));
    expect(secrets.length).toBeGreaterThan(0);
    for (const x of secrets) expect(JSON.stringify(x.ValueFrom)).toContain(PROMOTED_SECRET);
    const min = Object.values(resources(failbackT, 'service-web', 'AWS::ApplicationAutoScaling::ScalableTarget'))[0]!.Properties.MinCapacity;
    expect(min).toBe(failback.standby!.minTasks);
    expect(Object.values(resources(failbackT, 'worker-worker', 'AWS::ECS::Service'))[0]!.Properties.DesiredCount).toBe(0);
  });

  test('THEN the primary region watches the new replica\'s lag behind the promoted database', () => {
    const names = (t: Templates): string[] => Object.values(resources(t, 'app', 'AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName);
    expect(names(promotedT)).not.toContain('blueprint-prod-db-standby-lag');
    expect(names(failbackT)).toContain('blueprint-prod-db-standby-lag');
  });

  test('THEN the standby region keeps serving as promoted: its stacks are unchanged', () => {
    for (const stack of Object.keys(failbackT).filter((n) => n.startsWith('blueprint-prod-standby-'))) expect(failbackT[stack]).toEqual(promotedT[stack]);
  });
});

describe('standby.role "promoted" with standby.databaseSecretArn: the promoted database\'s own secret rotates', () => {
  const data = Template.fromJSON(promotedT['blueprint-prod-standby-data'] as Record<string, unknown>);
  const [instanceId] = Object.keys(resources(promotedT, 'standby-data', 'AWS::RDS::DBInstance'));

  test('THEN the standalone secret is attached to the promoted instance (its host becomes this one\'s) and rotated by the hosted PostgreSQL rotation, not at once', () => {
    data.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', { SecretId: PROMOTED_SECRET, TargetId: { Ref: instanceId }, TargetType: 'AWS::RDS::DBInstance' });
    const [attachmentId] = Object.keys(resources(promotedT, 'standby-data', 'AWS::SecretsManager::SecretTargetAttachment'));
    const schedules = Object.values(resources(promotedT, 'standby-data', 'AWS::SecretsManager::RotationSchedule'));
    expect(schedules).toHaveLength(1);
    expect(schedules[0]!.Properties).toMatchObject({
      SecretId: { Ref: attachmentId },
      RotateImmediatelyOnUpdate: false,
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      HostedRotationLambda: { RotationType: 'PostgreSQLSingleUser' },
    });
    // The secret is the replica made standalone: the rotation function decrypts with the recovery key, as the tasks do.
    expect(JSON.stringify(schedules[0]!.Properties.HostedRotationLambda.KmsKeyArn)).toMatch(/blueprint-prod-standby-recovery:ExportsOutputFnGetAttRecoveryKey/);
    const grants = JSON.stringify(resources(promotedT, 'standby-service-web', 'AWS::IAM::Policy'));
    expect(grants).toMatch(/blueprint-prod-standby-recovery:ExportsOutputFnGetAttRecoveryKey/);
  });

  test('WHEN the secret is not named yet (the replica, which cannot rotate), or is one RDS manages and rotates itself THEN the kit rotates nothing', () => {
    const managed = 'arn:aws:secretsmanager:us-west-2:111111111111:secret:rds!db-promoted-AbCdEf';
    for (const standby of [{ role: 'promoted' }, { role: 'promoted', databaseSecretArn: managed }]) {
      const t = templatesOf(synthesizeDeployment(resolveConfig({ phase: 'phase3', stage: 'prod', settings: withStandby(standby) }), CDK_CONTEXT));
      expect(resources(t, 'standby-data', 'AWS::SecretsManager::RotationSchedule')).toEqual({});
      expect(resources(t, 'standby-data', 'AWS::SecretsManager::SecretTargetAttachment')).toEqual({});
    }
  });
});

describe('planning the failover and failback steps', () => {
  test('WHEN a promoted deployment names its standalone secret (standby.databaseSecretArn) THEN nothing blocks: the exports the tasks imported stay', () => {
    const plain = templatesOf(synthesizeDeployment(resolveConfig({ phase: 'phase3', stage: 'prod', settings: withStandby({ role: 'promoted' }) }), CDK_CONTEXT));
    const plan = planUpgrade(plain, promotedT);
    expect(plan.stranded.map((x) => x.reason)).toEqual([]);
    expect(isBlocked(plan)).toBe(false);
  });

  test('WHEN promoted -> failback THEN nothing blocks and the new replica is a deliberate role change', () => {
    const plan = planUpgrade(promotedT, failbackT);
    expect(plan.blocked.map((c) => `${c.stack} ${c.logicalId} ${c.impact}`)).toEqual([]);
    expect(isBlocked(plan)).toBe(false);
    const roles = plan.changes.filter((c) => c.roleChange !== undefined);
    expect(roles).toHaveLength(1);
    expect(roles[0]).toMatchObject({ stack: 'blueprint-prod-data', type: 'AWS::RDS::DBInstance', impact: 'added' });
    expect(roles[0]!.roleChange).toMatch(/^new cross-region replica: blueprint-prod-postgres-2, a replica of us-west-2's database, added beside this region's standalone database/);
    expect(formatPlan(plan, 'failback')).toMatch(/^Safe: .*1 deliberate role change\(s\), listed above, cannot be undone\.$/m);
  });

  test('WHEN an upgrade adds same-region read replicas THEN they are no role change', () => {
    const phase1 = templatesOf(synthesizeDeployment(resolveConfig({ phase: 'phase1', stage: 'prod', settings: PRODUCTION_SETTINGS }), CDK_CONTEXT));
    const withReplica = templatesOf(synthesizeDeployment(resolveConfig({ phase: 'phase1', stage: 'prod', settings: { ...PRODUCTION_SETTINGS, database: { readReplicas: 1 } } as UserSettings }), CDK_CONTEXT));
    const plan = planUpgrade(phase1, withReplica);
    expect(plan.changes.filter((c) => c.type === 'AWS::RDS::DBInstance' && c.impact === 'added')).not.toHaveLength(0);
    expect(plan.changes.filter((c) => c.roleChange !== undefined)).toEqual([]);
  });

  test('WHEN failback -> standby (going back without the switch back) THEN the plan blocks: the replica would be removed and the promoted database replaced', () => {
    const plan = planUpgrade(failbackT, waitingT);
    expect(isBlocked(plan)).toBe(true);
    const blocked = plan.blocked.filter((c) => c.type === 'AWS::RDS::DBInstance').map((c) => `${c.stack} ${c.impact}`);
    expect(blocked).toEqual(expect.arrayContaining(['blueprint-prod-data removed', 'blueprint-prod-standby-data may be replaced']));
  });

  test('WHEN promoted -> standby THEN the plan blocks: a promoted database cannot become a replica again', () => {
    const plan = planUpgrade(promotedT, waitingT);
    expect(plan.blocked.map((c) => `${c.stack} ${c.type} ${c.impact}`)).toContain('blueprint-prod-standby-data AWS::RDS::DBInstance may be replaced');
  });
});

describe('the deployability gate on the failback', () => {
  test('THEN the one finding is the known limit: the waiting region\'s tasks read the promoted region\'s secret', () => {
    const findings = runGate(DEPLOYABILITY, { deployment: failbackDeployment, previous: promotedDeployment });
    expect(findings.map((f) => `${f.rule} ${f.stack}`)).toEqual(['TasksReadOwnRegion blueprint-prod-service-web', 'TasksReadOwnRegion blueprint-prod-worker-worker']);
    for (const f of findings) expect(formatFinding(f)).toMatch(/reads DB_USERNAME, DB_PASSWORD, PGUSER, PGPASSWORD from us-west-2 while it runs in us-east-1/);
  });
});

describe('failback settings', () => {
  const refusal = (standby: Record<string, unknown>): string => {
    try {
      resolveConfig({ phase: 'phase3', stage: 'prod', settings: withStandby(standby) });
    } catch (e) {
      if (e instanceof ConfigError) return e.message;
      throw e;
    }
    return 'accepted';
  };

  test('THEN a failback needs the promoted database\'s secret and a database generation after the first', () => {
    expect(refusal({ role: 'failback', databaseGeneration: 2 })).toMatch(/standby\.databaseSecretArn: missing value; required with standby\.role "failback"/);
    expect(refusal({ role: 'failback', databaseSecretArn: PROMOTED_SECRET })).toMatch(/standby\.databaseGeneration: 1 is not allowed with standby\.role "failback"; allowed: a whole number from 2 to 99/);
  });
});
