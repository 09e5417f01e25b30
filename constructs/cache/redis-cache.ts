import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, inCompliancePacks } from '../security/acknowledge';

export const REDIS_PORT = 6379;

export interface RedisCacheProps {
  readonly vpc: ec2.IVpc;
  /** Where the nodes live: the isolated data tier. */
  readonly subnets: ec2.SubnetSelection;
  /** Stable replication group id (1-40 characters), e.g. `shop-prod-cache`. */
  readonly replicationGroupId: string;
  /** e.g. `cache.t4g.small`. */
  readonly nodeType: string;
  /** Valkey `major.minor`, e.g. `8.0`. */
  readonly engineVersion: string;
  /** Shards (node groups); changes in place by online resharding. */
  readonly shards: number;
  /** Replicas per shard, at least 1 for Multi-AZ failover. Changing it replaces the group. */
  readonly replicasPerShard: number;
  readonly snapshotRetentionDays: number;
  /** Encrypts data at rest and the auth-token secret. */
  readonly encryptionKey: kms.IKey;
  /**
   * Daily snapshot window (UTC), kept clear of the maintenance window.
   * @default '03:00-04:00'
   */
  readonly snapshotWindow?: string;
  /**
   * Weekly maintenance window (UTC).
   * @default 'sun:05:00-sun:06:00'
   */
  readonly maintenanceWindow?: string;
}

/**
 * An ElastiCache for Valkey (Redis OSS-compatible) replication group in
 * cluster mode, so shards can be added in place later; Multi-AZ with
 * automatic failover, encrypted at rest and in transit (TLS required), and
 * an AUTH token kept in Secrets Manager.
 */
export class RedisCache extends Construct {
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** AUTH token: the secret's whole string value. */
  public readonly authToken: secretsmanager.Secret;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly connections: ec2.Connections;
  /** Cluster-mode configuration endpoint. */
  public readonly endpointAddress: string;
  public readonly endpointPort: string;
  public readonly replicationGroupId: string;

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Valkey: admits only the application tier',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(REDIS_PORT),
    });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'Isolated data-tier subnets',
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
    });

    this.authToken = new secretsmanager.Secret(this, 'AuthToken', {
      description: `AUTH token of the ${props.replicationGroupId} cache`,
      encryptionKey: props.encryptionKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.authToken,
      'The AUTH token is rotated with the ElastiCache ROTATE strategy, which needs both tokens valid during a client roll-out; Secrets Manager single-secret rotation would cut clients off. Rotation is an operator runbook step (docs/runbooks.md#cache-auth-token-rotation).',
      'AwsSolutions-SMG4',
      ...inCompliancePacks('SecretsManagerRotationEnabled', 'PCI.DSS.321'),
    );

    const major = props.engineVersion.split('.')[0];
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupId: props.replicationGroupId,
      replicationGroupDescription: 'Application cache and sessions',
      engine: 'valkey',
      engineVersion: props.engineVersion,
      cacheParameterGroupName: `default.valkey${major}.cluster.on`,
      cacheNodeType: props.nodeType,
      clusterMode: 'enabled',
      numNodeGroups: props.shards,
      replicasPerNodeGroup: props.replicasPerShard,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: true,
      kmsKeyId: props.encryptionKey.keyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      authToken: this.authToken.secretValue.unsafeUnwrap(),
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      port: REDIS_PORT,
      snapshotRetentionLimit: props.snapshotRetentionDays,
      snapshotWindow: props.snapshotWindow ?? '03:00-04:00',
      preferredMaintenanceWindow: props.maintenanceWindow ?? 'sun:05:00-sun:06:00',
      autoMinorVersionUpgrade: true,
    });
    // A final snapshot on delete: the cache can be rebuilt, but warm data saves the database a storm.
    this.replicationGroup.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);

    this.replicationGroupId = props.replicationGroupId;
    this.endpointAddress = this.replicationGroup.attrConfigurationEndPointAddress;
    this.endpointPort = this.replicationGroup.attrConfigurationEndPointPort;
  }
}
