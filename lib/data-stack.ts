import { ArnFormat, CfnOutput, Duration, Fn } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BlueprintConfig, bucketName, databaseIdentifier, DatabaseGenerations, deploymentName, maxConnectionsFor } from '../config';
import { HOT_STANDBY_PARAMETERS } from '../config/postgres';
import { AppBucket, ApplicationLogin, DatabaseBackup, DataKey, EventStream, LogBucket, POSTGRES_PORT, PostgresDatabase, PostgresSource, ReaderEndpoint, RedisCache, RedisUrl, RedisUrlSecret, rotateSingleUser, secretArnIn, TieredVpc, WorkQueue } from '../constructs';
import { BlueprintStack, BlueprintStackProps } from './blueprint-stack';

/** Output of a primary data stack: ARN of the database secret's replica in the standby region. */
export const SECRET_REPLICA_OUTPUT = 'DatabaseSecretStandbyReplicaArn';
/** Output of a primary data stack: ARN of the application login secret's replica in the standby region. */
export const APP_SECRET_REPLICA_OUTPUT = 'DatabaseAppSecretStandbyReplicaArn';

/**
 * Output of a standby data stack: the same ARN, read in the standby region,
 * where a failover makes that replica standalone (docs/runbooks.md).
 */
export const STANDBY_SECRET_OUTPUT = 'DatabaseSecretReplicaArn';
/** Output of a standby data stack with an application login: its secret's replica in this region, which the tasks read. */
export const STANDBY_APP_SECRET_OUTPUT = 'DatabaseAppSecretReplicaArn';

/**
 * What the primary keeps in the standby region before its data stack
 * deploys (lib/recovery-stack.ts), by name: the primary's stacks never read
 * the standby region, even to deploy.
 */
export interface StandbyRecovery {
  readonly region: string;
  /** Receives a copy of every recovery point. */
  readonly vaultArn: string;
  /** Encrypts the copies and the replica of the database secret. */
  readonly keyAliasName: string;
  readonly keyAliasArn: string;
}

/**
 * A failback (ADR 0029, `standby.role` `failback`): the primary region
 * rebuilt as the standby of the promoted region. Its newest database
 * replicates the promoted one, named by ARN (its stack deploys first), and
 * its tasks read the promoted database's own secret in that region.
 */
export interface FailbackSource {
  /** The promoted database's secret (`standby.databaseSecretArn`), in the standby region, encrypted with a key of that region. */
  readonly secretArn: string;
}

/**
 * Whether a secret is one RDS manages (`aws rds modify-db-instance
 * --manage-master-user-password`): its name starts with `rds!`, and RDS
 * rotates it
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html).
 */
function rdsManaged(secretArn: string): boolean {
  return /:secret:rds!/.test(secretArn);
}

/** What a deployment's data stack is in a two-region setup. */
export type DataRole =
  /**
   * The region serving traffic; with `standby`, each recovery point is
   * copied to its vault and the database secret is replicated there.
   */
  | {
      readonly kind: 'primary';
      readonly standby?: StandbyRecovery;
      /** The databases the region holds (config/standby.ts): each generation after the first replicated the standby region's one before it. */
      readonly generations: DatabaseGenerations;
      /** The region the databases after the first were replicated from: the standby region. */
      readonly sourceRegion?: string;
      readonly failback?: FailbackSource;
    }
  /**
   * The standby region: its current database replicates the primary's of
   * the same generation (`source.instances`), and its tasks read that
   * database's secret's replica in this region, encrypted with
   * `source.secretKey`. `promoted`: a regional failover has made the
   * replica a standalone database (ADR 0029); its tasks keep reading the
   * same secret. `promotedSecretArn` (in this region), when set, replaces it.
   */
  | {
      readonly kind: 'standby';
      readonly source: {
        /** The primary region's databases, by generation. */
        readonly instances: ReadonlyMap<number, rds.IDatabaseInstance>;
        readonly primaryDataStack: { readonly stackName: string; readonly region: string };
        readonly secretKey: kms.IKey;
      };
      readonly generations: DatabaseGenerations;
      readonly promoted?: boolean;
      readonly promotedSecretArn?: string;
      /** The replicas of the primary's buckets in this region, keyed by bucket name, which this region's tasks use. */
      readonly buckets: ReadonlyMap<string, AppBucket>;
    };

