import { Aws, Duration, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AppSettings, BlueprintConfig, BucketAccess, bucketGrants, publicHost, SecretRef, ServiceConfig } from '../config';
import {
  acknowledge,
  allowProduce,
  AppBucket,
  AppTask,
  AppTaskProps,
  AlarmSpec,
  RedisCache,
  redisUrlKey,
  SlaAlarms,
} from '../constructs';
import { AppStack, mailConfigurationSetName, RUNBOOK_URL } from './app-stack';
import { BlueprintStackProps } from './blueprint-stack';
import { DataStack } from './data-stack';

export interface RuntimeStackProps extends BlueprintStackProps {
  readonly config: BlueprintConfig;
  readonly data: DataStack;
  readonly app: AppStack;
  /**
   * Region of the SES identity that tasks with `sendsEmail` send through.
   * @default config.env.region
   */
  readonly emailRegion?: string;
}

/**
 * What every application container of a deployment gets, made in the stack
 * that runs it: endpoints as settings, credentials as ECS secrets, network
 * access to the data tier and permission to produce to the queues and the
 * event stream.
 */
export class AppRuntime {
  public readonly environment: Record<string, string>;
  public readonly secrets: Record<string, ecs.Secret>;
  /** What an app that sends email gets besides. */
  private readonly emailEnvironment: Record<string, string> = {};
  private readonly decryptSecrets: iam.PolicyStatement;
  /** Where a database connection URL points, by `to`: host and query of the URL (ADR 0031). */
  private readonly databaseUrls: Record<'database' | 'database-reader', { readonly host: string; readonly query: string }>;
  /** Each Redis URL secret of the data stack, imported by ARN like the other secrets, keyed by `to`. */
  private readonly redisUrls = new Map<string, secretsmanager.ISecret>();

