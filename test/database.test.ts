import { Match, Template } from 'aws-cdk-lib/assertions';
import { synthesize } from './support/blueprint';

// GIVEN the phase-1 blueprint in dev and in prod, each synthesized once
const dev = synthesize({ stage: 'dev' });
const prod = synthesize({ stage: 'prod' });

function dataSubnetGroupIds(t: Template): unknown[] {
  return Object.entries(t.findResources('AWS::EC2::Subnet'))
    .filter(([id]) => id.startsWith('NetworkVpcdata'))
    .map(([id]) => ({ Ref: id }));
}

describe('PostgresDatabase', () => {
  test('THEN a Multi-AZ PostgreSQL 17 on gp3, encrypted with the customer key', () => {
    dev.data.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      EngineVersion: '17.9',
      DBInstanceClass: 'db.t4g.medium',
      MultiAZ: true,
      StorageType: 'gp3',
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
      PubliclyAccessible: false,
    });
  });

  test('THEN the master password is generated in a retained Secrets Manager secret under the customer key, never in the template', () => {
    const instance = Object.values(dev.data.findResources('AWS::RDS::DBInstance'))[0]!;
    expect(instance.Properties.ManageMasterUserPassword).toBeUndefined();
    expect(JSON.stringify(instance.Properties.MasterUserPassword)).toMatch(/^\{"Fn::Join":\["",\["\{\{resolve:secretsmanager:",\{"Ref":"\w+"\},":SecretString:password::\}\}"\]\]\}$/);
    dev.data.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password', SecretStringTemplate: '{"username":"dbadmin"}' }),
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
        ReplicaRegions: Match.absent(),
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('THEN a Secrets Manager hosted function rotates it every 30 days from the private subnets, reaching only the database and HTTPS', () => {
    expect([dev.data.toJSON().Transform].flat()).toEqual(['AWS::SecretsManager-2024-09-16']);
    dev.data.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: Match.objectLike({
        RotationType: 'PostgreSQLSingleUser',
        KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
        VpcSubnetIds: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^NetworkVpcprivateSubnet1') }])] },
      }),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: false,
    });
    dev.data.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('rotation'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: 'Secrets Manager API' }],
    });
    dev.data.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432,
      ToPort: 5432,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseRotationSecurityGroup'), 'GroupId'] },
    });
  });

  test('THEN TLS is enforced and max_connections is pinned below what RDS\'s formula gives on the class\'s nominal memory', () => {
    // t4g.medium: LEAST(DBInstanceClassMemory/9531392, 5000) is 450 on 4 GiB; DBInstanceClassMemory is less than that.
    dev.data.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'postgres17',
      Parameters: { 'rds.force_ssl': '1', max_connections: '394' },
    });
  });

  test('THEN backups, Performance Insights, Enhanced Monitoring, IAM auth and log export are on', () => {
    dev.data.hasResourceProperties('AWS::RDS::DBInstance', {
      BackupRetentionPeriod: 7,
      DeleteAutomatedBackups: false,
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: Match.anyValue(),
      MonitoringInterval: 60,
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    dev.data.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/aws/rds/instance/blueprint-dev-postgres/postgresql', RetentionInDays: 30 },
      DeletionPolicy: 'Retain',
    });
  });

  test('THEN deleting the stack snapshots the database; prod adds deletion protection', () => {
    dev.data.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot', Properties: { DeletionProtection: false } });
    prod.data.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', Properties: { DeletionProtection: true } });
  });

  test('THEN it lives in the data subnets only', () => {
    dev.data.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: Match.arrayEquals(dataSubnetGroupIds(dev.data)) });
  });

  test('THEN its security group admits 5432 from the application tasks\' group and, in its own stack, the rotation function\'s', () => {
    const inline = dev.data.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^PostgreSQL') } });
    expect(Object.values(inline)[0]!.Properties.SecurityGroupIngress).toBeUndefined();
    expect(Object.values(dev.web.findResources('AWS::EC2::SecurityGroupIngress'))).toHaveLength(0);
    // Besides the application login's setup task (ADR 0032, test/constructs/database/login-setup.test.ts).
    const rules = Object.values(dev.appStack.findResources('AWS::EC2::SecurityGroupIngress')).filter((r) => r.Properties.FromPort === 5432 && r.Properties.Description !== 'Application login setup');
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties).toMatchObject({
      ToPort: 5432,
      IpProtocol: 'tcp',
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^TasksGroup/), 'GroupId'] },
    });
    expect(JSON.stringify(rules[0]!.Properties.GroupId)).toMatch(/DatabaseSecurityGroup/);
  });

  test('THEN phase 1 has no read replica', () => {
    dev.data.resourceCountIs('AWS::RDS::DBInstance', 1);
  });
});

describe('RedisCache', () => {
  test('THEN a Valkey replication group in cluster mode, Multi-AZ with automatic failover', () => {
    dev.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      ClusterMode: 'enabled',
      CacheParameterGroupName: 'default.valkey8.cluster.on',
      NumNodeGroups: 1,
      ReplicasPerNodeGroup: 1,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      SnapshotRetentionLimit: 15,
    });
  });

  test('THEN encrypted at rest with the customer key and in transit with TLS required', () => {
    dev.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AtRestEncryptionEnabled: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
    });
  });

  test('THEN the AUTH token is a dynamic reference to a generated, encrypted secret, never plain text', () => {
    const group = Object.values(dev.data.findResources('AWS::ElastiCache::ReplicationGroup'))[0]!;
    expect(JSON.stringify(group.Properties.AuthToken)).toMatch(/\{\{resolve:secretsmanager:.*:SecretString:::\}\}/);
    dev.data.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
    });
  });

  test('THEN it lives in the data subnets and admits 6379 from the application tasks\' group alone', () => {
    dev.data.hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: Match.arrayEquals(dataSubnetGroupIds(dev.data)) });
    const rules = Object.values(dev.appStack.findResources('AWS::EC2::SecurityGroupIngress')).filter((r) => r.Properties.FromPort === 6379);
    expect(rules).toHaveLength(1);
    expect(JSON.stringify(rules[0]!.Properties.GroupId)).toMatch(/CacheSecurityGroup/);
    expect(rules[0]!.Properties.SourceSecurityGroupId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^TasksGroup/), 'GroupId'] });
  });
});
