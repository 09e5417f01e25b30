import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduledTask } from '../../../constructs';
import { CDK_CONTEXT } from '../../support/blueprint';

/** GIVEN a bare stack with a VPC, a cluster, a tasks' security group and a key; WHEN a scheduled task is added. */
function given(enabled?: boolean) {
  const { job, stack } = build(new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false }), enabled, false);
  return { job, template: Template.fromStack(stack), stack };
}

/**
 * The stacks of `given`, in `app`; with keyStack the key lives in a stack of its own, as the data stack
 * holds it, and reaches the task's stack by ARN, as the schedule stack imports it.
 */
function build(app: App, enabled: boolean | undefined, keyStack: boolean) {
  const env = { account: '111111111111', region: 'eu-central-1' };
  const stack = new Stack(app, 'Test', { env });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const key = keyStack ? kms.Key.fromKeyArn(stack, 'DataKey', new kms.Key(new Stack(app, 'Data', { env }), 'Key').keyArn) : new kms.Key(stack, 'Key');
  const job = new ScheduledTask(stack, 'Job', {
    image: 'public.ecr.aws/docker/library/python:3.12-slim',
    user: '1000',
    cpu: 256,
    memoryMiB: 512,
    command: ['python', '-m', 'cleanup'],
    logRetention: logs.RetentionDays.ONE_MONTH,
    logEncryptionKey: key,
    cluster,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroup: new ec2.SecurityGroup(stack, 'Tasks', { vpc }),
    schedule: 'cron(0 3 * * ? *)',
    timeZone: 'Europe/Berlin',
    scheduleGroupName: 'shop-prod-cleanup',
    retries: 2,
    maxEventAge: Duration.hours(1),
    deadLetterKey: key,
    enabled,
  });
  return { job, stack };
}

