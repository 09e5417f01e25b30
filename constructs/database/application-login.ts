import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeLogGroup, inCompliancePacks } from '../security/acknowledge';
import type { CredentialReplica } from './postgres-database';

/** Suffix the Secrets Manager multi-user rotation function appends to the login's name for its twin. */
export const CLONE_SUFFIX = '_clone';

/** Stock PostgreSQL client image the setup task runs; `psql` only, no application code. */
const SETUP_IMAGE = 'public.ecr.aws/docker/library/postgres:17-alpine';

/**
 * Idempotent: creates the login and its twin if missing (with the secret's
 * current password for the one the secret names), makes the twin a member
 * of the login whose sessions run as the login (`SET role`), so every
 * object belongs to one role whichever twin created it, and grants the
 * login the database and its `public` schema. Never changes an existing
 * password: after the first rotation the function owns them.
 */
export const LOGIN_SETUP_SQL = [
  "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'current', :'password') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'current') \\gexec",
  "SELECT format('CREATE ROLE %I LOGIN', r) FROM (VALUES (:'base'), (:'twin')) AS t(r) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \\gexec",
  "SELECT format('GRANT %I TO %I', :'base', :'twin') \\gexec",
  "SELECT format('ALTER ROLE %I SET role = %L', :'twin', :'base') \\gexec",
  "SELECT format('GRANT ALL ON DATABASE %I TO %I', current_database(), :'base') \\gexec",
  "SELECT format('GRANT ALL ON SCHEMA public TO %I', :'base') \\gexec",
].join('\n');

export const LOGIN_SETUP_SCRIPT = [
  'set -eu',
  // RDS certificates are not in the image's trust store; the regional bundle is (RDS, "Using SSL/TLS to encrypt a connection").
  'wget -qO /tmp/rds-ca.pem "https://truststore.pki.rds.amazonaws.com/$AWS_REGION/$AWS_REGION-bundle.pem"',
  'export PGSSLMODE=verify-full PGSSLROOTCERT=/tmp/rds-ca.pem',
  `psql -v ON_ERROR_STOP=1 -v base="$APP_LOGIN" -v twin="$APP_LOGIN"${CLONE_SUFFIX} -v current="$APP_USERNAME" -v password="$APP_PASSWORD" <<'SQL'`,
  LOGIN_SETUP_SQL,
  'SQL',
].join('\n');

export interface ApplicationLoginProps {
  /** The primary the login is created in and whose master secret rotates it. */
  readonly instance: rds.DatabaseInstance;
  readonly databaseName: string;
  /** The master secret: the rotation function and the setup task log in with it. */
  readonly masterSecret: secretsmanager.ISecret;
  /** The database's security group, which admits the rotation function and the setup task. */
  readonly databaseSecurityGroup: ec2.ISecurityGroup;
  readonly port: number;
  readonly vpc: ec2.IVpc;
  /** Where the rotation function and the setup task run: they reach Secrets Manager, ECR Public and the RDS trust store. */
  readonly subnets: ec2.SubnetSelection;
  /** Encrypts the secret and the setup task's log group. */
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /**
   * The login's name; the rotation alternates it with `<username>_clone`.
   * @default 'app'
   */
  readonly username?: string;
  /**
   * Other regions where Secrets Manager keeps the secret current.
   * @default - no copies
   */
  readonly credentialReplicas?: readonly CredentialReplica[];
  /**
   * How often the password rotates; the previous login stays valid until the next rotation.
   * @default Duration.days(30)
   */
  readonly rotateEvery?: Duration;
}

/**
 * The login applications use, apart from the master user: a secret the kit
 * owns, rotated by the Secrets Manager hosted rotation function for
 * PostgreSQL with alternating users. Each rotation sets a new password on
 * the login the secret does not name and switches the secret to it, so the
 * credentials a running task read at start stay valid for one more full
 * rotation period (AWS Secrets Manager, "Rotation by Lambda function
 * strategies": https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-strategy.html).
 * The function needs the login to exist; `setupTask` creates it (and its twin)
 * with `psql` from a stock PostgreSQL image, on any Fargate cluster of the VPC.
 */