  constructor(
    private readonly scope: Construct,
    private readonly data: DataStack,
    private readonly config: BlueprintConfig,
    private readonly emailRegion: string = config.env.region,
  ) {
    const { database, cache, redis, dataKey, queues, eventStream } = data;
    // Secrets are imported by ARN so that granting read access writes only the
    // task's own policy; a grant through the key object would edit the data
    // stack's key policy and make the stacks depend on each other.
    // The application login when one is set (its alternating-users rotation leaves a task's credentials valid for a whole period), else the master secret (ADR 0027).
    const dbSecret = secretsmanager.Secret.fromSecretCompleteArn(scope, 'DatabaseSecret', data.applicationSecret.secretArn);
    // A standby reads the primary region's database secret, encrypted with that region's key.
    const keys = [{ keyArn: dataKey.key.keyArn, region: data.region }, ...(database.sourceSecretKey ? [database.sourceSecretKey] : [])];
    this.decryptSecrets = new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: keys.map((k) => k.keyArn),
      conditions: { StringEquals: { 'kms:ViaService': oneOrMany(keys.map((k) => `secretsmanager.${k.region}.amazonaws.com`)) } },
    });
    // The one place the kit's variables are built: endpoints as settings, credentials as secrets.
    const sslMode = config.database.sslMode;
    const caBundle: Record<string, string> = sslMode === 'verify-full' ? { PGSSLROOTCERT: CA_BUNDLE_PATH, DB_SSLROOTCERT: CA_BUNDLE_PATH } : {};
    this.environment = {
      DB_HOST: database.instance.dbInstanceEndpointAddress,
      DB_PORT: database.instance.dbInstanceEndpointPort,
      DB_NAME: database.databaseName,
      DB_SSLMODE: sslMode,
      // The same connection under the names libpq and its drivers read with no configuration.
      PGHOST: database.instance.dbInstanceEndpointAddress,
      PGPORT: database.instance.dbInstanceEndpointPort,
      PGDATABASE: database.databaseName,
      PGSSLMODE: sslMode,
      ...caBundle,
      // No cache (`cache` null): no REDIS_* variables; the redis groups' REDIS_<NAME>_* are set below either way.
      ...(cache ? redisEnvironment('REDIS', cache) : {}),
    };
    // Both in every phase and region, so a rename holds everywhere: the replicas (their weighted name; their
    // endpoints, each on the RDS certificate), or the region's own database where it has none (phase 1, a standby).
    this.environment.DB_READ_HOSTS =
      database.replicas.length > 0 ? Fn.join(',', database.replicas.map((r) => r.dbInstanceEndpointAddress)) : database.instance.dbInstanceEndpointAddress;
    this.environment.DB_READ_HOST = data.readerEndpoint?.hostName ?? database.instance.dbInstanceEndpointAddress;
    // Connection URLs carry no user and no password: drivers read both from PGUSER and PGPASSWORD, set together from one secret,
    // so a URL stays valid through the application login's alternating-users rotation (ADR 0031).
    const sslQuery = `sslmode=${sslMode}${sslMode === 'verify-full' ? `&sslrootcert=${CA_BUNDLE_PATH}` : ''}`;
    // verify-full checks the host name against the RDS certificate, which names each replica but not DB_READ_HOST's private name.
    const readHost = sslMode === 'verify-full' && database.replicas.length > 0 ? database.replicas[0]!.dbInstanceEndpointAddress : this.environment.DB_READ_HOST;
    this.databaseUrls = {
      database: { host: database.instance.dbInstanceEndpointAddress, query: sslQuery },
      'database-reader': { host: readHost, query: sslQuery },
    };
    for (const [to, urls] of data.redisUrls) {
      this.redisUrls.set(to, secretsmanager.Secret.fromSecretCompleteArn(scope, `RedisUrls-${to.replace(':', '-')}`, urls.secret.secretArn));
    }
    for (const [name, q] of queues) this.environment[`QUEUE_URL_${envName(name)}`] = q.queue.queueUrl;
    if (eventStream) this.environment.EVENT_STREAM_NAME = eventStream.stream.streamName;
    const username = ecs.Secret.fromSecretsManager(dbSecret, 'username');
    const password = ecs.Secret.fromSecretsManager(dbSecret, 'password');
    this.secrets = {
      DB_USERNAME: username,
      DB_PASSWORD: password,
      PGUSER: username,
      PGPASSWORD: password,
    };
    if (cache) {
      this.secrets.REDIS_AUTH_TOKEN = ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(scope, 'CacheAuthToken', cache.authToken.secretArn));
    }
    for (const [name, group] of redis) {
      const prefix = `REDIS_${envName(name)}`;
      Object.assign(this.environment, redisEnvironment(prefix, group));
      this.secrets[`${prefix}_AUTH_TOKEN`] = ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(scope, `RedisAuthToken-${name}`, group.authToken.secretArn));
    }
    if (config.email !== null) {
      const region = emailRegion;
      this.emailEnvironment = {
        // The identity lives in the primary region; a standby's tasks send through it too.
        SES_REGION: region,
        MAIL_FROM_DOMAIN: config.email.domain,
        SMTP_HOST: `email-smtp.${region}.amazonaws.com`,
        SMTP_PORT: '587',
        ...(config.email.configurationSet ? { SES_CONFIGURATION_SET: mailConfigurationSetName(config) } : {}),
      };
    }
  }

  /**
   * The task of one app (web service, worker or migration), as every stack
   * makes it: its image, user, command and size; the kit's settings plus its
   * own, and its secrets resolved to exactly the Secrets Manager secrets and
   * SSM parameters it names (ECS grants the execution role read on those
   * alone); its encrypted log group; tracing as the stage says.
   */
  taskProps(app: AppSettings & Pick<ServiceConfig, 'name' | 'image' | 'user' | 'command' | 'cpu' | 'memoryMiB' | 'stopTimeoutSeconds' | 'writablePaths' | 'readOnlyRootFilesystem'>): AppTaskProps {
    const kitOwn = { ...this.environment, ...this.bucketEnvironment(app.buckets), ...(app.sendsEmail ? this.emailEnvironment : {}) };
    const kitEnvironment = renamed(app, kitOwn);
    const secrets = renamed(app, { ...this.secrets });
    for (const [from] of Object.entries(app.variableNames)) {
      if (!(from in kitOwn) && !(from in this.secrets)) {
        throw new Error(`${app.name}.variableNames.${from}: "${from}" is not set in this container; allowed: a variable the kit sets here`);
      }
    }
    for (const [name, ref] of Object.entries(app.secrets)) secrets[name] = userSecret(this.scope, name, ref);
    const urls = this.connectionUrls(app.connectionUrls);
    Object.assign(secrets, urls.secrets);
    const c = this.config;
    return {
      image: app.image,
      user: app.user,
      command: app.command,
      cpu: app.cpu,
      memoryMiB: app.memoryMiB,
      environment: { ...kitEnvironment, ...urls.environment, ...app.environment },
      secrets,
      logRetention: c.protection.logRetentionDays as logs.RetentionDays,
      logEncryptionKey: this.data.dataKey.key,
      stopTimeout: Duration.seconds(app.stopTimeoutSeconds),
      writablePaths: app.writablePaths,
      writableRootFilesystem: app.readOnlyRootFilesystem
        ? undefined
        : `${app.name}.readOnlyRootFilesystem is false in the settings: the operator chose a writable root filesystem for ${app.name}, whose image writes outside /tmp and writablePaths when it starts; /tmp and writablePaths stay task-scoped volumes.`,
      tracing: c.telemetry.collectorImage === null ? undefined : { collectorImage: c.telemetry.collectorImage, samplePercent: c.telemetry.tracingSamplePercent, serviceName: app.name },
      trustStore: c.database.sslMode === 'verify-full' ? { url: caBundleUrl(this.data.region), image: CA_BUNDLE_IMAGE, path: CA_BUNDLE_PATH } : undefined,
    };
  }

  /**
   * Lets a task read its secrets and produce to the deployment's messaging. The
   * data tier admits the tasks' shared security group (the app stack's), not
   * each task.
   */
  wire(task: AppTask, app: Pick<AppSettings, 'buckets' | 'sendsEmail'>): void {
    const { dataKey, queues, eventStream } = this.data;
    for (const [name, access] of Object.entries(app.buckets)) {
      grantBucket(task, this.data.buckets.get(name)!, access, this.data.region);
    }
    task.taskDefinition.addToExecutionRolePolicy(this.decryptSecrets);
    if (app.sendsEmail && this.config.email !== null) task.taskDefinition.addToTaskRolePolicy(sendEmail(this.config, this.emailRegion));
    allowProduce(task.taskDefinition.taskRole, {
      queues: [...queues.values()].map((q) => q.queue),
      stream: eventStream?.stream,
      key: dataKey.key,
    });
  }

  /**
   * The app's connection URLs: a database URL as a plain variable joined from
   * the same tokens as PGHOST, a Redis URL (which holds the AUTH token) as the
   * JSON key of its database and query in its group's URL secret; ECS grants the execution role read
   * on exactly that secret.
   */
  private connectionUrls(urls: AppSettings['connectionUrls']): { environment: Record<string, string>; secrets: Record<string, ecs.Secret> } {
    const environment: Record<string, string> = {};
    const secrets: Record<string, ecs.Secret> = {};
    const { database } = this.data;
    for (const [name, url] of Object.entries(urls)) {
      if (url.to === 'database' || url.to === 'database-reader') {
        const { host, query } = this.databaseUrls[url.to];
        const extra = Object.entries(url.query ?? {}).map(([k, v]) => `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
        environment[name] = Fn.join('', ['postgresql://', host, ':', database.instance.dbInstanceEndpointPort, `/${database.databaseName}?${query}`, ...extra]);
      } else {
        secrets[name] = ecs.Secret.fromSecretsManager(this.redisUrls.get(url.to)!, redisUrlKey({ database: url.redisDatabase ?? 0, query: url.query }));
      }
    }
    return { environment, secrets };
  }

  /**
   * `S3_BUCKET_<NAME>` for each bucket the app declares, and `S3_REGION`: this region, where its buckets (or their replicas) are.
   * A public bucket adds where viewers read its objects, the same in every region: `S3_PUBLIC_HOST_<NAME>`, a host
   * (Mastodon's S3_ALIAS_HOST, django-storages' AWS_S3_CUSTOM_DOMAIN), and `S3_PUBLIC_URL_<NAME>`, `https://` and that
   * host, to which an object's key is appended (ADR 0033). A bucket on a path of a CDN without ingress.domainName has
   * neither: the distribution's own name is known only once it exists.
   */
  private bucketEnvironment(buckets: AppSettings['buckets']): Record<string, string> {
    const names = Object.keys(buckets);
    if (names.length === 0) return {};
    const c = this.config;
    return Object.fromEntries([
      ...names.flatMap((name) => {
        const b = c.buckets.find((x) => x.name === name)!;
        const host = b.public === null || c.edge === null ? undefined : (publicHost(c, b) ?? (b.public.pathPattern !== undefined ? c.ingress.domainName : undefined));
        return [
          [`S3_BUCKET_${envName(name)}`, this.data.buckets.get(name)!.bucketName],
          ...(host === undefined ? [] : [[`S3_PUBLIC_HOST_${envName(name)}`, host], [`S3_PUBLIC_URL_${envName(name)}`, `https://${host}`]]),
        ];
      }),
      ['S3_REGION', this.data.region],
    ]);
  }
}

/**
 * Exactly what `access` allows on one bucket, on the task role: `read` gets
 * and lists objects, `read-write` also puts and deletes them and aborts
 * multipart uploads; both use the bucket's key through S3 only. A grant on a
 * prefix names only the objects under it, and lists only under it: ListBucket
 * is a bucket action, narrowed by the `s3:prefix` condition key, which a
 * request without a prefix does not satisfy (Amazon S3 User Guide, "Bucket
 * policy examples using condition keys", s3:prefix:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html).
 * The key statement stays the bucket's: with S3 Bucket Keys the encryption
 * context is the bucket's ARN, not the object's (ADR 0025). Written on the
 * task role alone: a grant through the bucket or key object would edit the
 * data stack's policies and make the stacks depend on each other.
 */
function grantBucket(task: AppTask, bucket: AppBucket, access: BucketAccess, region: string): void {
  const grants = bucketGrants(access);
  const role = task.taskDefinition;
  const prefixes = grants.flatMap((g) => (g.prefix === undefined ? [] : [`${g.prefix}*`]));
  role.addToTaskRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: prefixes.length > 0 ? { StringLike: { 's3:prefix': prefixes.length === 1 ? prefixes[0] : prefixes } } : undefined,
    }),
  );
  for (const g of grants) {
    const write = g.access === 'read-write';
    const objects = ['s3:GetObject', ...(write ? ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'] : [])];
    role.addToTaskRolePolicy(new iam.PolicyStatement({ actions: objects, resources: [`${bucket.bucketArn}/${g.prefix ?? ''}*`] }));
  }
  // SSE-KMS: reading decrypts; writing asks for a data key (and a multipart upload decrypts it again).
  const keyActions = ['kms:Decrypt', ...(grants.some((g) => g.access === 'read-write') ? ['kms:GenerateDataKey'] : [])];
  role.addToTaskRolePolicy(
    new iam.PolicyStatement({
      actions: keyActions,
      resources: [bucket.bucket.encryptionKey!.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': `s3.${region}.amazonaws.com`,
          // With S3 Bucket Keys the encryption context is the bucket's ARN: this bucket's data keys only, although the key is shared
          // (Amazon S3 User Guide, "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys": https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html).
          'kms:EncryptionContext:aws:s3:arn': bucket.bucketArn,
        },
      },
    }),
  );
  acknowledge(
    task.taskDefinition.taskRole,
    'The application chooses its object keys: the task may use every object of a bucket, or of a key prefix, it declares, with exactly the actions its declared access allows.',
    ...grants.map((g) => `AwsSolutions-IAM5[Resource::${bucket.bucketArn}/${g.prefix ?? ''}*]`),
  );
}

/**
 * The RDS certificate bundle of a region: every CA that signs its database
 * certificates (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html,
 * "Certificate bundles by AWS Region"). Downloaded at task start (ADR 0026).
 */
function caBundleUrl(region: string): string {
  return `https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem`;
}
/** Amazon Linux 2023 ships curl (curl-minimal) and is pulled from ECR Public, like the kit's other images. */
const CA_BUNDLE_IMAGE = 'public.ecr.aws/amazonlinux/amazonlinux:2023';
/** Where the app finds the bundle: PGSSLROOTCERT and DB_SSLROOTCERT. */
export const CA_BUNDLE_PATH = '/etc/rds-ca/rds-ca-bundle.pem';

/**
 * Sending through the deployment's identity only (and its configuration
 * set, which SES authorizes too when a message uses one). ARNs by value: the
 * identity is the domain's, in the primary region, so a standby's tasks
 * need no reference across regions.
 * https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html
 */
function sendEmail(c: BlueprintConfig, region: string): iam.PolicyStatement {
  const email = c.email!;
  const arn = (resource: string): string => `arn:${Aws.PARTITION}:ses:${region}:${c.env.account}:${resource}`;
  return new iam.PolicyStatement({
    actions: ['ses:SendEmail', 'ses:SendRawEmail'],
    resources: [arn(`identity/${email.domain}`), ...(email.configurationSet ? [arn(`configuration-set/${mailConfigurationSetName(c)}`)] : [])],
  });
}

/** The kit's variables under the names the app reads (`variableNames`). */
function renamed<T>(app: Pick<AppSettings, 'variableNames'>, variables: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [name, value] of Object.entries(variables)) out[app.variableNames[name] ?? name] = value;
  return out;
}

