import { requestsPerTargetPerMinute, SCALING_TABLE } from './scaling';
import { AVAILABILITY_PERCENT, BURN_RATE_WINDOWS, DESIGN_REQUESTS_PER_SECOND, ORIGIN_FAILOVER_ROW, SATURATION_ROWS, SLA_ROWS } from './sla';
import { BlueprintConfig, EdgeConfig, FirewallConfig, PhaseName, RedisConfig, ScheduleConfig, ServiceConfig, StandbyConfig, WorkerConfig } from './types';

/** What a phase decides: sizes, counts and capabilities. Plain data. */
export type PhasePreset = Pick<BlueprintConfig, 'network' | 'database' | 'cache' | 'redis' | 'services' | 'workers' | 'schedules' | 'eventStream' | 'firewall' | 'edge' | 'standby' | 'sla'>;

/** What a service, worker or schedule starts with: no buckets, variables, secrets, renames, email or URLs of its own. */
const NO_APP_SETTINGS = { buckets: {}, environment: {}, secrets: {}, variableNames: {}, sendsEmail: false, connectionUrls: {} } satisfies Partial<ServiceConfig>;

/** ECS's 30 s stop timeout, no writable directory but /tmp, a read-only root filesystem. */
const CONTAINER_DEFAULTS = { stopTimeoutSeconds: 30, writablePaths: [], readOnlyRootFilesystem: true } satisfies Partial<ServiceConfig>;

/**
 * The sample web service every phase starts with. A non-root nginx image
 * (listens on 8080) so the container needs no privileges.
 */
const SAMPLE_WEB: Omit<ServiceConfig, 'cpu' | 'memoryMiB' | 'scaling'> = {
  name: 'web',
  image: 'public.ecr.aws/nginx/nginx-unprivileged:stable-alpine',
  // The image's own unprivileged nginx user.
  user: '101',
  ...NO_APP_SETTINGS,
  command: [],
  containerPort: 8080,
  healthCheckPath: '/',
  // A broken task leaves the load balancer within 45 s (3 x 15 s); a new one joins after 30 s.
  healthCheck: { intervalSeconds: 15, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3, gracePeriodSeconds: 60, deregistrationDelaySeconds: 30 },
  // The kit's wget probe of healthCheckPath (the sample's alpine image has wget).
  containerHealthCommand: [],
  pathPatterns: ['/*'],
  hostHeaders: [],
  priority: 100,
  // Rolling with a circuit breaker and alarm rollback: no second target group to keep in sync.
  // Rolling keeps every task serving and starts as many new ones beside them.
  deployment: { strategy: 'rolling', stepPercent: 10, bakeMinutes: 10, minHealthyPercent: 100, maxPercent: 200 },
  // The standby's own default (standby.minTasks).
  standbyTasks: null,
  migrationCommand: [],
  // Requests are balanced anew: state lives in the database and the cache.
  stickiness: null,
  // ECS's default 30 s after SIGTERM for in-flight requests; the target group drains for as long.
  ...CONTAINER_DEFAULTS,
};

/**
 * Where a named Valkey group starts when a settings file declares one: a
 * job store without cluster mode, which every Redis client speaks, on the
 * smallest Graviton node with one replica for Multi-AZ failover and 15 days
 * of snapshots (the compliance packs' minimum). Size nodeType to the data.
 */
export const REDIS_TEMPLATE: RedisConfig = {
  name: 'jobs',
  role: 'store',
  clusterMode: false,
  nodeType: 'cache.t4g.small',
  engineVersion: '8.0',
  shards: 1,
  replicasPerShard: 1,
  snapshotRetentionDays: 15,
};

/**
 * The sample queue worker: the AWS CLI image long-polls the queue, logs each
 * message body and deletes it. Replace the image and command with your own
 * consumer; the queue URL arrives in QUEUE_URL.
 */
