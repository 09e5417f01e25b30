import { Change } from '@aws-sdk/client-cloudformation';
import { ReviewedChange, reviewChanges, TemplateResource } from '../../review/deploy/review';
import { customNameOf } from '../../review/state-classes';
import { change } from './fake-aws';

// GIVEN a stack's synthesized resources, and the change set CloudFormation computed for it
const RESOURCES: Record<string, TemplateResource> = {
  Database: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceIdentifier: 'shop-prod-postgres', MultiAZ: true } },
  Cache: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { ReplicationGroupId: 'shop-prod-cache' } },
  PageAlarm: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'shop-prod-availability-burn-page' } },
  TaskDefinition: { Type: 'AWS::ECS::TaskDefinition', Properties: { Family: 'web' } },
  OriginSecretReplica: { Type: 'Custom::OriginSecret', Properties: { Name: 'shop-prod/cdn-origin-header' } },
};

function review(changes: Change[], allow: string[] = []): ReviewedChange[] {
  return reviewChanges({ stack: 'shop-prod-data', changes, resources: RESOURCES, allow: new Set(allow) });
}
const verdicts = (changes: Change[], allow: string[] = []): string[] => review(changes, allow).map((c) => `${c.logicalId} ${c.verdict}`);

describe('reviewing a change set against the state classes', () => {
  test('WHEN a retired database goes with its parameter group and retained log group THEN only the instance needs an override', () => {
    const retained = (c: Change): Change => ({ ...c, ResourceChange: { ...c.ResourceChange, PolicyAction: 'Retain' } });
    const changes = [
      change('OldInstance', 'AWS::RDS::DBInstance', 'Remove'),
      change('OldParameters', 'AWS::RDS::DBParameterGroup', 'Remove'),
      change('OldSubnets', 'AWS::RDS::DBSubnetGroup', 'Remove'),
      retained(change('OldLog', 'AWS::Logs::LogGroup', 'Remove')),
    ];
    expect(verdicts(changes)).toEqual(['OldInstance refused', 'OldParameters ok', 'OldSubnets ok', 'OldLog warning']);
    expect(verdicts(changes, ['shop-prod-data/OldInstance'])[0]).toBe('OldInstance allowed by override');
    expect(review(changes)[3]!.reason).toMatch(/^durable, retained: kept in the account with its logs/);
  });

  test('WHEN a parameter group is removed while no instance goes THEN it is refused, and a log group CloudFormation deletes too', () => {
    expect(verdicts([change('OldParameters', 'AWS::RDS::DBParameterGroup', 'Remove'), change('OldLog', 'AWS::Logs::LogGroup', 'Remove')])).toEqual(['OldParameters refused', 'OldLog refused']);
  });

  test('WHEN CloudFormation says it may replace the database THEN it is refused: CloudFormation decides only while it executes', () => {
    const reviewed = review([change('Database', 'AWS::RDS::DBInstance', 'Modify', 'Conditional', [{ name: 'AvailabilityZone', recreation: 'Conditionally' }])]);
    expect(reviewed).toMatchObject([{ verdict: 'refused', causes: ['AvailabilityZone'], reason: 'durable: possibly replacing it loses or detaches its data' }]);
  });

  test('WHEN the database changes in place THEN only the properties that could recreate it are named as causes', () => {
    const reviewed = review([
      change('Database', 'AWS::RDS::DBInstance', 'Modify', 'False', [
        { name: 'BackupRetentionPeriod', recreation: 'Never' },
        { name: 'MultiAZ', recreation: 'Never' },
      ]),
    ]);
    expect(reviewed).toMatchObject([{ verdict: 'ok', causes: [] }]);
  });

  test('WHEN a custom-named stateless resource would be replaced THEN it is refused: CloudFormation would fail the update', () => {
    const reviewed = review([change('PageAlarm', 'AWS::CloudWatch::CompositeAlarm', 'Modify', 'True', [{ name: 'AlarmName', recreation: 'Always' }])]);
    expect(reviewed).toMatchObject([{ verdict: 'refused', stateClass: 'stateless', reason: expect.stringContaining('custom-named (AlarmName "shop-prod-availability-burn-page")') }]);
  });

  test('WHEN a transient cache or an unnamed stateless resource is replaced THEN the cache is a warning with its blast radius and the task definition is fine', () => {
    const reviewed = review([
      change('Cache', 'AWS::ElastiCache::ReplicationGroup', 'Modify', 'Conditional', [{ name: 'Engine', recreation: 'Conditionally' }]),
      change('TaskDefinition', 'AWS::ECS::TaskDefinition', 'Modify', 'True', [{ name: 'ContainerDefinitions', recreation: 'Always' }]),
    ]);
    expect(reviewed.map((c) => `${c.logicalId} ${c.verdict}`)).toEqual(['Cache warning', 'TaskDefinition ok']);
    expect(reviewed[0]!.reason).toMatch(/^transient: rebuilt from empty/);
  });

  test('WHEN an override names a refused change THEN that change, and only that one, is allowed by override', () => {
    const changes = [change('Database', 'AWS::RDS::DBInstance', 'Modify', 'True', [{ name: 'StorageEncrypted', recreation: 'Always' }]), change('Logs', 'AWS::S3::Bucket', 'Remove')];
    expect(verdicts(changes, ['shop-prod-data/Database'])).toEqual(['Database allowed by override', 'Logs refused']);
    expect(verdicts(changes, ['shop-prod-app/Database'])).toEqual(['Database refused', 'Logs refused']);
  });

  test('WHEN durable resources are added or modified in place THEN nothing is refused', () => {
    expect(
      verdicts([change('Replica', 'AWS::RDS::DBInstance', 'Add'), change('Database', 'AWS::RDS::DBInstance', 'Modify', 'False', [{ name: 'AllocatedStorage', recreation: 'Never' }])]),
    ).toEqual(['Replica ok', 'Database ok']);
  });
});

describe('a resource\'s custom name (the planner\'s table, review/state-classes.ts)', () => {
  test.each([
    ['AWS::S3::Bucket', { BucketName: 'logs' }, 'BucketName "logs"'],
    ['AWS::RDS::DBInstance', { DBInstanceIdentifier: 'db' }, 'DBInstanceIdentifier "db"'],
    ['AWS::ElastiCache::ReplicationGroup', { ReplicationGroupId: 'cache' }, 'ReplicationGroupId "cache"'],
    ['AWS::SecretsManager::Secret', { Name: 'app/secret' }, 'Name "app/secret"'],
    ['AWS::CloudWatch::CompositeAlarm', { AlarmName: 'page' }, 'AlarmName "page"'],
    ['AWS::S3::Bucket', {}, undefined],
    ['Custom::OriginSecret', { Name: 'x' }, undefined],
  ])('%s with %j is named %s', (type, properties, name) => {
    expect(customNameOf(type, properties)).toBe(name);
  });
});
