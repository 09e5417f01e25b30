import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AlarmSpec, AlarmWindow, serviceAlarmName } from './sla-alarms';

/** A saturation threshold as data: its unit and direction come from the alarm that uses it. */
export interface ThresholdWindow extends AlarmWindow {
  readonly threshold: number;
}

const ABOVE = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
const BELOW = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD;

function period(w: AlarmWindow): Duration {
  return Duration.seconds(w.periodSeconds);
}

/** One threshold alarm; idle or missing data never alarms. */
function spec(
  id: string,
  alarmName: string,
  runbook: string,
  meaning: string,
  metric: cloudwatch.IMetric,
  row: ThresholdWindow,
  comparison: cloudwatch.ComparisonOperator,
  threshold: number = row.threshold,
): AlarmSpec {
  return { id, alarmName, runbook, meaning, metric, threshold, comparison, window: row, missingData: cloudwatch.TreatMissingData.NOT_BREACHING };
}

/** Per-service saturation signals and a worker's queue signals, as named by the spec builders below. */
export const SATURATION_SIGNALS = ['cpu', 'memory'] as const;
export const QUEUE_SIGNALS = ['queue-age', 'dead-letters'] as const;
export const SCHEDULE_SIGNALS = ['run-failed', 'runs-dropped', 'job-failed'] as const;

export interface ServiceSaturationRows {
  readonly ecsCpuPercent: ThresholdWindow;
  readonly ecsMemoryPercent: ThresholdWindow;
}

/** CPU and memory of one ECS service, averaged over its tasks. */
export function serviceSaturationSpecs(prefix: string, rows: ServiceSaturationRows, name: string, service: ecs.BaseService): AlarmSpec[] {
  return [
    spec('Cpu', serviceAlarmName(prefix, name, 'cpu'), 'ecs-saturation', `${name}'s tasks average above ${rows.ecsCpuPercent.threshold}% CPU: autoscaling is at its maximum or too slow.`,
      service.metricCpuUtilization({ period: period(rows.ecsCpuPercent) }), rows.ecsCpuPercent, ABOVE),
    spec('Memory', serviceAlarmName(prefix, name, 'memory'), 'ecs-saturation', `${name}'s tasks average above ${rows.ecsMemoryPercent.threshold}% of their memory: out-of-memory kills follow.`,
      service.metricMemoryUtilization({ period: period(rows.ecsMemoryPercent) }), rows.ecsMemoryPercent, ABOVE),
  ];
}

export interface DatabaseSaturationRows {
  readonly rdsCpuPercent: ThresholdWindow;
  readonly rdsFreeStoragePercent: ThresholdWindow;
  readonly rdsFreeableMemoryPercent: ThresholdWindow;
  readonly rdsReplicaLagSeconds: ThresholdWindow;
}

export interface MonitoredDatabase {
  readonly instance: rds.IDatabaseInstance;
  readonly replicas: readonly rds.IDatabaseInstance[];
  /** Whether `instance` itself replicates another region's database (a standby). */
  readonly instanceIsReplica?: boolean;
  /** Storage autoscaling ceiling, GiB: free storage is measured against it. */
  readonly maxAllocatedStorageGiB: number;
  /** The instance class's memory, GiB. */
  readonly memoryGiB: number;
}

const GIB = 1024 ** 3;

/** The primary's CPU, free storage and freeable memory; each replica's lag and CPU. */
export function databaseSaturationSpecs(prefix: string, rows: DatabaseSaturationRows, db: MonitoredDatabase): AlarmSpec[] {
  const primary = db.instance;
  const specs = [
    spec('DbCpu', `${prefix}-db-cpu`, 'db-saturation', `PostgreSQL CPU is above ${rows.rdsCpuPercent.threshold}%: queries queue up.`,
      primary.metricCPUUtilization({ period: period(rows.rdsCpuPercent) }), rows.rdsCpuPercent, ABOVE),
    spec('DbFreeStorage', `${prefix}-db-free-storage`, 'db-storage', `PostgreSQL has less than ${rows.rdsFreeStoragePercent.threshold}% of its ${db.maxAllocatedStorageGiB} GiB storage ceiling free.`,
      primary.metricFreeStorageSpace({ statistic: 'Minimum', period: period(rows.rdsFreeStoragePercent) }), rows.rdsFreeStoragePercent, BELOW,
      (rows.rdsFreeStoragePercent.threshold / 100) * db.maxAllocatedStorageGiB * GIB),
    spec('DbFreeableMemory', `${prefix}-db-freeable-memory`, 'db-saturation', `PostgreSQL has less than ${rows.rdsFreeableMemoryPercent.threshold}% of its ${db.memoryGiB} GiB memory free: the cache hit rate drops and swapping starts.`,
      primary.metricFreeableMemory({ statistic: 'Minimum', period: period(rows.rdsFreeableMemoryPercent) }), rows.rdsFreeableMemoryPercent, BELOW,
      (rows.rdsFreeableMemoryPercent.threshold / 100) * db.memoryGiB * GIB),
  ];
  if (db.instanceIsReplica) {
    specs.push(
      spec('DbStandbyLag', `${prefix}-db-standby-lag`, 'db-replica-lag', `The standby database is more than ${rows.rdsReplicaLagSeconds.threshold} s behind the primary region: a regional failover now would lose that much.`,
        primary.metric('ReplicaLag', { statistic: 'Maximum', period: period(rows.rdsReplicaLagSeconds) }), rows.rdsReplicaLagSeconds, ABOVE),
    );
  }
  db.replicas.forEach((replica, i) => {
    const n = i + 1;
    specs.push(
      spec(`Replica${n}Lag`, `${prefix}-db-replica-${n}-lag`, 'db-replica-lag', `Read replica ${n} is more than ${rows.rdsReplicaLagSeconds.threshold} s behind the primary: reads from it are stale.`,
        replica.metric('ReplicaLag', { statistic: 'Maximum', period: period(rows.rdsReplicaLagSeconds) }), rows.rdsReplicaLagSeconds, ABOVE),
      spec(`Replica${n}Cpu`, `${prefix}-db-replica-${n}-cpu`, 'db-saturation', `Read replica ${n}'s CPU is above ${rows.rdsCpuPercent.threshold}%.`,
        replica.metricCPUUtilization({ period: period(rows.rdsCpuPercent) }), rows.rdsCpuPercent, ABOVE),
    );
  });
  return specs;
}

