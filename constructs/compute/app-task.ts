import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { dirname, resolve } from 'node:path';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeLogGroup, controlTower, inCompliancePacks, TASK_ROLE_WILDCARDS } from '../security/acknowledge';
import { acknowledgeRootPreparation, addVolumeOwner, VOLUME_OWNER_MEMORY_MIB } from './volume-owner';

export interface AppTaskProps {
  /**
   * A registry reference, pulled at task start, or a directory with a
   * Dockerfile, built and pushed to the bootstrap repository at deploy time
   * (synth only stages the directory: no Docker needed).
   */
  readonly image: string | { readonly directory: string };
  /** Non-root user (uid or uid:gid) the app container runs as. */
  readonly user: string;
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
   * Command ECS runs to decide the container is healthy, and how often.
   * @default - no container health check
   */
  readonly healthCheck?: ContainerHealthCheck;
  readonly logRetention: logs.RetentionDays;
  readonly logEncryptionKey: kms.IKey;
  /** Plain settings. Never secrets: those go in `secrets`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Injected by ECS from Secrets Manager at task start. */
  readonly secrets?: Readonly<Record<string, ecs.Secret>>;
  /**
   * Makes the app container's root filesystem writable, and says why: the
   * reason acknowledges the Control Tower read-only check (Security Hub
   * ECS.5) on the task definition, where a reviewer reads it.
   * @default - read-only, with a writable /tmp (and `writablePaths`)
   */
  readonly writableRootFilesystem?: string;
  /**
   * Directories the container may write to besides /tmp, each an empty
   * task-scoped volume (lost with the task) while the root stays read-only.
   * @default - none
   */
  readonly writablePaths?: readonly string[];
  /**
   * Time ECS waits after SIGTERM before it kills the container; Fargate allows up to 120 s.
   * @default Duration.seconds(30)
   */
  readonly stopTimeout?: Duration;
  /**
   * Traces: an AWS Distro for OpenTelemetry collector beside the app, which
   * receives OTLP on localhost and exports to X-Ray.
   * @default - no tracing
   */
  readonly tracing?: TracingProps;
  /**
   * A certificate bundle the app needs and its image may lack, downloaded
   * at task start by a short-lived container into a volume the app mounts
   * read-only: the app starts only after the download succeeded.
   * @default - none
   */
  readonly trustStore?: TrustStoreProps;
  /**
   * Image whose `chown` gives the writable volumes to `user` before the app
   * starts (Fargate creates them owned by root, mode 0755).
   * @default VOLUME_OWNER_IMAGE
   */
  readonly volumeOwnerImage?: string;
}

export interface TrustStoreProps {
  /** HTTPS URL of the PEM bundle. */
  readonly url: string;
  /** Image with `curl` that downloads it. */
  readonly image: string;
  /** Path of the bundle in the app container; its directory becomes the mount point. */
  readonly path: string;
}

/**
 * Why a service's or worker's root filesystem is writable: the application's
 * own setting, ECS Exec's SSM agent, or both; undefined when neither.
 */
export function writableRootReason(ecsExec: boolean, own: string | undefined): string | undefined {
  const exec = ecsExec
    ? 'ECS Exec is on for this stage (operatorAccess.ecsExec), and its SSM agent must write to the container filesystem; production keeps ECS Exec off.'
    : undefined;
  return [own, exec].filter((r) => r !== undefined).join(' ') || undefined;
}

/** Memory the trust-store download may use, MiB, taken from the task's. */
const TRUST_STORE_MEMORY_MIB = 32;

export interface ContainerHealthCheck {
  /** Shell command (run by the image's shell), or a command in exec form (no shell needed); exit 0 means healthy. */
  readonly command: string | readonly string[];
  readonly interval: Duration;
  readonly timeout: Duration;
  /** Failures in a row before the container is unhealthy. */
  readonly retries: number;
  /** Start-up time during which failures do not count. */
  readonly startPeriod: Duration;
}

