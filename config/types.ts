/**
 * The shape of a resolved, validated Blueprint configuration.
 *
 * Presets (config/phases.ts), stage defaults (config/stages.ts) and a user's
 * settings file all produce this shape; stacks read nothing else.
 */

export const PHASES = ['phase1', 'phase2', 'phase3'] as const;
export type PhaseName = (typeof PHASES)[number];

export const STAGES = ['dev', 'staging', 'prod'] as const;

/** cdk-nag rule packs, by their rule-id prefix. */
export const COMPLIANCE_PACK_NAMES = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'] as const;
export type CompliancePack = (typeof COMPLIANCE_PACK_NAMES)[number];
export type StageName = (typeof STAGES)[number];

export type AlarmRoute = 'page' | 'notify';

export interface EnvironmentConfig {
  /** 12-digit AWS account id the stacks are bound to. */
  readonly account: string;
  /** Primary region, e.g. `us-east-1`. */
  readonly region: string;
  /** Exactly three availability zones of `region`; never looked up. */
  readonly availabilityZones: readonly string[];
}

export interface NetworkConfig {
  /** The VPC's IPv4 block. Fixed for the life of a deployment: changing it replaces the VPC. */
  readonly vpcCidr: string;
  /** NAT gateways: 1 (cheap, one AZ's egress is shared) up to one per AZ. */
  readonly natGateways: number;
  /** Retention of VPC flow logs, in days. */
  readonly flowLogRetentionDays: number;
}

export interface DatabaseConfig {
  /** PostgreSQL major.minor engine version, e.g. `17.9`. */
  readonly engineVersion: string;
  /** RDS instance class without the `db.` prefix, e.g. `t4g.medium`. */
  readonly instanceClass: string;
  /** Initial gp3 storage in GiB. */
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling in GiB. */
  readonly maxAllocatedStorageGiB: number;
  /** Automated backup retention (PITR window), in days. */
  readonly backupRetentionDays: number;
  /** Performance Insights retention: 7 (free tier) or a multiple of 31 up to 731. */
  readonly performanceInsightsRetentionDays: number;
  /** Same-region read replicas. */
  readonly readReplicas: number;
  /** Days AWS Backup keeps each daily recovery point. */
  readonly backupPlanRetentionDays: number;
}

export interface CacheConfig {
  /** ElastiCache node type, e.g. `cache.t4g.small`. */
  readonly nodeType: string;
  /** Valkey engine version, e.g. `8.0`. */
  readonly engineVersion: string;
  /** Shards (node groups). Grows in place: online resharding. */
  readonly shards: number;
  /** Replicas per shard. CloudFormation replaces the group when this changes, so presets keep it fixed. */
  readonly replicasPerShard: number;
  /** Daily snapshot retention in days. */
  readonly snapshotRetentionDays: number;
}

export interface ScalingConfig {
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Target-tracking CPU utilisation, percent. */
  readonly cpuTargetPercent: number;
  /** Target-tracking ALB requests per target per minute. */
  readonly requestsPerTargetPerMinute: number;
}

/** A secret injected into a container: one of a Secrets Manager secret or an SSM SecureString parameter. */
export interface SecretRef {
  /** Secret name or full ARN (in env.region). */
  readonly secretsManager?: string;
  /** JSON key inside the secret; the whole value when absent. */
  readonly field?: string;
  /** SSM parameter name (`/app/key`) or ARN (in env.region). */
  readonly ssmParameter?: string;
}

/** What a user declares for an app container, web service or worker alike. */
export interface AppSettings {
  /** Plain environment variables; never secrets. */
  readonly environment: Readonly<Record<string, string>>;
  /** Environment variables ECS fills from Secrets Manager or SSM; the task may read exactly these. */
  readonly secrets: Readonly<Record<string, SecretRef>>;
}

/** A container image: a registry reference, or a directory with a Dockerfile built at deploy time. */
export type ImageSource = string | { readonly directory: string };

export const DEPLOYMENT_STRATEGIES = ['rolling', 'canary', 'linear', 'blue-green'] as const;
export type DeploymentStrategyName = (typeof DEPLOYMENT_STRATEGIES)[number];

export interface DeploymentConfig {
  /**
   * `rolling` replaces tasks in place (circuit breaker on); `canary`,
   * `linear` and `blue-green` are ECS native deployments that start the new
   * version beside the old one and shift traffic through a second target group.
   */
  readonly strategy: DeploymentStrategyName;
  /** Canary: share of traffic first shifted; linear: share shifted per step, percent. */
  readonly stepPercent: number;
  /** Minutes to watch the alarms after each shift (and before the old version goes). */
  readonly bakeMinutes: number;
}

