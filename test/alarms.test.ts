import { Match } from 'aws-cdk-lib/assertions';
import { SLA_ROWS } from '../config';
import { synthesize } from './support/blueprint';

// GIVEN phase 1 with one page and one notify subscriber, synthesized once
const s = synthesize({ settings: { alarms: { pageEmails: ['oncall@example.com'], notifyEmails: ['team@example.com'] } } });
// Deployment-wide alarms live in the app stack, a service's in its own stack.
const alarms = [...Object.values(s.appStack.findResources('AWS::CloudWatch::Alarm')), ...Object.values(s.web.findResources('AWS::CloudWatch::Alarm'))];

function alarm(name: string): Record<string, any> {
  const found = alarms.find((a) => a.Properties.AlarmName === name);
  if (!found) throw new Error(`no alarm named ${name}`);
  return found.Properties;
}

const pageTopic = Object.keys(s.appStack.findResources('AWS::SNS::Topic')).find((id) => id.startsWith('AlarmTopicsPage'))!;
const notifyTopic = Object.keys(s.appStack.findResources('AWS::SNS::Topic')).find((id) => id.startsWith('AlarmTopicsNotify'))!;
const route = { page: 'page', notify: 'notify' };

/** Which topic an alarm notifies: a Ref in the app stack, a cross-stack output elsewhere. */
function topicOf(a: Record<string, any>): string {
  const target = JSON.stringify(a.AlarmActions[0]);
  if (target.includes('AlarmTopicsPage')) return 'page';
  if (target.includes('AlarmTopicsNotify')) return 'notify';
  throw new Error(`alarm action ${target} is neither topic`);
}

describe('SlaAlarms, generated from the SLA table', () => {
  test('THEN p95 latency alarms above the table\'s threshold for its window, on the page route', () => {
    const a = alarm('blueprint-dev-web-latency-p95');
    expect(a).toMatchObject({
      MetricName: 'TargetResponseTime',
      ExtendedStatistic: 'p95',
      Period: SLA_ROWS.latencyP95.periodSeconds,
      EvaluationPeriods: SLA_ROWS.latencyP95.evaluationPeriods,
      DatapointsToAlarm: SLA_ROWS.latencyP95.evaluationPeriods,
      Threshold: SLA_ROWS.latencyP95.alertAboveMs / 1000,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(topicOf(a)).toBe(route[SLA_ROWS.latencyP95.route]);
  });

  test('THEN error rate is 5xx over requests as metric math that is 0 when idle', () => {
    for (const name of ['blueprint-dev-web-error-rate', 'blueprint-dev-error-rate']) {
      const a = alarm(name);
      expect(a.Threshold).toBe(SLA_ROWS.errorRate.alertAbovePercent);
      expect(a.EvaluationPeriods).toBe(SLA_ROWS.errorRate.evaluationPeriods);
      expect(topicOf(a)).toBe(route[SLA_ROWS.errorRate.route]);
      const expr = a.Metrics.find((m: { Expression?: string }) => m.Expression);
      expect(expr.Expression).toMatch(/^IF\(FILL\(requests, 0\) > 0, 100 \* \(.+\) \/ FILL\(requests, 0\), 0\)$/);
      const inputs = Object.fromEntries(
        a.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map((m: any) => [m.Id, [m.MetricStat.Metric.MetricName, m.MetricStat.Stat, m.MetricStat.Period]]),
      );
      expect(inputs.requests).toEqual(['RequestCount', 'Sum', SLA_ROWS.errorRate.periodSeconds]);
      expect(inputs.target5xx).toEqual(['HTTPCode_Target_5XX_Count', 'Sum', SLA_ROWS.errorRate.periodSeconds]);
    }
    const whole = alarm('blueprint-dev-error-rate').Metrics;
    expect(whole.find((m: any) => m.Id === 'elb5xx').MetricStat.Metric.MetricName).toBe('HTTPCode_ELB_5XX_Count');
  });

  test('THEN "service down" pages after one minute with no healthy target or no running task', () => {
    for (const [name, metric] of [
      ['blueprint-dev-web-no-healthy-targets', 'HealthyHostCount'],
      ['blueprint-dev-web-no-running-tasks', 'RunningTaskCount'],
    ]) {
      const a = alarm(name!);
      expect(a).toMatchObject({
        MetricName: metric,
        Statistic: 'Minimum',
        Period: SLA_ROWS.serviceDown.periodSeconds,
        EvaluationPeriods: SLA_ROWS.serviceDown.evaluationPeriods,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
      expect(topicOf(a)).toBe(route[SLA_ROWS.serviceDown.route]);
    }
  });

  test('THEN DB connections alarm at 90% of the instance class\'s max_connections, on the notify route', () => {
    const a = alarm('blueprint-dev-db-connections');
    expect(a.Threshold).toBe(SLA_ROWS.dbConnections.alertAbovePercent);
    expect(a.EvaluationPeriods).toBe(SLA_ROWS.dbConnections.evaluationPeriods);
    expect(a.Metrics.find((m: any) => m.Expression).Expression).toBe('100 * connections / 450');
    const input = a.Metrics.find((m: any) => m.Id === 'connections').MetricStat;
    expect(input).toMatchObject({ Metric: { MetricName: 'DatabaseConnections', Namespace: 'AWS/RDS' }, Stat: 'Maximum', Period: 60 });
    expect(topicOf(a)).toBe(route.notify);
  });

  test('THEN every alarm acts on both transitions and its description names a runbook entry', () => {
    expect(alarms).toHaveLength(6);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toHaveLength(1);
      expect(a.Properties.OKActions).toEqual(a.Properties.AlarmActions);
      expect(a.Properties.AlarmDescription).toMatch(/ Runbook: docs\/runbooks\.md#[a-z0-9-]+$/);
    }
  });

  test('GIVEN a changed SLA number THEN the alarm follows it', () => {
    const changed = synthesize({ settings: { sla: { latencyP95: { alertAboveMs: 800, evaluationPeriods: 3 } } } });
    changed.web.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'blueprint-dev-web-latency-p95',
      Threshold: 0.8,
      EvaluationPeriods: 3,
    });
  });
});

describe('AlarmTopics', () => {
  test('THEN page and notify topics are KMS-encrypted, TLS-only, with the configured subscribers', () => {
    s.appStack.resourceCountIs('AWS::SNS::Topic', 2);
    s.appStack.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    s.appStack.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    s.appStack.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: pageTopic } });
    s.appStack.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'team@example.com', TopicArn: { Ref: notifyTopic } });
  });
});

describe('GoldenSignalsDashboard', () => {
  test('THEN one dashboard named after the deployment shows latency percentiles and every alarm\'s status', () => {
    const body = JSON.stringify(Object.values(s.appStack.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    expect(body).toMatch(/p50.*p95.*p99/);
    for (const name of alarms.map((a) => a.Properties.AlarmName)) {
      expect(body).toContain(`:alarm:${name}`);
    }
  });
});
