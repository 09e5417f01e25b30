import { Duration, Tags, TimeZone } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { allowConsume } from '../security/messaging-access';
import { appService } from './app-service';
import { AppTask, AppTaskProps, ContainerHealthCheck, writableRootReason } from './app-task';

interface TaskRange {
  readonly minTasks: number;
  readonly maxTasks: number;
}

interface Cooldowns {
  readonly scaleOutCooldown: Duration;
  readonly scaleInCooldown: Duration;
}

/** A scheduled scaling action: the task range from `schedule` on. */
export interface WorkerScheduledAction extends TaskRange {
  readonly name: string;
  /** When the action applies, e.g. `appscaling.Schedule.expression('cron(0 8 ? * MON-FRI *)')`. */
  readonly schedule: appscaling.Schedule;
}

/**
 * What decides a worker's task count, by signal: each carries exactly its
 * own fields.
 */
export type WorkerScaling =
  /** The queue's visible messages per running task; needs `queue`. */
  | ({ readonly signal: 'backlog'; readonly backlogPerTask: number } & TaskRange & Cooldowns)
  /** Average CPU utilisation of the service. */
  | ({ readonly signal: 'cpu'; readonly cpuTargetPercent: number } & TaskRange & Cooldowns)
  /** A metric the application publishes (job latency, its own queue's depth), held at `targetValue`. */
  | ({ readonly signal: 'metric'; readonly metric: cloudwatch.IMetric; readonly targetValue: number } & TaskRange & Cooldowns)
  /** Scheduled actions, each setting the task range from its time on, read in `timeZone`. */
  | ({ readonly signal: 'schedule'; readonly timeZone: TimeZone; readonly actions: readonly WorkerScheduledAction[] } & TaskRange)
  /** A set number of tasks (0: none); no autoscaling. */
  | { readonly signal: 'fixed'; readonly tasks: number }
  /** Exactly one task, and a deployment that stops it before starting its successor. */
  | { readonly signal: 'singleton' };

export interface WorkerQueue {
  /** The queue the worker consumes; its URL is passed as QUEUE_URL. */
  readonly queue: sqs.IQueue;
  /** The key the queue is encrypted with. */
  readonly key: kms.IKey;
}

export interface WorkerProps extends Omit<AppTaskProps, 'containerPort' | 'healthCheck'> {
  readonly cluster: ecs.ICluster;
  /**
   * The container's own liveness check: a worker has no port a load balancer
   * could probe, so this is the only way a process that hangs without exiting
   * (a stuck job loop) is noticed. ECS stops a service's task whose essential
   * container is UNHEALTHY and starts a replacement (Amazon ECS API Reference,
   * HealthCheck: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html).
   * @default - none: only a task whose process exits is replaced
   */
  readonly healthCheck?: ContainerHealthCheck;
  /** ECS Exec into the tasks (their root filesystem is then writable, as its agent needs). */
  readonly ecsExec: boolean;
  /** The private tier. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * The kit's queue the worker consumes.
   * @default - none: the work comes from elsewhere (a job system of the application's own, a stream, an API) or from nowhere
   */
  readonly queue?: WorkerQueue;
  readonly scaling: WorkerScaling;
  /**
   * The tasks' security group, shared with the deployment's other tasks.
   * @default - a group of its own, no inbound traffic, egress open
   */
  readonly securityGroup?: ec2.ISecurityGroup;
}

/**
 * A Fargate service with no load balancer that runs an application's
 * background work: a consumer of its own SQS queue (QUEUE_URL, consume
 * rights), a runner of a job system the kit does not own, or a singleton.
 * Its task count follows one signal; a queue consumer's usual one is backlog
 * per task (visible messages divided by running tasks), the signal AWS
 * recommends because it tracks how far behind each task is.
 */
export class Worker extends Construct {
  public readonly service: ecs.FargateService;
  public readonly task: AppTask;
  /** The tasks' security group: what the data tier admits. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The task count's autoscaling; absent for a fixed count or a singleton. */
  public readonly scaling?: ecs.ScalableTaskCount;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    const s = props.scaling;
    if (s.signal === 'backlog' && props.queue === undefined) {
      throw new Error('Worker: scaling.signal "backlog" needs a queue; give `queue`, or scale on another signal');
    }
    if ('minTasks' in s && s.minTasks > s.maxTasks) {
      throw new Error(`Worker: scaling.minTasks (${s.minTasks}) is above scaling.maxTasks (${s.maxTasks})`);
    }
    const singleton = s.signal === 'singleton';

