import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, controlTower, inCompliancePacks } from '../security/acknowledge';
import { AppTask, AppTaskProps } from './app-task';
import { runTaskGrant } from './run-task-grant';

export interface ScheduledTaskProps extends Omit<AppTaskProps, 'containerPort' | 'healthCheck' | 'command'> {
  readonly cluster: ecs.ICluster;
  /** The private tier the task runs in, with no public IP. */
  readonly subnets: ec2.SubnetSelection;
  /** The tasks' security group (the one the data tier admits). */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The command the task runs; it exits when the job is done. */
  readonly command: readonly string[];
  /** EventBridge Scheduler expression: `cron(0 3 * * ? *)` or `rate(1 hour)`. */
  readonly schedule: string;
  /** IANA time zone a cron expression is read in. */
  readonly timeZone: string;
  /** Name of the schedule group the schedule gets to itself, so its CloudWatch metrics are its own. */
  readonly scheduleGroupName: string;
  /** Retries of a start that failed, before the dead-letter queue. */
  readonly retries: number;
  /** Age past which a start is no longer retried. */
  readonly maxEventAge: Duration;
  /** Key the dead-letter queue is encrypted with; its policy must let IAM policies of the account grant its use. */
  readonly deadLetterKey: kms.IKey;
  /**
   * Whether the schedule starts tasks.
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * A cron-style job: a task definition built like every app task, started as
 * a one-off Fargate task in the private subnets by an EventBridge Scheduler
 * schedule, with retries, an encrypted dead-letter queue for starts that
 * failed every retry, an execution role that may run exactly this task
 * definition family on this cluster and pass exactly its two roles, and a
 * rule that keeps the ECS event of every run that started and then failed.
 */
export class ScheduledTask extends Construct {
  public readonly task: AppTask;
  public readonly schedule: scheduler.CfnSchedule;
  public readonly scheduleGroup: scheduler.CfnScheduleGroup;
  /** Receives a start's dead-letter event once its retries are spent. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The role EventBridge Scheduler assumes to start the task. */
  public readonly role: iam.Role;
  /** Matches a run of this family on this cluster that stopped with a non-zero exit code or never started. */
  public readonly failureRule: events.Rule;
  /** Receives the `ECS Task State Change` event of each failed run, so an alarm can watch it and a person can read why. */
  public readonly failedRuns: sqs.Queue;

  constructor(scope: Construct, id: string, props: ScheduledTaskProps) {
    super(scope, id);
    const enabled = props.enabled ?? true;
    const { account, partition, region } = Stack.of(this);

    // A one-off run: no tracing sidecar to outlive the job.
    this.task = new AppTask(this, 'Task', { ...props, tracing: undefined });
    const definition = this.task.taskDefinition;

    // The longest retention SQS allows, so a failed start outlives its investigation.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.deadLetterKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.deadLetterQueue,
      'This is the dead-letter queue of a schedule: its messages are starts that failed every retry and wait here for a person; a dead-letter queue of its own would only move them again.',
      'AwsSolutions-SQS3',
      controlTower('sqs_dlq_check'),
    );
    // The Guard rule accepts a literal key id or a key of the same template; a key of another stack arrives as an import.
    const localKey = props.deadLetterKey instanceof kms.Key && Stack.of(props.deadLetterKey) === Stack.of(this);
    if (!localKey && Token.isUnresolved(props.deadLetterKey.keyArn)) {
      acknowledge(
        this.deadLetterQueue,
        'Encrypted with the deployment\'s data key (tested); the key ARN reaches this stack as a cross-stack reference (Fn::ImportValue), which the Guard rule cannot resolve to a key: it accepts only a literal key id or a key of the same template.',
        controlTower('sqs_queue_encrypted_check'),
      );
    }