export const SAMPLE_WORKER: WorkerConfig = {
  name: 'worker',
  image: 'public.ecr.aws/aws-cli/aws-cli:latest',
  // Any non-root uid: the CLI needs only HOME (/tmp) and task-role credentials.
  user: '1000',
  ...NO_APP_SETTINGS,
  command: [
    'sh',
    '-c',
    'while true; do aws sqs receive-message --queue-url "$QUEUE_URL" --wait-time-seconds 20 --max-number-of-messages 10 ' +
      '--query "Messages[].[ReceiptHandle,Body]" --output text | while read -r handle body; do ' +
      '[ "$handle" = "None" ] && continue; echo "{\"message\": \"$body\"}"; ' +
      'aws sqs delete-message --queue-url "$QUEUE_URL" --receipt-handle "$handle"; done; done',
  ],
  // No health check: a worker has no port to probe, and a generic command cannot know the application's liveness.
  containerHealthCommand: null,
  // ECS's own interval, timeout and retries, with a minute for the process to start.
  containerHealthCheck: { intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60 },
  cpu: 512,
  memoryMiB: 1024,
  scaling: {
    signal: 'backlog',
    minTasks: SCALING_TABLE.worker.min,
    maxTasks: SCALING_TABLE.worker.max,
    // A task drains ~10 messages per poll; 100 queued per task is under a minute of work.
    backlogPerTask: 100,
    // Scale out within a minute of a backlog; scale in only after five quiet minutes.
    scaleOutCooldownSeconds: 60,
    scaleInCooldownSeconds: 300,
  },
  queue: {
    visibilityTimeoutSeconds: 300,
    retentionDays: 14,
    maxReceiveCount: 5,
  },
  // 30 s after SIGTERM: a received message not deleted in time returns to the queue.
  ...CONTAINER_DEFAULTS,
  // The standby's own default (standby.workerTasks: none until a failover).
  standbyTasks: null,
};

/**
 * Where a scheduled task a settings file adds starts: a nightly run at 03:00
 * UTC, the smallest Fargate size, retried twice within an hour.
 */
export const SCHEDULE_TEMPLATE: ScheduleConfig = {
  name: 'job',
  schedule: 'cron(0 3 * * ? *)',
  timezone: 'UTC',
  image: undefined,
  user: '1000',
  command: ['true'],
  cpu: 256,
  memoryMiB: 512,
  ...NO_APP_SETTINGS,
  ...CONTAINER_DEFAULTS,
  // Two retries cover a transient RunTask refusal (capacity, throttling); within an hour the run is still the night's.
  retries: 2,
  maxEventAgeSeconds: 3600,
};

/**
 * The CDN's cached paths: fingerprinted build output and the icon. A day
 * when the origin sends no Cache-Control; an origin's own max-age wins.
 */
const EDGE: EdgeConfig = {
  staticPaths: [
    { pathPattern: '/assets/*', ttlSeconds: 86_400 },
    { pathPattern: '/static/*', ttlSeconds: 86_400 },
    { pathPattern: '/favicon.ico', ttlSeconds: 86_400 },
  ],
  // North America and Europe: the cheapest class, where a phase-2 audience usually is.
  priceClass: 'PriceClass_100',
  originPrefixListIds: {},
  originHeaderVersions: [],
  // CloudFront's defaults: 30 s for the origin's response, 5 s to keep an idle origin connection.
  originResponseTimeoutSeconds: 30,
  originKeepaliveTimeoutSeconds: 5,
};

/** The web ACL's settings from phase 2 on; ADR 0028 explains the counted rule. */
export const FIREWALL: FirewallConfig = { rateLimitPer5Minutes: 2000, countRules: ['SizeRestrictions_BODY'], pathExceptions: [] };

/** A standby region as phase 3 runs it; a settings file that turns a standby on in another phase starts here. */
export const STANDBY_TEMPLATE: StandbyConfig = {
  // The default primary is us-east-1; a settings file names the pair it deploys to.
  region: 'us-west-2',
  availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
  // Next to the primary's 10.0.0.0/16, so the VPCs can be peered for tooling or a later active-active step.
  vpcCidr: '10.1.0.0/16',
  // One NAT gateway while the region waits.
  natGateways: 1,
  // Listed so a settings file may set them (an unlisted field is an error).
  certificateArn: undefined,
  databaseSecretArn: undefined,
  // One shard of phase 2's node: warm for sessions at a sixth of phase 3's cache cost.
  cache: { nodeType: 'cache.r7g.large', shards: 1 },
  // Two tasks per service across zones answer from the first minute of a failover; autoscaling takes the rest.
  minTasks: 2,
  // Waiting; a failover sets `promoted` (ADR 0029).
  role: 'standby',
  // The first database; each failback builds the next (ADR 0029).
  databaseGeneration: 1,
  // Until a switch back has left them behind and their data is no longer needed.
  previousDatabases: 'keep',
  // Workers wait switched off: the standby's database is a read-only replica, so a job run there would fail
  // on its first write; the promotion's deploy starts them with the promoted database.
  workerTasks: 0,
};

function sla(phase: PhaseName): BlueprintConfig['sla'] {
  return {
    ...SLA_ROWS,
    burnRates: BURN_RATE_WINDOWS,
    saturation: SATURATION_ROWS,
    originFailover: ORIGIN_FAILOVER_ROW,
    availabilityPercent: AVAILABILITY_PERCENT[phase],
    designRequestsPerSecond: DESIGN_REQUESTS_PER_SECOND[phase],
  };
}