/** A policy condition value: a string for one, a list for several. */
function oneOrMany(values: readonly string[]): string | string[] {
  return values.length === 1 ? values[0]! : [...values];
}

/** An app's declared secret as an ECS secret, imported by name or ARN. */
function userSecret(scope: Construct, name: string, ref: SecretRef): ecs.Secret {
  const id = `Secret-${name}`;
  if (ref.secretsManager !== undefined) {
    const secret = ref.secretsManager.startsWith('arn:')
      ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, ref.secretsManager)
      : secretsmanager.Secret.fromSecretNameV2(scope, id, ref.secretsManager);
    return ecs.Secret.fromSecretsManager(secret, ref.field);
  }
  const parameterName = ref.ssmParameter!.startsWith('arn:') ? `/${ref.ssmParameter!.split(':parameter/')[1]}` : ref.ssmParameter!;
  return ecs.Secret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(scope, id, { parameterName }));
}

/**
 * The app stack's task security group, imported immutably: the app stack owns
 * its rules, so constructs in this stack attach tasks to it and add none.
 */
export function tasksGroup(scope: Construct, app: AppStack): ec2.ISecurityGroup {
  return ec2.SecurityGroup.fromSecurityGroupId(scope, 'TasksGroup', app.tasks.securityGroup.securityGroupId, { mutable: false });
}

/** A task stack's alarms, to the app stack's paging and notify topics. */
export function taskAlarms(scope: Construct, app: AppStack, specs: readonly AlarmSpec[]): SlaAlarms {
  return new SlaAlarms(scope, 'SlaAlarms', { specs, topics: app.topics, runbookUrl: RUNBOOK_URL });
}

/**
 * How a task finds one Valkey group (docs/deploy.md#redis): `<prefix>_HOST`
 * is the configuration endpoint in cluster mode, else the primary, with the
 * replicas behind `<prefix>_READER_HOST`; `<prefix>_CLUSTER` says which.
 */
function redisEnvironment(prefix: string, group: RedisCache): Record<string, string> {
  return {
    [`${prefix}_HOST`]: group.endpointAddress,
    [`${prefix}_PORT`]: group.endpointPort,
    [`${prefix}_TLS`]: 'true',
    [`${prefix}_CLUSTER`]: String(group.clusterMode),
    ...(group.readerEndpointAddress === undefined ? {} : { [`${prefix}_READER_HOST`]: group.readerEndpointAddress }),
  };
}

/** `order-events` → `ORDER_EVENTS`, for environment variable names. */
function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}
