import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface WebServiceScaling {
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Target CPU utilisation, percent. */
  readonly cpuTargetPercent: number;
  /** Target ALB requests per task per minute. */
  readonly requestsPerTargetPerMinute: number;
}

export interface WebServiceProps {
  readonly cluster: ecs.ICluster;
  /** The private tier. */
  readonly subnets: ec2.SubnetSelection;
  /** Listener the service's rule is added to. */
  readonly listener: elbv2.ApplicationListener;
  /** Container image reference, pulled from its registry. */
  readonly image: string;
  readonly containerPort: number;
  /** Task CPU units. */
  readonly cpu: number;
  /** Task memory, MiB; also the container's hard limit. */
  readonly memoryMiB: number;
  /** Probed by the target group and by the container health check. */
  readonly healthCheckPath: string;
  readonly pathPatterns: readonly string[];
  readonly priority: number;
  readonly scaling: WebServiceScaling;
  readonly logRetention: logs.RetentionDays;
  readonly logEncryptionKey: kms.IKey;
  /** Plain settings. Never secrets: those go in `secrets`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Injected by ECS from Secrets Manager at task start. */
  readonly secrets?: Readonly<Record<string, ecs.Secret>>;
  /**
   * Seconds between target-group health checks.
   * @default Duration.seconds(15)
   */
  readonly healthCheckInterval?: Duration;
  /**
   * Time a draining task keeps serving in-flight requests.
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;
}

/**
 * A stateless HTTP service on Fargate behind the shared load balancer: its
 * own task definition, log group, security group, listener rule, target
 * group and autoscaling, with health checks and a deployment circuit
 * breaker that rolls a failed deployment back.
 */
export class WebService extends Construct {
  public readonly service: ecs.FargateService;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly container: ecs.ContainerDefinition;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly logGroup: logs.LogGroup;
  public readonly scaling: ecs.ScalableTaskCount;
  /** The tasks' security group: what the data tier admits. */
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const healthCheckInterval = props.healthCheckInterval ?? Duration.seconds(15);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    // The root filesystem is read-only; the app gets one writable scratch directory.
    this.taskDefinition.addVolume({ name: 'tmp' });

    this.container = this.taskDefinition.addContainer('App', {
      image: ecs.ContainerImage.fromRegistry(props.image),
      essential: true,
      memoryLimitMiB: props.memoryMiB,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: props.containerPort, protocol: ecs.Protocol.TCP }],
      environment: { ...props.environment },
      secrets: { ...props.secrets },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'app', mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
      healthCheck: {
        command: ['CMD-SHELL', `wget -q -O /dev/null http://localhost:${props.containerPort}${props.healthCheckPath} || exit 1`],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Environment variables carry only non-secret settings (endpoints, ports, names); credentials are injected as ECS secrets from Secrets Manager.',
    });
    this.container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: 'Service tasks: admits the load balancer on the container port',
      // Egress stays open: tasks reach AWS APIs and third-party services through NAT.
      allowAllOutbound: true,
    });
    this.service = new ecs.FargateService(this, 'Service', {
      securityGroups: [this.securityGroup],
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      vpcSubnets: props.subnets,
      assignPublicIp: false,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: props.cluster.vpc,
      port: props.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      targets: [this.service],
      deregistrationDelay: props.deregistrationDelay ?? Duration.seconds(30),
      healthCheck: {
        path: props.healthCheckPath,
        interval: healthCheckInterval,
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
        healthyHttpCodes: '200-399',
      },
    });
    props.listener.addTargetGroups(`${id}Rule`, {
      priority: props.priority,
      conditions: [elbv2.ListenerCondition.pathPatterns([...props.pathPatterns])],
      targetGroups: [this.targetGroup],
    });

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
