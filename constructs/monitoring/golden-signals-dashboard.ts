import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { loadBalancerErrorRate } from './sla-alarms';

/**
 * An alarm-status widget shows at most 100 alarms:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/add_remove_alarm_dashboard.html
 */
export const MAX_ALARMS_PER_WIDGET = 100;

export interface GoldenSignalsDashboardProps {
  /**
   * Dashboard names are global per account, not per region: two sites of
   * one deployment (a primary and a standby region) need different names.
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
   */
  readonly dashboardName: string;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly clusterName: string;
  readonly database: { readonly instance: rds.IDatabaseInstance; readonly maxConnections: number };
  /** Cache node ids (cluster mode: `<group>-<shard>-<node>`); none: no cache widget. */
  readonly cacheNodeIds: readonly string[];
  /** Work queues, by worker name. */
  readonly queues: readonly { readonly name: string; readonly queue: sqs.IQueue }[];
  /** Thresholds drawn on the graphs, from the SLA and saturation tables. */
  readonly thresholds: {
    readonly latencyP95Ms: number;
    readonly errorRatePercent: number;
    readonly dbConnectionsPercent: number;
    readonly ecsCpuPercent: number;
    readonly cacheEngineCpuPercent: number;
    readonly queueOldestMessageSeconds: number;
  };
  /**
   * Names of every alarm of the deployment, shown as status grids of at
   * most `MAX_ALARMS_PER_WIDGET` alarms each, in this order.
   */
  readonly alarmNames: readonly string[];
  /**
   * Graph period.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
}

/**
 * One dashboard per deployment with the golden signals: latency
 * p50/p95/p99, traffic, errors and saturation. Per-service lines come from
 * CloudWatch SEARCH over the load balancer and cluster, so a service added
 * in its own stack appears without this stack referencing it.
 */
export class GoldenSignalsDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  /** The dashboard in the CloudWatch console of its own region. */
  public readonly consoleUrl: string;
  /** The alarm-status widgets, each within `MAX_ALARMS_PER_WIDGET`. */
  public readonly alarmWidgets: readonly cloudwatch.AlarmStatusWidget[];

  constructor(scope: Construct, id: string, props: GoldenSignalsDashboardProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.dashboardName) && !/^[A-Za-z0-9_-]{1,255}$/.test(props.dashboardName)) {
      throw new Error(`GoldenSignalsDashboard: dashboardName "${props.dashboardName}" must be 1-255 letters, digits, '-' or '_'`);
    }
    const duplicate = props.alarmNames.find((name, i) => props.alarmNames.indexOf(name) !== i);
    if (duplicate !== undefined) throw new Error(`GoldenSignalsDashboard: alarm ${duplicate} is listed twice in alarmNames`);
    const p = props.period ?? Duration.minutes(1);
    const lb = props.loadBalancer.metrics;
    const lbName = props.loadBalancer.loadBalancerFullName;
    const seconds = p.toSeconds();
    const search = (label: string, query: string, statistic: string): cloudwatch.SearchExpression =>
      new cloudwatch.SearchExpression({ expression: `SEARCH('${query}', '${statistic}', ${seconds})`, label, period: p });
    const perTargetGroup = (metric: string): string =>
      `{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName="${metric}" LoadBalancer="${lbName}"`;
    const perService = (metric: string): string => `{AWS/ECS,ClusterName,ServiceName} MetricName="${metric}" ClusterName="${props.clusterName}"`;
    const line = (value: number, label: string): cloudwatch.HorizontalAnnotation => ({ value, label, color: cloudwatch.Color.RED });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Latency (all services)',
        left: ['p50', 'p95', 'p99'].map((statistic) => lb.targetResponseTime({ statistic, label: statistic, period: p })),
        leftAnnotations: [line(props.thresholds.latencyP95Ms / 1000, 'p95 alarm')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Latency p95 per service',
        left: [search('p95', perTargetGroup('TargetResponseTime'), 'p95')],
        leftAnnotations: [line(props.thresholds.latencyP95Ms / 1000, 'p95 alarm')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Traffic: requests per service',
        left: [search('requests', perTargetGroup('RequestCount'), 'Sum')],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Errors: 5xx % of requests',
        left: [
          loadBalancerErrorRate(props.loadBalancer, p, '5xx %'),
        ],
        leftAnnotations: [line(props.thresholds.errorRatePercent, 'error-rate alarm')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Saturation: CPU and memory per service (%)',
        left: [search('CPU', perService('CPUUtilization'), 'Average'), search('memory', perService('MemoryUtilization'), 'Average')],
        leftAnnotations: [line(props.thresholds.ecsCpuPercent, 'CPU alarm')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Saturation: DB connections (% of max_connections)',
        left: [
          new cloudwatch.MathExpression({
            expression: `100 * connections / ${props.database.maxConnections}`,
            usingMetrics: { connections: props.database.instance.metricDatabaseConnections({ statistic: 'Maximum', period: p }) },
            label: 'connections %',
            period: p,
          }),
        ],
        leftAnnotations: [line(props.thresholds.dbConnectionsPercent, 'connections alarm')],
        width: 8,
      }),
    );
    const cacheMetric = (metricName: string): cloudwatch.Metric[] =>
      props.cacheNodeIds.map((id) => new cloudwatch.Metric({ namespace: 'AWS/ElastiCache', metricName, dimensionsMap: { CacheClusterId: id }, statistic: 'Average', period: p, label: id }));
    this.dashboard.addWidgets(
      // No Valkey group, no cache widget: an empty graph would only say "no data".
      ...(props.cacheNodeIds.length === 0
        ? []
        : [
            new cloudwatch.GraphWidget({
              title: 'Saturation: cache engine CPU and memory per node (%)',
              left: [...cacheMetric('EngineCPUUtilization'), ...cacheMetric('DatabaseMemoryUsagePercentage')],
              leftAnnotations: [line(props.thresholds.cacheEngineCpuPercent, 'engine CPU alarm')],
              width: 12,
            }),
          ]),
      new cloudwatch.GraphWidget({
        title: 'Saturation: queue backlog and oldest message age',
        left: props.queues.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ period: p, label: `${q.name} visible` })),
        right: props.queues.map((q) => q.queue.metricApproximateAgeOfOldestMessage({ period: p, statistic: 'Maximum', label: `${q.name} oldest (s)` })),
        rightAnnotations: props.queues.length > 0 ? [line(props.thresholds.queueOldestMessageSeconds, 'queue-age alarm')] : [],
        width: 12,
      }),
    );
    const stack = Stack.of(this);
    this.consoleUrl = `https://${stack.region}.console.aws.amazon.com/cloudwatch/home?region=${stack.region}#dashboards/dashboard/${props.dashboardName}`;
    const alarms = props.alarmNames.map((name) =>
      cloudwatch.Alarm.fromAlarmArn(
        this,
        `Alarm-${name}`,
        stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ),
    );
    const widgets = Math.ceil(alarms.length / MAX_ALARMS_PER_WIDGET);
    this.alarmWidgets = Array.from(
      { length: widgets },
      (_, i) =>
        new cloudwatch.AlarmStatusWidget({
          title: widgets === 1 ? 'Alarms' : `Alarms (${i + 1} of ${widgets})`,
          width: 24,
          height: 6,
          alarms: alarms.slice(i * MAX_ALARMS_PER_WIDGET, (i + 1) * MAX_ALARMS_PER_WIDGET),
        }),
    );
    for (const widget of this.alarmWidgets) this.dashboard.addWidgets(widget);
  }
}
