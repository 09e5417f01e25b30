import { Duration, TimeZone } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ContainerHealthCheck, Worker, WorkerQueue, WorkerScaling } from '../../../constructs';
import { computeStack, taskBasics } from '../../support/compute';

/** GIVEN a bare stack with a VPC, a cluster and a key; WHEN a worker is added with `scaling` and maybe a queue. */
function given(scaling: WorkerScaling, withQueue: boolean, healthCheck?: ContainerHealthCheck) {
  const { stack, cluster, key } = computeStack();
  const queue: WorkerQueue | undefined = withQueue ? { queue: new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key }), key } : undefined;
  const worker = new Worker(stack, 'Worker', {
    ...taskBasics(key, 'public.ecr.aws/aws-cli/aws-cli:latest', '1000'),
    cluster,
    queue,
    scaling,
    healthCheck,
  });
  return { worker, template: Template.fromStack(stack) };
}

const cooldowns = { scaleOutCooldown: Duration.minutes(1), scaleInCooldown: Duration.minutes(5) };
const env = (t: Template): string[] =>
  (Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0].Environment ?? []).map((e: { Name: string }) => e.Name);

const healthCheck = (t: Template): unknown => Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0].HealthCheck;

describe('Worker', () => {
  test('GIVEN no health check THEN the container has none', () => {
    const { template } = given({ signal: 'fixed', tasks: 1 }, false);
    expect(healthCheck(template)).toBeUndefined();
  });

  test('GIVEN a health command THEN it runs in exec form with its interval, timeout, retries and start period', () => {
    const { template } = given({ signal: 'fixed', tasks: 1 }, false, {
      command: ['celery', 'inspect', 'ping'],
      interval: Duration.seconds(60),
      timeout: Duration.seconds(20),
      retries: 2,
      startPeriod: Duration.seconds(90),
    });
    expect(healthCheck(template)).toEqual({ Command: ['CMD', 'celery', 'inspect', 'ping'], Interval: 60, Timeout: 20, Retries: 2, StartPeriod: 90 });
  });

  test('GIVEN a queue and backlog scaling THEN QUEUE_URL, consume rights and target tracking on visible messages per running task', () => {
    const { template } = given({ signal: 'backlog', minTasks: 1, maxTasks: 5, backlogPerTask: 50, ...cooldowns }, true);
    expect(env(template)).toContain('QUEUE_URL');
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain('sqs:ReceiveMessage');
    const policy = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))[0]!;
    const metrics = policy.Properties.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics;
    expect(metrics.map((m: { Id: string }) => m.Id)).toEqual(['visible', 'tasks', 'backlog']);
  });

  test('GIVEN no queue THEN no QUEUE_URL and no SQS rights', () => {
    const { template } = given({ signal: 'cpu', minTasks: 1, maxTasks: 5, cpuTargetPercent: 60, ...cooldowns }, false);
    expect(env(template)).not.toContain('QUEUE_URL');
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('sqs:');
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 60, ScaleOutCooldown: 60, ScaleInCooldown: 300 },
    });
  });

  test('GIVEN backlog scaling without a queue THEN it throws naming both props', () => {
    expect(() => given({ signal: 'backlog', minTasks: 1, maxTasks: 5, backlogPerTask: 50, ...cooldowns }, false)).toThrow(/scaling.signal "backlog" needs a queue/);
  });

  test('GIVEN a minimum above the maximum THEN it throws', () => {
    expect(() => given({ signal: 'cpu', minTasks: 6, maxTasks: 5, cpuTargetPercent: 60, ...cooldowns }, false)).toThrow(/minTasks \(6\) is above scaling.maxTasks \(5\)/);
  });

  test('GIVEN a metric THEN target tracking on exactly that metric', () => {
    const metric = new cloudwatch.Metric({ namespace: 'App/Jobs', metricName: 'Latency', dimensionsMap: { Queue: 'mail' }, statistic: 'Average' });
    const { template } = given({ signal: 'metric', minTasks: 1, maxTasks: 5, metric, targetValue: 20, ...cooldowns }, false);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 20,
        CustomizedMetricSpecification: { Namespace: 'App/Jobs', MetricName: 'Latency', Dimensions: [{ Name: 'Queue', Value: 'mail' }], Statistic: 'Average' },
      },
    });
  });

  test('GIVEN a schedule THEN scheduled actions in the time zone and no scaling policy', () => {
    const { template } = given(
      { signal: 'schedule', minTasks: 0, maxTasks: 3, timeZone: TimeZone.EUROPE_BERLIN, actions: [{ name: 'day', schedule: appscaling.Schedule.expression('cron(0 8 ? * * *)'), minTasks: 2, maxTasks: 3 }] },
      false,
    );
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [{ ScheduledActionName: 'day', Schedule: 'cron(0 8 ? * * *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 3 } }],
    });
  });

  test('GIVEN a fixed count of 0 THEN no tasks and no scaling', () => {
    const { template, worker } = given({ signal: 'fixed', tasks: 0 }, false);
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 0 });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    expect(worker.scaling).toBeUndefined();
  });

  test('GIVEN a singleton THEN one task, tagged, replaced stop-first with the circuit breaker on', () => {
    const { template } = given({ signal: 'singleton' }, false);
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 1,
      DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100, DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
      Tags: [{ Key: 'blueprint:singleton', Value: 'true' }],
    });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });

  test('GIVEN any other signal THEN ECS\'s usual 100/200 deployment', () => {
    const { template } = given({ signal: 'fixed', tasks: 2 }, false);
    template.hasResourceProperties('AWS::ECS::Service', { DeploymentConfiguration: { MinimumHealthyPercent: 100, MaximumPercent: 200 } });
  });
});
