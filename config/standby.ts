import { deploymentName } from './names';
import { BlueprintConfig, SecretRef, WorkerConfig } from './types';

/**
 * Name of the standby region's vault that receives copies of the primary's
 * recovery points (in the recovery stack). Not `-standby-copies`, the name of
 * the vault an earlier version kept in the standby data stack: that vault is
 * retained, and vault names are unique per account and region.
 */
export function standbyVaultName(c: BlueprintConfig): string {
  return `${deploymentName(c)}-standby-backups`;
}

/** Whether a regional failover has promoted the standby region, which then serves (`standby.role` `promoted` or `failback`, ADR 0029). */
export function standbyPromoted(c: BlueprintConfig): boolean {
  return c.standby?.role === 'promoted' || c.standby?.role === 'failback';
}

/** Whether the primary region is being rebuilt as the promoted region's standby (`standby.role` `failback`, ADR 0029). */
export function standbyFailback(c: BlueprintConfig): boolean {
  return c.standby?.role === 'failback';
}

/** `<app>-<stage>-postgres`, then `-postgres-<n>` for the database each failback builds (`standby.databaseGeneration`). */
export function databaseIdentifier(c: BlueprintConfig, generation: number): string {
  return generation === 1 ? `${deploymentName(c)}-postgres` : `${deploymentName(c)}-postgres-${generation}`;
}

/**
 * The database generations a region holds (ADR 0029): the one its tasks
 * use, and the one before it, which a failback and a switch back leave as
 * it was until `standby.previousDatabases` retires it.
 */
export interface DatabaseGenerations {
  readonly current: number;
  readonly previous?: number;
  /** `previous` is about to be retired: its deletion protection is off (`standby.previousDatabases` `unprotect`). */
  readonly previousUnprotected?: boolean;
}

/**
 * The primary region's: `databaseGeneration`, and during a failback the
 * diverged database before it, which stays until the switch back.
 */
export function primaryGenerations(c: BlueprintConfig): DatabaseGenerations {
  const s = c.standby;
  const current = s?.databaseGeneration ?? 1;
  const keep = s !== null && current > 1 && (s.role === 'failback' || s.previousDatabases !== 'retire');
  return keep ? { current, previous: current - 1, previousUnprotected: s.previousDatabases === 'unprotect' } : { current };
}

/**
 * The standby region's: during a failback it still serves from the database
 * the failover promoted, one generation behind the primary's new replica,
 * and keeps nothing older (the switch back before it left that to retire).
 */
export function standbyGenerations(c: BlueprintConfig): DatabaseGenerations {
  const s = c.standby!;
  if (s.role === 'failback') return { current: s.databaseGeneration - 1 };
  const current = s.databaseGeneration;
  return current > 1 && s.previousDatabases !== 'retire' ? { current, previous: current - 1, previousUnprotected: s.previousDatabases === 'unprotect' } : { current };
}

/**
 * A worker's scaling while the standby waits: its signal with `tasks` as the
 * minimum when that signal follows load (backlog, CPU, a metric), a fixed
 * count otherwise, so no scheduled action starts jobs there. 0 is a fixed 0:
 * the standby's database is a read-only replica, so its workers stay off
 * until the deploy that promotes it (docs/deploy.md).
 */
function standbyWorkerScaling(w: WorkerConfig, tasks: number): WorkerConfig['scaling'] {
  const s = w.scaling;
  if (tasks > 0 && (s.signal === 'backlog' || s.signal === 'cpu' || s.signal === 'metric')) return { ...s, minTasks: tasks };
  return { signal: 'fixed', tasks };
}

/**
 * The configuration the standby region is built from: the primary's, moved
 * to the standby's region, network and certificate, with the smaller cache
 * and NAT gateways it waits with, and its task counts (workers off by
 * default). Its schedules are built disabled (lib/schedule-stack.ts). Its
 * database is a replica, so no same-region replicas of its own. Once
 * promoted (`standby.role`, ADR 0029), the primary's scaling and NAT gateways
 * (one per zone), since it carries the primary's load.
 * The cache keeps its standby size: resharding or resizing it is an online
 * change that may follow, not part of the failover's hour.
 */
export function standbyConfig(c: BlueprintConfig): BlueprintConfig {
  const s = c.standby;
  if (s === null) throw new Error('standbyConfig: the configuration has no standby');
  const promoted = standbyPromoted(c);
  return withStandbySecrets({
    ...c,
    env: { account: c.env.account, region: s.region, availabilityZones: s.availabilityZones },
    network: { ...c.network, vpcCidr: s.vpcCidr, natGateways: promoted ? c.network.natGateways : s.natGateways },
    database: { ...c.database, readReplicas: 0 },
    // No cache in the primary, none in the standby: standby.cache sizes only a cache that exists.
    cache: c.cache === null ? null : { ...c.cache, nodeType: s.cache.nodeType, shards: s.cache.shards },
    ...(promoted ? {} : waitingScaling(c)),
    ingress: { ...c.ingress, certificateArn: s.certificateArn },
    standby: null,
  });
}

/** An app's secret reference as the standby's tasks read it: its `standby` reference where it has one, with the same JSON field. */
function standbySecret({ standby, ...ref }: SecretRef): SecretRef {
  return standby === undefined ? ref : { ...standby, ...(ref.field !== undefined ? { field: ref.field } : {}) };
}

function standbySecrets<T extends { secrets: Record<string, SecretRef> }>(app: T): T {
  return { ...app, secrets: Object.fromEntries(Object.entries(app.secrets).map(([name, ref]) => [name, standbySecret(ref)])) };
}

/** The standby's services, workers and schedules read their secrets through their `standby` references. */
function withStandbySecrets(c: BlueprintConfig): BlueprintConfig {
  return { ...c, services: c.services.map(standbySecrets), workers: c.workers.map(standbySecrets), schedules: c.schedules.map(standbySecrets) };
}

/**
 * The primary region's configuration: as given, except during a failback,
 * when that region waits as the promoted region's standby (its new database
 * a read-only replica): its services and workers take the standby's task
 * counts. Its network, cache and everything it keeps stay as they are.
 */
export function primaryConfig(c: BlueprintConfig): BlueprintConfig {
  return standbyFailback(c) ? { ...c, ...waitingScaling(c) } : c;
}

/** Services and workers at the standby's task counts (`standbyTasks`, else `standby.minTasks` and `standby.workerTasks`). */
function waitingScaling(c: BlueprintConfig): Pick<BlueprintConfig, 'services' | 'workers'> {
  const s = c.standby!;
  return {
    services: c.services.map((x) => ({ ...x, scaling: { ...x.scaling, minTasks: x.standbyTasks ?? s.minTasks } })),
    workers: c.workers.map((w) => ({ ...w, scaling: standbyWorkerScaling(w, w.standbyTasks ?? s.workerTasks) })),
  };
}
