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
    expect(a.Metrics.find((m: any) => m.Expression).Expression).toBe('100 * connections / 394');
    const input = a.Metrics.find((m: any) => m.Id === 'connections').MetricStat;
    expect(input).toMatchObject({ Metric: { MetricName: 'DatabaseConnections', Namespace: 'AWS/RDS' }, Stat: 'Maximum', Period: 60 });
    expect(topicOf(a)).toBe(route.notify);
  });

  test('THEN the alarm set is the SLA table\'s rows, the saturation rows and the burn-rate windows, by name', () => {
    const names = alarms.map((a) => a.Properties.AlarmName).sort();
    const cacheNode = (node: number): string[] =>
      ['cpu', 'memory', 'evictions', ...(node > 1 ? ['replication-lag'] : [])].map((m) => `blueprint-dev-cache-1-${node}-${m}`);
    expect(names).toEqual(
      [
        ...['error-rate', 'db-connections', 'db-cpu', 'db-free-storage', 'db-freeable-memory'].map((n) => `blueprint-dev-${n}`),
        ...cacheNode(1),
        ...cacheNode(2),
        ...['latency-p95', 'error-rate', 'no-healthy-targets', 'no-running-tasks', 'cpu', 'memory'].map((n) => `blueprint-dev-web-${n}`),
        ...['14.4x-60m', '14.4x-5m', '6x-360m', '6x-30m', '1x-4320m', '1x-360m'].map((n) => `blueprint-dev-burn-${n}`),
      ].sort(),
    );
  });

  test('THEN every alarm but the burn-rate windows acts on both transitions; every one names a runbook entry', () => {
    for (const a of alarms) {
      expect(a.Properties.AlarmDescription).toMatch(/ Runbook: docs\/runbooks\.md#[a-z0-9-]+$/);
      if (/-burn-/.test(a.Properties.AlarmName)) {
        expect(a.Properties.AlarmActions).toBeUndefined();
      } else {
        expect(a.Properties.AlarmActions).toHaveLength(1);
        expect(a.Properties.OKActions).toEqual(a.Properties.AlarmActions);
      }
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

describe('BurnRateAlarms', () => {
  const budget = 1 - 0.999;

  test('THEN each window alarms on the error ratio above burn rate x the 0.1% budget of phase 1', () => {
    for (const [rate, minutes, period, periods] of [
      [14.4, 60, 3600, 1],
      [14.4, 5, 300, 1],
      [6, 360, 21600, 1],
      [6, 30, 1800, 1],
      [1, 4320, 86400, 3],
      [1, 360, 21600, 1],
    ] as const) {
      const a = alarm(`blueprint-dev-burn-${rate}x-${minutes}m`);
      expect(a.Threshold).toBeCloseTo(rate * budget, 10);
      expect(a.EvaluationPeriods).toBe(periods);
      expect(a.DatapointsToAlarm).toBe(periods);
      const expr = a.Metrics.find((m: any) => m.Expression);
      expect(expr.Expression).toBe('IF(FILL(requests, 0) > 0, (FILL(elb5xx, 0) + FILL(target5xx, 0)) / FILL(requests, 0), 0)');
      for (const m of a.Metrics.filter((x: any) => x.MetricStat)) expect(m.MetricStat.Period).toBe(period);
    }
  });

  test('THEN the page composite ORs the fast and slow rules, each an AND of its two windows; the notify composite takes the budget rule', () => {
    const composites = Object.values(s.appStack.findResources('AWS::CloudWatch::CompositeAlarm'));
    const windows = s.appStack.findResources('AWS::CloudWatch::Alarm');
    const id = (name: string): string => Object.entries(windows).find(([, a]) => a.Properties.AlarmName === name)![0];
    // The rule is a Fn::Join of text and each window alarm's ARN; read it back as text with ids.
    const rule = (name: string): string =>
      composites
        .find((c) => c.Properties.AlarmName === name)!
        .Properties.AlarmRule['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : (part as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]))
        .join('');
    const w = (rate: string, minutes: number): string => id(`blueprint-dev-burn-${rate}x-${minutes}m`);
    expect(rule('blueprint-dev-availability-burn-page')).toBe(
      `((ALARM("${w('14.4', 60)}") AND ALARM("${w('14.4', 5)}")) OR (ALARM("${w('6', 360)}") AND ALARM("${w('6', 30)}")))`,
    );
    expect(rule('blueprint-dev-availability-burn-notify')).toBe(`((ALARM("${w('1', 4320)}") AND ALARM("${w('1', 360)}")))`);
    const target = (name: string): string => JSON.stringify(composites.find((c) => c.Properties.AlarmName === name)!.Properties.AlarmActions);
    expect(target('blueprint-dev-availability-burn-page')).toContain(pageTopic);
    expect(target('blueprint-dev-availability-burn-notify')).toContain(notifyTopic);
  });
});

describe('saturation alarms', () => {
  test('THEN database thresholds follow the storage ceiling and the class\'s memory', () => {
    expect(alarm('blueprint-dev-db-free-storage')).toMatchObject({ MetricName: 'FreeStorageSpace', Threshold: 0.1 * 200 * 1024 ** 3, ComparisonOperator: 'LessThanThreshold' });
    expect(alarm('blueprint-dev-db-freeable-memory')).toMatchObject({ MetricName: 'FreeableMemory', Threshold: 0.1 * 4 * 1024 ** 3 });
    expect(alarm('blueprint-dev-db-cpu')).toMatchObject({ MetricName: 'CPUUtilization', Threshold: 80, EvaluationPeriods: 10 });
  });

  test('THEN cache alarms watch every node by its cluster-mode id', () => {
    expect(alarm('blueprint-dev-cache-1-1-cpu')).toMatchObject({ MetricName: 'EngineCPUUtilization', Dimensions: [{ Name: 'CacheClusterId', Value: 'blueprint-dev-cache-0001-001' }] });
    expect(alarm('blueprint-dev-cache-1-2-replication-lag')).toMatchObject({ MetricName: 'ReplicationLag', Dimensions: [{ Name: 'CacheClusterId', Value: 'blueprint-dev-cache-0001-002' }] });
  });

  test('THEN a worker alarms on its queue\'s oldest message and on any dead letter', () => {
    const p2 = synthesize({ phase: 'phase2' });
    const worker = p2.stack('worker-worker');
    worker.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'blueprint-dev-worker-queue-age', MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900 });
    worker.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'blueprint-dev-worker-dead-letters',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    p2.appStack.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'blueprint-dev-db-replica-2-lag', MetricName: 'ReplicaLag', Threshold: 60 });
  });
});

describe('AlarmTopics', () => {
  test('THEN page and notify topics are KMS-encrypted, TLS-only, open to the deployment\'s alarms, with the configured subscribers', () => {
    s.appStack.resourceCountIs('AWS::SNS::Topic', 2);
    s.appStack.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    s.appStack.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': s.config.env.account }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${s.config.env.region}:${s.config.env.account}:alarm:blueprint-dev-*` } },
          }),
        ]),
      },
    });
    s.appStack.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: pageTopic } });
    s.appStack.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'team@example.com', TopicArn: { Ref: notifyTopic } });
  });

  test('GIVEN a pager webhook and a Slack channel THEN the page topic posts to the webhook and Chatbot takes both topics', () => {
    const routed = synthesize({
      settings: { alarms: { pageHttpsEndpoints: ['https://events.pager.example.com/hook'], slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } } },
    });
    routed.appStack.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://events.pager.example.com/hook' });
    // One channel configuration per deployment, in its own stack, reading the app stack's topics.
    routed.appStack.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    // Same region: a strong import of the app stack's export (ADR 0018).
    const output = (route: string) => ({ 'Fn::ImportValue': Match.stringLikeRegexp(`^blueprint-dev-app:ExportsOutputRefAlarmTopics${route}`) });
    routed.stack('notifications').hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [output('Page'), output('Notify')],
    });
  });
});

