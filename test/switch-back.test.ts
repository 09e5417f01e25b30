import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ConfigError, resolveConfig, UserSettings } from '../config';
import { buildBlueprint } from '../lib/blueprint';
import { DEPLOYABILITY, formatFinding, runGate } from '../review/gate';
import { Deployment } from '../review/gate/template';
import { isBlocked, planUpgrade, synthesizeDeployment, templatesOf, Templates } from '../review/plan';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { CDK_CONTEXT } from './support/blueprint';

// GIVEN phase 3 in prod (primary us-east-1, standby us-west-2) after a failover and a failback: the promoted
// database's standalone secret is in us-west-2, and the primary region holds generation 2 as its replica.
const PROMOTED_SECRET = 'arn:aws:secretsmanager:us-west-2:111111111111:secret:blueprint-prod/database-AbCdEf';
const settings = (standby: Record<string, unknown>): UserSettings => ({ ...PRODUCTION_SETTINGS, standby } as UserSettings);
const config = (standby: Record<string, unknown>) => resolveConfig({ phase: 'phase3', stage: 'prod', settings: settings(standby) });
const deploymentOf = (standby: Record<string, unknown>): Deployment => synthesizeDeployment(config(standby), CDK_CONTEXT);

const failback = deploymentOf({ role: 'failback', databaseGeneration: 2, databaseSecretArn: PROMOTED_SECRET });
// The switch back, synthesized through an app of its own so that the stack dependencies can be read too.
const switchBackAssembly = (() => {
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  buildBlueprint(app, config({ role: 'standby', databaseGeneration: 2 }));
  return app.synth();
})();
const switchBack: Deployment = Object.fromEntries(
  switchBackAssembly.stacks.map((s) => [s.stackName, { template: s.template, region: s.environment.region, account: s.environment.account }]),
);
const unprotect = deploymentOf({ role: 'standby', databaseGeneration: 2, previousDatabases: 'unprotect' });
const retired = deploymentOf({ role: 'standby', databaseGeneration: 2, previousDatabases: 'retire' });

const failbackT: Templates = templatesOf(failback);
const switchBackT: Templates = templatesOf(switchBack);
const unprotectT: Templates = templatesOf(unprotect);
const retiredT: Templates = templatesOf(retired);

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
const resources = (t: Templates, stack: string, type: string): Record<string, Resource> =>
  Template.fromJSON(t[`blueprint-prod-${stack}`] as Record<string, unknown>).findResources(type) as Record<string, Resource>;
const instance = (t: Templates, stack: string, identifier: string): [string, Resource] =>
  Object.entries(resources(t, stack, 'AWS::RDS::DBInstance')).find(([, r]) => r.Properties.DBInstanceIdentifier === identifier)!;

