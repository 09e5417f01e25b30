import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { BlueprintConfig } from '../config';
import { AlarmTopics, deploymentAlarmSpecs, GoldenSignalsDashboard, PublicLoadBalancer, SERVICE_SIGNALS, serviceAlarmName, SlaAlarms } from '../constructs';
import { BlueprintStack, BlueprintStackProps } from './blueprint-stack';
import { DataStack } from './data-stack';

export interface AppStackProps extends BlueprintStackProps {
  readonly config: BlueprintConfig;
  readonly data: DataStack;
}

/** Where a deployment's runbooks are published; alarm descriptions link to their entries. */
export const RUNBOOK_URL = 'docs/runbooks.md';

/**
 * The shared stateless tier: the ECS cluster, the load balancer, the alarm
 * topics, deployment-wide alarms and the dashboard. Each service and worker
 * has a stack of its own on top of it.
 */
export class AppStack extends BlueprintStack {
  public readonly cluster: ecs.Cluster;
  public readonly ingress: PublicLoadBalancer;
  public readonly topics: AlarmTopics;
  public readonly alarms: SlaAlarms;
  public readonly dashboard: GoldenSignalsDashboard;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const c = props.config;
    const { network, database, dataKey, logBucket } = props.data;
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

    this.topics = new AlarmTopics(this, 'AlarmTopics', {
      encryptionKey: dataKey.key,
      pageEmails: c.alarms.pageEmails,
      notifyEmails: c.alarms.notifyEmails,
    });

    const db = { instance: database.instance, maxConnections: database.maxConnections };
    this.alarms = new SlaAlarms(this, 'SlaAlarms', {
      specs: deploymentAlarmSpecs(prefix, c.sla, this.ingress.loadBalancer, db),
      topics: this.topics,
      runbookUrl: RUNBOOK_URL,
    });

    this.dashboard = new GoldenSignalsDashboard(this, 'Dashboard', {
      dashboardName: prefix,
      loadBalancer: this.ingress.loadBalancer,
      clusterName: this.cluster.clusterName,
      database: db,
      thresholds: {
        latencyP95Ms: c.sla.latencyP95.alertAboveMs,
        errorRatePercent: c.sla.errorRate.alertAbovePercent,
        dbConnectionsPercent: c.sla.dbConnections.alertAbovePercent,
      },
      // Service alarms live in the service stacks; their names are known from config, so no reference is needed.
      alarmNames: [
        ...this.alarms.entries.map((e) => e.spec.alarmName),
        ...c.services.flatMap((s) => SERVICE_SIGNALS.map((signal) => serviceAlarmName(prefix, s.name, signal))),
      ],
    });
  }
}
