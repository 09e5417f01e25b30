import { Aws, CfnOutput, Duration, Fn, TimeZone } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AppSettings, BlueprintConfig, BucketAccess, bucketGrants, deploymentName, publicHost, ScheduleConfig, SecretRef, ServiceConfig, WorkerConfig } from '../config';
import {
  acknowledge,
  allowProduce,
  AppBucket,
  AppTask,
  AppTaskProps,
  AlarmSpec,
  queueSpecs,
  RedisCache,
  redisUrlKey,
  ScheduledTask,
  scheduleSpecs,
  serviceAlarmName,
  serviceAlarmSpecs,
  serviceSaturationSpecs,
  SlaAlarms,
  WebService,
  WebServiceDeployment,
  Worker,
  WorkerScaling,
} from '../constructs';
import { AppStack, mailConfigurationSetName, RUNBOOK_URL } from './app-stack';
import { BlueprintStack, BlueprintStackProps } from './blueprint-stack';
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
class AppRuntime {
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
function tasksGroup(scope: Construct, app: AppStack): ec2.ISecurityGroup {
  return ec2.SecurityGroup.fromSecurityGroupId(scope, 'TasksGroup', app.tasks.securityGroup.securityGroupId, { mutable: false });
}

/** A task stack's alarms, to the app stack's paging and notify topics. */
function taskAlarms(scope: Construct, app: AppStack, specs: readonly AlarmSpec[]): SlaAlarms {
  return new SlaAlarms(scope, 'SlaAlarms', { specs, topics: app.topics, runbookUrl: RUNBOOK_URL });
}

/** A service's deployment settings as the web service takes them: only the fields its strategy uses. */
function webDeployment(d: ServiceConfig['deployment']): WebServiceDeployment {
  const bakeTime = Duration.minutes(d.bakeMinutes);
  switch (d.strategy) {
    case 'rolling':
      return { strategy: 'rolling', minHealthyPercent: d.minHealthyPercent, maxPercent: d.maxPercent };
    case 'blue-green':
      return { strategy: 'blue-green', bakeTime };
    default:
      return { strategy: d.strategy, stepPercent: d.stepPercent, bakeTime };
  }
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

export interface WebServiceStackProps extends RuntimeStackProps {
  readonly service: ServiceConfig;
}

/** One web service: its task, Fargate service, listener rule, scaling and SLA alarms. */
export class WebServiceStack extends BlueprintStack {
  public readonly web: WebService;
  public readonly alarms: SlaAlarms;

  constructor(scope: Construct, id: string, props: WebServiceStackProps) {
    super(scope, id, props);
    const { config: c, data, app, service: s } = props;
    const runtime = new AppRuntime(this, data, c, props.emailRegion);
    // The rule is created in this stack. Both security groups are immutable imports: the app
    // stack holds the one rule pair between the load balancer and all tasks, so this stack adds none.
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'Listener', {
      listenerArn: app.ingress.listener.listenerArn,
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(this, 'LoadBalancerGroup', app.ingress.securityGroup.securityGroupId, {
        allowAllOutbound: false,
        mutable: false,
      }),
    });

    const task = runtime.taskProps(s);
    this.web = new WebService(this, 'Web', {
      ...task,
      // Proxies in front of the tasks that append to X-Forwarded-For: the load balancer, and CloudFront
      // when there is an edge. The application trusts exactly these (docs/deploy.md, "The client's address").
      environment: { ...task.environment, TRUSTED_PROXY_HOPS: c.edge ? '2' : '1' },
      cluster: app.cluster,
      subnets: data.network.subnets('private'),
      listener,
      capacity: app.ingress,
      securityGroup: tasksGroup(this, app),
      containerPort: s.containerPort,
      healthCheckPath: s.healthCheckPath,
      // [] in the settings: the kit's wget probe.
      containerHealthCommand: s.containerHealthCommand?.length === 0 ? undefined : s.containerHealthCommand,
      healthCheck: {
        interval: Duration.seconds(s.healthCheck.intervalSeconds),
        timeout: Duration.seconds(s.healthCheck.timeoutSeconds),
        healthyThreshold: s.healthCheck.healthyThreshold,
        unhealthyThreshold: s.healthCheck.unhealthyThreshold,
        gracePeriod: Duration.seconds(s.healthCheck.gracePeriodSeconds),
        deregistrationDelay: Duration.seconds(s.healthCheck.deregistrationDelaySeconds),
      },
      pathPatterns: s.pathPatterns,
      hostHeaders: s.hostHeaders,
      requiredHeader: app.originHeader,
      priority: s.priority,
      scaling: s.scaling,
      deployment: webDeployment(s.deployment),
      stickiness: s.stickiness === null ? undefined : { duration: Duration.seconds(s.stickiness.durationSeconds), cookieName: s.stickiness.cookieName },
      ecsExec: c.operatorAccess.ecsExec,
    });
    runtime.wire(this.web.task, s);

    const prefix = deploymentName(c);
    this.alarms = taskAlarms(this, app, [
      ...serviceAlarmSpecs(prefix, c.sla, { name: s.name, service: this.web.service, targetGroup: this.web.targetGroup }),
      ...serviceSaturationSpecs(prefix, c.sla.saturation, s.name, this.web.service),
    ]);
    // A deployment that trips the latency or error-rate alarm rolls back by itself. Names, not
    // references: the alarms watch this service's own metrics.
    this.web.service.enableDeploymentAlarms(
      [serviceAlarmName(prefix, s.name, 'latency-p95'), serviceAlarmName(prefix, s.name, 'error-rate')],
      { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
    );
  }
}

export interface WorkerStackProps extends RuntimeStackProps {
  readonly worker: WorkerConfig;
}

/** A worker's scaling settings as the construct takes them. */
function workerScaling(s: WorkerConfig['scaling']): WorkerScaling {
  const cooldowns = (x: { scaleOutCooldownSeconds: number; scaleInCooldownSeconds: number }) => ({
    scaleOutCooldown: Duration.seconds(x.scaleOutCooldownSeconds),
    scaleInCooldown: Duration.seconds(x.scaleInCooldownSeconds),
  });
  switch (s.signal) {
    case 'backlog':
      return { signal: 'backlog', minTasks: s.minTasks, maxTasks: s.maxTasks, backlogPerTask: s.backlogPerTask, ...cooldowns(s) };
    case 'cpu':
      return { signal: 'cpu', minTasks: s.minTasks, maxTasks: s.maxTasks, cpuTargetPercent: s.cpuTargetPercent, ...cooldowns(s) };
    case 'metric':
      return {
        signal: 'metric',
        minTasks: s.minTasks,
        maxTasks: s.maxTasks,
        metric: new cloudwatch.Metric({ namespace: s.namespace, metricName: s.metricName, dimensionsMap: { ...s.dimensions }, statistic: s.statistic }),
        targetValue: s.targetValue,
        ...cooldowns(s),
      };
    case 'schedule':
      return {
        signal: 'schedule',
        minTasks: s.minTasks,
        maxTasks: s.maxTasks,
        timeZone: TimeZone.of(s.timezone),
        actions: s.actions.map((a) => ({ name: a.name, schedule: appscaling.Schedule.expression(a.schedule), minTasks: a.minTasks, maxTasks: a.maxTasks })),
      };
    default:
      return s;
  }
}

/**
 * One worker: its task, Fargate service, scaling and saturation alarms; its
 * queue's alarms when it has the kit's queue.
 */
export class WorkerStack extends BlueprintStack {
  public readonly worker: Worker;
  public readonly alarms: SlaAlarms;

  constructor(scope: Construct, id: string, props: WorkerStackProps) {
    super(scope, id, props);
    const { config: c, data, app, worker: w } = props;
    const runtime = new AppRuntime(this, data, c, props.emailRegion);
    const queues = data.queues.get(w.name);
    this.worker = new Worker(this, 'Worker', {
      ...runtime.taskProps(w),
      cluster: app.cluster,
      subnets: data.network.subnets('private'),
      queue: queues ? { queue: queues.queue, key: data.dataKey.key } : undefined,
      scaling: workerScaling(w.scaling),
      healthCheck: w.containerHealthCommand === null ? undefined : {
        command: w.containerHealthCommand,
        interval: Duration.seconds(w.containerHealthCheck.intervalSeconds),
        timeout: Duration.seconds(w.containerHealthCheck.timeoutSeconds),
        retries: w.containerHealthCheck.retries,
        startPeriod: Duration.seconds(w.containerHealthCheck.startPeriodSeconds),
      },
      ecsExec: c.operatorAccess.ecsExec,
      securityGroup: tasksGroup(this, app),
    });
    runtime.wire(this.worker.task, w);

    const prefix = deploymentName(c);
    this.alarms = taskAlarms(this, app, [
      ...(queues ? queueSpecs(prefix, c.sla.saturation, w.name, queues.queue, queues.deadLetterQueue) : []),
      ...serviceSaturationSpecs(prefix, c.sla.saturation, w.name, this.worker.service),
    ]);
  }
}

export interface ScheduleStackProps extends RuntimeStackProps {
  readonly schedule: ScheduleConfig;
  /** Whether the schedule starts tasks: not in a standby region until a failover promotes it. */
  readonly enabled: boolean;
}

/**
 * One scheduled task: its task definition, EventBridge Scheduler schedule,
 * dead-letter queue and alarms. A stack per schedule, like workers: each
 * deploys, changes image and is removed on its own, and no stack nears
 * CloudFormation's resource limit as jobs are added.
 */
export class ScheduleStack extends BlueprintStack {
  public readonly job: ScheduledTask;
  public readonly alarms: SlaAlarms;

  constructor(scope: Construct, id: string, props: ScheduleStackProps) {
    super(scope, id, props);
    const { config: c, data, app, schedule: s } = props;
    const runtime = new AppRuntime(this, data, c, props.emailRegion);
    const prefix = deploymentName(c);
    // Imported by ARN: a grant through the key object would edit the data stack's key policy.
    const key = kms.Key.fromKeyArn(this, 'DataKey', data.dataKey.key.keyArn);
    this.job = new ScheduledTask(this, 'Job', {
      ...runtime.taskProps({ ...s, image: s.image ?? c.services[0]!.image }),
      command: s.command,
      cluster: app.cluster,
      subnets: data.network.subnets('private'),
      securityGroup: tasksGroup(this, app),
      schedule: s.schedule,
      timeZone: s.timezone,
      scheduleGroupName: `${prefix}-${s.name}`,
      retries: s.retries,
      maxEventAge: Duration.seconds(s.maxEventAgeSeconds),
      deadLetterKey: key,
      enabled: props.enabled,
    });
    runtime.wire(this.job.task, s);

    this.alarms = taskAlarms(this, app, scheduleSpecs(prefix, c.sla.saturation.deadLetterMessages, s.name, this.job.deadLetterQueue, `${prefix}-${s.name}`, this.job.failedRuns));
  }
}

export interface MigrationStackProps extends RuntimeStackProps {
  readonly service: ServiceConfig;
}

/**
 * A web service's database migration: a task definition with the service's
 * image, settings and database access, run on demand. Its own stack, which
 * the service's depends on, so it can be deployed, run and checked before
 * the new version rolls out (docs/deploy.md, ADR 0012).
 */
export class MigrationStack extends BlueprintStack {
  public readonly task: AppTask;
  /** The deployment's shared task security group, which the data tier admits. */
  public readonly securityGroup: ec2.ISecurityGroup;

  constructor(scope: Construct, id: string, props: MigrationStackProps) {
    super(scope, id, props);
    const { config: c, data, app, service: s } = props;
    const runtime = new AppRuntime(this, data, c, props.emailRegion);
    // A one-off run: no tracing sidecar to outlive it.
    this.task = new AppTask(this, 'Task', { ...runtime.taskProps(s), command: s.migrationCommand, tracing: undefined });
    this.securityGroup = tasksGroup(this, app);
    runtime.wire(this.task, s);

    const cluster = app.cluster.clusterName;
    const subnets = data.network.vpc.selectSubnets(data.network.subnets('private')).subnetIds;
    const network = Fn.join('', ['awsvpcConfiguration={subnets=[', Fn.join(',', subnets), '],securityGroups=[', this.securityGroup.securityGroupId, '],assignPublicIp=DISABLED}']);
    new CfnOutput(this, 'MigrationCommand', {
      description: `Runs ${s.name}'s migration and waits for it; prints the container's exit code (0 = success)`,
      value: Fn.join('', [
        `TASK=$(aws ecs run-task --cluster `, cluster,
        ` --task-definition `, this.task.taskDefinition.taskDefinitionArn,
        ` --launch-type FARGATE --network-configuration '`, network,
        `' --query 'tasks[0].taskArn' --output text) && aws ecs wait tasks-stopped --cluster `, cluster,
        ` --tasks $TASK && aws ecs describe-tasks --cluster `, cluster,
        ` --tasks $TASK --query 'tasks[0].containers[?name==\`${this.task.container.containerName}\`].exitCode' --output text`,
      ]),
    });
  }
}
