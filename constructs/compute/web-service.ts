import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { acknowledge } from '../security/acknowledge';
import { appService, AppServiceOptions } from './app-service';
import { AppTask, AppTaskProps } from './app-task';

export interface WebServiceScaling {
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Target CPU utilisation, percent. */
  readonly cpuTargetPercent: number;
  /** Target ALB requests per task per minute. */
  readonly requestsPerTargetPerMinute: number;
}

export interface WebServiceHealthCheck {
  readonly interval: Duration;
  readonly timeout: Duration;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** Start-up time before failed checks count, for the service and the container. */
  readonly gracePeriod: Duration;
  /** Time a draining task keeps serving in-flight requests. */
  readonly deregistrationDelay: Duration;
}

export interface WebServiceProps extends Omit<AppTaskProps, 'containerPort' | 'healthCheck'> {
  readonly cluster: ecs.ICluster;
  /** ECS Exec into the tasks (their root filesystem is then writable, as its agent needs). */
  readonly ecsExec: boolean;
  /** The private tier. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Listener the service's rule is added to. From another stack, import it
   * (`fromApplicationListenerAttributes`, with a mutable import of its
   * security group) so the rule and both security-group rules are created in
   * this service's stack.
   */
  readonly listener: elbv2.IApplicationListener;
  readonly containerPort: number;
  /** Probed by the target group and by the container health check. */
  readonly healthCheckPath: string;
  /** Drives both the target group's and the container's health check. */
  readonly healthCheck: WebServiceHealthCheck;
  readonly pathPatterns: readonly string[];
  /** Host names the rule also requires; empty: any host. */
  readonly hostHeaders: readonly string[];
  readonly priority: number;
  /**
   * A header every request must carry to reach the service: the CDN's origin
   * header, so a request that bypasses the CDN finds no rule. Any of `values`
   * passes (the old and the new value during a rotation).
   * @default - none
   */
  readonly requiredHeader?: { readonly name: string; readonly values: readonly string[] };
  readonly scaling: WebServiceScaling;
  /**
   * How a new version replaces the old: `rolling`, or an ECS native `canary`,
   * `linear` or `blue-green` deployment that runs the new version beside the
   * old one behind a second target group and shifts the listener rule's traffic.
   * @default - rolling
   */
  readonly deployment?: {
    readonly strategy: 'rolling' | 'canary' | 'linear' | 'blue-green';
    /** Canary: first share shifted; linear: share per step, percent. */
    readonly stepPercent: number;
    readonly bakeTime: Duration;
  };
}

/**
 * A stateless HTTP service on Fargate behind the shared load balancer: its
 * own task, security group, listener rule, target group and autoscaling,
 * with health checks and a deployment circuit breaker that rolls a failed
 * deployment back.
 */
export class WebService extends Construct {
  public readonly service: ecs.FargateService;
  public readonly task: AppTask;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The second target group of canary, linear and blue/green deployments. */
  public readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;
  public readonly scaling: ecs.ScalableTaskCount;
  /** The tasks' security group: what the data tier admits. */
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const shifting = props.deployment !== undefined && props.deployment.strategy !== 'rolling';

    this.task = new AppTask(this, 'Task', {
      ...props,
      writableRootFilesystem: props.ecsExec,
      healthCheck: {
        command: `wget -q -O /dev/null http://localhost:${props.containerPort}${props.healthCheckPath} || exit 1`,
        interval: props.healthCheck.interval,
        timeout: props.healthCheck.timeout,
        retries: props.healthCheck.unhealthyThreshold,
        startPeriod: props.healthCheck.gracePeriod,
      },
    });

    ({ service: this.service, securityGroup: this.securityGroup } = appService(this, {
      cluster: props.cluster,
      subnets: props.subnets,
      task: this.task,
      securityGroupDescription: 'Service tasks: admits the load balancer on the container port',
      healthCheckGracePeriod: props.healthCheck.gracePeriod,
      deployment: shifting ? nativeDeployment(props.deployment!) : undefined,
      ecsExec: props.ecsExec,
    }));

    const targetGroup = (tgId: string): elbv2.ApplicationTargetGroup =>
      new elbv2.ApplicationTargetGroup(this, tgId, {
        vpc: props.cluster.vpc,
        port: props.containerPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        deregistrationDelay: props.healthCheck.deregistrationDelay,
        healthCheck: {
          path: props.healthCheckPath,
          interval: props.healthCheck.interval,
          timeout: props.healthCheck.timeout,
          healthyThresholdCount: props.healthCheck.healthyThreshold,
          unhealthyThresholdCount: props.healthCheck.unhealthyThreshold,
          healthyHttpCodes: '200-399',
        },
      });
    this.targetGroup = targetGroup('Targets');
    const conditions = [elbv2.ListenerCondition.pathPatterns([...props.pathPatterns])];
    if (props.hostHeaders.length > 0) conditions.push(elbv2.ListenerCondition.hostHeaders([...props.hostHeaders]));
    if (props.requiredHeader) conditions.push(elbv2.ListenerCondition.httpHeader(props.requiredHeader.name, [...props.requiredHeader.values]));
    const rule = new elbv2.ApplicationListenerRule(this, 'Rule', {
      listener: props.listener,
      priority: props.priority,
      conditions,
      targetGroups: [this.targetGroup],
    });
    if (shifting) {
      // ECS starts the new version in the alternate group and moves the rule's traffic to it.
      this.alternateTargetGroup = targetGroup('AlternateTargets');
      const alternate = new ecs.AlternateTarget('Alternate', {
        alternateTargetGroup: this.alternateTargetGroup,
        productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(rule),
      });
      this.service
        .loadBalancerTarget({ containerName: this.task.container.containerName, containerPort: props.containerPort, alternateTarget: alternate })
        .attachToApplicationTargetGroup(this.targetGroup);
      acknowledge(
        this,
        'ECS native deployments assume an infrastructure role with AmazonECSInfrastructureRolePolicyForLoadBalancers, the managed policy AWS maintains for shifting listener-rule traffic; only ecs.amazonaws.com may assume it.',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
      );
    } else {
      this.targetGroup.addTarget(this.service);
    }

    this.scaling = this.service.autoScaleTaskCount({
      minCapacity: props.scaling.minTasks,
      maxCapacity: props.scaling.maxTasks,
    });
    this.scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.scaling.cpuTargetPercent });
    this.scaling.scaleOnRequestCount('Requests', {
      requestsPerTarget: props.scaling.requestsPerTargetPerMinute,
      targetGroup: this.targetGroup,
    });
  }
}

function nativeDeployment(d: NonNullable<WebServiceProps['deployment']>): NonNullable<AppServiceOptions['deployment']> {
  const shift = { stepPercent: d.stepPercent, stepBakeTime: d.bakeTime };
  switch (d.strategy) {
    case 'canary':
      return { strategy: ecs.DeploymentStrategy.CANARY, canaryConfiguration: shift, bakeTime: d.bakeTime };
    case 'linear':
      return { strategy: ecs.DeploymentStrategy.LINEAR, linearConfiguration: shift, bakeTime: d.bakeTime };
    default:
      return { strategy: ecs.DeploymentStrategy.BLUE_GREEN, bakeTime: d.bakeTime };
  }
}