export interface CacheSaturationRows {
  readonly cacheEngineCpuPercent: ThresholdWindow;
  readonly cacheMemoryPercent: ThresholdWindow;
  readonly cacheEvictions: ThresholdWindow;
  readonly cacheReplicationLagSeconds: ThresholdWindow;
}

export interface MonitoredCache {
  readonly replicationGroupId: string;
  readonly shards: number;
  readonly replicasPerShard: number;
  /** @default true */
  readonly clusterMode?: boolean;
  /** A store alarms on any eviction: it holds data nothing rebuilds. @default 'cache' */
  readonly role?: 'cache' | 'store';
  /** Names the alarms: `<prefix>-<label>-<shard>-<node>-…`. @default 'cache' */
  readonly label?: string;
}

/**
 * Per cache node: engine CPU, memory and evictions; replication lag on the
 * replicas. ElastiCache names cluster-mode nodes `<group>-<shard 0001>-<node 001>`,
 * so the node list follows from the shard and replica counts.
 */
export function cacheSaturationSpecs(prefix: string, rows: CacheSaturationRows, cache: MonitoredCache): AlarmSpec[] {
  const specs: AlarmSpec[] = [];
  for (let shard = 1; shard <= cache.shards; shard++) {
    for (let node = 1; node <= cache.replicasPerShard + 1; node++) {
      const nodeId = cacheNodeId(cache.replicationGroupId, shard, node, cache.clusterMode ?? true);
      const metric = (metricName: string, statistic: string, w: AlarmWindow): cloudwatch.Metric =>
        new cloudwatch.Metric({ namespace: 'AWS/ElastiCache', metricName, dimensionsMap: { CacheClusterId: nodeId }, statistic, period: period(w) });
      const label = cache.label ?? 'cache';
      const id = `${label === 'cache' ? 'Cache' : `Redis${label}`}${shard}n${node}`;
      const name = `${prefix}-${label}-${shard}-${node}`;
      // noeviction: a store evicts nothing unless misconfigured, and then every eviction is lost data.
      const evictions = cache.role === 'store' ? { ...rows.cacheEvictions, threshold: 0 } : rows.cacheEvictions;
      specs.push(
        spec(`${id}Cpu`, `${name}-cpu`, 'cache-saturation', `Cache node ${nodeId}'s engine CPU is above ${rows.cacheEngineCpuPercent.threshold}%: the single-threaded engine is the bottleneck.`,
          metric('EngineCPUUtilization', 'Average', rows.cacheEngineCpuPercent), rows.cacheEngineCpuPercent, ABOVE),
        spec(`${id}Memory`, `${name}-memory`, 'cache-saturation', `Cache node ${nodeId} uses more than ${rows.cacheMemoryPercent.threshold}% of its memory: evictions follow.`,
          metric('DatabaseMemoryUsagePercentage', 'Maximum', rows.cacheMemoryPercent), rows.cacheMemoryPercent, ABOVE),
        spec(`${id}Evictions`, `${name}-evictions`, 'cache-saturation', `Cache node ${nodeId} evicted more than ${evictions.threshold} keys in ${evictions.periodSeconds} s: ${cache.role === 'store' ? 'a store lost data' : 'the working set no longer fits'}.`,
          metric('Evictions', 'Sum', evictions), evictions, ABOVE),
      );
      if (node > 1) {
        specs.push(
          spec(`${id}Lag`, `${name}-replication-lag`, 'cache-saturation', `Cache replica ${nodeId} is more than ${rows.cacheReplicationLagSeconds.threshold} s behind its primary.`,
            metric('ReplicationLag', 'Maximum', rows.cacheReplicationLagSeconds), rows.cacheReplicationLagSeconds, ABOVE),
        );
      }
    }
  }
  return specs;
}

