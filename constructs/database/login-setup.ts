import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DeployTaskRun } from '../compute/deploy-task-run';
import { acknowledgeRootPreparation, addVolumeOwner, VOLUME_OWNER_MEMORY_MIB } from '../compute/volume-owner';
import { admitFrom } from '../network/admit';
import { acknowledge, acknowledgeLogGroup, inCompliancePacks } from '../security/acknowledge';
import { CLONE_SUFFIX } from './application-login';

/** Stock PostgreSQL client image the setup task runs; `psql` only, no application code. */
const SETUP_IMAGE = 'public.ecr.aws/docker/library/postgres:17-alpine';

/**
 * Idempotent: creates the login and its twin if missing, sets the password
 * of the one the secret names to the secret's current value (what the
 * rotation already set, so a no-op after it; what a new secret needs on a
 * database that already has the logins, such as the replica a switch back
 * promotes, ADR 0029), makes the twin a member of the login whose sessions
 * run as the login (`SET role`), so every object belongs to one role
 * whichever twin created it, and grants the login the database and its
 * `public` schema. The twin's password stays the rotation's.
 */
export const LOGIN_SETUP_SQL = [
  "SELECT format('CREATE ROLE %I LOGIN', r) FROM (VALUES (:'base'), (:'twin')) AS t(r) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \\gexec",
  "SELECT format('ALTER ROLE %I PASSWORD %L', :'current', :'password') \\gexec",
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

export interface LoginSetupProps {
  /** Where the setup task runs, in the database's VPC. */
  readonly cluster: ecs.ICluster;
  /** The primary the logins are created in. */
  readonly database: {
    readonly address: string;
    readonly port: number;
    readonly name: string;
    /** Admits the setup task on `port`. */
    readonly securityGroup: ec2.ISecurityGroup;
  };
  /** The master secret: the task logs in with it. */
  readonly masterSecret: secretsmanager.ISecret;
  /** The application login's secret: the task creates the login it names, with its password. */
  readonly loginSecret: secretsmanager.ISecret;
  /** The login's name; its twin is `<username>_clone`. */
  readonly username: string;
  /** Where the task runs: it reaches ECR Public, the RDS trust store and the database. */
  readonly subnets: ec2.SubnetSelection;
  /** Encrypts both secrets, and the task's and the run's logs. */
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Creates the application login and its twin during the deploy: a Fargate
 * task (the stock PostgreSQL image, `psql` with `verify-full`) that a
 * `DeployTaskRun` starts on create and whenever the login's name or the
 * task changes, failing the deploy unless it exits 0. Idempotent, and never
 * resets a password, so running it again is harmless. Whatever logs in with
 * the login must be deployed after it.
 */
export class LoginSetup extends Construct {
  /** Creates the logins; idempotent. */
  public readonly task: ecs.FargateTaskDefinition;
  public readonly container: ecs.ContainerDefinition;
  /** The task's group: reaches the database, and HTTPS. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Runs the task during the deploy. */
  public readonly run: DeployTaskRun;

  constructor(scope: Construct, id: string, props: LoginSetupProps) {
    super(scope, id);
    const { database, encryptionKey: key } = props;
    // Imported by ARN: reading them writes only this task's policy, never the data stack's key policy.
    const masterSecret = secretsmanager.Secret.fromSecretCompleteArn(this, 'MasterSecret', props.masterSecret.secretArn);
    const loginSecret = secretsmanager.Secret.fromSecretCompleteArn(this, 'LoginSecret', props.loginSecret.secretArn);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: 'Application login setup: reaches the database, and HTTPS for the image and the RDS trust store',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'ECR Public, CloudWatch Logs, RDS trust store');
    this.securityGroup.addEgressRule(database.securityGroup, ec2.Port.tcp(database.port), 'Application login setup');
    admitFrom(database.securityGroup, ec2.Port.tcp(database.port), this.securityGroup, 'Application login setup');

    const logGroup = new logs.LogGroup(this, 'Log', {
      retention: props.logRetention,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeLogGroup(logGroup, key);
    this.task = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    this.container = this.task.addContainer('psql', {
      image: ecs.ContainerImage.fromRegistry(SETUP_IMAGE),
      entryPoint: ['sh', '-c'],
      command: [LOGIN_SETUP_SCRIPT],
      // The image's postgres user; the trust bundle goes to a scratch /tmp, the root filesystem stays read-only.
      user: '70',
      readonlyRootFilesystem: true,
      // The task's memory less the volume owner's: Fargate refuses containers' limits above the task's.
      memoryLimitMiB: 512 - VOLUME_OWNER_MEMORY_MIB,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'setup' }),
      environment: {
        AWS_REGION: Stack.of(this).region,
        PGHOST: database.address,
        PGPORT: String(database.port),
        PGDATABASE: database.name,
        APP_LOGIN: props.username,
      },
      secrets: {
        PGUSER: ecs.Secret.fromSecretsManager(masterSecret, 'username'),
        PGPASSWORD: ecs.Secret.fromSecretsManager(masterSecret, 'password'),
        APP_USERNAME: ecs.Secret.fromSecretsManager(loginSecret, 'username'),
        APP_PASSWORD: ecs.Secret.fromSecretsManager(loginSecret, 'password'),
      },
    });
    this.task.addVolume({ name: 'tmp' });
    this.container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
    addVolumeOwner(this, { taskDefinition: this.task, container: this.container, user: '70', volumes: ['tmp'], logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'volume-owner' }) });
    acknowledgeRootPreparation(this.task, 'the volume owner');
    // ECS decrypts both secrets with the data key through Secrets Manager when the task starts.
    this.task.obtainExecutionRole().addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    acknowledge(
      this.task,
      'The environment holds the database host, port, name and login name only; both passwords come from Secrets Manager as ECS secrets.',
      'AwsSolutions-ECS2',
    );
    acknowledge(
      this.task,
      'The execution role gets exactly one policy, the one CDK attaches with the image pull, log, two secrets\' reads and their key\'s decrypt through Secrets Manager; it lives and dies with the role.',
      ...inCompliancePacks('IAMNoInlinePolicy'),
    );

    this.run = new DeployTaskRun(this, 'Run', {
      cluster: props.cluster,
      taskDefinition: this.task,
      container: this.container,
      subnets: props.subnets,
      securityGroups: [this.securityGroup],
      taskLogGroup: logGroup,
      // The revision changes with anything in the task; the login name is also in it, named here for the reader.
      runWhenChanged: { Login: props.username },
      encryptionKey: key,
      logRetention: props.logRetention,
    });
  }
}
