import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { PostgresDatabase, PostgresDatabaseProps } from '../../../constructs';
import { CDK_CONTEXT } from '../../support/blueprint';

/** A stack with a VPC and a key, and the props every case shares. */
function fixture(): { stack: Stack; props: PostgresDatabaseProps } {
  const stack = new Stack(new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false }), 'Db', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return {
    stack,
    props: {
      vpc,
      subnets: { subnetGroupName: 'data' },
      instanceIdentifier: 'shop-prod-postgres',
      engineVersion: '17.9',
      instanceClass: 'r7g.large',
      maxConnections: 1622,
      replicaParameters: { maxConnections: 5000, maxWorkerProcesses: 128 },
      allocatedStorageGiB: 50,
      maxAllocatedStorageGiB: 1000,
      backupRetentionDays: 7,
      performanceInsightsRetentionDays: 7,
      readReplicas: 1,
      encryptionKey: new kms.Key(stack, 'Key'),
      deletionProtection: true,
      logRetention: logs.RetentionDays.ONE_MONTH,
    },
  };
}

describe('PostgresDatabase props', () => {
  test('WHEN replicas would allow fewer connections than the primary THEN it refuses, naming both props', () => {
    const { stack, props } = fixture();
    expect(() => new PostgresDatabase(stack, 'Database', { ...props, replicaParameters: { maxConnections: 1000, maxWorkerProcesses: 128 } })).toThrow(
      /replicaParameters\.maxConnections \(1000\) is below maxConnections \(1622\)/,
    );
  });

  test('WHEN a cross-region replica is also given credential replicas THEN it refuses, naming both props', () => {
    const { stack, props } = fixture();
    const source = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Source', { instanceIdentifier: 'x', instanceEndpointAddress: 'x', port: 5432, securityGroups: [] });
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', 'arn:aws:secretsmanager:us-east-1:111111111111:secret:s-AbCdEf');
    expect(
      () => new PostgresDatabase(stack, 'Database', { ...props, replicaOf: { instance: source, secret }, credentialReplicas: [{ region: 'us-west-2', kmsKeyId: 'alias/x' }] }),
    ).toThrow(/credentialReplicas and replicaOf conflict/);
  });

  test('WHEN a database that is not a replica is marked promoted THEN it refuses, naming both props', () => {
    const { stack, props } = fixture();
    expect(() => new PostgresDatabase(stack, 'Database', { ...props, promoted: true })).toThrow(/promoted needs replicaOf; only a replica can be promoted/);
  });

  test('WHEN a cross-region replica is promoted THEN the same instance loses its source and gains Multi-AZ and backups', () => {
    const { stack, props } = fixture();
    const source = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Source', { instanceIdentifier: 'x', instanceEndpointAddress: 'x', port: 5432, securityGroups: [] });
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', 'arn:aws:secretsmanager:us-west-2:111111111111:secret:s-AbCdEf');
    const db = new PostgresDatabase(stack, 'Database', { ...props, replicaOf: { instance: source, secret }, promoted: true });
    const [instance] = Object.values(Template.fromStack(stack).findResources('AWS::RDS::DBInstance'));
    expect(instance!.Properties).not.toHaveProperty('SourceDBInstanceIdentifier');
    expect(instance!.Properties).toMatchObject({ MultiAZ: true, BackupRetentionPeriod: props.backupRetentionDays });
    // No longer a replica: no lag alarm; still the replica's limits, since its parameter group is kept.
    expect(db.isReplica).toBe(false);
    expect(db.maxConnections).toBe(props.replicaParameters.maxConnections);
  });

  test('WHEN asked for the secret\'s replica in a region it does not replicate to THEN it refuses, naming the regions it has', () => {
    const { stack, props } = fixture();
    const db = new PostgresDatabase(stack, 'Database', { ...props, credentialReplicas: [{ region: 'us-west-2', kmsKeyId: 'arn:aws:kms:us-west-2:111111111111:alias/x' }] });
    expect(() => db.secretReplicaArn('eu-west-1')).toThrow(/no credential replica in eu-west-1; credentialReplicas has us-west-2/);
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      ReplicaRegions: [{ Region: 'us-west-2', KmsKeyId: 'arn:aws:kms:us-west-2:111111111111:alias/x' }],
    });
  });
});