/**
 * ElastiCache's id of node `node` (1 = primary at creation) of shard `shard`:
 * `<group>-0001-001` in cluster mode, `<group>-001` without.
 */
export function cacheNodeId(group: string, shard: number, node: number, clusterMode = true): string {
  return clusterMode ? `${group}-${String(shard).padStart(4, '0')}-${String(node).padStart(3, '0')}` : `${group}-${String(node).padStart(3, '0')}`;
}

/** Every node id of a group. */
export function cacheNodeIds(cache: MonitoredCache): string[] {
  return Array.from({ length: cache.shards }, (_, s) => Array.from({ length: cache.replicasPerShard + 1 }, (_, n) => cacheNodeId(cache.replicationGroupId, s + 1, n + 1, cache.clusterMode ?? true))).flat();
}

export interface QueueRows {
  readonly queueOldestMessageSeconds: ThresholdWindow;
  readonly deadLetterMessages: ThresholdWindow;
}

/** A worker's queue falling behind, and any message in its dead-letter queue. */
export function queueSpecs(prefix: string, rows: QueueRows, name: string, queue: sqs.IQueue, deadLetters: sqs.IQueue): AlarmSpec[] {
  return [
    spec('QueueAge', serviceAlarmName(prefix, name, 'queue-age'), 'queue-age', `The oldest message in ${name}'s queue is older than ${rows.queueOldestMessageSeconds.threshold} s: workers are not keeping up.`,
      queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: period(rows.queueOldestMessageSeconds) }), rows.queueOldestMessageSeconds, ABOVE),
    spec('DeadLetters', serviceAlarmName(prefix, name, 'dead-letters'), 'dead-letters', `${name}'s dead-letter queue holds messages that failed every retry.`,
      deadLetters.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: period(rows.deadLetterMessages) }), rows.deadLetterMessages, ABOVE),
  ];
}

/**
 * A scheduled task that did not start: a dead-letter event after every retry,
 * and starts EventBridge Scheduler dropped (AWS/Scheduler InvocationDroppedCount
 * of the schedule's group; EventBridge Scheduler User Guide, "Monitoring
 * EventBridge Scheduler with Amazon CloudWatch"). And one that started and
 * failed: an ECS event in the schedule's failed-runs queue.
 */
export function scheduleSpecs(prefix: string, row: ThresholdWindow, name: string, deadLetters: sqs.IQueue, scheduleGroup: string, failedRuns: sqs.IQueue): AlarmSpec[] {
  return [
    spec('RunFailed', serviceAlarmName(prefix, name, 'run-failed'), 'schedule-run-failed', `Scheduled task ${name} could not be started after every retry: its dead-letter queue holds the failed start.`,
      deadLetters.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: period(row) }), row, ABOVE),
    spec('RunsDropped', serviceAlarmName(prefix, name, 'runs-dropped'), 'schedule-run-failed', `EventBridge Scheduler dropped a start of scheduled task ${name} (retries exhausted or too old).`,
      new cloudwatch.Metric({ namespace: 'AWS/Scheduler', metricName: 'InvocationDroppedCount', dimensionsMap: { ScheduleGroup: scheduleGroup }, statistic: 'Sum', period: period(row) }), row, ABOVE),
    spec('JobFailed', serviceAlarmName(prefix, name, 'job-failed'), 'schedule-job-failed', `A run of scheduled task ${name} started and then failed (a container exited non-zero, or the task never started): its failed-runs queue holds the ECS event.`,
      failedRuns.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: period(row) }), row, ABOVE),
  ];
}

/** A consumer of the event stream falling behind. */
export function streamSpecs(prefix: string, row: ThresholdWindow, stream: kinesis.IStream): AlarmSpec[] {
  return [
    spec('StreamIteratorAge', `${prefix}-events-iterator-age`, 'stream-iterator-age', `A consumer of the event stream reads records more than ${row.threshold} s old: it is falling behind and may lose records at retention.`,
      stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: period(row) }), row, ABOVE, row.threshold * 1000),
  ];
}

/** The alarm on 5XX responses the load balancer answers itself. */
export function originFailoverAlarmName(prefix: string): string {
  return `${prefix}-origin-unavailable`;
}

/**
 * The load balancer answering 5XX itself: no target could take the
 * requests. A page, not the failover signal (that is the origin check).
 */
export function originFailoverSpecs(prefix: string, row: ThresholdWindow, loadBalancer: elbv2.IApplicationLoadBalancer): AlarmSpec[] {
  return [
    spec('OriginUnavailable', originFailoverAlarmName(prefix), 'origin-unavailable', `The load balancer itself answered more than ${row.threshold} 5XX responses per period: no target takes requests. Route 53 failover follows the region's origin check, not this alarm.`,
      loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum', period: period(row) }), row, ABOVE),
  ];
}
