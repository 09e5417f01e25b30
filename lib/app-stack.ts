import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { BlueprintConfig } from '../config';
import {
  admitFrom,
  AlarmTopics,
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
  public readonly topics: AlarmTopics;
  public readonly alarms: SlaAlarms;
  public readonly dashboard: GoldenSignalsDashboard;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const c = props.config;
    const { network, database, cache, dataKey, logBucket } = props.data;
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

    const services = new Map<string, WebService>();
    for (const s of c.services) {
      // Keyed by name, never by list position: adding a service renames no other.
      const service = new WebService(this, `Service-${s.name}`, {
        cluster: this.cluster,
        subnets: network.subnets('private'),
        listener: this.ingress.listener,
        image: s.image,
        containerPort: s.containerPort,
        cpu: s.cpu,
        memoryMiB: s.memoryMiB,
        healthCheckPath: s.healthCheckPath,
        pathPatterns: s.pathPatterns,
        priority: s.priority,
        scaling: s.scaling,
        logRetention: c.protection.logRetentionDays as logs.RetentionDays,
        logEncryptionKey: dataKey.key,
        environment: {
          DB_HOST: database.instance.dbInstanceEndpointAddress,
          DB_PORT: database.instance.dbInstanceEndpointPort,
          DB_NAME: database.databaseName,
          DB_SSLMODE: 'verify-full',
          REDIS_HOST: cache.endpointAddress,
          REDIS_PORT: cache.endpointPort,
          REDIS_TLS: 'true',
        },
        secrets: {
          DB_USERNAME: ecs.Secret.fromSecretsManager(dbSecret, 'username'),
          DB_PASSWORD: ecs.Secret.fromSecretsManager(dbSecret, 'password'),
          REDIS_AUTH_TOKEN: ecs.Secret.fromSecretsManager(cacheToken),
        },
      });
      service.taskDefinition.addToExecutionRolePolicy(decryptSecrets);
      const serviceGroup = service.securityGroup;
      admitFrom(database.securityGroup, ec2.Port.tcp(POSTGRES_PORT), serviceGroup, `${s.name} to PostgreSQL`);
      admitFrom(cache.securityGroup, ec2.Port.tcp(REDIS_PORT), serviceGroup, `${s.name} to Valkey`);
      services.set(s.name, service);
    }
    this.services = services;

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
