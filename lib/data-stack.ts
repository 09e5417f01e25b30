import { CfnOutput, Duration, Fn } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BlueprintConfig, deploymentName, maxConnectionsFor } from '../config';
import { HOT_STANDBY_PARAMETERS } from '../config/postgres';
import { ApplicationLogin, DatabaseBackup, DataKey, EventStream, LogBucket, POSTGRES_PORT, PostgresDatabase, PostgresSource, ReaderEndpoint, RedisCache, secretArnIn, TieredVpc, WorkQueue } from '../constructs';
import { BlueprintStack, BlueprintStackProps } from './blueprint-stack';

/** Output of a primary data stack: ARN of the database secret's replica in the standby region. */
export const SECRET_REPLICA_OUTPUT = 'DatabaseSecretStandbyReplicaArn';
/** Output of a primary data stack: ARN of the application login secret's replica in the standby region. */
export const APP_SECRET_REPLICA_OUTPUT = 'DatabaseAppSecretStandbyReplicaArn';
/** Output of a primary data stack: the command that creates the application logins (docs/runbooks.md). */
export const LOGIN_SETUP_OUTPUT = 'DatabaseLoginSetupCommand';

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

/** What a deployment's data stack is in a two-region setup. */
export type DataRole =
  /**
   * The region serving traffic; with `standby`, each recovery point is
   * copied to its vault and the database secret is replicated there.
   */
  | { readonly kind: 'primary'; readonly standby?: StandbyRecovery }
  /**
   * The standby region: its database replicates `source.instance`, and its
   * tasks read `source.secretArn`'s replica in this region, encrypted with
   * `source.secretKey`. After a promotion, `promotedSecretArn` (in this
   * region) replaces it.
   */
  | {
      readonly kind: 'standby';
      readonly source: { readonly instance: rds.IDatabaseInstance; readonly primaryDataStack: { readonly stackName: string; readonly region: string }; readonly secretKey: kms.IKey };
      readonly promotedSecretArn?: string;
    };

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
  /** The primary's application login, its rotation and its setup task (ADR 0027). */
  public readonly applicationLogin?: ApplicationLogin;
  /**
   * The credentials applications use: the application login's secret, in a
   * standby its replica in this region (or, after a promotion, the promoted
   * database's secret).
   */
  public readonly applicationSecret: secretsmanager.ISecret;
  /** One host for all same-region read replicas, when there are any. */
  public readonly readerEndpoint?: ReaderEndpoint;
  public readonly cache: RedisCache;
  /** The primary's AWS Backup plan. */
  public readonly backup?: DatabaseBackup;
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
      replicaParameters: HOT_STANDBY_PARAMETERS,
      allocatedStorageGiB: c.database.allocatedStorageGiB,
      maxAllocatedStorageGiB: c.database.maxAllocatedStorageGiB,
      backupRetentionDays: c.database.backupRetentionDays,
      performanceInsightsRetentionDays: c.database.performanceInsightsRetentionDays,
      readReplicas: c.database.readReplicas,
      replicaOf: props.role.kind === 'standby' ? this.replicaSource(props.role.source, props.role.promotedSecretArn) : undefined,
      credentialReplicas: props.role.kind === 'primary' && props.role.standby ? [{ region: props.role.standby.region, kmsKeyId: props.role.standby.keyAliasArn }] : undefined,
      // The rotation function needs Secrets Manager's endpoint, which the isolated data subnets cannot reach.
      credentialRotation: { subnets: this.network.subnets('private') },
      encryptionKey: key,
      deletionProtection: c.protection.deletionProtection,
      logRetention: c.protection.logRetentionDays as logs.RetentionDays,
    });

    if (props.role.kind === 'primary') {
      const standby = props.role.standby;
      this.applicationLogin = new ApplicationLogin(this, 'ApplicationLogin', {
        instance: this.database.instance as rds.DatabaseInstance,
        databaseName: this.database.databaseName,
        masterSecret: this.database.secret,
        databaseSecurityGroup: this.database.securityGroup,
        port: POSTGRES_PORT,
        vpc: this.network.vpc,
        subnets: this.network.subnets('private'),
        encryptionKey: key,
        logRetention: c.protection.logRetentionDays as logs.RetentionDays,
        username: c.database.applicationLogin,
        credentialReplicas: standby ? [{ region: standby.region, kmsKeyId: standby.keyAliasArn }] : undefined,
      });
      this.applicationSecret = this.applicationLogin.secret;
      new CfnOutput(this, LOGIN_SETUP_OUTPUT, {
        description: 'Creates the application logins the rotation alternates (once, before the first service deploy); prints the exit code (0 = success)',
        // On the app stack's cluster (lib/blueprint.ts names it), deployed right after this stack: a cluster is stateless.
        value: this.loginSetupCommand(this.applicationLogin, `${prefix}-app`),
      });
      this.backup = new DatabaseBackup(this, 'Backup', {
        database: this.database.instance,
        encryptionKey: key,
        retentionDays: c.database.backupPlanRetentionDays,
        copyTo: standby ? { vaultArn: standby.vaultArn, keyAlias: { region: standby.region, aliasName: standby.keyAliasName } } : undefined,
      });
      if (standby) {
        new CfnOutput(this, SECRET_REPLICA_OUTPUT, {
          value: this.database.secretReplicaArn(standby.region),
          description: `ARN of the database master secret's replica in ${standby.region}`,
        });
        new CfnOutput(this, APP_SECRET_REPLICA_OUTPUT, {
          value: secretArnIn(this.applicationSecret, standby.region),
          description: `ARN of the application login secret's replica in ${standby.region}, which the standby's tasks read`,
        });
      }
    } else {
      this.applicationSecret = this.standbyApplicationSecret(props.role);
    }

    if (this.database.replicas.length > 0) {
      // Private zones are per VPC: the standby region's zone of the same name is another zone.
      this.readerEndpoint = new ReaderEndpoint(this, 'ReaderEndpoint', {
        vpc: this.network.vpc,
        zoneName: `${prefix}.internal`,
        replicaAddresses: this.database.replicas.map((r) => r.dbInstanceEndpointAddress),
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

  /**
   * The standby tasks' credentials: the replica in this region of the
   * primary's application login secret, read from the primary's output at
   * deploy into a parameter of this region; after a promotion, the promoted
   * database's secret.
   */
  private standbyApplicationSecret(role: Extract<DataRole, { kind: 'standby' }>): secretsmanager.ISecret {
    if (role.promotedSecretArn !== undefined) return this.database.secret;
    const arn = new ssm.StringParameter(this, 'DatabaseAppSecretArn', {
      description: 'ARN of this region\'s replica of the database application login secret, which the tasks read',
      stringValue: Fn.getStackOutput(role.source.primaryDataStack.stackName, APP_SECRET_REPLICA_OUTPUT, role.source.primaryDataStack.region),
    });
    return secretsmanager.Secret.fromSecretCompleteArn(this, 'DatabaseAppSecretReplica', arn.stringValue);
  }

  /** `aws ecs run-task` for the login setup task on `appStackName`'s cluster, waiting for it and printing its exit code. */
  private loginSetupCommand(login: ApplicationLogin, appStackName: string): string {
    const cluster = '$CLUSTER';
    const subnets = this.network.vpc.selectSubnets(this.network.subnets('private')).subnetIds;
    const network = Fn.join('', ['awsvpcConfiguration={subnets=[', Fn.join(',', subnets), '],securityGroups=[', login.setupSecurityGroup.securityGroupId, '],assignPublicIp=DISABLED}']);
    return Fn.join('', [
      `CLUSTER=$(aws cloudformation describe-stack-resources --stack-name ${appStackName} --query "StackResources[?ResourceType=='AWS::ECS::Cluster'].PhysicalResourceId" --output text) && `,
      'TASK=$(aws ecs run-task --cluster ', cluster,
      ' --task-definition ', login.setupTask.taskDefinitionArn,
      " --launch-type FARGATE --network-configuration '", network,
      "' --query 'tasks[0].taskArn' --output text) && aws ecs wait tasks-stopped --cluster ", cluster,
      ' --tasks $TASK && aws ecs describe-tasks --cluster ', cluster,
      ` --tasks $TASK --query 'tasks[0].containers[?name==\`${login.setupContainer.containerName}\`].exitCode' --output text`,
    ]);
  }

  /**
   * The replica's source, and the credentials its tasks read: the replica in
   * this region of the primary's master secret, which Secrets Manager keeps
   * current and which stays readable while the primary region is down; once
   * a failover has given the promoted database a secret of its own,
   * `promotedSecretArn`.
   */
  private replicaSource(source: Extract<DataRole, { kind: 'standby' }>['source'], promotedSecretArn: string | undefined): PostgresSource {
    if (promotedSecretArn !== undefined) {
      // Encrypted with this region's data key (docs/runbooks.md, regional failover), which the tasks may already use.
      return { instance: source.instance, secret: secretsmanager.Secret.fromSecretCompleteArn(this, 'PromotedDatabaseSecret', promotedSecretArn) };
    }
    // Read from the primary's data stack when this stack deploys, and kept in this region as a parameter, so
    // this region's service stacks take it from here and never read the primary region, even to deploy.
    const replicaArn = new ssm.StringParameter(this, 'DatabaseSecretArn', {
      description: 'ARN of this region\'s replica of the database master secret, which the tasks read',
      stringValue: Fn.getStackOutput(source.primaryDataStack.stackName, SECRET_REPLICA_OUTPUT, source.primaryDataStack.region),
    });
    return {
      instance: source.instance,
      secret: secretsmanager.Secret.fromSecretCompleteArn(this, 'DatabaseSecretReplica', replicaArn.stringValue),
      secretKey: { keyArn: source.secretKey.keyArn, region: this.region },
    };
  }
}