/** Phase 1's cache; the later phases change only its node type and shards. */
export const PHASE1_CACHE: NonNullable<PhasePreset['cache']> = {
  // 1.37 GiB per node: sessions and hot keys for 1K req/s.
  nodeType: 'cache.t4g.small',
  // Valkey 8: Redis-compatible, cheaper per node (ADR 0003).
  engineVersion: '8.0',
  // Cluster mode on from day one so later phases reshard in place (ADR 0003); clients that cannot
  // speak cluster mode get a group without it from the redis list.
  clusterMode: true,
  shards: 1,
  // One replica per shard in every phase: Multi-AZ failover; changing it would replace the cache.
  replicasPerShard: 1,
  // 15 days: the compliance packs' minimum for cache backups.
  snapshotRetentionDays: 15,
};

/** Phase 1, simple: 0-1K req/s on about $500 a month. */
const phase1: PhasePreset = {
  network: {
    // Room for the fixed subnet plan (ADR 0004); never changes after the first deploy.
    vpcCidr: '10.0.0.0/16',
    // One NAT gateway: about $33/month each; egress from the other AZs crosses AZs (ADR 0004).
    natGateways: 1,
    // Thirty days of flows covers a monthly security review; older flows rarely matter.
    flowLogRetentionDays: 30,
  },
  database: {
    // A current major with years of RDS standard support ahead.
    engineVersion: '17.9',
    // 2 vCPU / 4 GiB burstable, Multi-AZ: 394 connections (config/postgres.ts) hold 10 tasks x 20-connection pools nearly twice over.
    instanceClass: 't4g.medium',
    // 50 GB gp3 costs ~$12/month Multi-AZ; storage autoscaling grows it to 200 without downtime.
    // Every phase keeps this value: later phases raise only the autoscaling ceiling below.
    // CloudFormation's RDS handler sends AllocatedStorage whenever the template value changes, and
    // RDS refuses it on a volume autoscaling has grown past it, by less than 10% over the current
    // size, or within 6 hours of the last storage change: the upgrade fails and can leave the stack
    // in UPDATE_ROLLBACK_FAILED. "Scaling up DB instance storage"
    // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.ModifyingExisting.ScalingUp.html)
    // and "Managing capacity automatically with Amazon RDS storage autoscaling"
    // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html).
    // gp3 under 400 GiB has a 3,000 IOPS / 125 MiB/s baseline; autoscaling takes the volume past
    // 400 GiB (12,000 IOPS / 500 MiB/s) when the data grows there (docs/runbooks.md#db-storage).
    allocatedStorageGiB: 50,
    maxAllocatedStorageGiB: 200,
    // RPO 15 min comes from PITR; 7 days of it is the free backup allowance.
    backupRetentionDays: 7,
    // Seven days of Performance Insights is free.
    performanceInsightsRetentionDays: 7,
    // At 1K req/s the Multi-AZ primary carries reads too; replicas cost a full instance each.
    readReplicas: 0,
    // Daily recovery points outlive the instance; 35 days covers a month-end.
    backupPlanRetentionDays: 35,
    sslMode: 'require',
    // Tasks log in as an application login whose rotation alternates users, so they survive it; the app stack creates it during the deploy (ADR 0027, ADR 0032).
    applicationLogin: 'app',
  },
  cache: PHASE1_CACHE,
  services: [
    {
      ...SAMPLE_WEB,
      // 0.5 vCPU at ~250 req/s per vCPU: 10 tasks serve 1,250 req/s, above the 1K design point.
      cpu: 512,
      memoryMiB: 1024,
      scaling: {
        minTasks: SCALING_TABLE.web.min,
        maxTasks: SCALING_TABLE.web.max,
        cpuTargetPercent: SCALING_TABLE.web.cpuTargetPercent,
        requestsPerTargetPerMinute: requestsPerTargetPerMinute(512),
      },
    },
  ],
  // Async work arrives in phase 2 (docs/architecture.md §5).
  workers: [],
  // More Valkey groups (a job store, a second cache) are the application's to declare (ADR 0003).
  redis: [],
  schedules: [],
  eventStream: null,
  // WAF arrives in phase 2 (docs/architecture.md §5): about $10/month plus $0.60 per million requests.
  firewall: null,
  // The CDN arrives with the WAF in phase 2; one region until phase 3.
  edge: null,
  standby: null,
  sla: sla('phase1'),
};