    this.task = new AppTask(this, 'Task', {
      ...props,
      writableRootFilesystem: writableRootReason(props.ecsExec, props.writableRootFilesystem),
      environment: props.queue ? { ...props.environment, QUEUE_URL: props.queue.queue.queueUrl } : props.environment,
    });
    if (props.queue) allowConsume(this.task.taskDefinition.taskRole, props.queue.queue, props.queue.key);

    ({ service: this.service, securityGroup: this.securityGroup } = appService(this, {
      cluster: props.cluster,
      subnets: props.subnets,
      task: this.task,
      securityGroup: props.securityGroup,
      securityGroupDescription: 'Worker tasks: no inbound traffic',
      ecsExec: props.ecsExec,
      desiredCount: s.signal === 'fixed' ? s.tasks : singleton ? 1 : undefined,
      // A singleton never runs twice, not even for the length of a deployment: ECS stops the old
      // task before it starts the new one (Amazon ECS Developer Guide, "Deployment configuration":
      // minimumHealthyPercent 0 and maximumPercent 100 on a service of one task). The circuit
      // breaker still rolls a failed start back.
      deployment: singleton ? { strategy: ecs.DeploymentStrategy.ROLLING, minHealthyPercent: 0, maxPercent: 100 } : undefined,
    }));

    // Marks the service for the deployability gate's SingletonNeverRunsTwo rule, and operators' searches.
    if (singleton) Tags.of(this.service).add('blueprint:singleton', 'true');
    if (s.signal !== 'fixed' && s.signal !== 'singleton') this.scaling = this.addScaling(s, props.cluster, props.queue);
  }

  private addScaling(s: Exclude<WorkerScaling, { signal: 'fixed' | 'singleton' }>, cluster: ecs.ICluster, queue?: WorkerQueue): ecs.ScalableTaskCount {
    const scaling = this.service.autoScaleTaskCount({ minCapacity: s.minTasks, maxCapacity: s.maxTasks });
    switch (s.signal) {
      case 'cpu':
        scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: s.cpuTargetPercent, scaleOutCooldown: s.scaleOutCooldown, scaleInCooldown: s.scaleInCooldown });
        break;
      case 'metric':
        scaling.scaleToTrackCustomMetric('Metric', { metric: s.metric, targetValue: s.targetValue, scaleOutCooldown: s.scaleOutCooldown, scaleInCooldown: s.scaleInCooldown });
        break;
      case 'schedule':
        for (const a of s.actions) {
          scaling.scaleOnSchedule(a.name, { schedule: a.schedule, timeZone: s.timeZone, minCapacity: a.minTasks, maxCapacity: a.maxTasks });
        }
        break;
      case 'backlog':
        this.scaleOnBacklog(scaling, s, cluster, queue!.queue);
        break;
    }
    return scaling;
  }

  private scaleOnBacklog(scaling: ecs.ScalableTaskCount, s: Extract<WorkerScaling, { signal: 'backlog' }>, cluster: ecs.ICluster, queue: sqs.IQueue): void {
    scaling.scaleToTrackCustomMetric('Backlog', {
      metric: queue.metricApproximateNumberOfMessagesVisible(),
      targetValue: s.backlogPerTask,
      scaleOutCooldown: s.scaleOutCooldown,
      scaleInCooldown: s.scaleInCooldown,
    });
    // Target tracking on metric math (backlog per task), which the L2 does not render yet.
    const cfn = scaling.node.findChild('Target').node.findChild('Backlog').node.defaultChild as appscaling.CfnScalingPolicy;
    const spec = 'TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification';
    for (const key of ['MetricName', 'Namespace', 'Statistic', 'Dimensions', 'Unit']) {
      cfn.addPropertyDeletionOverride(`${spec}.${key}`);
    }
    cfn.addPropertyOverride(`${spec}.Metrics`, [
      {
        Id: 'visible',
        MetricStat: {
          Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: queue.queueName }] },
          Stat: 'Sum',
        },
        ReturnData: false,
      },
      {
        Id: 'tasks',
        MetricStat: {
          Metric: {
            Namespace: 'ECS/ContainerInsights',
            MetricName: 'RunningTaskCount',
            Dimensions: [
              { Name: 'ClusterName', Value: cluster.clusterName },
              { Name: 'ServiceName', Value: this.service.serviceName },
            ],
          },
          Stat: 'Average',
        },
        ReturnData: false,
      },
      { Id: 'backlog', Expression: 'visible / IF(tasks > 0, tasks, 1)', Label: 'visible messages per running task', ReturnData: true },
    ]);
  }
}
