import { Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeLogGroup, controlTower, inCompliancePacks } from '../security/acknowledge';

export const POSTGRES_PORT = 5432;

/** PostgreSQL logs RDS exports to CloudWatch Logs: the server log and major-version upgrade log. */
const LOG_EXPORTS = ['postgresql', 'upgrade'] as const;

export interface PostgresDatabaseProps {
  readonly vpc: ec2.IVpc;
  /** Where the instances live: the isolated data tier. */
  readonly subnets: ec2.SubnetSelection;
  /** Stable instance identifier, e.g. `shop-prod-postgres`; replicas append `-replica-N`. */
  readonly instanceIdentifier: string;
  /** PostgreSQL `major.minor`, e.g. `17.9`. */
  readonly engineVersion: string;
  /** Instance class without `db.`, e.g. `t4g.medium`. */
  readonly instanceClass: string;
  /** max_connections the primary enforces; the connection alarm divides by it. */
  readonly maxConnections: number;
  /**
   * What every replica runs with (same-region replicas, and the instance
   * itself with `replicaOf`): at least the primary's values for every class
   * the primary may be resized to, since PostgreSQL pauses replay on a hot
   * standby whose max_connections or max_worker_processes is below its
   * primary's, and a resize reaches the primary before its replicas.
   */
  readonly replicaParameters: { readonly maxConnections: number; readonly maxWorkerProcesses: number };
  /**
   * Storage at creation. Later changes are not sent to a deployed database
   * by the kit's phases: storage autoscaling grows the volume up to
   * `maxAllocatedStorageGiB`, and RDS refuses an AllocatedStorage below the
   * grown size. Replicas take their source's size.
   */
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling, on the primary and every replica. */
  readonly maxAllocatedStorageGiB: number;
  readonly backupRetentionDays: number;
  readonly performanceInsightsRetentionDays: number;
  /** Same-region read replicas; numbered from 1 so adding one never renames another. */
  readonly readReplicas: number;
  /** Encrypts storage, Performance Insights, the master secret and the log group. */
  readonly encryptionKey: kms.IKey;
  readonly deletionProtection: boolean;
  readonly logRetention: logs.RetentionDays;
  /**
   * Name of the database created at launch.
   * @default 'app'
   */
  readonly databaseName?: string;
  /**
   * Master user name; not the engine's well-known default, which is the first name an attacker tries.
   * @default 'dbadmin'
   */
  readonly masterUsername?: string;
  /**
   * Make this a cross-region read replica of another deployment's database
   * (a standby region), encrypted with `encryptionKey`, instead of a new
   * primary. Its credentials are the source's.
   * @default - a new Multi-AZ primary
   */
  readonly replicaOf?: PostgresSource;
  /**
   * The `replicaOf` replica has been promoted by a regional failover: the
   * same resource (same logical id, so CloudFormation updates it) without
   * `SourceDBInstanceIdentifier`, which CloudFormation answers by promoting
   * the replica to a standalone instance ("If you remove the
   * SourceDBInstanceIdentifier property from your template and then update
   * your stack, AWS CloudFormation promotes the read replica to a standalone
   * DB instance",
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-sourcedbinstanceidentifier),
   * Multi-AZ, with `backupRetentionDays` of automated backups. Irreversible.
   * @default false
   */
  readonly promoted?: boolean;
  /**
   * With `promoted`: a master secret of its own instead of the source's
   * copy, for a replica promoted by a planned switch back (ADR 0029): a new
   * generated secret whose password CloudFormation sets on the instance
   * (`MasterUserPassword`, applied without interruption), attached to it,
   * rotated, and replicated to `credentialReplicas`. Its user is
   * `masterUsername`, the source's master user, which the replica kept.
   * @default false
   */
  readonly ownCredentials?: boolean;
  /**
   * Enhanced Monitoring granularity.
   * @default Duration.seconds(60)
   */
  readonly monitoringInterval?: Duration;
  /**
   * Other regions where Secrets Manager keeps a copy of the master secret
   * current, each encrypted with a key of its region; tasks there read the
   * copy, so they never depend on this region. Only for a primary.
   * @default - no copies
   */
  readonly credentialReplicas?: readonly CredentialReplica[];
  /**
   * Where the function that rotates the master password runs, and how often.
   * It must reach this database and the Secrets Manager endpoint.
   * @default - `subnets`, every 30 days
   */
  readonly credentialRotation?: { readonly subnets: ec2.SubnetSelection; readonly every?: Duration };
}