describe('GoldenSignalsDashboard', () => {
  test('THEN one dashboard named after the deployment shows latency percentiles and every alarm\'s status', () => {
    const body = JSON.stringify(Object.values(s.appStack.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    expect(body).toMatch(/p50.*p95.*p99/);
    for (const name of alarms.map((a) => a.Properties.AlarmName).filter((n) => !n.includes('-burn-'))) {
      expect(body).toContain(`:alarm:${name}`);
    }
    // The burn-rate composites, which are the burn-rate alarms that notify.
    expect(body).toContain('{"Ref":"BurnRatePage');
    expect(body).toContain('{"Ref":"BurnRateNotify');
  });
});

describe('GoldenSignalsDashboard saturation rows', () => {
  test('THEN cache nodes and worker queues are graphed, with their alarm thresholds', () => {
    const p2 = synthesize({ phase: 'phase2' });
    const body = JSON.stringify(Object.values(p2.appStack.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    for (const node of ['blueprint-dev-cache-0001-001', 'blueprint-dev-cache-0003-002']) expect(body).toContain(node);
    expect(body).toContain('ApproximateAgeOfOldestMessage');
    expect(body).toContain('queue-age alarm');
    expect(body).toContain('engine CPU alarm');
    expect(body).toContain('CPU alarm');
  });
});
