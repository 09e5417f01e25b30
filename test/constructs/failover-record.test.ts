import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { FailoverRecord } from '../../constructs/dns/failover-record';

describe('FailoverRecord', () => {
  // GIVEN a load balancer and a regional alarm in eu-west-1
  const stack = new Stack(new App(), 'Dns', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc, internetFacing: true });
  const alarm = new cloudwatch.Alarm(stack, 'Check', { metric: new cloudwatch.Metric({ namespace: 'CloudWatchSynthetics', metricName: 'SuccessPercent' }), threshold: 100, evaluationPeriods: 3 });
  // WHEN
  new FailoverRecord(stack, 'Origin', { zone: { id: 'Z0000000000EXAMPLE', name: 'example.com' }, recordName: 'origin.example.com', role: 'SECONDARY', loadBalancer, alarm });
  const t = Template.fromStack(stack);

  test('THEN the alias does not inherit the load balancer\'s target health: the alarm alone decides', () => {
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      Failover: 'SECONDARY',
      SetIdentifier: 'secondary',
      AliasTarget: Match.objectLike({ EvaluateTargetHealth: false }),
      HealthCheckId: { Ref: Match.stringLikeRegexp('^OriginHealthCheck') },
    });
  });

  test('THEN the health check reads the alarm in its region and counts missing data as unhealthy', () => {
    t.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: { Ref: Match.stringLikeRegexp('^Check') }, Region: 'eu-west-1' }, InsufficientDataHealthStatus: 'Unhealthy' },
    });
  });
});

describe('FailoverRecord held unhealthy', () => {
  // GIVEN the primary's half after the other region's database was promoted
  const stack = new Stack(new App(), 'Dns', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc, internetFacing: true });
  const alarm = new cloudwatch.Alarm(stack, 'Check', { metric: new cloudwatch.Metric({ namespace: 'CloudWatchSynthetics', metricName: 'SuccessPercent' }), threshold: 100, evaluationPeriods: 3 });
  // WHEN
  const record = new FailoverRecord(stack, 'Origin', { zone: { id: 'Z0000000000EXAMPLE', name: 'example.com' }, recordName: 'origin.example.com', role: 'PRIMARY', loadBalancer, alarm, forceUnhealthy: true });
  const t = Template.fromStack(stack);

  test('THEN the record follows a calculated check needing more healthy children than it has, over the region\'s own check', () => {
    const checks = t.findResources('AWS::Route53::HealthCheck');
    const [regionId] = Object.entries(checks).find(([, c]) => c.Properties.HealthCheckConfig.Type === 'CLOUDWATCH_METRIC')!;
    const [heldId, held] = Object.entries(checks).find(([, c]) => c.Properties.HealthCheckConfig.Type === 'CALCULATED')!;
    // Not inverted: an inverted hold would read always healthy.
    expect(held.Properties.HealthCheckConfig).toEqual({ Type: 'CALCULATED', ChildHealthChecks: [{ Ref: regionId }], HealthThreshold: 2, Inverted: false });
    t.hasResourceProperties('AWS::Route53::RecordSet', { Failover: 'PRIMARY', HealthCheckId: { Ref: heldId } });
    expect(stack.resolve(record.healthCheck.healthCheckId)).toEqual({ Ref: heldId });
  });
});