describe('the switch back (standby.role "standby", databaseGeneration 2): the primary region\'s new database serves', () => {
  const [id, before] = instance(failbackT, 'data', 'blueprint-prod-postgres-2');
  const [idAfter, after] = instance(switchBackT, 'data', 'blueprint-prod-postgres-2');
  const secrets = resources(switchBackT, 'data', 'AWS::SecretsManager::Secret');
  const [secretId] = Object.keys(secrets).filter((s) => s.startsWith('Database2Secret'));

  test('THEN it is the failback\'s replica, same logical id, promoted in place: no source, Multi-AZ, automated backups, still protected', () => {
    expect(idAfter).toBe(id);
    expect(before.Properties.SourceDBInstanceIdentifier).toBe('arn:aws:rds:us-west-2:111111111111:db:blueprint-prod-postgres');
    expect(after.Properties).not.toHaveProperty('SourceDBInstanceIdentifier');
    expect(after.Properties).toMatchObject({ MultiAZ: true, BackupRetentionPeriod: config({}).database.backupRetentionDays, DeletionProtection: true, DeleteAutomatedBackups: false });
    expect(after.Properties.KmsKeyId).toEqual(before.Properties.KmsKeyId);
    expect(after.DeletionPolicy).toBe('Snapshot');
  });

  test('THEN it gets a master secret of its own: its password set on the instance, never the user name (a create-only property)', () => {
    expect(after.Properties).not.toHaveProperty('MasterUsername');
    expect(JSON.stringify(after.Properties.MasterUserPassword)).toBe(
      JSON.stringify({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:password::}}']] }),
    );
    const secret = secrets[secretId!]!;
    // The user the replica kept from the first database.
    expect(JSON.parse(secret.Properties.GenerateSecretString.SecretStringTemplate)).toEqual({ username: 'dbadmin' });
    expect(secret.DeletionPolicy).toBe('Retain');
    // Replicated to the standby region with the recovery key, like the first database's secret.
    const [firstSecret] = Object.entries(secrets).filter(([k]) => k.includes('DatabaseInstanceSecret')).map(([, r]) => r);
    expect(secret.Properties.ReplicaRegions).toEqual([{ Region: 'us-west-2', KmsKeyId: expect.stringMatching(/^arn:aws:kms:us-west-2:111111111111:alias\//) }]);
    expect(secret.Properties.ReplicaRegions).toEqual(firstSecret!.Properties.ReplicaRegions);
  });

  test('THEN the secret is attached to the promoted instance and rotated by the hosted single-user rotation, not at once', () => {
    const data = Template.fromJSON(switchBackT['blueprint-prod-data'] as Record<string, unknown>);
    data.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', { SecretId: { Ref: secretId }, TargetId: { Ref: id }, TargetType: 'AWS::RDS::DBInstance' });
    const [attachment] = Object.entries(resources(switchBackT, 'data', 'AWS::SecretsManager::SecretTargetAttachment')).find(([, r]) => r.Properties.SecretId.Ref === secretId)!;
    const rotation = Object.values(resources(switchBackT, 'data', 'AWS::SecretsManager::RotationSchedule')).find((r) => r.Properties.SecretId.Ref === attachment)!;
    expect(rotation.Properties).toMatchObject({ RotateImmediatelyOnUpdate: false, RotationRules: { ScheduleExpression: 'rate(30 days)' }, HostedRotationLambda: { RotationType: 'PostgreSQLSingleUser' } });
  });

  test('THEN every instance of the first database is kept exactly as it was, and the backup plan covers both databases until the first is retired', () => {
    const first = (t: Templates) => Object.entries(resources(t, 'data', 'AWS::RDS::DBInstance')).filter(([k]) => k.startsWith('Database') && !k.startsWith('Database2'));
    expect(first(switchBackT).length).toBeGreaterThan(1);
    expect(first(switchBackT)).toEqual(first(failbackT));
    const [selection] = Object.values(resources(switchBackT, 'data', 'AWS::Backup::BackupSelection'));
    const covered = JSON.stringify(selection!.Properties.BackupSelection.Resources);
    expect(covered).toContain(`{"Ref":"${id}"}`);
    expect(covered).toContain('{"Ref":"DatabaseInstance');
  });

  test('THEN the new database gets the phase\'s same-region read replicas, and the reader host points at them', () => {
    const replicas = Object.values(resources(switchBackT, 'data', 'AWS::RDS::DBInstance')).filter((r) => /^blueprint-prod-postgres-2-replica-\d$/.test(r.Properties.DBInstanceIdentifier));
    expect(replicas).toHaveLength(config({}).database.readReplicas);
    for (const r of replicas) expect(r.Properties.SourceDBInstanceIdentifier).toEqual({ 'Fn::Join': expect.arrayContaining([expect.arrayContaining([{ Ref: id }])]) });
    const records = Object.values(resources(switchBackT, 'data', 'AWS::Route53::RecordSet')).map((r) => JSON.stringify(r.Properties.ResourceRecords));
    expect(records).toHaveLength(replicas.length);
    for (const r of records) expect(r).toMatch(/"Database2Replica\d/);
  });

  test('THEN the login setup creates the application login of the new database with its own secret, and the tasks read it in their own region', () => {
    const [run] = Object.values(resources(switchBackT, 'app', 'AWS::ECS::TaskDefinition')).filter((r) => r.Properties.ContainerDefinitions.some((c: { Name: string }) => c.Name === 'psql'));
    const setup = JSON.stringify(run!.Properties.ContainerDefinitions);
    expect(setup).toMatch(/ApplicationLogin2Secret/);
    expect(setup).toMatch(/Database2Secret/);
    expect(setup).not.toMatch(/ApplicationLoginSecretAttachment1/);
    const web = Object.values(resources(switchBackT, 'service-web', 'AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0];
    const dbSecrets = (web.Secrets as { Name: string; ValueFrom: unknown }[]).filter((x) => x.Name.startsWith('DB_'));
    expect(dbSecrets.length).toBeGreaterThan(0);
    for (const x of dbSecrets) expect(JSON.stringify(x.ValueFrom)).toMatch(/ApplicationLogin2Secret/);
  });

  test('THEN the primary region runs at its own sizes again, and its half of the DNS pair follows its own check again', () => {
    const primary = config({});
    const min = Object.values(resources(switchBackT, 'service-web', 'AWS::ApplicationAutoScaling::ScalableTarget'))[0]!.Properties.MinCapacity;
    expect(min).toBe(primary.services[0]!.scaling.minTasks);
    const held = (t: Templates) => Object.values(resources(t, 'app', 'AWS::Route53::HealthCheck')).filter((r) => r.Properties.HealthCheckConfig.Type === 'CALCULATED');
    expect(held(failbackT)).toHaveLength(1);
    expect(held(switchBackT)).toEqual([]);
    // The worker scales on its backlog again, instead of waiting switched off.
    expect(Object.values(resources(failbackT, 'worker-worker', 'AWS::ECS::Service'))[0]!.Properties.DesiredCount).toBe(0);
    expect(Object.keys(resources(switchBackT, 'worker-worker', 'AWS::ApplicationAutoScaling::ScalingPolicy'))).toHaveLength(1);
  });
});

describe('the switch back: the standby region waits again, on a new replica', () => {
  test('THEN it gets generation 2 as a cross-region replica of the primary\'s new database, and keeps the database it served from as it was', () => {
    const [, replica] = instance(switchBackT, 'standby-data', 'blueprint-prod-postgres-2');
    expect(replica.Properties).toMatchObject({ SourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:blueprint-prod-postgres-2', MultiAZ: false, DeletionProtection: true });
    expect(replica.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] });
    expect(instance(switchBackT, 'standby-data', 'blueprint-prod-postgres')).toEqual(instance(failbackT, 'standby-data', 'blueprint-prod-postgres'));
  });

  test('THEN the secret it served with no longer rotates (nothing reads it), and its tasks read the replica of the primary\'s new login secret', () => {
    expect(resources(failbackT, 'standby-data', 'AWS::SecretsManager::RotationSchedule')).not.toEqual({});
    expect(resources(switchBackT, 'standby-data', 'AWS::SecretsManager::RotationSchedule')).toEqual({});
    const parameters = Object.values(resources(switchBackT, 'standby-data', 'AWS::SSM::Parameter')).map((p) => p.Properties.Value['Fn::GetStackOutput']?.OutputName);
    expect(parameters).toEqual(expect.arrayContaining(['Database2SecretStandbyReplicaArn', 'Database2AppSecretStandbyReplicaArn']));
    const web = Object.values(resources(switchBackT, 'standby-service-web', 'AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0];
    const dbSecrets = (web.Secrets as { Name: string; ValueFrom: unknown }[]).filter((x) => x.Name.startsWith('DB_'));
    for (const x of dbSecrets) expect(JSON.stringify(x.ValueFrom)).toMatch(/Database2AppSecretArn/);
  });

  test('THEN its services and workers wait at the standby\'s sizes, and its data stack deploys after the primary\'s again', () => {
    const c = config({});
    const min = Object.values(resources(switchBackT, 'standby-service-web', 'AWS::ApplicationAutoScaling::ScalableTarget'))[0]!.Properties.MinCapacity;
    expect(min).toBe(c.standby!.minTasks);
    expect(Object.values(resources(switchBackT, 'standby-worker-worker', 'AWS::ECS::Service'))[0]!.Properties.DesiredCount).toBe(c.standby!.workerTasks);
    const deps = (name: string): string[] => switchBackAssembly.getStackArtifact(name).dependencies.map((d) => d.id);
    expect(deps('blueprint-prod-standby-data')).toContain('blueprint-prod-data');
    expect(deps('blueprint-prod-data')).not.toContain('blueprint-prod-standby-data');
  });
});

describe('planning and checking the switch back and the retirement', () => {
  test('WHEN failback -> switch back THEN nothing blocks, and the plan shows two deliberate role changes: the promotion and the standby\'s new replica', () => {
    const plan = planUpgrade(failbackT, switchBackT);
    expect(plan.blocked.map((c) => `${c.stack} ${c.logicalId} ${c.impact}`)).toEqual([]);
    expect(plan.stranded.map((s) => s.reason)).toEqual([]);
    expect(isBlocked(plan)).toBe(false);
    const roles = plan.changes.filter((c) => c.roleChange !== undefined).map((c) => `${c.stack} ${c.impact} ${c.roleChange!.split(':')[0]}`);
    expect(roles.sort()).toEqual(['blueprint-prod-data updated in place standby database promoted', 'blueprint-prod-standby-data added new cross-region replica']);
  });

  test('WHEN the switch back is checked by the deployability gate THEN no task reads another region any more, and nothing else is found', () => {
    expect(runGate(DEPLOYABILITY, { deployment: switchBack, previous: failback }).map(formatFinding)).toEqual([]);
  });

  test('WHEN previousDatabases "unprotect" THEN only the first databases change, in place: their deletion protection goes off', () => {
    const plan = planUpgrade(switchBackT, unprotectT);
    expect(isBlocked(plan)).toBe(false);
    const changed = plan.changes.map((c) => `${c.stack} ${c.type} ${c.impact}`);
    expect(new Set(changed)).toEqual(new Set(['blueprint-prod-data AWS::RDS::DBInstance updated in place', 'blueprint-prod-standby-data AWS::RDS::DBInstance updated in place']));
    for (const [, r] of Object.entries(resources(unprotectT, 'data', 'AWS::RDS::DBInstance'))) {
      expect(r.Properties.DeletionProtection).toBe(!/^blueprint-prod-postgres(-replica-\d)?$/.test(r.Properties.DBInstanceIdentifier));
    }
  });

  test('WHEN previousDatabases "retire" THEN the plan blocks exactly the first databases\' instances, which the guarded deploy removes only with --allow-replace', () => {
    const plan = planUpgrade(unprotectT, retiredT);
    for (const c of plan.blocked) expect(c.note).toMatch(/^durable: data would be lost or detached/);
    const firstIds = (t: Templates, stack: string) => Object.entries(resources(t, stack, 'AWS::RDS::DBInstance')).filter(([, r]) => /^blueprint-prod-postgres(-replica-\d)?$/.test(r.Properties.DBInstanceIdentifier)).map(([k]) => `blueprint-prod-${stack} ${k}`);
    const expected = [...firstIds(unprotectT, 'data'), ...firstIds(unprotectT, 'standby-data')];
    expect(expected.length).toBe(config({}).database.readReplicas + 2);
    expect(plan.blocked.map((c) => `${c.stack} ${c.logicalId}`).sort()).toEqual(expected.sort());
    expect(plan.stranded).toEqual([]);
    // Their parameter and subnet groups go with them; secrets and log groups are retained.
    const groups = plan.changes.filter((c) => c.type === 'AWS::RDS::DBParameterGroup' || c.type === 'AWS::RDS::DBSubnetGroup');
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(g).toMatchObject({ impact: 'removed', blocked: false, note: expect.stringMatching(/^removed with every AWS::RDS::DBInstance that used it/) });
    expect(runGate(DEPLOYABILITY, { deployment: retired, previous: unprotect }).map(formatFinding)).toEqual([]);
  });

  test('WHEN "retire" comes straight after the switch back, without "unprotect" THEN the gate says CloudFormation would leave the protected instances running', () => {
    const plan = planUpgrade(switchBackT, retiredT);
    for (const c of plan.blocked.filter((x) => x.type === 'AWS::RDS::DBInstance')) expect(c.note).toMatch(/^deletion protection is on: RDS refuses the delete/);
    const findings = runGate(DEPLOYABILITY, { deployment: retired, previous: switchBack }).filter((f) => f.rule === 'RemovedInstanceUnprotected');
    const count = (stack: string): number => findings.filter((f) => f.stack === stack).length;
    expect(count('blueprint-prod-data')).toBe(config({}).database.readReplicas + 1);
    expect(count('blueprint-prod-standby-data')).toBe(1);
    expect(findings).toHaveLength(config({}).database.readReplicas + 2);
  });

  test('WHEN the next regional failover comes after the retirement (promoted, generation 2) THEN it promotes the standby\'s new replica in place, and nothing blocks', () => {
    const next = templatesOf(deploymentOf({ role: 'promoted', databaseGeneration: 2, previousDatabases: 'retire' }));
    const plan = planUpgrade(retiredT, next);
    expect(isBlocked(plan)).toBe(false);
    const roles = plan.changes.filter((c) => c.roleChange !== undefined);
    expect(roles.map((c) => `${c.stack} ${c.logicalId}`)).toEqual([`blueprint-prod-standby-data ${instance(retiredT, 'standby-data', 'blueprint-prod-postgres-2')[0]}`]);
  });

  test('WHEN the next failback (generation 3) comes before generation 1 is retired THEN the plan blocks: it would drop generation 1 unretired', () => {
    const NEXT_SECRET = 'arn:aws:secretsmanager:us-west-2:111111111111:secret:blueprint-prod/database-2-GhIjKl';
    const promoted = templatesOf(deploymentOf({ role: 'promoted', databaseGeneration: 2, databaseSecretArn: NEXT_SECRET }));
    const next = templatesOf(deploymentOf({ role: 'failback', databaseGeneration: 3, databaseSecretArn: NEXT_SECRET }));
    const plan = planUpgrade(promoted, next);
    const removedInstances = plan.blocked.filter((c) => c.type === 'AWS::RDS::DBInstance' && c.impact === 'removed').map((c) => c.stack);
    expect(removedInstances).toContain('blueprint-prod-data');
    expect(removedInstances).toContain('blueprint-prod-standby-data');
    const [, third] = instance(next, 'data', 'blueprint-prod-postgres-3');
    expect(third.Properties.SourceDBInstanceIdentifier).toBe('arn:aws:rds:us-west-2:111111111111:db:blueprint-prod-postgres-2');
  });
});

describe('switch back settings', () => {
  const refusal = (standby: Record<string, unknown>): string => {
    try {
      config(standby);
    } catch (e) {
      if (e instanceof ConfigError) return e.message;
      throw e;
    }
    return 'accepted';
  };

  test('THEN the switch back refuses the secret of the database it leaves behind, and retiring needs a previous database and no failback', () => {
    expect(refusal({ role: 'standby', databaseGeneration: 2, databaseSecretArn: PROMOTED_SECRET })).toMatch(
      /standby\.databaseSecretArn: "arn:aws:secretsmanager:us-west-2:111111111111:secret:blueprint-prod\/database-AbCdEf" is not allowed with standby\.role "standby" and databaseGeneration 2: .*allowed: unset/,
    );
    expect(refusal({ previousDatabases: 'retire' })).toMatch(/standby\.previousDatabases: "retire" is not allowed with databaseGeneration 1: there is no previous database; allowed: "keep"/);
    expect(refusal({ role: 'failback', databaseGeneration: 2, databaseSecretArn: PROMOTED_SECRET, previousDatabases: 'unprotect' })).toMatch(
      /standby\.previousDatabases: "unprotect" is not allowed with standby\.role "failback": the primary region's diverged database stays until the switch back; allowed: "keep"/,
    );
    expect(refusal({ role: 'standby', databaseGeneration: 2 })).toBe('accepted');
  });
});