describe('ScheduledTask', () => {
  const { template, stack, job } = given();
  const schedule = () => Object.values(template.findResources('AWS::Scheduler::Schedule'))[0]!.Properties;

  test('THEN a schedule in its own group that runs one Fargate task of the definition, in the given subnets and group, without a public IP', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'shop-prod-cleanup' });
    const s = schedule();
    expect(s).toMatchObject({ ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'Europe/Berlin', State: 'ENABLED', FlexibleTimeWindow: { Mode: 'OFF' } });
    expect(s.Target.Arn).toEqual(stack.resolve((stack.node.findChild('Cluster') as ecs.Cluster).clusterArn));
    expect(JSON.parse(JSON.stringify(s.Target.EcsParameters))).toMatchObject({
      TaskCount: 1,
      LaunchType: 'FARGATE',
      PlatformVersion: 'LATEST',
      TaskDefinitionArn: JSON.parse(JSON.stringify(stack.resolve(job.task.taskDefinition.taskDefinitionArn))),
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', SecurityGroups: [{ 'Fn::GetAtt': [expect.stringMatching(/^Tasks/), 'GroupId'] }] } },
    });
    expect(s.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
  });

  test('THEN the dead-letter queue is KMS-encrypted, TLS-only and retained', () => {
    const queue = Object.entries(template.findResources('AWS::SQS::Queue'))[0]!;
    expect(queue[1].DeletionPolicy).toBe('Retain');
    expect(queue[1].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
    expect(schedule().Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queue[0], 'Arn'] } });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('THEN the scheduler role may run the family on the cluster, pass the two roles to ECS tasks, send to the queue and use its key', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('SchedulerRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.map((s) => [s.Action].flat().sort().join(' '))).toEqual(['ecs:RunTask', 'iam:PassRole', 'ecs:TagResource', 'sqs:SendMessage', 'kms:Decrypt kms:GenerateDataKey']);
    expect(statements[0].Condition).toEqual({ ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] } } });
    expect(statements[1].Resource).toHaveLength(2);
    expect(statements[1].Resource).toEqual(
      expect.arrayContaining([stack.resolve(job.task.taskDefinition.taskRole.roleArn), stack.resolve(job.task.taskDefinition.obtainExecutionRole().roleArn)]),
    );
    expect(statements[1].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });

  test('THEN the task carries its definition\'s tags, and the scheduler role may tag only the tasks RunTask creates', () => {
    expect(schedule().Target.EcsParameters.PropagateTags).toBe('TASK_DEFINITION');
    const tag = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .find((s) => s.Action === 'ecs:TagResource')!;
    expect(tag.Condition).toEqual({ StringEquals: { 'ecs:CreateAction': 'RunTask' } });
    expect(JSON.stringify(tag.Resource)).toMatch(/:ecs:eu-central-1:111111111111:task\/\*"/);
  });

  test('THEN the schedule waits for the scheduler role\'s policy, so its first firing may run the task', () => {
    const [id, schedule] = Object.entries(template.findResources('AWS::Scheduler::Schedule'))[0]!;
    const policyId = Object.keys(template.findResources('AWS::IAM::Policy')).find((p) => p.startsWith('JobSchedulerRoleDefaultPolicy'))!;
    expect(id).toMatch(/^JobSchedule/);
    expect(schedule.DependsOn).toEqual([policyId]);
  });

  test('THEN the command is the container\'s and no tracing sidecar outlives the job', () => {
    const containers = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions;
    // The app and the volume owner that exits before it starts; no collector.
    expect(containers.map((c: { Name: string }) => c.Name)).toEqual(['App', 'VolumeOwner']);
    expect(containers[0].Command).toEqual(['python', '-m', 'cleanup']);
  });

  test('THEN a rule matches a stopped run of the family on the cluster that exited non-zero or never started, and keeps its event in a queue', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    const { EventPattern: pattern, Targets: targets, State } = rules[0]!.Properties;
    expect(State).toBe('ENABLED');
    expect(pattern.source).toEqual(['aws.ecs']);
    expect(pattern['detail-type']).toEqual(['ECS Task State Change']);
    expect(pattern.detail.lastStatus).toEqual(['STOPPED']);
    expect(pattern.detail.clusterArn).toEqual([stack.resolve((stack.node.findChild('Cluster') as ecs.Cluster).clusterArn)]);
    // Every revision of this family and no other: the prefix ends at the revision's colon.
    const prefix = JSON.stringify(pattern.detail.taskDefinitionArn);
    expect(prefix).toContain(`:task-definition/${job.task.taskDefinition.family}:`);
    expect(pattern.detail.taskDefinitionArn).toEqual([{ prefix: expect.anything() }]);
    expect(pattern.detail.$or).toEqual([{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }]);
    const [queueId, queue] = Object.entries(template.findResources('AWS::SQS::Queue')).find(([id]) => id.startsWith('JobFailedRuns'))!;
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    expect(queue.Properties.KmsMasterKeyId).toBeUndefined();
    expect(queue.DeletionPolicy).toBe('Retain');
    expect(targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } })]);
  });

  test('THEN EventBridge may send to the failed-runs queue for this rule only, over TLS', () => {
    const policy = Object.values(template.findResources('AWS::SQS::QueuePolicy')).find((p) => JSON.stringify(p.Properties.Queues).includes('JobFailedRuns'))!;
    const statements = policy.Properties.PolicyDocument.Statement;
    const ruleId = Object.keys(template.findResources('AWS::Events::Rule'))[0]!;
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } } }),
      ]),
    );
  });

  test('GIVEN enabled false THEN the schedule exists disabled', () => {
    const off = given(false).template;
    expect(Object.values(off.findResources('AWS::Scheduler::Schedule'))[0]!.Properties.State).toBe('DISABLED');
  });
});

describe('ScheduledTask under the Control Tower rules', () => {
  /** The Guard rules' report on the dead-letter queue: its open violations and the ones acknowledged. */
  function guardOnQueue(keyStack: boolean): { open: string[]; acknowledged: string[] } {
    const outdir = mkdtempSync(join(tmpdir(), 'scheduled-task-guard-'));
    try {
      const app = new App({ outdir, context: CDK_CONTEXT, builtinCloudFormationValidation: false });
      build(app, undefined, keyStack);
      Validations.of(app).addPlugins(new CfnGuardValidator());
      try {
        app.synth();
      } catch {
        // The bare stacks break other rules (a public subnet, a key without rotation); only the queue's matter here.
      }
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')).pluginReports[0];
      const onQueue = (violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[]): string[] =>
        violations.filter((v) => v.violatingConstructs.some((c) => c.constructPath === 'Test/Job/DeadLetters/Resource')).map((v) => v.ruleName).sort();
      return { open: onQueue(report.violations), acknowledged: onQueue(report.suppressedViolations) };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }

  test('GIVEN the key of another stack, imported by ARN THEN the rule that cannot resolve an imported key is acknowledged, not failing; with a local key it passes unaided', () => {
    expect(guardOnQueue(true)).toEqual({ open: [], acknowledged: ['sqs_dlq_check', 'sqs_queue_encrypted_check'] });
    expect(guardOnQueue(false)).toEqual({ open: [], acknowledged: ['sqs_dlq_check'] });
  });
});
