import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export type Route = 'page' | 'notify';

/** One row of an SLA table: when to alarm, for how long, and whom to tell. */
export interface AlarmWindow {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly route: Route;
}

export interface SlaRows {
  readonly latencyP95: AlarmWindow & { readonly targetMs: number; readonly alertAboveMs: number };
  readonly errorRate: AlarmWindow & { readonly alertAbovePercent: number };
  readonly serviceDown: AlarmWindow;
  readonly dbConnections: AlarmWindow & { readonly alertAbovePercent: number };
}

export interface MonitoredService {
  /** Service name, used in alarm names and runbook anchors. */
  readonly name: string;
  readonly service: ecs.FargateService;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
}

export interface SlaAlarmsProps {
  /** Prefix of every alarm name, e.g. `shop-prod`. */
  readonly prefix: string;
  readonly rows: SlaRows;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly services: readonly MonitoredService[];
  readonly database: { readonly instance: rds.IDatabaseInstance; readonly maxConnections: number };
  readonly topics: { readonly page: sns.ITopic; readonly notify: sns.ITopic };
  /** Where `docs/runbooks.md` is published; anchors are appended. */
  readonly runbookUrl: string;
}

/** What one alarm is, as data; the construct turns each into a CloudWatch alarm. */
export interface AlarmSpec {
  /** Stable construct id. */
  readonly id: string;
  readonly alarmName: string;
  /** Runbook anchor in docs/runbooks.md. */
  readonly runbook: string;
  readonly meaning: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly window: AlarmWindow;
  readonly missingData: cloudwatch.TreatMissingData;
}

export interface AlarmEntry {
  readonly spec: AlarmSpec;
  readonly alarm: cloudwatch.Alarm;
}

/**
 * The SLA table's alarms (REFERENCE §3): per service p95 latency, 5xx error
 * rate and "service down"; deployment-wide error rate including the load
 * balancer's own 5xx; database connections as a share of max_connections.
 */
export class SlaAlarms extends Construct {
  /** Every alarm with the spec it was made from. */
  public readonly entries: readonly AlarmEntry[];

  constructor(scope: Construct, id: string, props: SlaAlarmsProps) {
    super(scope, id);
    const specs = [...props.services.flatMap((s) => serviceSpecs(props, s)), ...deploymentSpecs(props)];
    this.entries = specs.map((spec) => {
      const topic = props.topics[spec.window.route];
      const alarm = new cloudwatch.Alarm(this, spec.id, {
        alarmName: spec.alarmName,
        alarmDescription: `${spec.meaning} Runbook: ${props.runbookUrl}#${spec.runbook}`,
        metric: spec.metric,
        threshold: spec.threshold,
        comparisonOperator: spec.comparison,
        evaluationPeriods: spec.window.evaluationPeriods,
        datapointsToAlarm: spec.window.evaluationPeriods,
        treatMissingData: spec.missingData,
      });
      alarm.addAlarmAction(new actions.SnsAction(topic));
      alarm.addOkAction(new actions.SnsAction(topic));
      return { spec, alarm };
    });
  }
}

function period(w: AlarmWindow): Duration {
  return Duration.seconds(w.periodSeconds);
}

function errorRate(errors: Record<string, cloudwatch.IMetric>, requests: cloudwatch.IMetric, w: AlarmWindow, label: string): cloudwatch.MathExpression {
  const sum = Object.keys(errors).map((k) => `FILL(${k}, 0)`).join(' + ');
  return new cloudwatch.MathExpression({
    // No traffic is 0% errors, not a division by zero.
    expression: `IF(FILL(requests, 0) > 0, 100 * (${sum}) / FILL(requests, 0), 0)`,
    usingMetrics: { ...errors, requests },
    period: period(w),
    label,
  });
}

function serviceSpecs(props: SlaAlarmsProps, s: MonitoredService): AlarmSpec[] {
  const { rows } = props;
  const name = `${props.prefix}-${s.name}`;
  const tg = s.targetGroup.metrics;
  return [
    {
      id: `${s.name}LatencyP95`,
      alarmName: `${name}-latency-p95`,
      runbook: 'latency-p95',
      meaning: `p95 response time of ${s.name} is above ${rows.latencyP95.alertAboveMs} ms (target ${rows.latencyP95.targetMs} ms): users wait.`,
      metric: tg.targetResponseTime({ statistic: 'p95', period: period(rows.latencyP95) }),
      threshold: rows.latencyP95.alertAboveMs / 1000,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      window: rows.latencyP95,
      missingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    },
    {
      id: `${s.name}ErrorRate`,
      alarmName: `${name}-error-rate`,
      runbook: 'error-rate',
      meaning: `More than ${rows.errorRate.alertAbovePercent}% of ${s.name}'s responses are 5xx.`,
      metric: errorRate(
        { target5xx: tg.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: period(rows.errorRate) }) },
        tg.requestCount({ period: period(rows.errorRate) }),
        rows.errorRate,
        `${s.name} 5xx %`,
      ),
      threshold: rows.errorRate.alertAbovePercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      window: rows.errorRate,
      missingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    },
    {
      id: `${s.name}NoHealthyTargets`,
      alarmName: `${name}-no-healthy-targets`,
      runbook: 'service-down',
      meaning: `${s.name} has no healthy target behind the load balancer: every request fails.`,
      metric: tg.healthyHostCount({ statistic: 'Minimum', period: period(rows.serviceDown) }),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      window: rows.serviceDown,
      missingData: cloudwatch.TreatMissingData.BREACHING,
    },
    {
      id: `${s.name}NoRunningTasks`,
      alarmName: `${name}-no-running-tasks`,
      runbook: 'service-down',
      meaning: `${s.name} has no running task.`,
      metric: new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: { ClusterName: s.service.cluster.clusterName, ServiceName: s.service.serviceName },
        statistic: 'Minimum',
        period: period(rows.serviceDown),
      }),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      window: rows.serviceDown,
      missingData: cloudwatch.TreatMissingData.BREACHING,
    },
  ];
}

function deploymentSpecs(props: SlaAlarmsProps): AlarmSpec[] {
  const { rows } = props;
  const lb = props.loadBalancer.metrics;
  const p = period(rows.errorRate);
  return [
    {
      id: 'ErrorRate',
      alarmName: `${props.prefix}-error-rate`,
      runbook: 'error-rate',
      meaning: `More than ${rows.errorRate.alertAbovePercent}% of all requests end in a 5xx from a target or from the load balancer itself.`,
      metric: errorRate(
        {
          elb5xx: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: p }),
          target5xx: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: p }),
        },
        lb.requestCount({ period: p }),
        rows.errorRate,
        'all 5xx %',
      ),
      threshold: rows.errorRate.alertAbovePercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      window: rows.errorRate,
      missingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    },
    {
      id: 'DbConnections',
      alarmName: `${props.prefix}-db-connections`,
      runbook: 'db-connections',
      meaning: `PostgreSQL connections are above ${rows.dbConnections.alertAbovePercent}% of max_connections (${props.database.maxConnections}): new connections will soon be refused.`,
      metric: new cloudwatch.MathExpression({
        expression: `100 * connections / ${props.database.maxConnections}`,
        usingMetrics: {
          connections: props.database.instance.metricDatabaseConnections({ statistic: 'Maximum', period: period(rows.dbConnections) }),
        },
        period: period(rows.dbConnections),
        label: 'connections % of max',
      }),
      threshold: rows.dbConnections.alertAbovePercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      window: rows.dbConnections,
      missingData: cloudwatch.TreatMissingData.MISSING,
    },
  ];
}