export interface ServiceConfig extends AppSettings {
  /** Unique name; keys construct IDs, so renaming a service replaces it. */
  readonly name: string;
  /** Registry reference, or `{ "directory": "path" }` (relative to the project) built from its Dockerfile at deploy time. */
  readonly image: ImageSource;
  /** Non-root user (uid or uid:gid) the container runs as. */
  readonly user: string;
  readonly containerPort: number;
  /** Fargate task CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). */
  readonly cpu: number;
  /** Fargate task memory in MiB, valid for `cpu`. */
  readonly memoryMiB: number;
  /** Command overriding the image's; empty: the image's own. */
  readonly command: readonly string[];
  /** Path the load balancer and the container health check probe. */
  readonly healthCheckPath: string;
  readonly healthCheck: HealthCheckConfig;
  /** Path patterns routed to this service; `['/*']` is the default route. */
  readonly pathPatterns: readonly string[];
  /** Host names routed to this service (with its path patterns); empty: any host. */
  readonly hostHeaders: readonly string[];
  /** Listener rule priority, unique across services (1-50000); lower is evaluated first. */
  readonly priority: number;
  readonly scaling: ScalingConfig;
  /** How a new version replaces the running one; every strategy rolls back on the SLA alarms. */
  readonly deployment: DeploymentConfig;
  /**
   * Database migration run as a one-off task with the service's image,
   * settings and database access, before the new version is deployed (see
   * docs/deploy.md); empty: none.
   */
  readonly migrationCommand: readonly string[];
}

export interface WorkerScalingConfig {
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Target visible messages per running task (backlog per task). */
  readonly backlogPerTask: number;
  /** Seconds between scale-outs: short, so a backlog is met quickly. */
  readonly scaleOutCooldownSeconds: number;
  /** Seconds between scale-ins: long, so a pause between bursts keeps the tasks. */
  readonly scaleInCooldownSeconds: number;
}

/** One health check drives both the load balancer's and the container's probe. */
export interface HealthCheckConfig {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  /** Consecutive successes before a target takes traffic. */
  readonly healthyThreshold: number;
  /** Consecutive failures before a target (or container) is unhealthy. */
  readonly unhealthyThreshold: number;
  /** Seconds a new task may start up before failed checks count. */
  readonly gracePeriodSeconds: number;
  /** Seconds a draining task keeps serving in-flight requests. */
  readonly deregistrationDelaySeconds: number;
}