type StandbyRole = Extract<DataRole, { kind: 'standby' }>;

/**
 * A database generation's name for one of its resources or outputs: the
 * first database's names as they have always been, then `Database<n>...`
 * (`ApplicationLogin<n>`), so a generation never takes another's logical ids.
 */
export function generationId(name: string, generation: number): string {
  if (generation === 1) return name;
  return name.startsWith('Database') ? `Database${generation}${name.slice('Database'.length)}` : `${name}${generation}`;
}

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
  /** The database this region's tasks use: during a failback, the primary region's new replica of the promoted database. */
  public readonly database: PostgresDatabase;
  /**
   * Every database the region holds, by generation (ADR 0029): `database`,
   * and the one before it, which a failback and a switch back leave as it
   * was until `standby.previousDatabases` retires it.
   */
  public readonly databases: ReadonlyMap<number, PostgresDatabase>;
  /**
   * The primary region's writable database, which the application login,
   * the backup plan and the reader endpoint belong to: `database`, except
   * during a failback, when it is the first one, left as it was.
   */
  public readonly loginDatabase?: PostgresDatabase;
  /** The application login of `loginDatabase` and its rotation (ADR 0027); the app stack creates it (ADR 0032). */
  public readonly applicationLogin?: ApplicationLogin;
  /**
   * The credentials applications use: the application login's secret when
   * `database.applicationLogin` names one, else the master secret; in a
   * standby their replica in this region (or, after a promotion, the
   * promoted database's secret).
   */
  public readonly applicationSecret: secretsmanager.ISecret;
  /** One host for all same-region read replicas, when there are any. */
  public readonly readerEndpoint?: ReaderEndpoint;
  /** The cache (setting `cache`): its endpoint is REDIS_HOST. None when `cache` is null. */
  public readonly cache?: RedisCache;
  /** One Valkey group per `redis` entry, keyed by its name. */
  public readonly redis: ReadonlyMap<string, RedisCache>;
  /**
   * The Redis connection URLs the apps read (`connectionUrls`), one secret
   * per group, keyed by the setting's `to`: `cache` or `redis:<name>` (ADR 0031).
   */
  public readonly redisUrls: ReadonlyMap<string, RedisUrlSecret>;
  /** The primary's AWS Backup plan. */
  public readonly backup?: DatabaseBackup;
  public readonly logBucket: LogBucket;
  /**
   * The application's buckets, keyed by name: in the primary only. The
   * standby's tasks use the replicas its recovery stack holds.
   */
  public readonly buckets: ReadonlyMap<string, AppBucket>;
  /** One work queue per worker that has a queue, keyed by the worker's name. */
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

    if (props.role.kind === 'primary') {
      const role = props.role;
      const standby = role.standby;
      const { current, previous } = role.generations;
      const databases = new Map<number, PostgresDatabase>();
      for (const g of previous === undefined ? [current] : [previous, current]) {
        const waiting = g === current ? role.failback : undefined;
        databases.set(g, g === 1 ? this.firstDatabase(c, key, role.generations, standby) : this.laterDatabase(c, key, g, role.generations, role.sourceRegion!, standby, waiting));
      }
      this.databases = databases;
      this.database = databases.get(current)!;
      // During a failback the newest is the promoted region's replica, and the one before stays writable.
      const writableGeneration = role.failback ? previous! : current;
      const writable = databases.get(writableGeneration)!;
      this.loginDatabase = writable;
      // Every standalone database keeps its login until it is retired; the tasks use the writable one's.
      const logins = new Map([...databases].filter(([, d]) => !d.isReplica).map(([g, d]) => [g, this.applicationLoginOf(c, key, g, d, standby)] as const));
      this.applicationLogin = logins.get(writableGeneration);
      // Without an application login, the master secret (ADR 0027); during a failback, the promoted database's.
      this.applicationSecret = role.failback ? this.database.secret : (this.applicationLogin?.secret ?? writable.secret);
      // Every standalone database of the region, the one a switch back leaves behind included, until it is retired.
      this.backup = new DatabaseBackup(this, 'Backup', {
        databases: [...databases.values()].filter((d) => !d.isReplica).map((d) => d.instance),
        encryptionKey: key,
        retentionDays: c.database.backupPlanRetentionDays,
        copyTo: standby ? { vaultArn: standby.vaultArn, keyAlias: { region: standby.region, aliasName: standby.keyAliasName } } : undefined,
      });
      if (standby) {
        for (const [g, d] of databases) {
          if (d.isReplica) continue;
          new CfnOutput(this, generationId(SECRET_REPLICA_OUTPUT, g), {
            value: d.secretReplicaArn(standby.region),
            description: `ARN of the database master secret's replica in ${standby.region}`,
          });
          const login = logins.get(g);
          if (login) {
            new CfnOutput(this, generationId(APP_SECRET_REPLICA_OUTPUT, g), {
              value: secretArnIn(login.secret, standby.region),
              description: `ARN of the application login secret's replica in ${standby.region}, which the standby's tasks read`,
            });
          }
        }
      }
      if (previous !== undefined) this.keepExports(databases.get(previous)!, logins.get(previous)?.secret);
    } else {
      const role = props.role;
      const { current, previous } = role.generations;
      const databases = new Map<number, PostgresDatabase>();
      // The one before the current is a promoted database the switch back left behind: nothing reads it, nothing rotates it.
      if (previous !== undefined) databases.set(previous, this.standbyDatabase(c, key, role, previous, true, undefined));
      this.database = this.standbyDatabase(c, key, role, current, role.promoted === true, role.promotedSecretArn);
      databases.set(current, this.database);
      this.databases = databases;
      if (previous !== undefined) {
        if (c.database.applicationLogin !== null) this.standbyApplicationSecret(role, previous, true);
        this.keepExports(databases.get(previous)!);
      }
      this.applicationSecret = c.database.applicationLogin === null ? this.database.secret : this.standbyApplicationSecret(role, current, role.promotedSecretArn !== undefined);
      // Tasks that read the master secret's replica before the login existed still import it until their own stacks
      // deploy, after this one; CloudFormation refuses to delete an export in use, so it stays.
      if (this.applicationSecret !== this.database.secret && role.promotedSecretArn === undefined) this.exportValue(this.database.secret.secretArn);
    }

    // The writable database's: a failback's replica has none, and leaves the zone as it was. One zone of this name per VPC
    // (Route 53 refuses a second: ConflictingDomainExists), so a switch back points its records at the new replicas.
    const readers = this.loginDatabase?.replicas ?? [];
    if (readers.length > 0) {
      // Private zones are per VPC: the standby region's zone of the same name is another zone.
      this.readerEndpoint = new ReaderEndpoint(this, 'ReaderEndpoint', {
        vpc: this.network.vpc,
        zoneName: `${prefix}.internal`,
        replicaAddresses: readers.map((r) => r.dbInstanceEndpointAddress),
      });
    }

    if (c.cache !== null) {
      this.cache = new RedisCache(this, 'Cache', {
        vpc: this.network.vpc,
        subnets: this.network.subnets('data'),
        replicationGroupId: `${prefix}-cache`,
        nodeType: c.cache.nodeType,
        engineVersion: c.cache.engineVersion,
        clusterMode: c.cache.clusterMode,
        shards: c.cache.shards,
        replicasPerShard: c.cache.replicasPerShard,
        snapshotRetentionDays: c.cache.snapshotRetentionDays,
        encryptionKey: key,
      });
    }
    // Keyed by name like the queues: adding a group never renames another.
    this.redis = new Map(
      c.redis.map((r) => [
        r.name,
        new RedisCache(this, `Redis-${r.name}`, {
          vpc: this.network.vpc,
          subnets: this.network.subnets('data'),
          replicationGroupId: `${prefix}-${r.name}`,
          role: r.role,
          clusterMode: r.clusterMode,
          nodeType: r.nodeType,
          engineVersion: r.engineVersion,
          shards: r.shards,
          replicasPerShard: r.replicasPerShard,
          snapshotRetentionDays: r.snapshotRetentionDays,
          encryptionKey: key,
        }),
      ]),
    );

    // Only the groups, databases and queries some app reads: each URL is one dynamic reference, at most 60 a template.
    this.redisUrls = new Map(
      [...redisUrlsRead(c)].map(([to, urls]) => [
        to,
        new RedisUrlSecret(this, to === 'cache' ? 'CacheUrls' : `Redis-${to.slice('redis:'.length)}-Urls`, {
          // Validation refuses a URL to a group that does not exist (config/validate.ts).
          cache: (to === 'cache' ? this.cache : this.redis.get(to.slice('redis:'.length)))!,
          urls,
          encryptionKey: key,
        }),
      ]),
    );

    this.logBucket = new LogBucket(this, 'AccessLogs');

    this.buckets = props.role.kind === 'standby' ? props.role.buckets : this.appBuckets(c, key, props.role.standby);

    // Keyed by worker name: adding a worker never renames another's queue. Only a worker that asks for one gets a queue.
    this.queues = new Map(
      c.workers.flatMap((w) =>
        w.queue === null
          ? []
          : [
              [
                w.name,
                new WorkQueue(this, `Queue-${w.name}`, {
                  encryptionKey: key,
                  visibilityTimeout: Duration.seconds(w.queue.visibilityTimeoutSeconds),
                  retentionPeriod: Duration.days(w.queue.retentionDays),
                  maxReceiveCount: w.queue.maxReceiveCount,
                }),
              ] as const,
            ],
      ),
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

  /**
   * The application's buckets, keyed by name: adding one never touches
   * another. Retained, and named by bucketName(), so the planner refuses any
   * change that would replace one (ADR 0025); with a standby, each replicates
   * to its replica in the recovery stack.
   */
  private appBuckets(c: BlueprintConfig, key: kms.IKey, standby: StandbyRecovery | undefined): Map<string, AppBucket> {
    return new Map(
      c.buckets.map((b) => [
        b.name,
        new AppBucket(this, `Bucket-${b.name}`, {
          bucketName: bucketName(c, b.name, this.region),
          encryptionKey: key,
          accessLogs: this.logBucket.bucket,
          noncurrentVersionExpiration: Duration.days(b.noncurrentVersionExpirationDays),
          infrequentAccessAfter: b.infrequentAccessAfterDays === null ? undefined : Duration.days(b.infrequentAccessAfterDays),
          abortIncompleteUploadAfter: Duration.days(b.abortIncompleteUploadDays),
          corsOrigins: b.corsOrigins,
          cdnReadable: b.public !== null,
          replica: standby && { bucketName: bucketName(c, b.name, standby.region), region: standby.region, keyAliasName: standby.keyAliasName, keyAliasArn: standby.keyAliasArn },
        }),
      ]),
    );
  }

  /**
   * The primary region's first database, as it has always been built: a
   * Multi-AZ primary with its own master secret, replicated to the standby
   * region, and its same-region read replicas.
   */
  private firstDatabase(c: BlueprintConfig, key: kms.IKey, generations: DatabaseGenerations, standby: StandbyRecovery | undefined): PostgresDatabase {
    return new PostgresDatabase(this, 'Database', {
      ...this.databaseProps(c, key, 1, generations),
      readReplicas: c.database.readReplicas,
      credentialReplicas: standby ? [{ region: standby.region, kmsKeyId: standby.keyAliasArn }] : undefined,
    });
  }

  /**
   * A database a failback built in the primary region (ADR 0029): a
   * cross-region read replica of the standby region's database of the
   * generation before, under its own construct id and identifier, so nothing
   * of the database before it is replaced or removed. CloudFormation
   * replaces an instance whose SourceDBInstanceIdentifier changes, and RDS
   * never makes a standalone instance a replica, so the database before
   * cannot become this one in place (AWS::RDS::DBInstance,
   * SourceDBInstanceIdentifier:
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-sourcedbinstanceidentifier).
   * The source is named by ARN, as RDS requires for a source in another
   * region, and the storage key is this region's data key: "If you create an
   * encrypted read replica in a different AWS Region, then you must specify
   * a KMS key identifier for the destination AWS Region"
   * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html).
   * While `waiting` (the failback) it replicates and its tasks read the
   * promoted database's secret; after the switch back it is the same
   * instance promoted, with a master secret of its own replicated to the
   * standby region, and read replicas of its own.
   */
  private laterDatabase(c: BlueprintConfig, key: kms.IKey, generation: number, generations: DatabaseGenerations, sourceRegion: string, standby: StandbyRecovery | undefined, waiting: FailbackSource | undefined): PostgresDatabase {
    const sourceIdentifier = databaseIdentifier(c, generation - 1);
    const sourceArn = this.formatArn({ region: sourceRegion, service: 'rds', resource: 'db', resourceName: sourceIdentifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const source = rds.DatabaseInstance.fromDatabaseInstanceAttributes(this, generationId('FailbackSource', generation), {
      instanceIdentifier: sourceIdentifier,
      instanceEndpointAddress: `${sourceIdentifier}.${sourceRegion}`,
      port: POSTGRES_PORT,
      securityGroups: [],
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.of(c.database.engineVersion, c.database.engineVersion.split('.')[0]!) }),
    });
    // While waiting, the promoted database's secret, whose key is in its region: Secrets Manager decrypts there for a
    // task allowed to read that one secret. Once promoted, a secret of its own.
    const promotedSecret = waiting && {
      secret: secretsmanager.Secret.fromSecretCompleteArn(this, generationId('FailbackDatabaseSecret', generation), waiting.secretArn),
      secretKey: { keyArn: this.formatArn({ region: sourceRegion, service: 'kms', resource: 'key', resourceName: '*' }), region: sourceRegion },
    };
    const database = new PostgresDatabase(this, generationId('Database', generation), {
      ...this.databaseProps(c, key, generation, generations),
      readReplicas: waiting ? 0 : c.database.readReplicas,
      replicaOf: { instance: source, ...promotedSecret },
      promoted: !waiting,
      ownCredentials: !waiting,
      credentialReplicas: !waiting && standby ? [{ region: standby.region, kmsKeyId: standby.keyAliasArn }] : undefined,
    });
    // The import's ARN would name this stack's region; the source is in the standby region.
    if (waiting) (database.instance.node.defaultChild as rds.CfnDBInstance).sourceDbInstanceIdentifier = sourceArn;
    return database;
  }

  /**
   * The standby region's database of `generation`: a cross-region replica
   * of the primary's of the same generation, or that replica promoted by a
   * failover, its secret `promotedSecretArn` once named (rotated then).
   */
  private standbyDatabase(c: BlueprintConfig, key: kms.IKey, role: StandbyRole, generation: number, promoted: boolean, promotedSecretArn: string | undefined): PostgresDatabase {
    const database = new PostgresDatabase(this, generationId('Database', generation), {
      ...this.databaseProps(c, key, generation, role.generations),
      readReplicas: c.database.readReplicas,
      replicaOf: this.replicaSource(role, generation, promotedSecretArn),
      promoted,
    });
    // A secret RDS manages is RDS's to rotate.
    if (promoted && promotedSecretArn !== undefined && !rdsManaged(promotedSecretArn)) this.rotatePromotedSecret(database, promotedSecretArn, role.source.secretKey);
    return database;
  }

  /** What every database of this stack takes, whatever its generation and role. */
  private databaseProps(c: BlueprintConfig, key: kms.IKey, generation: number, generations: DatabaseGenerations) {
    // A previous generation about to be retired: RDS deletes no protected instance (gate rule RemovedInstanceUnprotected).
    const retiring = generation === generations.previous && generations.previousUnprotected === true;
    return {
      vpc: this.network.vpc,
      subnets: this.network.subnets('data'),
      instanceIdentifier: databaseIdentifier(c, generation),
      ...databaseSizing(c),
      // The rotation function needs Secrets Manager's endpoint, which the isolated data subnets cannot reach.
      credentialRotation: { subnets: this.network.subnets('private') },
      encryptionKey: key,
      deletionProtection: c.protection.deletionProtection && !retiring,
      logRetention: c.protection.logRetentionDays as logs.RetentionDays,
    };
  }

  /** The application login of a writable database of the primary region, when `database.applicationLogin` names one. */
  private applicationLoginOf(c: BlueprintConfig, key: kms.IKey, generation: number, database: PostgresDatabase, standby: StandbyRecovery | undefined): ApplicationLogin | undefined {
    const login = c.database.applicationLogin;
    if (login === null) return undefined;
    return new ApplicationLogin(this, generationId('ApplicationLogin', generation), {
      instance: database.instance,
      databaseName: database.databaseName,
      masterSecret: database.secret,
      databaseSecurityGroup: database.securityGroup,
      port: POSTGRES_PORT,
      vpc: this.network.vpc,
      subnets: this.network.subnets('private'),
      encryptionKey: key,
      username: login,
      credentialReplicas: standby ? [{ region: standby.region, kmsKeyId: standby.keyAliasArn }] : undefined,
    });
  }

  /**
   * The standby tasks' credentials with an application login: the replica in
   * this region of the primary's application login secret of `generation`,
   * read from the primary's output at deploy into a parameter of this
   * region; once the promoted database's secret is named (`promoted`), that one.
   */
  private standbyApplicationSecret(role: StandbyRole, generation: number, promoted: boolean): secretsmanager.ISecret {
    const arn = new ssm.StringParameter(this, generationId('DatabaseAppSecretArn', generation), {
      description: 'ARN of this region\'s replica of the database application login secret, which the tasks read',
      stringValue: Fn.getStackOutput(role.source.primaryDataStack.stackName, generationId(APP_SECRET_REPLICA_OUTPUT, generation), role.source.primaryDataStack.region),
    });
    new CfnOutput(this, generationId(STANDBY_APP_SECRET_OUTPUT, generation), {
      value: arn.stringValue,
      description: 'ARN of the application login secret\'s replica in this region, which the tasks read and a failover makes standalone',
    });
    if (promoted) {
      // Kept with its exports, as for the master secret's replica (replicaSource).
      this.exportValue(arn.stringValue);
      return this.databases.get(generation)!.secret;
    }
    return secretsmanager.Secret.fromSecretCompleteArn(this, generationId('DatabaseAppSecretReplica', generation), arn.stringValue);
  }

  /**
   * The promoted database's own secret, `standby.databaseSecretArn` (the
   * replica the promotion made standalone, encrypted with the recovery key),
   * attached to the promoted instance, which rewrites its `host` from the
   * old primary's endpoint to this one's, and rotated by the hosted
   * single-user rotation like the primary's master secret. A replica secret
   * cannot rotate; a standalone one can
   * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html).
   * Not at once: the tasks this deploy starts read the current password.
   */
  private rotatePromotedSecret(database: PostgresDatabase, secretArn: string, secretKey: kms.IKey): void {
    const secret = secretsmanager.Secret.fromSecretAttributes(this, 'PromotedSecret', { secretCompleteArn: secretArn, encryptionKey: secretKey });
    const attached = new secretsmanager.SecretTargetAttachment(this, 'PromotedSecretTarget', { secret, target: database.instance });
    rotateSingleUser(attached, {
      database: database.securityGroup,
      vpc: this.network.vpc,
      // Private subnets: the rotation function needs Secrets Manager's endpoint.
      subnets: this.network.subnets('private'),
      every: Duration.days(30),
      group: { scope: this, id: 'PromotedSecretRotationSecurityGroup', description: 'Promoted database password rotation: reaches the database and Secrets Manager only', rule: 'Promoted database password rotation' },
    });
  }

  /**
   * The exports other stacks of this region imported from a database its
   * tasks no longer use, kept while it stays: the data stack deploys first,
   * and CloudFormation refuses to delete an export that a stack still
   * imports (Fn::ImportValue:
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html).
   */
  private keepExports(first: PostgresDatabase, loginSecret?: secretsmanager.ISecret): void {
    // The app stack's login setup read the login of the database the switch back leaves behind.
    if (loginSecret) this.exportValue(loginSecret.secretArn);
    const instances = [first.instance, ...first.replicas];
    for (const i of instances) {
      this.exportValue(i.instanceIdentifier);
      this.exportValue(i.dbInstanceEndpointAddress);
    }
    this.exportValue(first.instance.dbInstanceEndpointPort);
    this.exportValue(first.securityGroup.securityGroupId);
    this.exportValue(first.secret.secretArn);
  }

  /**
   * The replica's source, and the credentials its tasks read: the replica in
   * this region of the primary's master secret of the same generation, which
   * Secrets Manager keeps current and which stays readable while the primary
   * region is down; once a failover has given the promoted database a
   * secret of its own, `promotedSecretArn`.
   */
  private replicaSource(role: StandbyRole, generation: number, promotedSecretArn: string | undefined): PostgresSource {
    const instance = role.source.instances.get(generation)!;
    const replicaArn = this.secretReplicaArn(role, generation);
    if (promotedSecretArn !== undefined) {
      // The parameter stays, and so do the exports the tasks imported until now: this stack deploys before
      // them, and CloudFormation refuses to delete an export still imported.
      this.exportValue(replicaArn);
      // The replica made standalone (docs/runbooks.md, regional failover) keeps the replica's key, the recovery key;
      // a secret RDS manages has the key RDS was given, this region's data key, which the tasks already use.
      return {
        instance,
        secret: secretsmanager.Secret.fromSecretCompleteArn(this, 'PromotedDatabaseSecret', promotedSecretArn),
        ...(rdsManaged(promotedSecretArn) ? {} : { secretKey: { keyArn: role.source.secretKey.keyArn, region: this.region } }),
      };
    }
    return {
      instance,
      secret: secretsmanager.Secret.fromSecretCompleteArn(this, generationId('DatabaseSecretReplica', generation), replicaArn),
      secretKey: { keyArn: role.source.secretKey.keyArn, region: this.region },
    };
  }

  /** This region's replica of the primary's master secret of `generation`, by ARN, kept in a parameter of this region. */
  private secretReplicaArn(role: StandbyRole, generation: number): string {
    // Read from the primary's data stack when this stack deploys, and kept in this region as a parameter, so
    // this region's service stacks take it from here and never read the primary region, even to deploy.
    // Unchanged by a promotion, on the assumption (not verified in an account, ADR 0029) that CloudFormation resolves
    // Fn::GetStackOutput only when the parameter itself is created or updated, so the promotion's deploy reads nothing
    // from the primary region.
    const replicaArn = new ssm.StringParameter(this, generationId('DatabaseSecretArn', generation), {
      description: 'ARN of this region\'s replica of the database master secret, which the tasks read',
      stringValue: Fn.getStackOutput(role.source.primaryDataStack.stackName, generationId(SECRET_REPLICA_OUTPUT, generation), role.source.primaryDataStack.region),
    });
    new CfnOutput(this, generationId(STANDBY_SECRET_OUTPUT, generation), {
      value: replicaArn.stringValue,
      description: 'ARN of the database secret\'s replica in this region, which the tasks read and a failover makes standalone',
    });
    return replicaArn.stringValue;
  }
}

