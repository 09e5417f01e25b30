/**
 * The shape of a resolved, validated Blueprint configuration, inferred from
 * its one declaration (config/schema.ts).
 *
 * Presets (config/phases.ts), stage defaults (config/stages.ts) and a user's
 * settings file all produce this shape; stacks read nothing else.
 */
import type { z } from 'zod';
import type { bucketSchema, configSchema, redisSchema, scheduleSchema, serviceSchema, workerSchema } from './schema';

export { COMPLIANCE_PACK_NAMES, DEPLOYMENT_STRATEGIES, PHASES, PRICE_CLASSES, STAGES } from './schema';

/** Readonly all the way down: a resolved configuration is never changed. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type BlueprintConfig = DeepReadonly<z.output<typeof configSchema>>;

export type PhaseName = BlueprintConfig['phase'];
export type StageName = BlueprintConfig['stage'];
export type CompliancePack = BlueprintConfig['compliancePacks'][number];

export type EnvironmentConfig = BlueprintConfig['env'];
export type NetworkConfig = BlueprintConfig['network'];
export type DatabaseConfig = BlueprintConfig['database'];
export type CacheConfig = BlueprintConfig['cache'];

export type ServiceConfig = DeepReadonly<z.output<typeof serviceSchema>>;
export type WorkerConfig = DeepReadonly<z.output<typeof workerSchema>>;
export type RedisConfig = DeepReadonly<z.output<typeof redisSchema>>;
export type ScalingConfig = ServiceConfig['scaling'];
export type HealthCheckConfig = ServiceConfig['healthCheck'];
export type DeploymentConfig = ServiceConfig['deployment'];
export type DeploymentStrategyName = DeploymentConfig['strategy'];
export type WorkerScalingConfig = WorkerConfig['scaling'];
export type QueueConfig = NonNullable<WorkerConfig['queue']>;
/** A cron-style job: a one-off ECS task EventBridge Scheduler starts. */
export type ScheduleConfig = DeepReadonly<z.output<typeof scheduleSchema>>;
/** What a user declares for an app container, web service or worker alike. */
export type AppSettings = Pick<ServiceConfig, 'buckets' | 'environment' | 'secrets' | 'variableNames' | 'sendsEmail' | 'connectionUrls'>;
export type BucketConfig = DeepReadonly<z.output<typeof bucketSchema>>;
export type BucketAccess = ServiceConfig['buckets'][string];
/** A secret injected into a container: one of a Secrets Manager secret or an SSM SecureString parameter. */
export type SecretRef = ServiceConfig['secrets'][string];
/** A container image: a registry reference, or a directory with a Dockerfile built at deploy time. */
export type ImageSource = ServiceConfig['image'];

export type EventStreamConfig = NonNullable<BlueprintConfig['eventStream']>;
export type EmailConfig = NonNullable<BlueprintConfig['email']>;
export type FirewallConfig = NonNullable<BlueprintConfig['firewall']>;
export type IngressConfig = BlueprintConfig['ingress'];
export type HostedZoneConfig = NonNullable<IngressConfig['hostedZone']>;
export type EdgeConfig = NonNullable<BlueprintConfig['edge']>;
/** A path pattern the CDN caches, and for how long. */
export type StaticPathConfig = EdgeConfig['staticPaths'][number];
/** What the standby region runs while it waits (phase 3, active-passive). */
export type StandbyConfig = NonNullable<BlueprintConfig['standby']>;

export type SlaTable = BlueprintConfig['sla'];
export type AlarmRoute = SlaTable['serviceDown']['route'];
export type LatencyRow = SlaTable['latencyP95'];
export type ErrorRateRow = SlaTable['errorRate'];
export type ServiceDownRow = SlaTable['serviceDown'];
export type DbConnectionsRow = SlaTable['dbConnections'];
/** docs/architecture.md §3's saturation alarms, every phase. */
export type SaturationRows = SlaTable['saturation'];
/** A threshold alarm as data; the row's name says the threshold's unit and direction. */
export type ThresholdRow = SaturationRows['ecsCpuPercent'];
/** One multi-window burn-rate rule (SRE workbook): both windows must burn faster than `burnRate`. */
export type BurnRateWindow = SlaTable['burnRates'][number];

export type AlarmsConfig = BlueprintConfig['alarms'];
export type SlackConfig = NonNullable<AlarmsConfig['slack']>;
export type OperatorAccessConfig = BlueprintConfig['operatorAccess'];
export type TelemetryConfig = BlueprintConfig['telemetry'];
export type ProtectionConfig = BlueprintConfig['protection'];

/** Recursively optional: the shape of a user settings file or a stage overlay. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly DeepPartial<U>[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;