export interface QueueConfig {
  /** Seconds a received message stays hidden; longer than the worst processing time. */
  readonly visibilityTimeoutSeconds: number;
  /** Days an unprocessed message is kept (1-14). */
  readonly retentionDays: number;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

export interface WorkerConfig extends AppSettings {
  /** Unique name; keys construct ids and the queue. */
  readonly name: string;
  /** Registry reference, or `{ "directory": "path" }` built from its Dockerfile at deploy time. */
  readonly image: ImageSource;
  /** Non-root user (uid or uid:gid) the container runs as. */
  readonly user: string;
  /** Command overriding the image's; the queue URL is in QUEUE_URL. */
  readonly command: readonly string[];
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly scaling: WorkerScalingConfig;
  readonly queue: QueueConfig;
}

export interface EventStreamConfig {
  /** `on-demand` scales itself; `provisioned` uses `shards`. */
  readonly mode: 'on-demand' | 'provisioned';
  /** Shards when provisioned (ignored on demand). */
  readonly shards: number;
  /** Record retention in hours (24-8760). */
  readonly retentionHours: number;
}

export interface FirewallConfig {
  /** Requests one client IP may make in 5 minutes before AWS WAF blocks it. */
  readonly rateLimitPer5Minutes: number;
}

export interface IngressConfig {
  /** ACM certificate ARN in the primary region. Enables HTTPS. */
  readonly certificateArn?: string;
  /** Public DNS name users reach the service at (the CDN's alternate name when the edge is on). */
  readonly domainName?: string;
  /** ACM certificate ARN in us-east-1 for `domainName`: the CDN presents it to viewers. */
  readonly edgeCertificateArn?: string;
  /**
   * DNS name of the load balancers behind the CDN, covered by `certificateArn`
   * (and the standby's certificate): the CDN reaches the origin over HTTPS by
   * this name, so the load balancer's certificate can be verified.
   */
  readonly originDomainName?: string;
  /** Route 53 public hosted zone the kit writes its records in; null: DNS is managed elsewhere. */
  readonly hostedZone: HostedZoneConfig | null;
}

export interface HostedZoneConfig {
  /** Hosted zone id, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly id: string;
  /** The zone's domain, e.g. `example.com`; the kit's names must lie inside it. */
  readonly name: string;
}

export const PRICE_CLASSES = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const;

/** A path pattern the CDN caches, and for how long. */
export interface StaticPathConfig {
  /** CloudFront path pattern, e.g. `/assets/*`. */
  readonly pathPattern: string;
  /** Seconds an object is cached when the origin says nothing (its Cache-Control wins, up to 1 year). */
  readonly ttlSeconds: number;
}

export interface EdgeConfig {
  /** Paths cached at the edge; every other path goes to the load balancer uncached. */
  readonly staticPaths: readonly StaticPathConfig[];
  /** Edge locations served: `PriceClass_100` (North America, Europe) is the cheapest. */
  readonly priceClass: (typeof PRICE_CLASSES)[number];
  /**
   * CloudFront's origin-facing managed prefix list id by region, for a load
   * balancer region missing from the kit's table (config/edge.ts):
   * `aws ec2 describe-managed-prefix-lists --region <region> --filters
   * Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing`.
   */
  readonly originPrefixListIds: Readonly<Record<string, string>>;
  /**
   * Version ids of the origin-header secret (`<app>-<stage>/cdn-origin-header`)
   * the load balancers accept; the CDN sends the first. Empty: both read the
   * secret's AWSCURRENT version. A rotation goes `[old]` → `[old, new]` →
   * `[new, old]` → `[new]`, one deploy each (docs/runbooks.md, origin-header rotation).
   */
  readonly originHeaderVersions: readonly string[];
}

/** What the standby region runs while it waits (phase 3, active-passive). */
export interface StandbyConfig {
  /** The standby region; not env.region. */
  readonly region: string;
  /** Exactly three zones of `region`; never looked up. */
  readonly availabilityZones: readonly string[];
  /** The standby VPC's block: distinct from network.vpcCidr so the two can be peered. */
  readonly vpcCidr: string;
  readonly natGateways: number;
  /** ACM certificate in `region` covering ingress.originDomainName; required when the primary has HTTPS. */
  readonly certificateArn?: string;
  /**
   * Secret with `username` and `password` of the promoted database, in
   * `region`; until it is set, standby tasks read the primary region's
   * RDS-managed secret (see docs/runbooks.md, regional failover).
   */
  readonly databaseSecretArn?: string;
  /** The standby cache: smaller until a failover. */
  readonly cache: { readonly nodeType: string; readonly shards: number };
  /** Tasks each service and worker runs in the standby until a failover; their maximum stays the primary's. */
  readonly minTasks: number;
}

export interface LatencyRow {
  /** p95 target, ms (for dashboards and docs). */
  readonly targetMs: number;
  /** Alarm when p95 is above this, ms. */
  readonly alertAboveMs: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly route: AlarmRoute;
}

export interface ErrorRateRow {
  readonly targetPercent: number;
  readonly alertAbovePercent: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly route: AlarmRoute;
}

export interface ServiceDownRow {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly route: AlarmRoute;
}

export interface DbConnectionsRow {
  readonly targetPercent: number;
  readonly alertAbovePercent: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly route: AlarmRoute;
}

/** A threshold alarm as data; the row's name says the threshold's unit and direction. */
export interface ThresholdRow {
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly route: AlarmRoute;
}

/** docs/architecture.md §3's saturation alarms, every phase. */
export interface SaturationRows {
  /** ECS service average CPU above, percent. */
  readonly ecsCpuPercent: ThresholdRow;
  /** ECS service average memory above, percent. */
  readonly ecsMemoryPercent: ThresholdRow;
  /** RDS CPU above, percent. */
  readonly rdsCpuPercent: ThresholdRow;
  /** RDS free storage below, percent of the storage ceiling. */
  readonly rdsFreeStoragePercent: ThresholdRow;
  /** RDS freeable memory below, percent of the instance class's memory. */
  readonly rdsFreeableMemoryPercent: ThresholdRow;
  /** Read replica lag above, seconds. */
  readonly rdsReplicaLagSeconds: ThresholdRow;
  /** Cache engine CPU above, percent (per node). */
  readonly cacheEngineCpuPercent: ThresholdRow;
  /** Cache memory used above, percent (per node). */
  readonly cacheMemoryPercent: ThresholdRow;
  /** Cache evictions per period above (per node). */
  readonly cacheEvictions: ThresholdRow;
  /** Cache replica replication lag above, seconds (per replica node). */
  readonly cacheReplicationLagSeconds: ThresholdRow;
  /** Age of a queue's oldest message above, seconds. */
  readonly queueOldestMessageSeconds: ThresholdRow;
  /** Messages in a dead-letter queue above (0: any). */
  readonly deadLetterMessages: ThresholdRow;
  /** Event-stream consumer iterator age above, seconds. */
  readonly streamIteratorAgeSeconds: ThresholdRow;
}

/** One multi-window burn-rate rule (SRE workbook): both windows must burn faster than `burnRate`. */
export interface BurnRateWindow {
  readonly burnRate: number;
  readonly longWindowMinutes: number;
  readonly shortWindowMinutes: number;
  readonly route: AlarmRoute;
}

/** docs/architecture.md §3, as data: the alarms are generated from these rows. */
export interface SlaTable {
  /** Availability objective, percent (e.g. 99.9). */
  readonly availabilityPercent: number;
  readonly latencyP95: LatencyRow;
  readonly errorRate: ErrorRateRow;
  readonly serviceDown: ServiceDownRow;
  readonly dbConnections: DbConnectionsRow;
  /** Sustained request rate the phase is sized for (capacity target, not an alarm). */
  readonly designRequestsPerSecond: number;
  /** Availability SLO burn-rate rules, paging or notifying. */
  readonly burnRates: readonly BurnRateWindow[];
  readonly saturation: SaturationRows;
  /**
   * 5XX responses the load balancer itself returns (no healthy target, or
   * none reachable) per period, above which the Route 53 health check fails
   * the region's failover record. Only with a standby and a hosted zone.
   */
  readonly originFailover: ThresholdRow;
}

export interface AlarmsConfig {
  /** Email addresses subscribed to the page topic. */
  readonly pageEmails: readonly string[];
  /** Email addresses subscribed to the notify topic. */
  readonly notifyEmails: readonly string[];
  /** HTTPS endpoints (a pager's webhook) subscribed to the page topic. */
  readonly pageHttpsEndpoints: readonly string[];
  /** Slack channel, through AWS Chatbot, that receives both topics; null: none. */
  readonly slack: SlackConfig | null;
}

export interface SlackConfig {
  /** Slack workspace (team) id, authorised once in the AWS Chatbot console, e.g. `T0123ABCD`. */
  readonly workspaceId: string;
  /** Slack channel id, e.g. `C0123ABCD`. */
  readonly channelId: string;
}

export interface OperatorAccessConfig {
  /**
   * ECS Exec into running tasks, sessions logged to an encrypted log group.
   * The SSM agent needs a writable root filesystem, so containers of a stage
   * with ECS Exec on run with a writable root.
   */
  readonly ecsExec: boolean;
}

export interface TelemetryConfig {
  /** Share of traces sampled by the services' OpenTelemetry SDKs, percent (100 in staging, 1 in production). */
  readonly tracingSamplePercent: number;
  /** The AWS Distro for OpenTelemetry collector image run beside every app container; null: no tracing. */
  readonly collectorImage: string | null;
}

export interface ProtectionConfig {
  /** RDS deletion protection and ALB deletion protection. */
  readonly deletionProtection: boolean;
  /** CloudFormation termination protection on the stateful stack. */
  readonly terminationProtection: boolean;
  /** Application log retention, in days. */
  readonly logRetentionDays: number;
}

export interface BlueprintConfig {
  /** Lower-case name used in stack names and resource names. */
  readonly appName: string;
  readonly phase: PhaseName;
  readonly stage: StageName;
  readonly env: EnvironmentConfig;
  readonly network: NetworkConfig;
  readonly database: DatabaseConfig;
  readonly cache: CacheConfig;
  readonly services: readonly ServiceConfig[];
  /** Queue workers; each gets its own queue and dead-letter queue. */
  readonly workers: readonly WorkerConfig[];
  /** Kinesis Data Streams event stream the services may write to; null: none. */
  readonly eventStream: EventStreamConfig | null;
  readonly ingress: IngressConfig;
  /** AWS WAF in front of the public endpoint (the CDN when there is one); null: none. */
  readonly firewall: FirewallConfig | null;
  /** CloudFront in front of the load balancer; null: none. */
  readonly edge: EdgeConfig | null;
  /** A standby region kept warm for a regional failover; null: one region. */
  readonly standby: StandbyConfig | null;
  readonly sla: SlaTable;
  readonly alarms: AlarmsConfig;
  readonly protection: ProtectionConfig;
  readonly telemetry: TelemetryConfig;
  readonly operatorAccess: OperatorAccessConfig;
  /** cdk-nag packs every stack must pass at synth. */
  readonly compliancePacks: readonly CompliancePack[];
}

/** Recursively optional: the shape of a user settings file or a stage overlay. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly DeepPartial<U>[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;