/** A region holding a replica of the master secret, and the key of that region encrypting it. */
export interface CredentialReplica {
  readonly region: string;
  /**
   * The key's ARN, or its alias ARN (`arn:aws:kms:<region>:<account>:alias/<name>`):
   * an alias lets a stack name a key of another region without reading it there.
   */
  readonly kmsKeyId: string;
}

/** The database a cross-region replica copies, and the secret holding its credentials. */
export interface PostgresSource {
  readonly instance: rds.IDatabaseInstance;
  /** Required unless the replica is promoted with `ownCredentials`. */
  readonly secret?: secretsmanager.ISecret;
  /** The key encrypting `secret` and its region, when it is not this construct's `encryptionKey`. */
  readonly secretKey?: { readonly keyArn: string; readonly region: string };
}

/**
 * RDS for PostgreSQL, Multi-AZ, encrypted with a customer key, TLS enforced,
 * its master password generated in Secrets Manager and rotated by a
 * Secrets Manager hosted rotation function, with optional replicas of the
 * secret in other regions and optional read replicas on their own parameter
 * group. Deleting the stack leaves a final snapshot.
 */
export class PostgresDatabase extends Construct {
  /** The primary, or with `replicaOf` the cross-region replica that a failover promotes. */
  public readonly instance: rds.DatabaseInstance | rds.DatabaseInstanceReadReplica;
  /** Whether `instance` replicates another region's database (a waiting standby; false once promoted). */
  public readonly isReplica: boolean;
  /** The other region's key a replica's `secret` is encrypted with, if any. */
  public readonly sourceSecretKey?: { readonly keyArn: string; readonly region: string };
  public readonly replicas: readonly rds.DatabaseInstanceReadReplica[];
  /** The master secret (`username`, `password`, `host`, ...); with `replicaOf`, the source's copy in this region, unless promoted with `ownCredentials`. */
  public readonly secret: secretsmanager.ISecret;
  /** The parameter group of the primary (with `replicaOf`, of this replica). */
  public readonly parameterGroup: rds.ParameterGroup;
  /** The parameter group of the same-region read replicas, at the hot-standby ceiling. */
  public readonly replicaParameterGroup: rds.ParameterGroup;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly connections: ec2.Connections;
  public readonly databaseName: string;
  /** max_connections `instance` enforces. */
  public readonly maxConnections: number;
  private readonly credentialReplicaRegions: readonly string[];

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    // A promoted replica keeps the replica's parameter group and limits: changing them is no part of a failover.
    const builtAsReplica = props.replicaOf !== undefined;
    this.isReplica = builtAsReplica && props.promoted !== true;
    this.databaseName = props.databaseName ?? 'app';
    this.maxConnections = builtAsReplica ? props.replicaParameters.maxConnections : props.maxConnections;
    this.credentialReplicaRegions = (props.credentialReplicas ?? []).map((r) => r.region);
    const monitoringInterval = props.monitoringInterval ?? Duration.seconds(60);
    const rotation = { subnets: props.credentialRotation?.subnets ?? props.subnets, every: props.credentialRotation?.every ?? Duration.days(30) };
    if (props.replicaParameters.maxConnections < props.maxConnections) {
      throw new Error(
        `PostgresDatabase ${id}: replicaParameters.maxConnections (${props.replicaParameters.maxConnections}) is below maxConnections (${props.maxConnections}); a replica below its primary pauses replay`,
      );
    }
    if (props.promoted && !props.replicaOf) {
      throw new Error(`PostgresDatabase ${id}: promoted needs replicaOf; only a replica can be promoted`);
    }
    if (props.ownCredentials && !props.promoted) {
      throw new Error(`PostgresDatabase ${id}: ownCredentials needs promoted; a waiting replica's credentials are its source's`);
    }
    if (props.replicaOf && !props.ownCredentials && props.replicaOf.secret === undefined) {
      throw new Error(`PostgresDatabase ${id}: replicaOf.secret is missing; a replica's credentials are its source's, unless promoted with ownCredentials`);
    }
    if (props.replicaOf && !props.ownCredentials && (props.credentialReplicas?.length ?? 0) > 0) {
      throw new Error(`PostgresDatabase ${id}: credentialReplicas and replicaOf conflict; a replica's credentials are its source's, unless promoted with ownCredentials`);
    }
    const major = props.engineVersion.split('.')[0]!;
    const engine = rds.DatabaseInstanceEngine.postgres({
      version: rds.PostgresEngineVersion.of(props.engineVersion, major),
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'PostgreSQL: admits only the application tier',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(POSTGRES_PORT),
    });