/** The Redis URLs (database and query) the apps' connection URLs read, by target (`cache`, `redis:<name>`). */
function redisUrlsRead(c: BlueprintConfig): Map<string, RedisUrl[]> {
  const read = new Map<string, RedisUrl[]>();
  for (const app of [...c.services, ...c.workers, ...c.schedules]) {
    for (const url of Object.values(app.connectionUrls)) {
      if (url.to === 'database' || url.to === 'database-reader') continue;
      read.set(url.to, [...(read.get(url.to) ?? []), { database: url.redisDatabase ?? 0, query: url.query }]);
    }
  }
  return read;
}

/** What every database of a deployment takes from `database`, whatever its role. */
function databaseSizing(c: BlueprintConfig) {
  return {
    engineVersion: c.database.engineVersion,
    instanceClass: c.database.instanceClass,
    maxConnections: maxConnectionsFor(c.database.instanceClass),
    replicaParameters: HOT_STANDBY_PARAMETERS,
    allocatedStorageGiB: c.database.allocatedStorageGiB,
    maxAllocatedStorageGiB: c.database.maxAllocatedStorageGiB,
    backupRetentionDays: c.database.backupRetentionDays,
    performanceInsightsRetentionDays: c.database.performanceInsightsRetentionDays,
  };
}
