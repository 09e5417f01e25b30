import { Match, Template } from 'aws-cdk-lib/assertions';
import { DEPLOYABILITY, formatFinding, runGate } from '../review/gate';
import { deploymentFromAssembly } from '../review/gate/assembly';
import { RuleQueueAdmitsEventBridge } from '../review/gate/rules/events/rule-queue-admits-eventbridge';
import { DeadLetterKeyAllowsScheduler } from '../review/gate/rules/schedules/dead-letter-key-allows-scheduler';
import { SchedulerPassesTaskRoles } from '../review/gate/rules/schedules/scheduler-passes-task-roles';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig, standbyConfig } from '../config';
import { synthesize } from './support/blueprint';

// GIVEN phase 3 (a standby region) with a worker of every kind and a scheduled task, synthesized once
const built = synthesize({
  phase: 'phase3',
  stage: 'prod',
  settings: {
    workers: [
      { name: 'worker' },
      {
        name: 'celery',
        queue: null,
        standbyTasks: 1,
        scaling: {
          signal: 'metric',
          minTasks: 2,
          maxTasks: 30,
          namespace: 'Shop/Jobs',
          metricName: 'QueueLatency',
          dimensions: { Queue: 'default' },
          statistic: 'Maximum',
          targetValue: 30,
          scaleOutCooldownSeconds: 60,
          scaleInCooldownSeconds: 300,
        },
      },
      { name: 'crunch', queue: null, scaling: { signal: 'cpu', minTasks: 1, maxTasks: 8, cpuTargetPercent: 60, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 } },
      {
        name: 'office',
        queue: null,
        scaling: {
          signal: 'schedule',
          minTasks: 0,
          maxTasks: 4,
          timezone: 'Europe/Berlin',
          actions: [
            { name: 'morning', schedule: 'cron(0 8 ? * MON-FRI *)', minTasks: 2, maxTasks: 4 },
            { name: 'night', schedule: 'cron(0 20 ? * MON-FRI *)', minTasks: 0, maxTasks: 0 },
          ],
        },
      },
      { name: 'sockets', queue: null, scaling: { signal: 'fixed', tasks: 2 } },
      { name: 'beat', queue: null, scaling: { signal: 'singleton' } },
    ],
    schedules: [
      {
        name: 'nightly-cleanup',
        schedule: 'cron(0 3 * * ? *)',
        timezone: 'Europe/Berlin',
        command: ['python', 'manage.py', 'cleanup'],
        cpu: 512,
        memoryMiB: 1024,
        retries: 3,
        // One secret replicated under its name, one with a copy of its own in the standby region.
        secrets: {
          API_TOKEN: { secretsManager: 'shop/api-token' },
          REPORT_KEY: {
            secretsManager: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:shop/report-AbCdEf',
            field: 'key',
            standby: { secretsManager: 'arn:aws:secretsmanager:us-west-2:111111111111:secret:shop/report-west-GhIjKl' },
          },
        },
      },
    ],
  },
});
const worker = (name: string): Template => built.stack(`worker-${name}`);
const standbyWorker = (name: string): Template => built.stack(`standby-worker-${name}`);
const container = (t: Template) => Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0];
const envNames = (t: Template): string[] => container(t).Environment.map((e: { Name: string }) => e.Name);
const alarmNames = (t: Template): string[] => Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName);

