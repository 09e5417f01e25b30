import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { allowConsume } from '../security/messaging-access';
import { appService } from './app-service';
import { AppTask, AppTaskProps } from './app-task';

export interface QueueWorkerScaling {
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Target visible messages per running task. */
  readonly backlogPerTask: number;
  readonly scaleOutCooldown: Duration;
  readonly scaleInCooldown: Duration;
}

export interface QueueWorkerProps extends Omit<AppTaskProps, 'containerPort' | 'healthCheck'> {
  readonly cluster: ecs.ICluster;
  /** ECS Exec into the tasks (their root filesystem is then writable, as its agent needs). */
  readonly ecsExec: boolean;
  /** The private tier. */
  readonly subnets: ec2.SubnetSelection;
  /** The queue it consumes; its URL is passed as QUEUE_URL. */
  readonly queue: sqs.IQueue;
  /** The key the queue is encrypted with. */
  readonly queueKey: kms.IKey;
  readonly scaling: QueueWorkerScaling;
  /**
   * The tasks' security group, shared with the deployment's other tasks.
   * @default - a group of its own, no inbound traffic, egress open
   */
  readonly securityGroup?: ec2.ISecurityGroup;
}

/**
 * A Fargate service that consumes one queue and scales on backlog per task
 * (visible messages divided by running tasks), the signal AWS recommends for
 * queue workers because it tracks how far behind each task is.
 */
export class QueueWorker extends Construct {
  public readonly service: ecs.FargateService;
  public readonly task: AppTask;
  /** The tasks' security group: what the data tier admits. */
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly scaling: ecs.ScalableTaskCount;

  constructor(scope: Construct, id: string, props: QueueWorkerProps) {
    super(scope, id);
    this.task = new AppTask(this, 'Task', {
      ...props,
      writableRootFilesystem: props.ecsExec,
      environment: { ...props.environment, QUEUE_URL: props.queue.queueUrl },
    });
    allowConsume(this.task.taskDefinition.taskRole, props.queue, props.queueKey);

    ({ service: this.service, securityGroup: this.securityGroup } = appService(this, {
      cluster: props.cluster,
      subnets: props.subnets,
      task: this.task,
      securityGroup: props.securityGroup,
      securityGroupDescription: 'Queue worker tasks: no inbound traffic',
      ecsExec: props.ecsExec,
    }));

    this.scaling = this.service.autoScaleTaskCount({ minCapacity: props.scaling.minTasks, maxCapacity: props.scaling.maxTasks });
    this.scaling.scaleToTrackCustomMetric('Backlog', {
      metric: props.queue.metricApproximateNumberOfMessagesVisible(),
      targetValue: props.scaling.backlogPerTask,
      scaleOutCooldown: props.scaling.scaleOutCooldown,
      scaleInCooldown: props.scaling.scaleInCooldown,
    });
    // Target tracking on metric math (backlog per task), which the L2 does not render yet.
    const cfn = this.scaling.node.findChild('Target').node.findChild('Backlog').node.defaultChild as appscaling.CfnScalingPolicy;
    const spec = 'TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification';
    for (const key of ['MetricName', 'Namespace', 'Statistic', 'Dimensions', 'Unit']) {
      cfn.addPropertyDeletionOverride(`${spec}.${key}`);
    }
    cfn.addPropertyOverride(`${spec}.Metrics`, [
      {
        Id: 'visible',
        MetricStat: {
          Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: props.queue.queueName }] },
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
              { Name: 'ClusterName', Value: props.cluster.clusterName },
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