    // TLS everywhere; pinned limits so the connection alarm divides by what the server enforces.
    const primaryParameters = { 'rds.force_ssl': '1', max_connections: String(props.maxConnections) };
    // Replicas, the cross-region one included, never below any primary (HOT_STANDBY_PARAMETERS in config/postgres.ts).
    const replicaParameters = {
      'rds.force_ssl': '1',
      max_connections: String(props.replicaParameters.maxConnections),
      max_worker_processes: String(props.replicaParameters.maxWorkerProcesses),
    };
    // The instance's group keeps its id and description (a new description replaces a group) in either role.
    this.parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: `PostgreSQL ${major}: TLS required, max_connections pinned`,
      parameters: builtAsReplica ? replicaParameters : primaryParameters,
    });
    // Created only when bound: with read replicas, or as the cross-region replica's own group.
    this.replicaParameterGroup = builtAsReplica
      ? this.parameterGroup
      : new rds.ParameterGroup(this, 'ReplicaParameters', {
          engine,
          description: `PostgreSQL ${major} read replicas: TLS required, hot-standby limits at least the primary's`,
          parameters: replicaParameters,
        });

    // Created before the instance, so RDS exports into encrypted, retained groups instead of making its own.
    const logGroups = LOG_EXPORTS.map(
      (name) =>
        new logs.LogGroup(this, name === 'postgresql' ? 'PostgresLog' : 'UpgradeLog', {
          logGroupName: `/aws/rds/instance/${props.instanceIdentifier}/${name}`,
          retention: props.logRetention,
          encryptionKey: props.encryptionKey,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );

    const shared = {
      instanceType: new ec2.InstanceType(props.instanceClass),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      // Replicas too: left unset, a replica would get gp2.
      storageType: rds.StorageType.GP3,
      // Replicas too: a replica does not grow with its source, and replication stops when it is full.
      maxAllocatedStorage: props.maxAllocatedStorageGiB,
      enablePerformanceInsights: true,
      performanceInsightRetention: props.performanceInsightsRetentionDays as rds.PerformanceInsightRetention,
      performanceInsightEncryptionKey: props.encryptionKey,
      monitoringInterval,
      autoMinorVersionUpgrade: true,
      deletionProtection: props.deletionProtection,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      iamAuthentication: true,
      cloudwatchLogsExports: [...LOG_EXPORTS],
      removalPolicy: RemovalPolicy.SNAPSHOT,
    };

    if (props.replicaOf) {
      this.instance = new rds.DatabaseInstanceReadReplica(this, 'Instance', {
        ...shared,
        parameterGroup: this.parameterGroup,
        instanceIdentifier: props.instanceIdentifier,
        sourceDatabaseInstance: props.replicaOf.instance,
        // A replica in another region needs a key of its own region.
        storageEncryptionKey: props.encryptionKey,
        // Single-AZ while it waits; promotion turns Multi-AZ on.
        multiAz: false,
      });
      const cfn = this.instance.node.defaultChild as rds.CfnDBInstance;
      // Encryption is the source's; CloudFormation takes only the key (KmsKeyId) for a replica.
      cfn.addPropertyDeletionOverride('StorageEncrypted');
      if (props.promoted) this.promote(cfn, props.backupRetentionDays, props.ownCredentials === true);
      else this.acknowledgeWaitingReplica();
      if (props.ownCredentials) {
        const secret = this.generatedSecret(props);
        // The password of the user the replica kept from its source; MasterUsername stays unset, since setting it replaces the instance.
        cfn.masterUserPassword = secret.secretValueFromJson('password').unsafeUnwrap();
        this.secret = secret.attach(this.instance);
        this.rotateCredentials(props.vpc, rotation.subnets, rotation.every);
      } else {
        this.secret = props.replicaOf.secret!;
        this.sourceSecretKey = props.replicaOf.secretKey;
      }
    } else {
      const primary = new rds.DatabaseInstance(this, 'Instance', {
        ...shared,
        parameterGroup: this.parameterGroup,
        engine,
        instanceIdentifier: props.instanceIdentifier,
        multiAz: true,
        storageEncryptionKey: props.encryptionKey,
        allocatedStorage: props.allocatedStorageGiB,
        storageEncrypted: true,
        databaseName: this.databaseName,
        // A secret the kit owns, unlike an RDS-managed one, can be replicated to other regions.
        credentials: rds.Credentials.fromGeneratedSecret(props.masterUsername ?? 'dbadmin', {
          encryptionKey: props.encryptionKey,
        }),
        backupRetention: Duration.days(props.backupRetentionDays),
        deleteAutomatedBackups: false,
        copyTagsToSnapshot: true,
        port: POSTGRES_PORT,
      });
      this.instance = primary;
      this.secret = primary.secret!;
      retainAndReplicate(primary.node.findChild('Secret').node.defaultChild as secretsmanager.CfnSecret, props.credentialReplicas);
      this.rotateCredentials(props.vpc, rotation.subnets, rotation.every);
    }
    this.instance.node.addDependency(...logGroups);
    for (const group of logGroups) acknowledgeLogGroup(group, props.encryptionKey);

    const zones = props.vpc.availabilityZones;
    this.replicas = Array.from({ length: props.readReplicas }, (_, i) => {
      const n = i + 1;
      // Same-region replicas inherit the source's encryption and key.
      const replica = new rds.DatabaseInstanceReadReplica(this, `Replica${n}`, {
        ...shared,
        instanceIdentifier: `${props.instanceIdentifier}-replica-${n}`,
        sourceDatabaseInstance: this.instance,
        parameterGroup: this.replicaParameterGroup,
        // Spread round the zones; replica n keeps its zone whatever the count.
        availabilityZone: zones[(n - 1) % zones.length],
      });
      acknowledge(
        replica,
        'Replicas keep the primary\'s port 5432 so clients can switch endpoints; the security group admits only the application tier.',
        'AwsSolutions-RDS11',
      );
      acknowledge(
        replica,
        'A same-region replica inherits the encrypted source\'s storage encryption and KMS key; CloudFormation rejects StorageEncrypted on it.',
        'AwsSolutions-RDS2',
        ...inCompliancePacks('RDSStorageEncrypted'),
      );
      acknowledge(
        replica,
        'A read replica is single-AZ by design: replicas are spread across zones, and the Multi-AZ primary carries the write path\'s failover.',
        'AwsSolutions-RDS3',
        ...inCompliancePacks('RDSMultiAZSupport', 'PCI.DSS.321'),
      );
      acknowledge(
        replica,
        'A read replica holds no data of its own: it is rebuilt from the primary, which the AWS Backup plan and point-in-time recovery protect.',
        ...inCompliancePacks('RDSInBackupPlan', 'PCI.DSS.321'),
      );
      return replica;
    });

    // The Control Tower rules check primaries only: a replica's port and deletion come from its source's.
    const primaryOnly = (rule: string): string[] => (this.isReplica ? [] : [controlTower(rule)]);
    acknowledge(
      this.instance,
      'PostgreSQL keeps its standard port 5432 for driver and tooling compatibility; port obscurity adds nothing when the security group admits only the application tier.',
      'AwsSolutions-RDS11',
      ...primaryOnly('rds_instance_no_default_ports_check'),
    );
    if (!props.deletionProtection) {
      acknowledge(
        this,
        'Deletion protection is off by configuration (a non-production stage, so it can be torn down, or a database generation about to be retired, ADR 0029); the removal policy still takes a final snapshot.',
        'AwsSolutions-RDS10',
        ...inCompliancePacks('RDSInstanceDeletionProtectionEnabled', 'PCI.DSS.321'),
        ...primaryOnly('rds_instance_deletion_protection_enabled_check'),
      );
    }
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      reason: 'The Enhanced Monitoring role uses the AWS managed policy built for exactly this purpose; it grants only CloudWatch Logs writes to the RDSOSMetrics group.',
    });
  }

  /**
   * Turns the replica into a standalone primary in place: no source (the
   * promotion), Multi-AZ (an in-place conversion), and automated backups,
   * which CloudFormation sends with the promotion (RDS PromoteReadReplica
   * takes BackupRetentionPeriod). The logical id is the replica's, so the
   * planner sees an update of the same instance (review/state-classes.ts).
   */
  private promote(cfn: rds.CfnDBInstance, backupRetentionDays: number, inBackupPlan: boolean): void {
    cfn.sourceDbInstanceIdentifier = undefined;
    cfn.multiAz = true;
    cfn.backupRetentionPeriod = backupRetentionDays;
    // As for a primary: its automated backups outlive it, and its snapshots carry its tags. CloudFormation's
    // default deletes the automated backups with the instance.
    cfn.deleteAutomatedBackups = false;
    cfn.copyTagsToSnapshot = true;
    // A switch back's promoted database is the primary again, in its region's AWS Backup plan.
    if (inBackupPlan) return;
    acknowledge(
      this.instance,
      'A database promoted by a regional failover has automated backups and point-in-time recovery in its own region; the AWS Backup plan stays with the primary region\'s data stack until the failback rebuilds the pair (ADR 0029).',
      ...inCompliancePacks('RDSInBackupPlan', 'PCI.DSS.321'),
    );
  }

  /**
   * The master secret of a replica promoted with `ownCredentials`: what
   * `Credentials.fromGeneratedSecret` makes for a new primary, which the
   * read-replica construct does not take.
   */
  private generatedSecret(props: PostgresDatabaseProps): rds.DatabaseSecret {
    const secret = new rds.DatabaseSecret(this, 'Secret', { username: props.masterUsername ?? 'dbadmin', encryptionKey: props.encryptionKey });
    retainAndReplicate(secret.node.defaultChild as secretsmanager.CfnSecret, props.credentialReplicas);
    return secret;
  }

  private acknowledgeWaitingReplica(): void {
    acknowledge(
      this.instance,
      'A cross-region replica waiting for a regional failover is single-AZ; promoting it (standby.role "promoted") makes it Multi-AZ, and the primary carries Multi-AZ meanwhile.',
      'AwsSolutions-RDS3',
      ...inCompliancePacks('RDSMultiAZSupport', 'PCI.DSS.321'),
    );
    acknowledge(
      this.instance,
      'A read replica holds no data of its own: the primary region\'s AWS Backup plan copies every recovery point into this region\'s vault, and promotion turns on automated backups.',
      ...inCompliancePacks('RDSInBackupPlan', 'PCI.DSS.321'),
    );
  }

  /**
   * ARN of the master secret's copy in `region`, one of `credentialReplicas`:
   * the primary's ARN with the region replaced (Secrets Manager, "Replicate
   * secrets across Regions":
   * https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html).
   */
  public secretReplicaArn(region: string): string {
    if (!this.credentialReplicaRegions.includes(region)) {
      throw new Error(`PostgresDatabase ${this.node.id}: no credential replica in ${region}; credentialReplicas has ${this.credentialReplicaRegions.join(', ') || 'none'}`);
    }
    return secretArnIn(this.secret, region);
  }

  /**
   * Rotates the master password with the Secrets Manager hosted rotation
   * function for PostgreSQL (single user), which RDS-managed secrets did
   * before; replicas of the secret receive each new value from Secrets
   * Manager.
   */
  private rotateCredentials(vpc: ec2.IVpc, subnets: ec2.SubnetSelection, every: Duration): void {
    rotateSingleUser(this.secret, {
      database: this.securityGroup,
      vpc,
      subnets,
      every,
      group: { scope: this, id: 'RotationSecurityGroup', description: 'PostgreSQL master password rotation: reaches the database and Secrets Manager only', rule: 'Master password rotation' },
    });
  }
}