/** Phase 2, scaled: 1K-10K req/s on about $5K a month. */
const phase2: PhasePreset = {
  network: {
    ...phase1.network,
    // One per AZ: losing an AZ no longer cuts the others' egress.
    natGateways: 3,
  },
  database: {
    ...phase1.database,
    // 2 vCPU / 16 GiB memory-optimised: working set in memory, 1,622 connections.
    instanceClass: 'r7g.large',
    // 10x the traffic of phase 1: autoscaling may grow the volume to 1 TB. Allocated storage stays
    // phase 1's (see there): autoscaling, not the template, sizes a deployed volume.
    maxAllocatedStorageGiB: 1000,
    // Two weeks of point-in-time recovery for a bigger team's slower-found mistakes.
    backupRetentionDays: 14,
    // Two replicas take read traffic (docs/architecture.md §5 "+ read replicas").
    readReplicas: 2,
  },
  cache: {
    ...PHASE1_CACHE,
    // 13 GiB per node, memory-optimised: 39 GiB across shards for 10K req/s of sessions and hot keys.
    nodeType: 'cache.r7g.large',
    // 3 shards x (primary + replica): writes spread, a shard fails over alone.
    shards: 3,
  },
  services: [
    {
      ...SAMPLE_WEB,
      // 4 vCPU at ~250 req/s per vCPU: 10 tasks serve 10K req/s.
      cpu: 4096,
      memoryMiB: 8192,
      scaling: {
        minTasks: 3,
        maxTasks: SCALING_TABLE.web.max,
        cpuTargetPercent: SCALING_TABLE.web.cpuTargetPercent,
        requestsPerTargetPerMinute: requestsPerTargetPerMinute(4096),
      },
    },
  ],
  // Queue + DLQ + workers scaling 3-20 on backlog per task.
  workers: [SAMPLE_WORKER],
  redis: [],
  schedules: [],
  eventStream: null,
  // 2,000 requests per IP per 5 minutes: ~7 req/s sustained from one address.
  firewall: FIREWALL,
  // Static assets from the edge take that share of the 10K req/s off the tasks.
  edge: EDGE,
  standby: null,
  sla: sla('phase2'),
};

/** Phase 3, distributed: 10K+ req/s on about $50K a month. */
const phase3: PhasePreset = {
  network: phase2.network,
  database: {
    ...phase2.database,
    // 8 vCPU / 64 GiB: 5,000 connections (the formula's cap).
    instanceClass: 'r7g.2xlarge',
    // Autoscaling may grow the volume to 4 TB; allocated storage stays phase 1's (see there).
    maxAllocatedStorageGiB: 4000,
    // The longest point-in-time window RDS allows, and a quarter of daily recovery points.
    backupRetentionDays: 35,
    backupPlanRetentionDays: 90,
    sslMode: 'require',
    // Tasks log in as an application login whose rotation alternates users, so they survive it; the app stack creates it during the deploy (ADR 0027, ADR 0032).
    applicationLogin: 'app',
    // A month of query history to compare with the last release.
    performanceInsightsRetentionDays: 31,
    // The scaling table's maximum: reads spread over five replicas in three zones.
    readReplicas: SCALING_TABLE.readReplicas.max,
  },
  cache: {
    ...PHASE1_CACHE,
    // 26 GiB per node x 6 shards: 158 GiB for 10K+ req/s.
    nodeType: 'cache.r7g.xlarge',
    shards: 6,
  },
  services: [
    {
      ...SAMPLE_WEB,
      // Phase 2's task size: per-task capacity stays known, only the count grows.
      cpu: 4096,
      memoryMiB: 8192,
      // Wider than the scaling table's 10: 40 tasks serve 40K req/s of headroom (ADR 0007).
      scaling: {
        minTasks: 6,
        maxTasks: 40,
        cpuTargetPercent: SCALING_TABLE.web.cpuTargetPercent,
        requestsPerTargetPerMinute: requestsPerTargetPerMinute(4096),
      },
    },
  ],
  workers: [
    {
      ...SAMPLE_WORKER,
      // Wider range for 10K+ req/s of producers (ADR 0007).
      scaling: { signal: 'backlog', minTasks: 6, maxTasks: 60, backlogPerTask: 100, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 },
    },
  ],
  schedules: [],
  // On-demand: no shard maths to get wrong, pays per GB; 7 days lets consumers replay a week.
  redis: [],
  eventStream: { mode: 'on-demand', shards: 4, retentionHours: 168 },
  firewall: FIREWALL,
  // Every edge location: at 10K+ req/s the audience is worldwide.
  edge: { ...EDGE, priceClass: 'PriceClass_All' },
  standby: STANDBY_TEMPLATE,
  sla: sla('phase3'),
};

export const PHASE_PRESETS: Readonly<Record<PhaseName, PhasePreset>> = { phase1, phase2, phase3 };
