import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { BlueprintConfig } from '../config';
import {
  admitFrom,
  allowProduce,
  AlarmTopics,
  AppTask,
  QueueWorker,
  GoldenSignalsDashboard,
  POSTGRES_PORT,
  PublicLoadBalancer,
  REDIS_PORT,
  SlaAlarms,
  WebService,
} from '../constructs';
import { BlueprintStack, BlueprintStackProps } from './blueprint-stack';
import { DataStack } from './data-stack';

export interface AppStackProps extends BlueprintStackProps {
  readonly config: BlueprintConfig;
  readonly data: DataStack;
}

/**
 * The stateless tier: cluster, load balancer, services, alarms and the
 * dashboard. Can be destroyed and redeployed without losing data.
 */
export class AppStack extends BlueprintStack {
  public readonly cluster: ecs.Cluster;
  public readonly ingress: PublicLoadBalancer;
  public readonly services: ReadonlyMap<string, WebService>;
  public readonly workers: ReadonlyMap<string, QueueWorker>;
  public readonly topics: AlarmTopics;
  public readonly alarms: SlaAlarms;
  public readonly dashboard: GoldenSignalsDashboard;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const c = props.config;
    const { network, database, cache, dataKey, logBucket, queues, eventStream } = props.data;
    const prefix = `${c.appName}-${c.stage}`;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: network.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.ingress = new PublicLoadBalancer(this, 'Ingress', {
      vpc: network.vpc,
      subnets: network.subnets('public'),
      certificateArn: c.ingress.certificateArn,
      accessLogBucket: logBucket.bucket,
      deletionProtection: c.protection.deletionProtection,
    });

    // Secrets are imported by ARN so that granting read access writes only the
    // task's own policy; a grant through the key object would edit the data
    // stack's key policy and make the stacks depend on each other.
    const dbSecret = secretsmanager.Secret.fromSecretCompleteArn(this, 'DatabaseSecret', database.secret.secretArn);
    const cacheToken = secretsmanager.Secret.fromSecretCompleteArn(this, 'CacheAuthToken', cache.authToken.secretArn);
    const decryptSecrets = new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [dataKey.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
    });

    // What every application container gets: endpoints as settings, credentials as secrets.
    const environment: Record<string, string> = {
      DB_HOST: database.instance.dbInstanceEndpointAddress,
      DB_PORT: database.instance.dbInstanceEndpointPort,
      DB_NAME: database.databaseName,
      DB_SSLMODE: 'verify-full',
      REDIS_HOST: cache.endpointAddress,
      REDIS_PORT: cache.endpointPort,
      REDIS_TLS: 'true',
    };
    if (database.replicas.length > 0) {
      environment.DB_READ_HOSTS = Fn.join(',', database.replicas.map((r) => r.dbInstanceEndpointAddress));
    }
    for (const [name, q] of queues) environment[`QUEUE_URL_${envName(name)}`] = q.queue.queueUrl;
    if (eventStream) environment.EVENT_STREAM_NAME = eventStream.stream.streamName;
    const secrets = {
      DB_USERNAME: ecs.Secret.fromSecretsManager(dbSecret, 'username'),
      DB_PASSWORD: ecs.Secret.fromSecretsManager(dbSecret, 'password'),
      REDIS_AUTH_TOKEN: ecs.Secret.fromSecretsManager(cacheToken),
    };
    const taskDefaults = {
      cluster: this.cluster,
      subnets: network.subnets('private'),
      logRetention: c.protection.logRetentionDays as logs.RetentionDays,
      logEncryptionKey: dataKey.key,
      environment,
      secrets,
    };
    /** Lets an application tier reach the data tier and the messaging it may produce to. */
    const wire = (name: string, task: AppTask, group: ec2.ISecurityGroup): void => {
      task.taskDefinition.addToExecutionRolePolicy(decryptSecrets);
      admitFrom(database.securityGroup, ec2.Port.tcp(POSTGRES_PORT), group, `${name} to PostgreSQL`);
      admitFrom(cache.securityGroup, ec2.Port.tcp(REDIS_PORT), group, `${name} to Valkey`);
      allowProduce(task.taskDefinition.taskRole, {
        queues: [...queues.values()].map((q) => q.queue),
        stream: eventStream?.stream,
        key: dataKey.key,
      });
    };

    // Keyed by name, never by list position: adding a service renames no other.
    const services = new Map<string, WebService>();
    for (const s of c.services) {
      const service = new WebService(this, `Service-${s.name}`, {
        ...taskDefaults,
        listener: this.ingress.listener,
        image: s.image,
        containerPort: s.containerPort,
        cpu: s.cpu,
        memoryMiB: s.memoryMiB,
        healthCheckPath: s.healthCheckPath,
        pathPatterns: s.pathPatterns,
        hostHeaders: s.hostHeaders,
        priority: s.priority,
        scaling: s.scaling,
      });
      wire(s.name, service.task, service.securityGroup);
      services.set(s.name, service);
    }
    this.services = services;

    const workers = new Map<string, QueueWorker>();
    for (const w of c.workers) {
      const worker = new QueueWorker(this, `Worker-${w.name}`, {
        ...taskDefaults,
        queue: queues.get(w.name)!.queue,
        queueKey: dataKey.key,
        image: w.image,
        command: w.command,
        cpu: w.cpu,
        memoryMiB: w.memoryMiB,
        scaling: w.scaling,
      });
      wire(w.name, worker.task, worker.securityGroup);
      workers.set(w.name, worker);
    }
    this.workers = workers;

    this.topics = new AlarmTopics(this, 'AlarmTopics', {
      encryptionKey: dataKey.key,
      pageEmails: c.alarms.pageEmails,
      notifyEmails: c.alarms.notifyEmails,
    });

    const monitored = [...services].map(([name, s]) => ({ name, service: s.service, targetGroup: s.targetGroup }));
    this.alarms = new SlaAlarms(this, 'SlaAlarms', {
      prefix,
      rows: c.sla,
      loadBalancer: this.ingress.loadBalancer,
      services: monitored,
      database: { instance: database.instance, maxConnections: database.maxConnections },
      topics: this.topics,
      runbookUrl: 'docs/runbooks.md',
    });

    this.dashboard = new GoldenSignalsDashboard(this, 'Dashboard', {
      dashboardName: prefix,
      services: monitored,
      alarms: this.alarms.entries,
    });
  }
}

/** `order-events` → `ORDER_EVENTS`, for environment variable names. */
function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}