describe('Workers', () => {
  test('GIVEN the default worker THEN it keeps its queue under the same logical ids, QUEUE_URL, consume rights and queue alarms', () => {
    const queues = built.data.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues).filter((id) => id.startsWith('Queueworker')).sort()).toEqual(['QueueworkerDeadLettersB0CA9DE4', 'QueueworkerQueue733734EA'] /* the ids docs/phases/phase2.md lists before workers could go without a queue */);
    expect(envNames(worker('worker'))).toContain('QUEUE_URL');
    expect(JSON.stringify(worker('worker').findResources('AWS::IAM::Policy'))).toContain('sqs:ReceiveMessage');
    expect(alarmNames(worker('worker'))).toEqual(expect.arrayContaining(['blueprint-prod-worker-queue-age', 'blueprint-prod-worker-dead-letters']));
  });

  test('GIVEN queue null THEN no queue, no QUEUE_URL, no consume rights and no queue alarms', () => {
    const queueIds = Object.keys(built.data.findResources('AWS::SQS::Queue'));
    for (const name of ['celery', 'crunch', 'office', 'sockets', 'beat']) {
      expect(queueIds.filter((id) => id.startsWith(`Queue${name}`))).toEqual([]);
      expect(envNames(worker(name))).not.toContain('QUEUE_URL');
      expect(JSON.stringify(worker(name).findResources('AWS::IAM::Policy'))).not.toMatch(/sqs:(ReceiveMessage|DeleteMessage)/);
      expect(alarmNames(worker(name)).filter((n) => /queue-age|dead-letters/.test(n))).toEqual([]);
      // Still watched for saturation.
      expect(alarmNames(worker(name))).toEqual(expect.arrayContaining([`blueprint-prod-${name}-cpu`, `blueprint-prod-${name}-memory`]));
    }
  });

  test('GIVEN signal metric THEN target tracking on the application\'s metric with its dimensions and statistic', () => {
    worker('celery').hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 30 });
    worker('celery').hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 30,
        ScaleOutCooldown: 60,
        ScaleInCooldown: 300,
        CustomizedMetricSpecification: { Namespace: 'Shop/Jobs', MetricName: 'QueueLatency', Dimensions: [{ Name: 'Queue', Value: 'default' }], Statistic: 'Maximum' },
      },
    });
  });

  test('GIVEN signal cpu THEN target tracking on the service\'s average CPU', () => {
    worker('crunch').hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } },
    });
  });

  test('GIVEN signal schedule THEN one scheduled action per entry, in its time zone, and no target tracking', () => {
    worker('office').resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
    worker('office').hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 0,
      MaxCapacity: 4,
      ScheduledActions: [
        { ScheduledActionName: 'morning', Schedule: 'cron(0 8 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 4 } },
        { ScheduledActionName: 'night', Schedule: 'cron(0 20 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 } },
      ],
    });
  });

  test('GIVEN signal fixed THEN that many tasks and no autoscaling', () => {
    worker('sockets').hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
    worker('sockets').resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });

  test('GIVEN a singleton THEN one task, stopped before its successor starts, circuit breaker on', () => {
    worker('beat').resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    worker('beat').hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 1,
      DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100, DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
    });
  });

  test('GIVEN a standby THEN workers are off there by default, a worker\'s standbyTasks wins, and services keep standby.minTasks', () => {
    for (const name of ['worker', 'crunch', 'sockets', 'beat']) {
      standbyWorker(name).hasResourceProperties('AWS::ECS::Service', { DesiredCount: 0 });
      standbyWorker(name).resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    }
    // A scheduled worker waits with no actions: none may start jobs against the replica.
    standbyWorker('office').resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    standbyWorker('celery').hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 30 });
    built.stack('standby-service-web').hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: built.config.standby!.minTasks });
  });
});

