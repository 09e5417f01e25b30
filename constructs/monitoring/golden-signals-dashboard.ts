import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AlarmEntry, MonitoredService } from './sla-alarms';

export interface GoldenSignalsDashboardProps {
  readonly dashboardName: string;
  readonly services: readonly MonitoredService[];
  /** Alarms whose metric is drawn with its threshold. */
  readonly alarms: readonly AlarmEntry[];
}

/**
 * One dashboard per deployment: latency p50/p95/p99, traffic and
 * saturation per service, then every SLA alarm with its threshold.
 */
export class GoldenSignalsDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: GoldenSignalsDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    for (const s of props.services) {
      const tg = s.targetGroup.metrics;
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${s.name}: latency`,
          left: ['p50', 'p95', 'p99'].map((statistic) => tg.targetResponseTime({ statistic, label: statistic })),
        }),
        new cloudwatch.GraphWidget({ title: `${s.name}: requests`, left: [tg.requestCount()] }),
        new cloudwatch.GraphWidget({
          title: `${s.name}: saturation`,
          left: [s.service.metricCpuUtilization(), s.service.metricMemoryUtilization()],
        }),
      );
    }
    this.dashboard.addWidgets(
      ...props.alarms.map(
        ({ spec, alarm }) => new cloudwatch.AlarmWidget({ title: spec.alarmName, alarm, width: 8 }),
      ),
    );
  }
}
