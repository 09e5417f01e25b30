import { CfnOutput, Duration, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AppSettings, BlueprintConfig, deploymentName, SecretRef, ServiceConfig, WorkerConfig } from '../config';
import {
  allowProduce,
  AppTask,
  AppTaskProps,
  queueSpecs,
  QueueWorker,
  serviceAlarmName,
  serviceAlarmSpecs,
  serviceSaturationSpecs,
  SlaAlarms,
  WebService,
  WebServiceDeployment,
} from '../constructs';
import { AppStack, RUNBOOK_URL } from './app-stack';
import { BlueprintStack, BlueprintStackProps } from './blueprint-stack';
import { DataStack } from './data-stack';

export interface RuntimeStackProps extends BlueprintStackProps {
  readonly config: BlueprintConfig;
  readonly data: DataStack;
  readonly app: AppStack;
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
  private readonly decryptSecrets: iam.PolicyStatement;

  constructor(
    private readonly scope: Construct,
    private readonly data: DataStack,
    private readonly config: BlueprintConfig,
  ) {
    const { database, cache, dataKey, queues, eventStream } = data;
    // Secrets are imported by ARN so that granting read access writes only the
    // task's own policy; a grant through the key object would edit the data
    // stack's key policy and make the stacks depend on each other.
    // The application login, whose alternating-users rotation leaves a task's credentials valid for a whole period (ADR 0027).
    const dbSecret = secretsmanager.Secret.fromSecretCompleteArn(scope, 'DatabaseSecret', data.applicationSecret.secretArn);
    const cacheToken = secretsmanager.Secret.fromSecretCompleteArn(scope, 'CacheAuthToken', cache.authToken.secretArn);
    // A standby reads the primary region's database secret, encrypted with that region's key.
    const keys = [{ keyArn: dataKey.key.keyArn, region: data.region }, ...(database.sourceSecretKey ? [database.sourceSecretKey] : [])];
    this.decryptSecrets = new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: keys.map((k) => k.keyArn),
      conditions: { StringEquals: { 'kms:ViaService': oneOrMany(keys.map((k) => `secretsmanager.${k.region}.amazonaws.com`)) } },
    });
    this.environment = {
      DB_HOST: database.instance.dbInstanceEndpointAddress,
      DB_PORT: database.instance.dbInstanceEndpointPort,
      DB_NAME: database.databaseName,
      DB_SSLMODE: 'verify-full',
      REDIS_HOST: cache.endpointAddress,
      REDIS_PORT: cache.endpointPort,
      REDIS_TLS: 'true',
    };
    if (database.replicas.length > 0) {
      this.environment.DB_READ_HOSTS = Fn.join(',', database.replicas.map((r) => r.dbInstanceEndpointAddress));
    }
    // One read host in every phase: the replicas' weighted name, or the primary until there is a replica.
    this.environment.DB_READ_HOST = data.readerEndpoint?.hostName ?? database.instance.dbInstanceEndpointAddress;
    for (const [name, q] of queues) this.environment[`QUEUE_URL_${envName(name)}`] = q.queue.queueUrl;
    if (eventStream) this.environment.EVENT_STREAM_NAME = eventStream.stream.streamName;
    this.secrets = {
      DB_USERNAME: ecs.Secret.fromSecretsManager(dbSecret, 'username'),
      DB_PASSWORD: ecs.Secret.fromSecretsManager(dbSecret, 'password'),
      REDIS_AUTH_TOKEN: ecs.Secret.fromSecretsManager(cacheToken),
    };
  }

  /**
   * The task of one app (web service, worker or migration), as every stack
   * makes it: its image, user, command and size; the kit's settings plus its
   * own, and its secrets resolved to exactly the Secrets Manager secrets and
   * SSM parameters it names (ECS grants the execution role read on those
   * alone); its encrypted log group; tracing as the stage says.
   */
  taskProps(app: AppSettings & Pick<ServiceConfig, 'name' | 'image' | 'user' | 'command' | 'cpu' | 'memoryMiB'>): AppTaskProps {
    const secrets = { ...this.secrets };
    for (const [name, ref] of Object.entries(app.secrets)) secrets[name] = userSecret(this.scope, name, ref);
    const c = this.config;
    return {
      image: app.image,
      user: app.user,
      command: app.command,
      cpu: app.cpu,
      memoryMiB: app.memoryMiB,
      environment: { ...this.environment, ...app.environment },
      secrets,
      logRetention: c.protection.logRetentionDays as logs.RetentionDays,
      logEncryptionKey: this.data.dataKey.key,
      tracing: c.telemetry.collectorImage === null ? undefined : { collectorImage: c.telemetry.collectorImage, samplePercent: c.telemetry.tracingSamplePercent, serviceName: app.name },
    };
  }

  /**
   * Lets a task read its secrets and produce to the deployment's messaging. The
   * data tier admits the tasks' shared security group (the app stack's), not
   * each task.
   */
  wire(task: AppTask): void {
    const { dataKey, queues, eventStream } = this.data;
    task.taskDefinition.addToExecutionRolePolicy(this.decryptSecrets);
    allowProduce(task.taskDefinition.taskRole, {
      queues: [...queues.values()].map((q) => q.queue),
      stream: eventStream?.stream,
      key: dataKey.key,
    });
  }
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

