import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { LoadBalancerCapacity } from '../ingress/public-load-balancer';
import { acknowledge } from '../security/acknowledge';
import { appService, AppServiceOptions } from './app-service';
import { AppTask, AppTaskProps, writableRootReason } from './app-task';

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
  /**
   * The load balancer's rule and target-group budget: the service claims its
   * rule and target groups there, and synth stops when the load balancer would
   * exceed its quota.
   * @default - not counted
   */
  readonly capacity?: LoadBalancerCapacity;
  /**
   * The tasks' security group. The caller then owns its rules (the load
   * balancer's and the data tier's): give an immutable import to keep this
   * construct from adding any.
   * @default - a group of its own that admits the load balancer on the container port
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  readonly containerPort: number;
  /** Probed by the target group and by the container health check. */
  readonly healthCheckPath: string;
  /** Drives both the target group's and the container's health check. */
  readonly healthCheck: WebServiceHealthCheck;
  /**
   * The container's own health check, in exec form (exit 0: healthy), for an
   * image without wget; `null`: none, the load balancer's check alone
   * replaces a failing task. Must not be empty.
   * @default - `wget` against healthCheckPath (the image needs wget)
   */
  readonly containerHealthCommand?: readonly string[] | null;
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
   * `linear` or `blue-green` deployment, which runs the new version beside the
   * old one in a second target group and shifts the production rule's weights.
   * Those need a listener whose every action is a forward (ECS refuses a
   * listener with a redirect, fixed-response or authenticate action), and a
   * rule that no stack update rewrites: CloudFormation would put the template's
   * weights back (ADR 0020).
   * @default - rolling
   */
  readonly deployment?: WebServiceDeployment;
  /**
   * Keeps a client on one task while its cookie lasts: the load balancer's
   * own cookie, or the application's cookie when `cookieName` is given.
   * @default - none: every request is balanced anew
   */
  readonly stickiness?: WebServiceStickiness;
}

export interface WebServiceStickiness {
  /** How long a client stays on one task (1 s to 7 days). */
  readonly duration: Duration;
  /**
   * The application's session cookie the load balancer follows.
   * @default - the load balancer's own cookie
   */
  readonly cookieName?: string;
}

/** A deployment strategy and the settings that mean something for it. */
export type WebServiceDeployment =
  | {
      readonly strategy: 'rolling';
      /** Share of the desired tasks kept running, percent. @default 100 */
      readonly minHealthyPercent?: number;
      /** Most tasks during a deployment, percent of the desired count. @default 200 */
      readonly maxPercent?: number;
    }
  | {
      readonly strategy: 'canary' | 'linear';
      /** Canary: the share shifted first; linear: the share per step, percent. */
      readonly stepPercent: number;
      /** Wait after each shift, and before the old version is retired. */
      readonly bakeTime: Duration;
    }
  | {
      readonly strategy: 'blue-green';
      /** Wait after the shift before the old version is retired. */
      readonly bakeTime: Duration;
    };

/**
 * A stateless HTTP service on Fargate behind the shared load balancer: its
 * own task, listener rule, target group (two for a native deployment) and
 * autoscaling, in the given security group or one of its own, with health
 * checks and a deployment circuit breaker that rolls a failed deployment back.
 */
export class WebService extends Construct {
  public readonly service: ecs.FargateService;
  public readonly task: AppTask;
  /** The target group the service starts in (and, with `rolling`, stays in). */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The second target group of canary, linear and blue/green deployments. */
  public readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;
  /**
   * Every target group that may serve the service. Native deployments swap the
   * two groups' roles each time, so alarms and scaling must watch all of them.
   */
  public readonly targetGroups: readonly elbv2.ApplicationTargetGroup[];
  /** The listener rule that routes the service's traffic (ECS's production rule in a native deployment). */
  public readonly rule: elbv2.ApplicationListenerRule;
  public readonly scaling: ecs.ScalableTaskCount;
  /** The tasks' security group: what the data tier admits. */
  public readonly securityGroup: ec2.ISecurityGroup;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const deployment = props.deployment ?? { strategy: 'rolling' };
    const shifting = deployment.strategy !== 'rolling';
    props.capacity?.claim(this, { rules: 1, targetGroups: shifting ? 2 : 1 });

