import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface AppTaskProps {
  /** Container image reference, pulled from its registry. */
  readonly image: string;
  /** Task CPU units. */
  readonly cpu: number;
  /** Task memory, MiB; also the container's hard limit. */
  readonly memoryMiB: number;
  /**
   * Command overriding the image's.
   * @default - the image's own
   */
  readonly command?: readonly string[];
  /**
   * Port the container listens on.
   * @default - none (a worker)
   */
  readonly containerPort?: number;
  /**
   * Command ECS runs to decide the container is healthy.
   * @default - no container health check
   */
  readonly healthCheckCommand?: string;
  readonly logRetention: logs.RetentionDays;
  readonly logEncryptionKey: kms.IKey;
  /** Plain settings. Never secrets: those go in `secrets`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Injected by ECS from Secrets Manager at task start. */
  readonly secrets?: Readonly<Record<string, ecs.Secret>>;
}

/**
 * A Fargate task definition with one application container: memory hard
 * limit, read-only root filesystem with a writable /tmp, logs to an
 * encrypted, retained log group.
 */
export class AppTask extends Construct {
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly container: ecs.ContainerDefinition;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AppTaskProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Definition', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    // The root filesystem is read-only; the app gets one writable scratch directory.
    this.taskDefinition.addVolume({ name: 'tmp' });

    this.container = this.taskDefinition.addContainer('App', {
      image: ecs.ContainerImage.fromRegistry(props.image),
      command: props.command ? [...props.command] : undefined,
      essential: true,
      memoryLimitMiB: props.memoryMiB,
      readonlyRootFilesystem: true,
      portMappings: props.containerPort ? [{ containerPort: props.containerPort, protocol: ecs.Protocol.TCP }] : [],
      environment: { HOME: '/tmp', ...props.environment },
      secrets: { ...props.secrets },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'app', mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
      healthCheck: props.healthCheckCommand
        ? {
            command: ['CMD-SHELL', props.healthCheckCommand],
            interval: Duration.seconds(30),
            timeout: Duration.seconds(5),
            retries: 3,
            startPeriod: Duration.seconds(60),
          }
        : undefined,
    });
    this.container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Environment variables carry only non-secret settings (endpoints, ports, names); credentials are injected as ECS secrets from Secrets Manager.',
    });
  }
}
