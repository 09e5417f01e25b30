import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, inCompliancePacks } from '../security/acknowledge';

export const REDIS_PORT = 6379;

/**
 * What the data is worth. A `cache` may evict and be rebuilt from empty; a
 * `store` (jobs, sessions, feeds) never evicts, so writes fail when memory
 * is full instead of dropping data, and the planner treats it as durable.
 */
export type RedisRole = 'cache' | 'store';

/**
 * Template metadata with which a resource overrides its type's state class
 * in the upgrade planner (review/state-classes.ts reads the same key).
 */
export const STATE_CLASS_METADATA = 'blueprint:state-class';

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
  /**
   * Cluster mode: shards and a configuration endpoint, for cluster-aware
   * clients only. Disabled: one primary, its replicas, a primary and a reader
   * endpoint, which every Redis client speaks (ADR 0003). Changing it on a
   * deployed group replaces the group.
   * @default true
   */
  readonly clusterMode?: boolean;
  /** @default 'cache' */
  readonly role?: RedisRole;
  /**
   * Shards (node groups); changes in place by online resharding. Exactly 1
   * with cluster mode disabled.
   * @default 1
   */
  readonly shards?: number;
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
 * An ElastiCache for Valkey (Redis OSS-compatible) replication group, in
 * cluster mode (shards added in place later) or not (one primary and its
 * replicas); Multi-AZ with automatic failover, encrypted at rest and in
 * transit (TLS required), daily snapshots and a final one on delete, and an
 * AUTH token kept in Secrets Manager. A `store` gets `maxmemory-policy
 * noeviction` and is marked durable for the upgrade planner.
 */
export class RedisCache extends Construct {
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** AUTH token: the secret's whole string value. */
  public readonly authToken: secretsmanager.Secret;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly connections: ec2.Connections;
  /** The configuration endpoint in cluster mode, else the primary endpoint. */
  public readonly endpointAddress: string;
  public readonly endpointPort: string;
  /** The reader endpoint (cluster mode disabled only): spreads reads over the replicas. */
  public readonly readerEndpointAddress?: string;
  public readonly replicationGroupId: string;
  public readonly clusterMode: boolean;
  public readonly role: RedisRole;
  /** The store's parameter group (`maxmemory-policy noeviction`); a cache uses ElastiCache's default group. */
  public readonly parameterGroup?: elasticache.CfnParameterGroup;

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);
    const clusterMode = props.clusterMode ?? true;
    const role = props.role ?? 'cache';
    const shards = props.shards ?? 1;
    if (!clusterMode && shards !== 1) {
      throw new Error(`RedisCache ${id}: shards is ${shards} but clusterMode is false; a group without cluster mode has exactly one shard`);
    }
    if (props.replicasPerShard < 1) {
      throw new Error(`RedisCache ${id}: replicasPerShard is ${props.replicasPerShard}; Multi-AZ automatic failover needs at least 1`);
    }
    this.clusterMode = clusterMode;
    this.role = role;

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
    if (role === 'store') {
      // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html: the default
      // groups evict (volatile-lru); a store must refuse writes instead. A custom group in cluster mode
      // must say cluster-enabled itself.
      this.parameterGroup = new elasticache.CfnParameterGroup(this, 'Parameters', {
        cacheParameterGroupFamily: `valkey${major}`,
        description: `${props.replicationGroupId}: a store never evicts`,
        properties: { 'maxmemory-policy': 'noeviction', ...(clusterMode ? { 'cluster-enabled': 'yes' } : {}) },
      });
    }
    // Cluster mode disabled sizes the group with NumCacheClusters (primary + replicas), enabled with
    // NumNodeGroups and ReplicasPerNodeGroup: switching between them replaces the group (ADR 0003).
    const sizing = clusterMode
      ? { clusterMode: 'enabled', numNodeGroups: shards, replicasPerNodeGroup: props.replicasPerShard }
      : { clusterMode: 'disabled', numCacheClusters: props.replicasPerShard + 1 };
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupId: props.replicationGroupId,
      replicationGroupDescription: role === 'store' ? 'Application store: jobs, sessions, feeds (no eviction)' : 'Application cache and sessions',
      engine: 'valkey',
      engineVersion: props.engineVersion,
      cacheParameterGroupName: this.parameterGroup?.ref ?? `default.valkey${major}${clusterMode ? '.cluster.on' : ''}`,
      cacheNodeType: props.nodeType,
      ...sizing,
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
    // A final snapshot on delete: a cache can be rebuilt, but warm data saves the database a storm; a store's data is the point.
    this.replicationGroup.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    if (role === 'store') this.replicationGroup.cfnOptions.metadata = { ...this.replicationGroup.cfnOptions.metadata, [STATE_CLASS_METADATA]: 'durable' };

    this.replicationGroupId = props.replicationGroupId;
    if (clusterMode) {
      this.endpointAddress = this.replicationGroup.attrConfigurationEndPointAddress;
      this.endpointPort = this.replicationGroup.attrConfigurationEndPointPort;
    } else {
      this.endpointAddress = this.replicationGroup.attrPrimaryEndPointAddress;
      this.endpointPort = this.replicationGroup.attrPrimaryEndPointPort;
      this.readerEndpointAddress = this.replicationGroup.attrReaderEndPointAddress;
    }
  }
}