    const containerHealthCommand =
      props.containerHealthCommand === undefined ? `wget -q -O /dev/null http://localhost:${props.containerPort}${props.healthCheckPath} || exit 1` : props.containerHealthCommand;

    this.task = new AppTask(this, 'Task', {
      ...props,
      writableRootFilesystem: writableRootReason(props.ecsExec, props.writableRootFilesystem),
      healthCheck: containerHealthCommand === null ? undefined : {
        command: containerHealthCommand,
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
      securityGroup: props.securityGroup,
      securityGroupDescription: 'Service tasks: admits the load balancer on the container port',
      healthCheckGracePeriod: props.healthCheck.gracePeriod,
      deployment: nativeDeployment(deployment),
      ecsExec: props.ecsExec,
    }));

    const targetGroup = (tgId: string): elbv2.ApplicationTargetGroup =>
      new elbv2.ApplicationTargetGroup(this, tgId, {
        vpc: props.cluster.vpc,
        port: props.containerPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        deregistrationDelay: props.healthCheck.deregistrationDelay,
        stickinessCookieDuration: props.stickiness?.duration,
        stickinessCookieName: props.stickiness?.cookieName,
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
    // ECS starts a native deployment's new version in the alternate group.
    this.alternateTargetGroup = shifting ? targetGroup('AlternateTargets') : undefined;
    this.targetGroups = this.alternateTargetGroup ? [this.targetGroup, this.alternateTargetGroup] : [this.targetGroup];
    const conditions = [elbv2.ListenerCondition.pathPatterns([...props.pathPatterns])];
    if (props.hostHeaders.length > 0) conditions.push(elbv2.ListenerCondition.hostHeaders([...props.hostHeaders]));
    if (props.requiredHeader) conditions.push(elbv2.ListenerCondition.httpHeader(props.requiredHeader.name, [...props.requiredHeader.values]));
    this.rule = new elbv2.ApplicationListenerRule(this, 'Rule', {
      listener: props.listener,
      priority: props.priority,
      conditions,
      ...(this.alternateTargetGroup
        ? {
            // ECS's production rule: a weighted forward to both groups, all traffic on the
            // one the service starts in. ECS moves the weights during each deployment; the
            // alternate group must be on a rule, or ECS cannot register tasks in it.
            // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html
            action: elbv2.ListenerAction.weightedForward([
              { targetGroup: this.targetGroup, weight: 100 },
              { targetGroup: this.alternateTargetGroup, weight: 0 },
            ]),
          }
        : { targetGroups: [this.targetGroup] }),
    });
    if (this.alternateTargetGroup) {
      const alternate = new ecs.AlternateTarget('Alternate', {
        alternateTargetGroup: this.alternateTargetGroup,
        productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(this.rule),
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
    // One request-count policy per group: the serving group's drives scale-out, and the idle
    // group's (no requests) cannot scale in alone, since target tracking scales in only when
    // every policy agrees.
    this.targetGroups.forEach((tg, i) =>
      this.scaling.scaleOnRequestCount(i === 0 ? 'Requests' : 'AlternateRequests', {
        requestsPerTarget: props.scaling.requestsPerTargetPerMinute,
        targetGroup: tg,
      }),
    );
  }
}

function nativeDeployment(d: WebServiceDeployment): AppServiceOptions['deployment'] {
  switch (d.strategy) {
    case 'rolling':
      return { strategy: ecs.DeploymentStrategy.ROLLING, minHealthyPercent: d.minHealthyPercent, maxPercent: d.maxPercent };
    case 'canary':
      return { strategy: ecs.DeploymentStrategy.CANARY, canaryConfiguration: { stepPercent: d.stepPercent, stepBakeTime: d.bakeTime }, bakeTime: d.bakeTime };
    case 'linear':
      return { strategy: ecs.DeploymentStrategy.LINEAR, linearConfiguration: { stepPercent: d.stepPercent, stepBakeTime: d.bakeTime }, bakeTime: d.bakeTime };
    case 'blue-green':
      return { strategy: ecs.DeploymentStrategy.BLUE_GREEN, bakeTime: d.bakeTime };
  }
}