describe('Scheduled tasks', () => {
  const job = built.stack('schedule-nightly-cleanup');
  const standbyJob = built.stack('standby-schedule-nightly-cleanup');
  const schedule = () => Object.values(job.findResources('AWS::Scheduler::Schedule'))[0]!.Properties;

  test('THEN EventBridge Scheduler starts one Fargate task of the job\'s definition in the private subnets with the tasks\' group, in its time zone', () => {
    const s = schedule();
    expect(s.ScheduleExpression).toBe('cron(0 3 * * ? *)');
    expect(s.ScheduleExpressionTimezone).toBe('Europe/Berlin');
    expect(s.State).toBe('ENABLED');
    expect(s.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    const ecs = s.Target.EcsParameters;
    expect(ecs).toMatchObject({ TaskCount: 1, LaunchType: 'FARGATE', PlatformVersion: 'LATEST' });
    expect(ecs.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
    expect(JSON.stringify(ecs.NetworkConfiguration.AwsvpcConfiguration.Subnets)).toMatch(/privateSubnet1/);
    expect(JSON.stringify(ecs.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups)).toMatch(/TasksGroup/);
    expect(JSON.stringify(ecs.TaskDefinitionArn)).toMatch(/JobTaskDefinition/);
    expect(container(job).Command).toEqual(['python', 'manage.py', 'cleanup']);
    // The same conventions as services: the kit's connection settings and the first service's image.
    expect(envNames(job)).toEqual(expect.arrayContaining(['DB_HOST', 'REDIS_HOST']));
    expect(container(job).Image).toBe(built.config.services[0]!.image);
  });

  test('THEN retries and an encrypted dead-letter queue the scheduler role may send to', () => {
    const s = schedule();
    expect(s.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
    expect(JSON.stringify(s.Target.DeadLetterConfig.Arn)).toMatch(/JobDeadLetters/);
    const dlq = Object.values(job.findResources('AWS::SQS::Queue'))[0]!;
    expect(dlq.DeletionPolicy).toBe('Retain');
    expect(dlq.Properties.KmsMasterKeyId).toBeDefined();
    const policy = JSON.stringify(job.findResources('AWS::IAM::Policy'));
    expect(policy).toContain('sqs:SendMessage');
    expect(policy).toContain('kms:GenerateDataKey');
  });

  test('THEN the scheduler role runs only the job\'s family on the cluster and passes exactly its task and execution roles to ECS tasks', () => {
    job.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } })] },
    });
    const statements = Object.values(job.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('SchedulerRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const run = statements.find((s) => s.Action === 'ecs:RunTask')!;
    expect(JSON.stringify(run.Resource)).toMatch(/task-definition\/.*:\*/);
    expect(Object.keys(run.Condition.ArnEquals)).toEqual(['ecs:cluster']);
    const pass = statements.find((s) => s.Action === 'iam:PassRole')!;
    expect(pass.Resource).toHaveLength(2);
    expect(JSON.stringify(pass.Resource)).toMatch(/JobTaskDefinitionTaskRole/);
    expect(JSON.stringify(pass.Resource)).toMatch(/JobTaskDefinitionExecutionRole/);
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });

  test('THEN an alarm on a failed start, on dropped starts and on a run that failed, routed to notify', () => {
    expect(alarmNames(job).sort()).toEqual(['blueprint-prod-nightly-cleanup-job-failed', 'blueprint-prod-nightly-cleanup-run-failed', 'blueprint-prod-nightly-cleanup-runs-dropped']);
    const failedRuns = Object.keys(job.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('JobFailedRuns'))!;
    job.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'blueprint-prod-nightly-cleanup-job-failed',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failedRuns, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('Notify') })],
    });
    job.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'blueprint-prod-nightly-cleanup-runs-dropped',
      Namespace: 'AWS/Scheduler',
      MetricName: 'InvocationDroppedCount',
      Dimensions: [{ Name: 'ScheduleGroup', Value: 'blueprint-prod-nightly-cleanup' }],
      AlarmActions: [Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('Notify') })],
    });
  });

  test('THEN a secret by name resolves in each region, and one with a standby reference reads that copy in the standby', () => {
    const valueFrom = (t: Template, name: string) => JSON.stringify(container(t).Secrets.find((x: { Name: string }) => x.Name === name).ValueFrom);
    expect(valueFrom(job, 'REPORT_KEY')).toBe(JSON.stringify('arn:aws:secretsmanager:us-east-1:111111111111:secret:shop/report-AbCdEf:key::'));
    expect(valueFrom(standbyJob, 'REPORT_KEY')).toBe(JSON.stringify('arn:aws:secretsmanager:us-west-2:111111111111:secret:shop/report-west-GhIjKl:key::'));
    // By name: the ARN is built in each stack's own region, where the replica keeps the name.
    expect(valueFrom(job, 'API_TOKEN')).toMatch(/secretsmanager:us-east-1:111111111111:secret:shop\/api-token/);
    expect(valueFrom(standbyJob, 'API_TOKEN')).toMatch(/secretsmanager:us-west-2:111111111111:secret:shop\/api-token/);
  });

  test('GIVEN the standby region THEN the schedule exists but is disabled until a failover promotes it; its failed-run rule and alarm wait there for it', () => {
    expect(Object.values(standbyJob.findResources('AWS::Scheduler::Schedule'))[0]!.Properties.State).toBe('DISABLED');
    expect(Object.values(standbyJob.findResources('AWS::Events::Rule'))).toHaveLength(1);
    expect(alarmNames(standbyJob)).toContain('blueprint-prod-nightly-cleanup-job-failed');
  });
});