export class ApplicationLogin extends Construct {
  public readonly secret: secretsmanager.ISecret;
  public readonly rotation: secretsmanager.RotationSchedule;
  public readonly username: string;
  /** Creates the logins; idempotent, run once after the database is created. */
  public readonly setupTask: ecs.FargateTaskDefinition;
  public readonly setupContainer: ecs.ContainerDefinition;
  /** The setup task's group: reaches the database, and HTTPS. */
  public readonly setupSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: ApplicationLoginProps) {
    super(scope, id);
    this.username = props.username ?? 'app';
    const every = props.rotateEvery ?? Duration.days(30);

    // `masterarn` in the value tells the multi-user rotation function which secret logs in to set passwords.
    const secret = new rds.DatabaseSecret(this, 'Secret', {
      username: this.username,
      masterSecret: props.masterSecret,
      encryptionKey: props.encryptionKey,
      dbname: props.databaseName,
    });
    const cfnSecret = secret.node.defaultChild as secretsmanager.CfnSecret;
    cfnSecret.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // On the L1, as for the master secret: an alias ARN names another region's key without reading it.
    if (props.credentialReplicas?.length) cfnSecret.replicaRegions = props.credentialReplicas.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyId }));
    this.secret = secret.attach(props.instance);

    const rotationGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc: props.vpc,
      description: 'Application login rotation: reaches the database and Secrets Manager only',
      allowAllOutbound: false,
    });
    rotationGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Secrets Manager API');
    rotationGroup.connections.allowTo(props.databaseSecurityGroup, ec2.Port.tcp(props.port), 'Application login rotation');
    this.rotation = this.secret.addRotationSchedule('Rotation', {
      hostedRotation: secretsmanager.HostedRotation.postgreSqlMultiUser({
        masterSecret: props.masterSecret,
        vpc: props.vpc,
        vpcSubnets: props.subnets,
        securityGroups: [rotationGroup],
      }),
      automaticallyAfter: every,
      // Not at creation: the login exists only once the setup task has run.
      rotateImmediatelyOnUpdate: false,
    });

    this.setupSecurityGroup = new ec2.SecurityGroup(this, 'SetupSecurityGroup', {
      vpc: props.vpc,
      description: 'Application login setup: reaches the database, and HTTPS for the image and the RDS trust store',
      allowAllOutbound: false,
    });
    this.setupSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'ECR Public, CloudWatch Logs, RDS trust store');
    this.setupSecurityGroup.connections.allowTo(props.databaseSecurityGroup, ec2.Port.tcp(props.port), 'Application login setup');

    const logGroup = new logs.LogGroup(this, 'SetupLog', {
      retention: props.logRetention,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeLogGroup(logGroup, props.encryptionKey);
    this.setupTask = new ecs.FargateTaskDefinition(this, 'SetupTask', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    this.setupContainer = this.setupTask.addContainer('psql', {
      image: ecs.ContainerImage.fromRegistry(SETUP_IMAGE),
      entryPoint: ['sh', '-c'],
      command: [LOGIN_SETUP_SCRIPT],
      // The image's postgres user; the trust bundle goes to a scratch /tmp, the root filesystem stays read-only.
      user: '70',
      readonlyRootFilesystem: true,
      memoryLimitMiB: 512,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'setup' }),
      environment: {
        AWS_REGION: Stack.of(this).region,
        PGHOST: props.instance.dbInstanceEndpointAddress,
        PGPORT: String(props.port),
        PGDATABASE: props.databaseName,
        APP_LOGIN: this.username,
      },
      secrets: {
        PGUSER: ecs.Secret.fromSecretsManager(props.masterSecret, 'username'),
        PGPASSWORD: ecs.Secret.fromSecretsManager(props.masterSecret, 'password'),
        APP_USERNAME: ecs.Secret.fromSecretsManager(this.secret, 'username'),
        APP_PASSWORD: ecs.Secret.fromSecretsManager(this.secret, 'password'),
      },
    });
    this.setupTask.addVolume({ name: 'tmp' });
    this.setupContainer.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
    acknowledge(
      this.setupTask,
      'The environment holds the database host, port, name and login name only; both passwords come from Secrets Manager as ECS secrets.',
      'AwsSolutions-ECS2',
    );
    acknowledge(
      this.setupTask,
      'The execution role gets exactly one policy, the one CDK attaches with the image pull, log and two secrets\' reads; it lives and dies with the role.',
      ...inCompliancePacks('IAMNoInlinePolicy'),
    );
  }
}