export interface TracingProps {
  /** Collector image. */
  readonly collectorImage: string;
  /** Share of traces the app's OpenTelemetry SDK keeps, percent. */
  readonly samplePercent: number;
  /** `service.name` of the traces. */
  readonly serviceName: string;
  /**
   * Hard memory limit of the collector, MiB, taken from the task's memory.
   * @default 256
   */
  readonly collectorMemoryMiB?: number;
}

/** Collector pipeline: OTLP in, batched, out to X-Ray. Sampling happens in the app's SDK. */
const COLLECTOR_CONFIG = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:4317
      http:
        endpoint: 127.0.0.1:4318
processors:
  batch:
exporters:
  awsxray:
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [awsxray]
`;

/**
 * A Fargate task definition with one application container: memory hard
 * limit, read-only root filesystem with a writable /tmp (and the directories
 * asked for), a stop timeout for graceful shutdown, logs to an
 * encrypted, retained log group.
 */
export class AppTask extends Construct {
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly container: ecs.ContainerDefinition;
  public readonly logGroup: logs.LogGroup;
  public readonly collector?: ecs.ContainerDefinition;
  /** The container that downloads the trust store before the app starts, when there is one. */
  public readonly trustStore?: ecs.ContainerDefinition;
  /** The container that gives the writable volumes to the app's user before the app starts. */
  public readonly volumeOwner: ecs.ContainerDefinition;

  constructor(scope: Construct, id: string, props: AppTaskProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    acknowledgeLogGroup(this.logGroup, props.logEncryptionKey);

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Definition', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    // The root filesystem is read-only; the app gets a writable scratch directory, and those it asks for.
    const writable = ['/tmp', ...(props.writablePaths ?? [])];
    const volumeName = (path: string): string => (path === '/tmp' ? 'tmp' : `writable${path.replace(/[^A-Za-z0-9]+/g, '-')}`);
    for (const path of writable) this.taskDefinition.addVolume({ name: volumeName(path) });
    const stopTimeout = props.stopTimeout ?? Duration.seconds(30);
    if (stopTimeout.toSeconds() < 2 || stopTimeout.toSeconds() > 120) throw new Error(`AppTask: stopTimeout is ${stopTimeout.toSeconds()} s; Fargate allows 2 to 120`);
    if (props.writableRootFilesystem !== undefined && props.writableRootFilesystem.trim() === '') {
      throw new Error('AppTask: writableRootFilesystem is an empty reason; give why the root filesystem must be writable, or leave it unset');
    }

    const collectorMemory = props.tracing ? (props.tracing.collectorMemoryMiB ?? 256) : 0;
    const tracingEnv: Record<string, string> = props.tracing
      ? {
          OTEL_SERVICE_NAME: props.tracing.serviceName,
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: String(props.tracing.samplePercent / 100),
          OTEL_PROPAGATORS: 'tracecontext,baggage,xray',
        }
      : {};

    this.container = this.taskDefinition.addContainer('App', {
      image: typeof props.image === 'string' ? ecs.ContainerImage.fromRegistry(props.image) : ecs.ContainerImage.fromAsset(resolve(props.image.directory)),
      command: props.command?.length ? [...props.command] : undefined,
      user: props.user,
      essential: true,
      memoryLimitMiB: props.memoryMiB - collectorMemory - VOLUME_OWNER_MEMORY_MIB - (props.trustStore ? TRUST_STORE_MEMORY_MIB : 0),
      readonlyRootFilesystem: props.writableRootFilesystem === undefined,
      stopTimeout,
      portMappings: props.containerPort ? [{ containerPort: props.containerPort, protocol: ecs.Protocol.TCP }] : [],
      // Logs are JSON lines: CloudWatch Logs Insights parses their fields without a pattern.
      environment: { HOME: '/tmp', LOG_FORMAT: 'json', ...tracingEnv, ...props.environment },
      secrets: { ...props.secrets },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'app', mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
      healthCheck: props.healthCheck
        ? {
            // ECS runs CMD-SHELL through the image's /bin/sh and CMD directly (ECS API Reference, HealthCheck).
            command: typeof props.healthCheck.command === 'string' ? ['CMD-SHELL', props.healthCheck.command] : ['CMD', ...props.healthCheck.command],
            interval: props.healthCheck.interval,
            timeout: props.healthCheck.timeout,
            retries: props.healthCheck.retries,
            startPeriod: props.healthCheck.startPeriod,
          }
        : undefined,
    });
    this.container.addMountPoints(...writable.map((path) => ({ sourceVolume: volumeName(path), containerPath: path, readOnly: false })));
    this.volumeOwner = addVolumeOwner(this, {
      taskDefinition: this.taskDefinition,
      container: this.container,
      user: props.user,
      volumes: writable.map(volumeName),
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'volume-owner', mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
      image: props.volumeOwnerImage,
    });
    if (props.trustStore) this.trustStore = this.addTrustStore(props.trustStore);
    acknowledgeRootPreparation(this.taskDefinition, props.trustStore ? 'the volume owner and the trust-store download' : 'the volume owner');
    if (typeof props.image !== 'string') {
      acknowledge(
        this.taskDefinition.obtainExecutionRole(),
        'Pulling the built image needs ecr:GetAuthorizationToken, which supports no resource-level permission; the layer and manifest reads are limited to the asset repository.',
        'AwsSolutions-IAM5[Resource::*]',
      );
    }
    if (props.writableRootFilesystem !== undefined) {
      acknowledge(this.taskDefinition, props.writableRootFilesystem, controlTower('ecs_containers_readonly_access_check'));
    }

    if (props.tracing) {
      // Not essential: losing traces must not stop the service.
      this.collector = this.taskDefinition.addContainer('OtelCollector', {
        image: ecs.ContainerImage.fromRegistry(props.tracing.collectorImage),
        // The collector image's own unprivileged user.
        user: '10001',
        essential: false,
        memoryLimitMiB: collectorMemory,
        readonlyRootFilesystem: true,
        environment: { AOT_CONFIG_CONTENT: COLLECTOR_CONFIG },
        logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'otel', mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
      });
      this.taskDefinition.addToTaskRolePolicy(
        new iam.PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          resources: ['*'],
        }),
      );
      acknowledge(this.taskDefinition.taskRole, TASK_ROLE_WILDCARDS, 'AwsSolutions-IAM5[Resource::*]');
    }
    acknowledge(
      this.taskDefinition,
      'Each task and execution role gets exactly one policy, the one CDK attaches to it with this service\'s least-privilege statements; it lives and dies with the role.',
      ...inCompliancePacks('IAMNoInlinePolicy'),
    );
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Environment variables carry only non-secret settings (endpoints, ports, names); credentials are injected as ECS secrets from Secrets Manager.',
    });
  }

  /**
   * curl runs as the entry point, not through a shell, with retries for a
   * NAT gateway or endpoint that is briefly unreachable. It runs as root
   * with every capability dropped: Fargate creates a bind mount owned by
   * root, mode 0755 (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html),
   * so only root may write the file, which the app's user then reads.
   */
  private addTrustStore(t: TrustStoreProps): ecs.ContainerDefinition {
    this.taskDefinition.addVolume({ name: 'trust-store' });
    const file = `/trust-store/${t.path.split('/').pop()}`;
    const download = this.taskDefinition.addContainer('TrustStore', {
      image: ecs.ContainerImage.fromRegistry(t.image),
      entryPoint: ['curl'],
      command: ['--fail', '--silent', '--show-error', '--location', '--retry', '5', '--retry-all-errors', '--max-time', '60', '--output', file, t.url],
      user: '0',
      linuxParameters: new ecs.LinuxParameters(this, 'TrustStoreLinux', { initProcessEnabled: false }),
      essential: false,
      memoryLimitMiB: TRUST_STORE_MEMORY_MIB,
      readonlyRootFilesystem: true,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'trust-store', mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
    });
    download.linuxParameters!.dropCapabilities(ecs.Capability.ALL);
    download.addMountPoints({ sourceVolume: 'trust-store', containerPath: '/trust-store', readOnly: false });
    this.container.addMountPoints({ sourceVolume: 'trust-store', containerPath: dirname(t.path), readOnly: true });
    this.container.addContainerDependencies({ container: download, condition: ecs.ContainerDependencyCondition.SUCCESS });
    return download;
  }
}