    this.role = new iam.Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler starts this scheduled task',
      // Confused-deputy guard: only schedules of this account may assume it (EventBridge Scheduler User Guide, "Set up the execution role").
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': account } } }),
    });
    // Any revision of the family, so a new revision needs no new grant; on this cluster only.
    const { family, statements: runTask } = runTaskGrant(definition, props.cluster);
    for (const statement of runTask) this.role.addToPrincipalPolicy(statement);
    // The task carries its definition's tags (app, stage: cost allocation), as services' tasks do; tagging on
    // RunTask needs ecs:TagResource for that action (Amazon ECS Developer Guide, "Grant permission to tag
    // resources on creation"). Only while creating a task through RunTask, which this role may call only
    // for this family on this cluster: it can tag no existing resource.
    const tasks = `arn:${partition}:ecs:${region}:${account}:task/*`;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ecs:TagResource'], resources: [tasks], conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } } }),
    );
    // Sending to an encrypted queue needs the key's GenerateDataKey and Decrypt (Amazon SQS Developer Guide,
    // "Key management"; EventBridge Scheduler User Guide, "Configuring a dead-letter queue"). The key is
    // imported by ARN in the caller's stack, so the grant is the role's policy, not an edit of the key's.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.deadLetterKey.keyArn] }));
    acknowledge(
      this.role,
      'ecs:RunTask is granted on every revision of this one task definition family (`family:*`), on this cluster only, so a deploy that registers a new revision keeps the schedule working.',
      `AwsSolutions-IAM5[Resource::${family}]`,
    );
    acknowledge(
      this.role,
      'ecs:TagResource on tasks applies only while RunTask creates a task (condition ecs:CreateAction = RunTask), and this role may run only this family on this cluster; a task ARN is not known before RunTask creates it.',
      `AwsSolutions-IAM5[Resource::${tasks}]`,
    );
    acknowledge(
      this.role,
      'The scheduler role gets exactly one policy, the one CDK attaches with these least-privilege statements; it lives and dies with the role.',
      ...inCompliancePacks('IAMNoInlinePolicy'),
    );

    this.scheduleGroup = new scheduler.CfnScheduleGroup(this, 'Group', { name: props.scheduleGroupName });
    const subnets = props.cluster.vpc.selectSubnets(props.subnets).subnetIds;
    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      groupName: this.scheduleGroup.ref,
      description: `Starts ${definition.family}`,
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: props.timeZone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: enabled ? 'ENABLED' : 'DISABLED',
      target: {
        arn: props.cluster.clusterArn,
        roleArn: this.role.roleArn,
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        retryPolicy: { maximumRetryAttempts: props.retries, maximumEventAgeInSeconds: props.maxEventAge.toSeconds() },
        ecsParameters: {
          taskDefinitionArn: definition.taskDefinitionArn,
          taskCount: 1,
          launchType: 'FARGATE',
          platformVersion: 'LATEST',
          propagateTags: 'TASK_DEFINITION',
          networkConfiguration: {
            awsvpcConfiguration: { subnets, securityGroups: [props.securityGroup.securityGroupId], assignPublicIp: 'DISABLED' },
          },
        },
      },
    });
    // The role's policy (not only the role, which RoleArn already orders) exists before the schedule first fires.
    this.schedule.node.addDependency(this.role.node.findChild('DefaultPolicy'));

    // A run that starts is a success to EventBridge Scheduler, whatever the job does: its retries and
    // dead-letter queue see only RunTask. ECS sends every task's state changes to the default event bus
    // (Amazon ECS Developer Guide, "Amazon ECS task state change events"); a STOPPED event carries the
    // family's task definition ARN, each container's exitCode and the stopCode. EventBridge matches an
    // array field when any element matches, so any container of the job (the app, or a helper it
    // depends on) exiting non-zero marks the run failed; a task that never started has no exit code and
    // stopCode TaskFailedToStart. EssentialContainerExited alone is how every one-off run ends, success
    // included, so it is not a failure by itself.
    this.failureRule = new events.Rule(this, 'FailedRun', {
      description: `A run of ${definition.family} failed`,
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          clusterArn: [props.cluster.clusterArn],
          taskDefinitionArn: events.Match.prefix(`arn:${partition}:ecs:${region}:${account}:task-definition/${definition.family}:`),
          lastStatus: ['STOPPED'],
          // Content filtering: anything-but a number matches every other number (EventBridge User Guide, "Event patterns").
          $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }],
        },
      },
    });
    // SQS-managed encryption: EventBridge may send to it with the queue policy alone, where a customer
    // managed key would need a key policy naming events.amazonaws.com (EventBridge User Guide,
    // "Amazon SQS permissions"). The events hold task metadata, not application data.
    // Retained like the dead-letter queue: the planner counts queues as durable, and the events outlive the stack.
    this.failedRuns = new sqs.Queue(this, 'FailedRuns', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The target adds the queue policy: events.amazonaws.com may send, for this rule's ARN only.
    this.failureRule.addTarget(new targets.SqsQueue(this.failedRuns));
    acknowledge(
      this.failedRuns,
      'This queue holds the ECS events of failed runs of a scheduled task for a person to read; nothing consumes it, so a message can never fail processing and a dead-letter queue would stay empty.',
      'AwsSolutions-SQS3',
      controlTower('sqs_dlq_check'),
    );
  }
}