describe('the deployability gate', () => {
  test('GIVEN every kind of worker and a scheduled task, in both regions THEN no rule fires (scheduler roles, dead-letter keys, singletons included)', () => {
    const deployment = deploymentFromAssembly(built.app.synth().directory);
    expect(Object.keys(deployment)).toEqual(expect.arrayContaining(['blueprint-prod-schedule-nightly-cleanup', 'blueprint-prod-worker-beat']));
    expect(runGate(DEPLOYABILITY, { deployment }).map(formatFinding)).toEqual([]);
  });

  test('GIVEN the scheduler role without its key and queue rights, or its PassRole on one role THEN the rules fire on the kit\'s own templates', () => {
    const deployment = deploymentFromAssembly(built.app.synth().directory);
    const stack = 'blueprint-prod-schedule-nightly-cleanup';
    const broken = structuredClone(deployment) as any;
    const policy = Object.entries(broken[stack].template.Resources).find(([id]) => /JobSchedulerRoleDefaultPolicy/.test(id))![1] as any;
    const keep = policy.Properties.PolicyDocument.Statement;
    policy.Properties.PolicyDocument.Statement = keep.filter((st: any) => !/^(sqs|kms):/.test([st.Action].flat()[0]));
    expect(runGate([DeadLetterKeyAllowsScheduler], { deployment: broken }).map((f) => f.message)).toEqual([expect.stringMatching(/may not send to its dead-letter queue/), expect.stringMatching(/may not use the dead-letter queue's key/)]);
    policy.Properties.PolicyDocument.Statement = keep.map((st: any) => (st.Action === 'iam:PassRole' ? { ...st, Resource: [st.Resource[0]] } : st));
    expect(runGate([SchedulerPassesTaskRoles], { deployment: broken }).map((f) => f.message)).toEqual([expect.stringMatching(/may not pass/)]);
  });
});

test('GIVEN the failed-runs queue without its EventBridge statement THEN the gate fires on the kit\'s own rule', () => {
  const deployment = deploymentFromAssembly(built.app.synth().directory) as any;
  const stack = 'blueprint-prod-schedule-nightly-cleanup';
  expect(runGate([RuleQueueAdmitsEventBridge], { deployment })).toEqual([]);
  const broken = structuredClone(deployment);
  const policy = Object.entries(broken[stack].template.Resources).find(([id]) => /JobFailedRunsPolicy/.test(id))![1] as any;
  policy.Properties.PolicyDocument.Statement = policy.Properties.PolicyDocument.Statement.filter((st: any) => st.Principal?.Service !== 'events.amazonaws.com');
  expect(runGate([RuleQueueAdmitsEventBridge], { deployment: broken }).map((f) => f.message)).toEqual([expect.stringMatching(/does not let events.amazonaws.com send/)]);
});

describe('a promoted standby', () => {
  test('GIVEN standby.role promoted THEN the standby runs the primary\'s workers and services as they are', () => {
    const settings = { workers: [{ name: 'worker' }, { name: 'beat', queue: null, scaling: { signal: 'singleton' } }], standby: { role: 'promoted' } };
    const c = resolveConfig({ phase: 'phase3', settings });
    expect(standbyConfig(c).workers).toEqual(c.workers);
    expect(standbyConfig(c).services).toEqual(c.services);
    const waiting = resolveConfig({ phase: 'phase3', settings: { ...settings, standby: { role: 'standby' } } });
    expect(standbyConfig(waiting).workers.map((w) => w.scaling)).toEqual([{ signal: 'fixed', tasks: 0 }, { signal: 'fixed', tasks: 0 }]);
  });

  test('GIVEN standby.role promoted THEN the standby\'s schedules start', () => {
    const promoted = synthesize({ phase: 'phase3', settings: { schedules: [{ name: 'report', command: ['report'] }], standby: { role: 'promoted' } } });
    expect(Object.values(promoted.stack('standby-schedule-report').findResources('AWS::Scheduler::Schedule'))[0]!.Properties.State).toBe('ENABLED');
  });
});

test('every worker and schedule alarm points to a runbook entry that exists', () => {
  const runbooks = readFileSync(join(__dirname, '..', 'docs', 'runbooks.md'), 'utf8');
  const stacks = [...built.config.workers.map((w) => worker(w.name)), built.stack('schedule-nightly-cleanup'), built.stack('standby-schedule-nightly-cleanup')];
  const anchors = new Set<string>();
  for (const a of stacks.flatMap((t) => Object.values(t.findResources('AWS::CloudWatch::Alarm')))) {
    const anchor = /Runbook: docs\/runbooks\.md#([a-z0-9-]+)$/.exec(a.Properties.AlarmDescription)?.[1];
    expect(anchor).toBeDefined();
    expect(runbooks).toContain(`<a id="${anchor}"></a>`);
    anchors.add(anchor!);
  }
  expect([...anchors].sort()).toEqual(['dead-letters', 'ecs-saturation', 'queue-age', 'schedule-job-failed', 'schedule-run-failed']);
});

describe('a worker\'s scaling in a settings file', () => {
  test('GIVEN fields without a signal THEN the current signal is kept and only those fields change', () => {
    const c = resolveConfig({ phase: 'phase2', settings: { workers: [{ name: 'worker', scaling: { maxTasks: 40 } }] } });
    expect(c.workers[0]!.scaling).toEqual({ signal: 'backlog', minTasks: 3, maxTasks: 40, backlogPerTask: 100, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 });
  });

  test('GIVEN another signal THEN the task range carries over and the new signal\'s fields come from the file', () => {
    const c = resolveConfig({ phase: 'phase2', settings: { workers: [{ name: 'worker', scaling: { signal: 'cpu', cpuTargetPercent: 50 } }] } });
    expect(c.workers[0]!.scaling).toEqual({ signal: 'cpu', minTasks: 3, maxTasks: 20, cpuTargetPercent: 50, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 });
  });

  test('GIVEN a phase overlay that widens a singleton\'s neighbour THEN the singleton stays one task', () => {
    const c = resolveConfig({
      phase: 'phase3',
      settings: { workers: [{ name: 'worker' }, { name: 'beat', queue: null, scaling: { signal: 'singleton' } }], phases: { phase3: { workers: [{ name: 'worker', scaling: { maxTasks: 80 } }, { name: 'beat' }] } } },
    });
    expect(c.workers.map((w) => w.scaling.signal)).toEqual(['backlog', 'singleton']);
  });
});
