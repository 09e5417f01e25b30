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

/** What one alarm is, as data; `SlaAlarms` turns each into a CloudWatch alarm. */
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

export interface SlaAlarmsProps {
  readonly specs: readonly AlarmSpec[];
  readonly topics: { readonly page: sns.ITopic; readonly notify: sns.ITopic };
  /** Where `docs/runbooks.md` is published; anchors are appended. */
  readonly runbookUrl: string;
}

/**
 * Alarms from specs: each routed to its topic on both transitions, its
 * description saying what it means and where its runbook entry is.
 */
export class SlaAlarms extends Construct {
  /** Every alarm with the spec it was made from. */
  public readonly entries: readonly AlarmEntry[];

  constructor(scope: Construct, id: string, props: SlaAlarmsProps) {
    super(scope, id);
    this.entries = props.specs.map((spec) => {
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

/**
 * errors / requests over `p`, as a percentage (or a fraction with `scale` 1),
 * and 0, not a division by zero, when there is no traffic.
 */
export function errorRate(errors: Record<string, cloudwatch.IMetric>, requests: cloudwatch.IMetric, p: Duration, label: string, scale = 100): cloudwatch.MathExpression {
  const sum = Object.keys(errors)
    .map((k) => `FILL(${k}, 0)`)
    .join(' + ');
  return new cloudwatch.MathExpression({
    expression: `IF(FILL(requests, 0) > 0, ${scale === 100 ? '100 * ' : ''}(${sum}) / FILL(requests, 0), 0)`,
    usingMetrics: { ...errors, requests },
    period: p,
    label,
  });
}

/** All 5xx of a load balancer (its own and its targets') over its requests. */
export function loadBalancerErrorRate(loadBalancer: elbv2.IApplicationLoadBalancer, p: Duration, label: string, scale = 100): cloudwatch.MathExpression {
  const lb = loadBalancer.metrics;
  return errorRate(
    { elb5xx: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: p }), target5xx: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: p }) },
    lb.requestCount({ period: p }),
    p,
    label,
    scale,
  );
}

/** The per-service alarm signals, in the order `serviceAlarmSpecs` makes them. */
export const SERVICE_SIGNALS = ['latency-p95', 'error-rate', 'no-healthy-targets', 'no-running-tasks'] as const;

/** Alarm name of one signal of one service or worker: `<prefix>-<service>-<signal>`. */
export function serviceAlarmName(prefix: string, service: string, signal: string): string {
  return `${prefix}-${service}-${signal}`;
}

export interface MonitoredService {
  readonly name: string;
  readonly service: ecs.FargateService;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
}

/** docs/architecture.md §3 per web service: p95 latency, 5xx rate, and "service down" two ways. */
export function serviceAlarmSpecs(prefix: string, rows: SlaRows, s: MonitoredService): AlarmSpec[] {
  const tg = s.targetGroup.metrics;
  const name = (signal: (typeof SERVICE_SIGNALS)[number]): string => serviceAlarmName(prefix, s.name, signal);
  return [
    {
      id: 'LatencyP95',
      alarmName: name('latency-p95'),
      runbook: 'latency-p95',
      meaning: `p95 response time of ${s.name} is above ${rows.latencyP95.alertAboveMs} ms (target ${rows.latencyP95.targetMs} ms): users wait.`,
      metric: tg.targetResponseTime({ statistic: 'p95', period: period(rows.latencyP95) }),
      threshold: rows.latencyP95.alertAboveMs / 1000,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      window: rows.latencyP95,
      missingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    },
    {
      id: 'ErrorRate',
      alarmName: name('error-rate'),
      runbook: 'error-rate',
      meaning: `More than ${rows.errorRate.alertAbovePercent}% of ${s.name}'s responses are 5xx.`,
      metric: errorRate(
        { target5xx: tg.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: period(rows.errorRate) }) },
        tg.requestCount({ period: period(rows.errorRate) }),
        period(rows.errorRate),
        `${s.name} 5xx %`,
      ),
      threshold: rows.errorRate.alertAbovePercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      window: rows.errorRate,
      missingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    },
    {
      id: 'NoHealthyTargets',
      alarmName: name('no-healthy-targets'),
      runbook: 'service-down',
      meaning: `${s.name} has no healthy target behind the load balancer: every request fails.`,
      metric: tg.healthyHostCount({ statistic: 'Minimum', period: period(rows.serviceDown) }),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      window: rows.serviceDown,
      missingData: cloudwatch.TreatMissingData.BREACHING,
    },
    {
      id: 'NoRunningTasks',
      alarmName: name('no-running-tasks'),
      runbook: 'service-down',
      meaning: `${s.name} has no running task.`,
      metric: runningTasks(s.service, period(rows.serviceDown)),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      window: rows.serviceDown,
      missingData: cloudwatch.TreatMissingData.BREACHING,
    },
  ];
}

/** Container Insights' running task count of a service (its minimum over the period). */
export function runningTasks(service: ecs.IBaseService, p: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'ECS/ContainerInsights',
    metricName: 'RunningTaskCount',
    dimensionsMap: { ClusterName: service.cluster.clusterName, ServiceName: service.serviceName },
    statistic: 'Minimum',
    period: p,
  });
}

/** docs/architecture.md §3 for the whole deployment: all 5xx including the load balancer's own, and DB connections. */
export function deploymentAlarmSpecs(
  prefix: string,
  rows: SlaRows,
  loadBalancer: elbv2.IApplicationLoadBalancer,
  database: { readonly instance: rds.IDatabaseInstance; readonly maxConnections: number },
): AlarmSpec[] {
  return [
    {
      id: 'ErrorRate',
      alarmName: `${prefix}-error-rate`,
      runbook: 'error-rate',
      meaning: `More than ${rows.errorRate.alertAbovePercent}% of all requests end in a 5xx from a target or from the load balancer itself.`,
      metric: loadBalancerErrorRate(loadBalancer, period(rows.errorRate), 'all 5xx %'),
      threshold: rows.errorRate.alertAbovePercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      window: rows.errorRate,
      missingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    },
    {
      id: 'DbConnections',
      alarmName: `${prefix}-db-connections`,
      runbook: 'db-connections',
      meaning: `PostgreSQL connections are above ${rows.dbConnections.alertAbovePercent}% of max_connections (${database.maxConnections}): new connections will soon be refused.`,
      metric: new cloudwatch.MathExpression({
        expression: `100 * connections / ${database.maxConnections}`,
        usingMetrics: {
          connections: database.instance.metricDatabaseConnections({ statistic: 'Maximum', period: period(rows.dbConnections) }),
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