/** A service's deployment settings as the web service takes them: only the fields its strategy uses. */
function webDeployment(d: ServiceConfig['deployment']): WebServiceDeployment {
  const bakeTime = Duration.minutes(d.bakeMinutes);
  switch (d.strategy) {
    case 'rolling':
      return { strategy: 'rolling' };
    case 'blue-green':
      return { strategy: 'blue-green', bakeTime };
    default:
      return { strategy: d.strategy, stepPercent: d.stepPercent, bakeTime };
  }
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
    const runtime = new AppRuntime(this, data, c);
    // The rule is created in this stack. Both security groups are immutable imports: the app
    // stack holds the one rule pair between the load balancer and all tasks, so this stack adds none.
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'Listener', {
      listenerArn: app.ingress.listener.listenerArn,
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(this, 'LoadBalancerGroup', app.ingress.securityGroup.securityGroupId, {
        allowAllOutbound: false,
        mutable: false,
      }),
    });

    this.web = new WebService(this, 'Web', {
      ...runtime.taskProps(s),
      cluster: app.cluster,
      subnets: data.network.subnets('private'),
      listener,
      capacity: app.ingress,
      securityGroup: tasksGroup(this, app),
      containerPort: s.containerPort,
      healthCheckPath: s.healthCheckPath,
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
      ecsExec: c.operatorAccess.ecsExec,
    });
    runtime.wire(this.web.task);

    const prefix = deploymentName(c);
    this.alarms = new SlaAlarms(this, 'SlaAlarms', {
      specs: [
        ...serviceAlarmSpecs(prefix, c.sla, { name: s.name, service: this.web.service, targetGroup: this.web.targetGroup }),
        ...serviceSaturationSpecs(prefix, c.sla.saturation, s.name, this.web.service),
      ],
      topics: app.topics,
      runbookUrl: RUNBOOK_URL,
    });
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

/** One queue worker: its task, Fargate service, backlog scaling, and queue and saturation alarms. */
export class WorkerStack extends BlueprintStack {
  public readonly worker: QueueWorker;
  public readonly alarms: SlaAlarms;

  constructor(scope: Construct, id: string, props: WorkerStackProps) {
    super(scope, id, props);
    const { config: c, data, app, worker: w } = props;
    const runtime = new AppRuntime(this, data, c);
    this.worker = new QueueWorker(this, 'Worker', {
      ...runtime.taskProps(w),
      cluster: app.cluster,
      subnets: data.network.subnets('private'),
      queue: data.queues.get(w.name)!.queue,
      queueKey: data.dataKey.key,
      scaling: {
        ...w.scaling,
        scaleOutCooldown: Duration.seconds(w.scaling.scaleOutCooldownSeconds),
        scaleInCooldown: Duration.seconds(w.scaling.scaleInCooldownSeconds),
      },
      ecsExec: c.operatorAccess.ecsExec,
      securityGroup: tasksGroup(this, app),
    });
    runtime.wire(this.worker.task);

    const prefix = deploymentName(c);
    const queues = data.queues.get(w.name)!;
    this.alarms = new SlaAlarms(this, 'SlaAlarms', {
      specs: [
        ...queueSpecs(prefix, c.sla.saturation, w.name, queues.queue, queues.deadLetterQueue),
        ...serviceSaturationSpecs(prefix, c.sla.saturation, w.name, this.worker.service),
      ],
      topics: app.topics,
      runbookUrl: RUNBOOK_URL,
    });
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
    const runtime = new AppRuntime(this, data, c);
    // A one-off run: no tracing sidecar to outlive it.
    this.task = new AppTask(this, 'Task', { ...runtime.taskProps(s), command: s.migrationCommand, tracing: undefined });
    this.securityGroup = tasksGroup(this, app);
    runtime.wire(this.task);

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
