import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { acknowledge, TASK_ROLE_WILDCARDS } from '../security/acknowledge';
import { AppTask } from './app-task';

export interface AppServiceOptions {
  readonly cluster: ecs.ICluster;
  /** The private tier. */
  readonly subnets: ec2.SubnetSelection;
  readonly task: AppTask;
  /**
   * The tasks' security group. The kit gives every task of a deployment one
   * shared group, so the load balancer and the data tier each need one rule
   * for all of them, not one per service (60 rules per group and direction).
   * @default - a group of its own, egress open
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /** Says what may reach the tasks, when the service gets a group of its own. */
  readonly securityGroupDescription: string;
  /** Lets operators open a shell in running tasks with ECS Exec. */
  readonly ecsExec: boolean;
  /**
   * How a new version replaces the old.
   * @default - rolling, with a circuit breaker that rolls a failed deployment back
   */
  readonly deployment?: {
    readonly strategy: ecs.DeploymentStrategy;
    /** Rolling: share of the desired tasks kept running, percent. @default 100 */
    readonly minHealthyPercent?: number;
    /** Rolling: most tasks during a deployment, percent of the desired count. @default 200 */
    readonly maxPercent?: number;
    readonly canaryConfiguration?: ecs.TrafficShiftConfig;
    readonly linearConfiguration?: ecs.TrafficShiftConfig;
    readonly bakeTime?: Duration;
  };
  /**
   * Time a new task has before load-balancer health checks count.
   * @default - none (not behind a load balancer)
   */
  readonly healthCheckGracePeriod?: Duration;
  /**
   * Tasks to run, for a service no autoscaling drives.
   * @default - ECS's default at creation, then autoscaling's
   */
  readonly desiredCount?: number;
}

/**
 * The Fargate service every app tier runs as, in `scope`: the given security
 * group or one of its own (egress open: tasks reach AWS APIs and third-party
 * services through NAT), private subnets, no public IP, deployments that keep
 * full capacity and roll a failed one back.
 */
export function appService(scope: Construct, options: AppServiceOptions): { service: ecs.FargateService; securityGroup: ec2.ISecurityGroup } {
  const securityGroup =
    options.securityGroup ??
    new ec2.SecurityGroup(scope, 'SecurityGroup', {
      vpc: options.cluster.vpc,
      description: options.securityGroupDescription,
      allowAllOutbound: true,
    });
  const service = new ecs.FargateService(scope, 'Service', {
    cluster: options.cluster,
    taskDefinition: options.task.taskDefinition,
    securityGroups: [securityGroup],
    vpcSubnets: options.subnets,
    assignPublicIp: false,
    desiredCount: options.desiredCount,
    minHealthyPercent: options.deployment?.minHealthyPercent ?? 100,
    maxHealthyPercent: options.deployment?.maxPercent ?? 200,
    // Tasks that never start fail the deployment fast, whatever the strategy.
    circuitBreaker: { enable: true, rollback: true },
    // Rolling is ECS's default strategy; the kit leaves it unset so templates stay as they were.
    deploymentStrategy: options.deployment?.strategy === ecs.DeploymentStrategy.ROLLING ? undefined : options.deployment?.strategy,
    canaryConfiguration: options.deployment?.canaryConfiguration,
    linearConfiguration: options.deployment?.linearConfiguration,
    bakeTime: options.deployment?.bakeTime,
    healthCheckGracePeriod: options.healthCheckGracePeriod,
    propagateTags: ecs.PropagatedTagSource.SERVICE,
    enableECSManagedTags: true,
    enableExecuteCommand: options.ecsExec,
  });
  if (options.ecsExec) {
    const role = options.task.taskDefinition.taskRole;
    acknowledge(role, TASK_ROLE_WILDCARDS, 'AwsSolutions-IAM5[Resource::*]');
    // The cluster's session log group: ECS grants the SSM agent CreateLogStream, DescribeLogStreams
    // and PutLogEvents on the group's streams (`:*`), which it creates one per session.
    const sessionLogs = options.cluster.executeCommandConfiguration?.logConfiguration?.cloudWatchLogGroup;
    if (sessionLogs) {
      const stack = Stack.of(scope);
      const streams: unknown = stack.resolve(`arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${sessionLogs.logGroupRef.logGroupName}:*`);
      if (typeof streams === 'string') {
        acknowledge(
          role,
          'ECS Exec writes each session to a log stream it creates in the cluster\'s session log group; the wildcard covers that one group\'s streams, whose names are not known in advance.',
          `AwsSolutions-IAM5[Resource::${streams}]`,
        );
      }
    }
  }
  return { service, securityGroup };
}
