import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BlueprintConfig, maxConnectionsFor } from '../config';
import { DatabaseBackup, DataKey, EventStream, LogBucket, PostgresDatabase, RedisCache, TieredVpc, WorkQueue } from '../constructs';
import { BlueprintStack, BlueprintStackProps } from './blueprint-stack';

export interface DataStackProps extends BlueprintStackProps {
  readonly config: BlueprintConfig;
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
  public readonly backup: DatabaseBackup;
  public readonly logBucket: LogBucket;
  /** One work queue per configured worker, keyed by the worker's name. */
  public readonly queues: ReadonlyMap<string, WorkQueue>;
  public readonly eventStream?: EventStream;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const c = props.config;
    const prefix = `${c.appName}-${c.stage}`;

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
      encryptionKey: key,
      deletionProtection: c.protection.deletionProtection,
      logRetention: c.protection.logRetentionDays as logs.RetentionDays,
    });

    this.backup = new DatabaseBackup(this, 'Backup', {
      database: this.database.instance,
      encryptionKey: key,
      retentionDays: c.database.backupPlanRetentionDays,
    });

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
}
