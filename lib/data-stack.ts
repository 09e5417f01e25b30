import { ArnFormat, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BlueprintConfig, deploymentName, maxConnectionsFor } from '../config';
import { DatabaseBackup, DataKey, EventStream, LogBucket, PostgresDatabase, PostgresSource, RedisCache, TieredVpc, WorkQueue } from '../constructs';
import { BlueprintStack, BlueprintStackProps } from './blueprint-stack';

/** What a deployment's data stack is in a two-region setup. */
export type DataRole =
  /** The region serving traffic; with `copyBackupsTo`, each recovery point is copied to that vault. */
  | { readonly kind: 'primary'; readonly copyBackupsTo?: { readonly region: string; readonly vaultName: string } }
  /**
   * The standby region: its database replicates `source`; its vault
   * `copyVaultName` receives the primary's copies. After a promotion,
   * `promotedSecretArn` (in this region) replaces the source's secret.
   */
  | { readonly kind: 'standby'; readonly source: PostgresSource; readonly copyVaultName: string; readonly promotedSecretArn?: string };

export interface DataStackProps extends BlueprintStackProps {
  readonly config: BlueprintConfig;
  readonly role: DataRole;
}

/**
 * Everything that holds state or that state depends on: network, key,
 * database, cache, log bucket, queues, event stream. Termination-protected;
 * deployed first.
 */
export class DataStack extends BlueprintStack {
  public readonly network: TieredVpc;
  public readonly dataKey: DataKey;
  public readonly database: PostgresDatabase;
  public readonly cache: RedisCache;
  /** The primary's AWS Backup plan. */
  public readonly backup?: DatabaseBackup;
  /** The standby's vault holding copies of the primary's recovery points. */
  public readonly copyVault?: backup.BackupVault;
  public readonly logBucket: LogBucket;
  /** One work queue per configured worker, keyed by the worker's name. */
  public readonly queues: ReadonlyMap<string, WorkQueue>;
  public readonly eventStream?: EventStream;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const c = props.config;
    const prefix = deploymentName(c);

    this.dataKey = new DataKey(this, 'DataKey', { alias: `${prefix}-data` });
    const key = this.dataKey.key;

    this.network = new TieredVpc(this, 'Network', {
      cidr: c.network.vpcCidr,
      availabilityZones: c.env.availabilityZones,
      natGateways: c.network.natGateways,
      encryptionKey: key,
      flowLogRetention: c.network.flowLogRetentionDays as logs.RetentionDays,
    });

    this.database = new PostgresDatabase(this, 'Database', {
      vpc: this.network.vpc,
      subnets: this.network.subnets('data'),
      instanceIdentifier: `${prefix}-postgres`,
      engineVersion: c.database.engineVersion,
      instanceClass: c.database.instanceClass,
      maxConnections: maxConnectionsFor(c.database.instanceClass),
      allocatedStorageGiB: c.database.allocatedStorageGiB,
      maxAllocatedStorageGiB: c.database.maxAllocatedStorageGiB,
      backupRetentionDays: c.database.backupRetentionDays,
      performanceInsightsRetentionDays: c.database.performanceInsightsRetentionDays,
      readReplicas: c.database.readReplicas,
      replicaOf: props.role.kind === 'standby' ? this.replicaSource(props.role.source, props.role.promotedSecretArn) : undefined,
      encryptionKey: key,
      deletionProtection: c.protection.deletionProtection,
      logRetention: c.protection.logRetentionDays as logs.RetentionDays,
    });

    if (props.role.kind === 'primary') {
      this.backup = new DatabaseBackup(this, 'Backup', {
        database: this.database.instance,
        encryptionKey: key,
        retentionDays: c.database.backupPlanRetentionDays,
        // By name, not reference: the standby's stacks depend on this one, not the other way.
        copyToVaultArn: props.role.copyBackupsTo
          ? this.formatArn({ service: 'backup', region: props.role.copyBackupsTo.region, resource: 'backup-vault', resourceName: props.role.copyBackupsTo.vaultName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })
          : undefined,
      });
    } else {
      this.copyVault = new backup.BackupVault(this, 'CopyVault', {
        backupVaultName: props.role.copyVaultName,
        encryptionKey: key,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    this.cache = new RedisCache(this, 'Cache', {
      vpc: this.network.vpc,
      subnets: this.network.subnets('data'),
      replicationGroupId: `${prefix}-cache`,
      nodeType: c.cache.nodeType,
      engineVersion: c.cache.engineVersion,
      shards: c.cache.shards,
      replicasPerShard: c.cache.replicasPerShard,
      snapshotRetentionDays: c.cache.snapshotRetentionDays,
      encryptionKey: key,
    });

    this.logBucket = new LogBucket(this, 'AccessLogs');

    // Keyed by worker name: adding a worker never renames another's queue.
    this.queues = new Map(
      c.workers.map((w) => [
        w.name,
        new WorkQueue(this, `Queue-${w.name}`, {
          encryptionKey: key,
          visibilityTimeout: Duration.seconds(w.queue.visibilityTimeoutSeconds),
          retentionPeriod: Duration.days(w.queue.retentionDays),
          maxReceiveCount: w.queue.maxReceiveCount,
        }),
      ]),
    );

    if (c.eventStream) {
      this.eventStream = new EventStream(this, 'Events', {
        encryptionKey: key,
        mode: c.eventStream.mode,
        shards: c.eventStream.shards,
        retention: Duration.hours(c.eventStream.retentionHours),
      });
    }
  }

  /** The replica's source, reading its credentials from the promoted database's own secret once there is one. */
  private replicaSource(source: PostgresSource, promotedSecretArn: string | undefined): PostgresSource {
    if (promotedSecretArn === undefined) return source;
    // Encrypted with this region's data key (docs/runbooks.md, regional failover), which the tasks may already use.
    return { instance: source.instance, secret: secretsmanager.Secret.fromSecretCompleteArn(this, 'PromotedDatabaseSecret', promotedSecretArn) };
  }
}
