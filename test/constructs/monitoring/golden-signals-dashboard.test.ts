import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { GoldenSignalsDashboard, GoldenSignalsDashboardProps, MAX_ALARMS_PER_WIDGET } from '../../../constructs';

const THRESHOLDS = { latencyP95Ms: 500, errorRatePercent: 1, dbConnectionsPercent: 90, ecsCpuPercent: 80, cacheEngineCpuPercent: 80, queueOldestMessageSeconds: 900 };

/** A bare stack in eu-west-1 with a load balancer and an imported database, and the dashboard's props but its names. */
function fixture(): { stack: Stack; props: Omit<GoldenSignalsDashboardProps, 'dashboardName' | 'alarmNames'> } {
  const stack = new Stack(new App(), 'Bare', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc });
  const instance = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
    instanceIdentifier: 'shop-prod-postgres',
    instanceEndpointAddress: 'db.example.com',
    port: 5432,
    securityGroups: [],
  });
  return { stack, props: { loadBalancer, clusterName: 'shop-prod', database: { instance, maxConnections: 450 }, cacheNodeIds: [], queues: [], thresholds: THRESHOLDS } };
}

/** The dashboard body as JSON, each token kept as its JSON text. */
function body(stack: Stack): { widgets: { type: string; properties: { title?: string; alarms?: string[] } }[] } {
  const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  const [, parts] = dashboard!.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(JSON.stringify(p)).slice(1, -1))).join(''));
}

describe('GoldenSignalsDashboard', () => {
  // GIVEN 250 alarms (a phase-3 site with 20 services has about 180; 13 cache shards pass 100)
  const names = Array.from({ length: 250 }, (_, i) => `shop-prod-alarm-${String(i).padStart(3, '0')}`);
  const { stack, props } = fixture();
  // WHEN the dashboard is made
  const dashboard = new GoldenSignalsDashboard(stack, 'Dashboard', { ...props, dashboardName: 'shop-prod-standby', alarmNames: names });
  const alarmWidgets = body(stack).widgets.filter((w) => w.type === 'alarm');

  test(`THEN the alarms are split into widgets of at most ${MAX_ALARMS_PER_WIDGET}, in order, each alarm once`, () => {
    expect(alarmWidgets.map((w) => w.properties.alarms!.length)).toEqual([100, 100, 50]);
    expect(alarmWidgets.map((w) => w.properties.title)).toEqual(['Alarms (1 of 3)', 'Alarms (2 of 3)', 'Alarms (3 of 3)']);
    expect(alarmWidgets.flatMap((w) => w.properties.alarms)).toEqual(names.map((n) => `arn:${JSON.stringify({ Ref: 'AWS::Partition' })}:cloudwatch:eu-west-1:123456789012:alarm:${n}`));
    expect(dashboard.alarmWidgets).toHaveLength(3);
  });

  test('THEN the dashboard has its given name, and its console URL names its region and that name', () => {
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'shop-prod-standby' });
    expect(dashboard.consoleUrl).toBe('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/shop-prod-standby');
  });

  test('GIVEN 100 alarms or fewer THEN one widget titled "Alarms"', () => {
    const small = fixture();
    new GoldenSignalsDashboard(small.stack, 'Dashboard', { ...small.props, dashboardName: 'shop-prod', alarmNames: names.slice(0, 100) });
    const widgets = body(small.stack).widgets.filter((w) => w.type === 'alarm');
    expect(widgets.map((w) => [w.properties.title, w.properties.alarms!.length])).toEqual([['Alarms', 100]]);
  });

  test('GIVEN a name CloudWatch refuses or an alarm listed twice THEN it throws, naming the prop', () => {
    const bad = fixture();
    expect(() => new GoldenSignalsDashboard(bad.stack, 'A', { ...bad.props, dashboardName: 'shop prod', alarmNames: [] })).toThrow(/dashboardName "shop prod"/);
    expect(() => new GoldenSignalsDashboard(bad.stack, 'B', { ...bad.props, dashboardName: 'shop-prod', alarmNames: ['a', 'b', 'a'] })).toThrow(/alarm a is listed twice in alarmNames/);
  });
});