/** Where a single-user rotation runs and reaches, and how often. */
export interface SingleUserRotation {
  /** The database's security group, which admits the function. */
  readonly database: ec2.ISecurityGroup;
  readonly vpc: ec2.IVpc;
  /** Subnets that reach Secrets Manager's endpoint. */
  readonly subnets: ec2.SubnetSelection;
  readonly every: Duration;
  /** The function's own security group: where it is built, and the words describing it and the database's rule. */
  readonly group: { readonly scope: Construct; readonly id: string; readonly description: string; readonly rule: string };
}

/**
 * A PostgreSQL master secret rotated by the Secrets Manager hosted rotation
 * function for PostgreSQL (single user), which reaches the database on its
 * port and Secrets Manager over HTTPS, nothing else. Not at creation: the
 * tasks the same deploy starts would read the password the rotation
 * replaces.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html
 */
export function rotateSingleUser(secret: secretsmanager.ISecret, r: SingleUserRotation): secretsmanager.RotationSchedule {
  const group = new ec2.SecurityGroup(r.group.scope, r.group.id, { vpc: r.vpc, description: r.group.description, allowAllOutbound: false });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Secrets Manager API');
  group.connections.allowTo(r.database, ec2.Port.tcp(POSTGRES_PORT), r.group.rule);
  return secret.addRotationSchedule('Rotation', {
    hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc: r.vpc, vpcSubnets: r.subnets, securityGroups: [group] }),
    automaticallyAfter: r.every,
    rotateImmediatelyOnUpdate: false,
  });
}

/** A master secret outlives its database, and Secrets Manager keeps its copies in `replicas` current. */
function retainAndReplicate(secret: secretsmanager.CfnSecret, replicas: readonly CredentialReplica[] | undefined): void {
  secret.applyRemovalPolicy(RemovalPolicy.RETAIN);
  // Set on the L1: the L2 takes only key objects, whose ARN would be read from the other region's stack.
  if (replicas?.length) secret.replicaRegions = replicas.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyId }));
}

/**
 * ARN of `secret`'s replica in `region`: its ARN with the region replaced
 * (Secrets Manager, "Replicate secrets across Regions":
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html).
 */
export function secretArnIn(secret: secretsmanager.ISecret, region: string): string {
  const { partition, account } = Stack.of(secret);
  // arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<suffix>: the 7th field is the same in every region.
  return Fn.join(':', ['arn', partition, 'secretsmanager', region, account, 'secret', Fn.select(6, Fn.split(':', secret.secretArn))]);
}
