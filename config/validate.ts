import { bucketGrants } from './buckets';
import { parseCidr, Problems, show } from './checks';
import { CLOUDFRONT_ORIGIN_PREFIX_LISTS, EDGE_REGION, originPrefixListId } from './edge';
import { zonesOf } from './regions';
import { FARGATE_MEMORY_MIB } from './schema';
import { workerTaskRange } from './scaling';
import { AppSettings, BlueprintConfig, BucketAccess, BucketConfig, ScheduleConfig, ServiceConfig, SlaTable, WorkerConfig } from './types';

/**
 * The rules that relate settings to each other, run on a configuration
 * whose every field already passed its schema (config/schema.ts). Each
 * problem names the setting to change and what it may hold.
 */
export function validateConfig(c: BlueprintConfig): readonly string[] {
  const p = new Problems();
  zonesIn(p, 'env.availabilityZones', c.env.availabilityZones, c.env.region);
  validateDatabase(p, c);
  validateRedis(p, c);
  validateServices(p, c);
  validateWorkers(p, c);
  validateSchedules(p, c);
  validateIngress(p, c);
  validateEdge(p, c);
  validateBuckets(p, c);
  validateStandby(p, c);
  validateFirewall(p, c);
  validateEmail(p, c);
  validateSla(p, c.sla);
  return p.all;
}

/** Exactly three different zones of `region`. */
function zonesIn(p: Problems, field: string, zones: readonly string[], region: string): void {
  const known = zonesOf(region);
  if (zones.length !== 3 || new Set(zones).size !== 3) {
    p.add(field, `${show(zones)} is not allowed; allowed: exactly three different zones of ${region} (${known.join(', ')})`);
  }
  zones.forEach((z, i) => {
    if (!known.includes(z)) p.add(`${field}[${i}]`, `${show(z)} is not allowed; allowed: a zone of ${region} (${known.join(', ')})`);
  });
}

function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a)!;
  const y = parseCidr(b)!;
  const prefix = Math.min(x.prefix, y.prefix);
  return x.address >>> (32 - prefix) === y.address >>> (32 - prefix);
}

function validateDatabase(p: Problems, c: BlueprintConfig): void {
  const d = c.database;
  if (d.maxAllocatedStorageGiB < d.allocatedStorageGiB) {
    p.add('database.maxAllocatedStorageGiB', `${d.maxAllocatedStorageGiB} is less than database.allocatedStorageGiB (${d.allocatedStorageGiB}); allowed: at least ${d.allocatedStorageGiB}`);
  }
}

/**
 * Cache alarms in the app stack: engine CPU, memory and evictions per node,
 * and replication lag per replica node (constructs/monitoring/saturation-alarms.ts).
 * CloudFormation allows 500 resources per stack (CloudFormation quotas); the
 * cache may take 400 of them, the rest of the stack about 40 today. This
 * binds long before ElastiCache's 500 nodes per cluster-mode group.
 */
const CACHE_ALARM_BUDGET = 400;

/** Alarms of one group: three per node, and replication lag per replica. */
function cacheAlarms(shards: number, replicasPerShard: number): number {
  return shards * (3 * (1 + replicasPerShard) + replicasPerShard);
}

/**
 * The cache and every named group: a group without cluster mode has one
 * shard, names are unique and never `cache` (its group id is the cache's),
 * and all their alarms fit the budget together.
 */
function validateRedis(p: Problems, c: BlueprintConfig): void {
  const groups = [...(c.cache === null ? [] : [{ at: 'cache', ...c.cache }]), ...c.redis.map((r) => ({ at: `redis.${r.name}`, ...r }))];
  for (const g of groups) {
    if (!g.clusterMode && g.shards !== 1) {
      p.add(`${g.at}.shards`, `${g.shards} is not allowed with ${g.at}.clusterMode false; allowed: 1 (a group without cluster mode has one primary and its replicas; set clusterMode true to shard)`);
    }
  }
  const seen = new Set<string>();
  for (const r of c.redis) {
    if (r.name === 'cache') p.add('redis.cache.name', '"cache" is not allowed; allowed: any other name (the cache setting is the group named cache)');
    else if (seen.has(r.name)) p.add(`redis.${r.name}.name`, `"${r.name}" is declared twice; allowed: a name unique among redis entries`);
    seen.add(r.name);
  }
  const others = c.redis.reduce((n, r) => n + cacheAlarms(r.shards, r.replicasPerShard), 0);
  if (c.cache !== null) validateCache(p, 'cache', c.cache.shards, c.cache.replicasPerShard, CACHE_ALARM_BUDGET - others);
}

function validateCache(p: Problems, at: string, shards: number, replicasPerShard: number, budget = CACHE_ALARM_BUDGET): void {
  const perShard = cacheAlarms(1, replicasPerShard);
  if (shards * perShard > budget) {
    const most = Math.max(0, Math.floor(budget / perShard));
    const shared = budget < CACHE_ALARM_BUDGET ? `, ${CACHE_ALARM_BUDGET - budget} of them taken by the redis entries` : '';
    p.add(
      `${at}.shards`,
      `${shards} is not allowed; allowed: at most ${most} with ${replicasPerShard} replica${replicasPerShard === 1 ? '' : 's'} per shard, since each shard adds ${perShard} alarms to the app stack and CloudFormation allows 500 resources per stack (${CACHE_ALARM_BUDGET} for the cache${shared})`,
    );
  }
}

/** OTLP ports the tracing sidecar listens on, on the task's localhost. */
const COLLECTOR_PORTS = [4317, 4318];

/**
 * Rules and target groups of one Application Load Balancer (Elastic Load
 * Balancing quotas: 100 rules per load balancer, not counting defaults, and
 * 100 target groups per load balancer). Each service takes one rule and one
 * target group, two with a traffic-shifting deployment.
 */
const ALB_RULES = 100;
const ALB_TARGET_GROUPS = 100;

function validateServices(p: Problems, c: BlueprintConfig): void {
  const names = new Set<string>();
  const priorities = new Map<number, string>();
  let defaultRoutes = 0;
  let targetGroups = 0;
  for (const s of c.services) {
    const at = `services.${s.name}`;
    if (names.has(s.name)) p.add(`${at}.name`, `"${s.name}" is used twice; allowed: a name no other service has`);
    names.add(s.name);
    validateTask(p, at, s, c);
    validateDeploymentPercents(p, at, s.deployment);
    if (c.telemetry.collectorImage !== null && COLLECTOR_PORTS.includes(s.containerPort)) {
      p.add(`${at}.containerPort`, `${s.containerPort} clashes with the tracing collector's OTLP port in the same task; allowed: any port but ${COLLECTOR_PORTS.join(' and ')}`);
    }
    if (s.pathPatterns.includes('/*') && s.hostHeaders.length === 0) defaultRoutes += 1;
    // A listener rule takes 5 condition values; behind the CDN the origin header takes one per accepted version.
    const headerValues = c.edge ? Math.max(1, c.edge.originHeaderVersions.length) : 0;
    const values = s.pathPatterns.length + s.hostHeaders.length + headerValues;
    if (values > 5) {
      p.add(`${at}.pathPatterns`, `${values} listener condition values (paths + hosts${c.edge ? ' + the CDN origin header' : ''}) are not allowed; allowed: at most 5 in all`);
    }
    const other = priorities.get(s.priority);
    if (other) p.add(`${at}.priority`, `${s.priority} is already used by service "${other}"; allowed: a priority no other service has`);
    priorities.set(s.priority, s.name);
    const h = s.healthCheck;
    if (h.timeoutSeconds >= h.intervalSeconds) {
      p.add(`${at}.healthCheck.timeoutSeconds`, `${h.timeoutSeconds} is not below healthCheck.intervalSeconds (${h.intervalSeconds}); allowed: less than ${h.intervalSeconds}`);
    }
    // ECS native deployments need a listener with forward actions only and a production rule
    // that no stack update rewrites; the kit has neither yet (ADR 0020).
    if (s.deployment.strategy !== 'rolling') {
      p.add(`${at}.deployment.strategy`, `"${s.deployment.strategy}" is experimental and refused until the load balancer supports ECS native deployments (ADR 0020); allowed: "rolling"`);
    }
    targetGroups += s.deployment.strategy === 'rolling' ? 1 : 2;
  }
  if (defaultRoutes > 1) {
    p.add('services', `${defaultRoutes} services claim the default route "/*"; allowed: at most one`);
  }
  if (c.services.length > ALB_RULES) {
    p.add('services', `${c.services.length} services need ${c.services.length} listener rules; allowed: at most ${ALB_RULES} services (one rule each, the load balancer's limit)`);
  } else if (targetGroups > ALB_TARGET_GROUPS) {
    p.add('services', `${c.services.length} services need ${targetGroups} target groups (two for each canary, linear or blue-green service); allowed: at most ${ALB_TARGET_GROUPS} per load balancer`);
  }
}

function validateWorkers(p: Problems, c: BlueprintConfig): void {
  const taken = new Set(c.services.map((s) => s.name));
  for (const w of c.workers) {
    const at = `workers.${w.name}`;
    if (taken.has(w.name)) p.add(`${at}.name`, `"${w.name}" is already the name of a service or worker; allowed: a name no other service or worker has`);
    taken.add(w.name);
    validateTask(p, at, w, c);
    const hc = w.containerHealthCheck;
    if (hc.timeoutSeconds >= hc.intervalSeconds) {
      p.add(`${at}.containerHealthCheck.timeoutSeconds`, `${hc.timeoutSeconds} is not below containerHealthCheck.intervalSeconds (${hc.intervalSeconds}); allowed: less than ${hc.intervalSeconds}`);
    }
    const s = w.scaling;
    if (s.signal === 'backlog' && w.queue === null) {
      p.add(`${at}.scaling.signal`, `"backlog" needs the worker's queue, and queue is null; allowed: "cpu", "metric", "schedule", "fixed" or "singleton", or a queue object`);
    }
    if (s.signal === 'schedule') {
      const names = new Set<string>();
      for (const a of s.actions) {
        if (names.has(a.name)) p.add(`${at}.scaling.actions.${a.name}`, `"${a.name}" names two actions; allowed: a name per action`);
        names.add(a.name);
        if (a.minTasks > a.maxTasks) p.add(`${at}.scaling.actions.${a.name}.minTasks`, `${a.minTasks} is greater than maxTasks (${a.maxTasks}); allowed: at most ${a.maxTasks}`);
      }
    }
    if (c.standby !== null && w.standbyTasks !== null) {
      const max = workerTaskRange(s).max;
      if (s.signal === 'singleton' && w.standbyTasks > 0) {
        p.add(`${at}.standbyTasks`, `${w.standbyTasks} is not allowed for a singleton: it would run in both regions at once; allowed: 0 or null (it starts in the standby with the deploy that promotes it)`);
      } else if (w.standbyTasks > max) {
        p.add(`${at}.standbyTasks`, `${w.standbyTasks} is not allowed; allowed: a whole number from 0 to ${max} (the worker's most tasks)`);
      }
    }
  }
}

function validateSchedules(p: Problems, c: BlueprintConfig): void {
  const taken = new Set<string>();
  for (const s of c.schedules) {
    const at = `schedules.${s.name}`;
    if (taken.has(s.name)) p.add(`${at}.name`, `"${s.name}" is already the name of a schedule; allowed: a name no other schedule has`);
    taken.add(s.name);
    taskSize(p, at, s);
    validateSecrets(p, at, s, c);
    validateConnectionUrls(p, at, s, c);
    settingsSize(p, at, [s.environment, s.secrets, s.command]);
  }
}

/**
 * What a container declares of its own in the task definition: its command,
 * variables and secret references. A task definition holds at most 64 KiB
 * (Amazon ECS service quotas, "Task definition size"); the kit's own
 * containers, variables and sidecar take the rest.
 */
const TASK_SETTINGS_BYTES = 32 * 1024;

/** Fargate size, task counts, variables and secrets, shared by services and workers. */
function validateTask(p: Problems, at: string, t: ServiceConfig | WorkerConfig, c: BlueprintConfig): void {
  taskSize(p, at, t);
  if ('minTasks' in t.scaling && t.scaling.minTasks > t.scaling.maxTasks) {
    p.add(`${at}.scaling.minTasks`, `${t.scaling.minTasks} is greater than scaling.maxTasks (${t.scaling.maxTasks}); allowed: at most ${t.scaling.maxTasks}`);
  }
  validateSecrets(p, at, t, c);
  const declared = c.buckets.map((b) => b.name);
  for (const [bucket, access] of Object.entries(t.buckets)) {
    if (!declared.includes(bucket)) {
      p.add(`${at}.buckets.${bucket}`, `"${bucket}" is not a bucket of this deployment; allowed: a name listed in buckets${declared.length > 0 ? ` (${declared.join(', ')})` : ' (none yet)'}`);
    }
    prefixGrants(p, `${at}.buckets.${bucket}`, access);
  }
  validateVariableNames(p, at, t, c);
  validateConnectionUrls(p, at, t, c);
  if (t.sendsEmail && c.email === null) {
    p.add(`${at}.sendsEmail`, 'true is not allowed with email null (no SES identity to send from); allowed: false, or set email');
  }
  const migration = 'migrationCommand' in t ? t.migrationCommand : [];
  settingsSize(p, at, [t.environment, t.secrets, t.command, migration]);
}

/** S3's safe characters for object keys, less `*` (Amazon S3 User Guide, "Naming Amazon S3 objects"), and "/". */
const SAFE_PREFIX = /^[A-Za-z0-9!_.'()/-]+$/;
const MAX_PREFIX = 512;

/**
 * The key prefixes of a task's grants on one bucket: each names a folder the
 * task role's policy can name exactly, as `<bucket>/<prefix>*` and as the
 * `s3:prefix` of a listing, and none lies inside another (IAM grants their
 * union, so a narrower grant inside a wider one says nothing).
 */
function prefixGrants(p: Problems, at: string, access: BucketAccess): void {
  if (typeof access === 'string') return;
  const listed = Array.isArray(access);
  const grants = bucketGrants(access);
  grants.forEach((g, i) => {
    const f = `${at}${listed ? `[${i}]` : ''}.prefix`;
    const v = g.prefix ?? '';
    const why = (allowed: string): void => p.add(f, `${show(v)} is not allowed; allowed: ${allowed}`);
    if (v.length === 0 || v.length > MAX_PREFIX) why(`a key prefix of 1 to ${MAX_PREFIX} characters, such as "public/"`);
    else if (v.startsWith('/')) why('a key prefix without a leading "/", since object keys have none: "public/", not "/public/"');
    else if (/[*?$]/.test(v)) why('a prefix without *, ? or $, which IAM reads as wildcards and policy variables');
    else if (!SAFE_PREFIX.test(v)) why('letters, digits, "/" and ! - _ . \' ( ), the characters S3 calls safe in object keys');
    else if (!v.endsWith('/')) why(`a prefix ending with "/", such as "${v}/": without it the grant would also cover "${v}-other/..."`);
    else if (v.slice(0, -1).split('/').some((part) => part === '' || part === '.' || part === '..')) why('folders separated by single "/", none of them "." or ".."');
  });
  const prefixes = grants.map((g) => g.prefix ?? '');
  prefixes.forEach((a, i) => {
    const inner = prefixes.findIndex((b, j) => j !== i && b.startsWith(a) && (b !== a || j < i));
    if (inner >= 0) p.add(`${at}[${inner}].prefix`, `${show(prefixes[inner])} lies inside ${show(a)} of the same bucket; allowed: prefixes none of which begins another (declare the wider access once)`);
  });
}

function taskSize(p: Problems, at: string, t: Pick<ScheduleConfig, 'cpu' | 'memoryMiB'>): void {
  const memory = FARGATE_MEMORY_MIB[t.cpu]!;
  if (!memory.includes(t.memoryMiB)) p.add(`${at}.memoryMiB`, `${t.memoryMiB} is not allowed; allowed: ${memory.join(', ')}`);
}

function settingsSize(p: Problems, at: string, settings: readonly unknown[]): void {
  const bytes = Buffer.byteLength(JSON.stringify(settings));
  if (bytes > TASK_SETTINGS_BYTES) {
    p.add(`${at}.environment`, `${bytes} bytes of variables, secrets and command are not allowed; allowed: at most ${TASK_SETTINGS_BYTES} bytes, half of the 64 KiB an ECS task definition may hold (put large values in a secret or a file)`);
  }
}

/**
 * Rolling deployments take the percents; ECS needs room to start or stop a
 * task, so the maximum is above the minimum. A native deployment starts the
 * whole new version beside the old one and ignores both.
 */
function validateDeploymentPercents(p: Problems, at: string, d: ServiceConfig['deployment']): void {
  if (d.strategy !== 'rolling') {
    if (d.minHealthyPercent !== 100) p.add(`${at}.deployment.minHealthyPercent`, `${d.minHealthyPercent} is not allowed with strategy "${d.strategy}", which runs the new version beside the old; allowed: 100, or strategy "rolling"`);
    if (d.maxPercent !== 200) p.add(`${at}.deployment.maxPercent`, `${d.maxPercent} is not allowed with strategy "${d.strategy}", which runs the new version beside the old; allowed: 200, or strategy "rolling"`);
  } else if (d.maxPercent <= d.minHealthyPercent) {
    p.add(`${at}.deployment.maxPercent`, `${d.maxPercent} is not above deployment.minHealthyPercent (${d.minHealthyPercent}), so a deployment could neither start nor stop a task; allowed: ${d.minHealthyPercent + 1} to 200`);
  }
}

function validateSecrets(p: Problems, at: string, t: AppSettings, c: BlueprintConfig): void {
  for (const [name, ref] of Object.entries(t.secrets)) {
    const f = `${at}.secrets.${name}`;
    if (name in t.environment) p.add(f, `"${name}" is also a plain environment variable; allowed: a name used once`);
    const [key, value, what] = ref.secretsManager !== undefined ? ['secretsManager', ref.secretsManager, 'secret'] : ['ssmParameter', ref.ssmParameter!, 'parameter'];
    if (ref.standby !== undefined && c.standby === null) {
      p.add(`${f}.standby`, 'is not allowed without a standby region; allowed: unset, or set standby');
    } else if (ref.standby !== undefined) {
      // The standby's own reference: by name it resolves in standby.region; by ARN it must be there.
      sourceIn(p, `${f}.standby.${key}`, ref.standby[key as 'secretsManager' | 'ssmParameter']!, what, 'standby.region', c.standby!.region, 'where the standby\'s tasks run', c);
    }
    if (value.startsWith('arn:') && value.split(':')[3] === c.env.region && c.standby !== null && ref.standby === undefined) {
      // Without a reference of its own, the standby's tasks take this one; an ARN would tie them to the region a failover leaves.
      const fix = key === 'secretsManager' ? `the secret's name, with the secret replicated to standby.region (${c.standby.region}): a replica keeps the name` : `the parameter's name, with a parameter of that name in standby.region (${c.standby.region})`;
      p.add(`${f}.${key}`, `${show(value)} pins the standby's tasks to ${c.env.region}, which a failover leaves; allowed: ${fix}; or a "standby" reference in ${c.standby.region}`);
    } else {
      sourceIn(p, `${f}.${key}`, value, what, 'env.region', c.env.region, 'where the tasks run', c);
    }
  }
}

/**
 * A secret's or parameter's ARN in the region its tasks run in; a parameter
 * also of the deployment's account, since ECS reads a parameter of another
 * account only by an ARN the kit's grants do not name.
 */
function sourceIn(p: Problems, field: string, value: string, what: string, regionSetting: string, region: string, why: string, c: BlueprintConfig): void {
  if (!value.startsWith('arn:')) return;
  const [, , , arnRegion, account] = value.split(':');
  if (arnRegion !== region) {
    p.add(field, `${show(value)} is in ${arnRegion}; allowed: a ${what} in ${regionSetting} (${region}), ${why}`);
  } else if (what === 'parameter' && account !== c.env.account) {
    p.add(field, `${show(value)} is in account ${account}; allowed: a parameter of env.account (${c.env.account}), by name or ARN`);
  }
}

/** What each Valkey group sets (lib/app-runtime.ts): the cache's REDIS_<SUFFIX>, a `redis` group's REDIS_<NAME>_<SUFFIX>. */
const REDIS_SUFFIXES = ['HOST', 'PORT', 'TLS', 'CLUSTER', 'READER_HOST', 'AUTH_TOKEN'];
const CACHE_VARIABLES = REDIS_SUFFIXES.map((v) => `REDIS_${v}`);

/**
 * Why the kit does not set `name` in this app's container, when it does not:
 * a rename of a variable that is absent would silently do nothing.
 */
function absentBecause(name: string, t: ServiceConfig | WorkerConfig, c: BlueprintConfig): string | undefined {
  if ((name === 'DB_SSLROOTCERT' || name === 'PGSSLROOTCERT') && c.database.sslMode !== 'verify-full') return 'database.sslMode is not "verify-full"';
  if (['SES_REGION', 'SES_CONFIGURATION_SET', 'MAIL_FROM_DOMAIN', 'SMTP_HOST', 'SMTP_PORT'].includes(name) && !t.sendsEmail) return 'sendsEmail is false';
  if (name === 'SES_CONFIGURATION_SET' && c.email?.configurationSet !== true) return 'email.configurationSet is not true';
  if (name === 'EVENT_STREAM_NAME' && c.eventStream === null) return 'eventStream is null';
  if (CACHE_VARIABLES.includes(name) && c.cache === null) return 'cache is null';
  if (name === 'REDIS_READER_HOST' && c.cache?.clusterMode === true) return 'cache.clusterMode is true, which has no reader endpoint';
  if (name.startsWith('REDIS_') && !CACHE_VARIABLES.includes(name)) {
    const group = c.redis.find((r) => REDIS_SUFFIXES.some((v) => name === `REDIS_${r.name.toUpperCase().replace(/-/g, '_')}_${v}`));
    if (group === undefined) return 'no redis group has that variable';
    if (name.endsWith('_READER_HOST') && group.clusterMode) return `redis.${group.name}.clusterMode is true, which has no reader endpoint`;
  }
  if (name.startsWith('QUEUE_URL_') && !c.workers.some((w) => `QUEUE_URL_${w.name.toUpperCase().replace(/-/g, '_')}` === name)) return 'no worker has that queue';
  return undefined;
}

/** Renames: of variables the kit sets in this container, to names used once. */
function validateVariableNames(p: Problems, at: string, t: ServiceConfig | WorkerConfig, c: BlueprintConfig): void {
  const targets = new Map<string, string>();
  for (const [from, to] of Object.entries(t.variableNames)) {
    const f = `${at}.variableNames.${from}`;
    const absent = absentBecause(from, t, c);
    if (absent) p.add(f, `"${from}" is not set in this container (${absent}); allowed: a variable the kit sets here`);
    if (to in t.environment || to in t.secrets) p.add(f, `"${to}" is also one of this app's own environment or secrets; allowed: a name used once`);
    const other = targets.get(to);
    if (other) p.add(f, `"${to}" is already the new name of ${other}; allowed: a name used once`);
    targets.set(to, from);
  }
}

/** Parameters the kit writes into a database URL itself, from database.sslMode. */
const KIT_URL_PARAMETERS = ['sslmode', 'sslrootcert'];

/**
 * Connection URLs (ADR 0031): each points at an endpoint this deployment
 * has, takes a Redis database only where one exists, and is a name the app
 * uses once. A database URL carries no user or password, so PGUSER and
 * PGPASSWORD keep their names: that is where the drivers find them.
 */
function validateConnectionUrls(p: Problems, at: string, t: AppSettings, c: BlueprintConfig): void {
  const groups = c.redis.map((r) => r.name);
  for (const [name, url] of Object.entries(t.connectionUrls)) {
    const f = `${at}.connectionUrls.${name}`;
    const other = name in t.environment ? 'environment' : name in t.secrets ? 'secrets' : undefined;
    if (other) p.add(f, `"${name}" is also ${at}.${other}.${name}; allowed: a name used once`);
    const renamed = Object.entries(t.variableNames).find(([, to]) => to === name);
    if (renamed) p.add(f, `"${name}" is also ${at}.variableNames.${renamed[0]}'s new name; allowed: a name used once`);
    if (url.to === 'database' || url.to === 'database-reader') {
      if (url.redisDatabase !== undefined) p.add(`${f}.redisDatabase`, `is not allowed with "to": "${url.to}"; allowed: redisDatabase only with cache or redis:<name>`);
      const kit = Object.keys(url.query ?? {}).find((k) => KIT_URL_PARAMETERS.includes(k.toLowerCase()));
      if (kit) p.add(`${f}.query.${kit}`, `is set by the kit from database.sslMode; allowed: a parameter other than ${KIT_URL_PARAMETERS.join(', ')}`);
      const renamedLogin = (['PGUSER', 'PGPASSWORD'] as const).find((v) => t.variableNames[v] !== undefined);
      if (renamedLogin) {
        p.add(f, `"to": "${url.to}" needs ${renamedLogin}, which ${at}.variableNames renames to ${t.variableNames[renamedLogin]}: the URL holds no user or password, drivers read them from PGUSER and PGPASSWORD; allowed: a database URL with PGUSER and PGPASSWORD left unrenamed`);
      }
      continue;
    }
    const group = url.to === 'cache' ? c.cache : c.redis.find((r) => `redis:${r.name}` === url.to);
    if (group === null || group === undefined) {
      const allowed = ['database', 'database-reader', ...(c.cache === null ? [] : ['cache']), ...groups.map((g) => `redis:${g}`)].join(', ');
      p.add(`${f}.to`, group === null ? `"cache" is not allowed: cache is null; allowed: ${allowed}` : `${show(url.to)} is not a Redis group of this deployment; allowed: ${allowed}`);
      continue;
    }
    if (group.clusterMode && (url.redisDatabase ?? 0) !== 0) {
      p.add(`${f}.redisDatabase`, `${url.redisDatabase} is not allowed: ${url.to === 'cache' ? 'cache' : url.to} runs in cluster mode, which has only database 0; allowed: 0, or a group with clusterMode false`);
    }
  }
}

/** The sending domain: where its DKIM and MAIL FROM records go. */
function validateEmail(p: Problems, c: BlueprintConfig): void {
  const zone = c.ingress.hostedZone;
  if (c.email === null || zone === null) return;
  const { domain } = c.email;
  if (domain !== zone.name && !domain.endsWith(`.${zone.name}`)) {
    p.add('email.domain', `${show(domain)} is not allowed; allowed: a name inside ingress.hostedZone.name (${zone.name}), where the kit writes its DKIM and MAIL FROM records`);
  }
}

/** An ACM certificate ARN in `region`, when set. */
function certificateIn(p: Problems, field: string, arn: string | undefined, region: string, where: string, why: string): void {
  if (arn !== undefined && arn.split(':')[3] !== region) {
    p.add(field, `${show(arn)} is not allowed; allowed: an ACM certificate ARN in ${where}: ${why}`);
  }
}

function validateIngress(p: Problems, c: BlueprintConfig): void {
  const { certificateArn, domainName, edgeCertificateArn, originDomainName, hostedZone } = c.ingress;
  certificateIn(p, 'ingress.certificateArn', certificateArn, c.env.region, `env.region (${c.env.region})`, 'the load balancer can only use a certificate of its own region');
  if (domainName !== undefined && certificateArn === undefined) {
    p.add('ingress.certificateArn', 'missing value; required when ingress.domainName is set, since the domain is served over HTTPS; allowed: an ACM certificate ARN in env.region');
  }
  const edgeOnly = (field: string, value: unknown): void => {
    if (value !== undefined && c.edge === null) p.add(field, `${show(value)} is not allowed when edge is null (no CDN); allowed: unset, or turn the edge on`);
  };
  edgeOnly('ingress.edgeCertificateArn', edgeCertificateArn);
  edgeOnly('ingress.originDomainName', originDomainName);
  if (c.edge !== null) {
    certificateIn(p, 'ingress.edgeCertificateArn', edgeCertificateArn, EDGE_REGION, EDGE_REGION, 'CloudFront only uses certificates of us-east-1');
    if (domainName !== undefined && edgeCertificateArn === undefined) {
      p.add('ingress.edgeCertificateArn', `missing value; required when the edge serves ingress.domainName over HTTPS; allowed: an ACM certificate ARN in ${EDGE_REGION} covering ${domainName}`);
    }
    if (edgeCertificateArn !== undefined && domainName === undefined) {
      p.add('ingress.domainName', 'missing value; required when ingress.edgeCertificateArn is set, since the CDN presents that certificate for this name; allowed: a lower-case DNS name');
    }
    if (originDomainName !== undefined) {
      if (originDomainName === domainName) p.add('ingress.originDomainName', `${show(originDomainName)} is not allowed; allowed: a name other than ingress.domainName, which points at the CDN`);
    } else if (certificateArn !== undefined && domainName === undefined) {
      p.add('ingress.originDomainName', 'missing value; required when the load balancer has a certificate behind the CDN and there is no ingress.domainName: the CDN verifies the origin\'s certificate against the viewer\'s host or the origin\'s name; allowed: a lower-case DNS name, such as origin.app.example.com, that certificate covers');
    }
  }
  if (hostedZone !== null) {
    for (const [field, name] of [['ingress.domainName', domainName], ['ingress.originDomainName', originDomainName]] as const) {
      if (name !== undefined && name !== hostedZone.name && !name.endsWith(`.${hostedZone.name}`)) {
        p.add(field, `${show(name)} is not allowed; allowed: a name inside ingress.hostedZone.name (${hostedZone.name})`);
      }
    }
    if (domainName === undefined) p.add('ingress.domainName', 'missing value; required when ingress.hostedZone is set, since the kit writes its records for that name; allowed: a lower-case DNS name');
  }
}

/** Whether a listener rule of this service routes its own health-check path (ALB patterns: `*` any run, `?` one character). */
function routesOwnHealthPath(s: ServiceConfig): boolean {
  const glob = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  const routed = s.pathPatterns.some((pattern) => glob(pattern).test(s.healthCheckPath));
  return routed && (s.hostHeaders.length === 0 || s.hostHeaders.some((h) => !/[*?]/.test(h)));
}

function validateEdge(p: Problems, c: BlueprintConfig): void {
  const e = c.edge;
  if (e === null) return;
  if (e.originKeepaliveTimeoutSeconds >= c.ingress.idleTimeoutSeconds) {
    // The load balancer would close connections CloudFront still reuses: 502s.
    p.add('edge.originKeepaliveTimeoutSeconds', `${e.originKeepaliveTimeoutSeconds} is not below ingress.idleTimeoutSeconds (${c.ingress.idleTimeoutSeconds}), so the load balancer would close connections CloudFront still reuses; allowed: 1 to ${Math.min(60, c.ingress.idleTimeoutSeconds - 1)}`);
  }
  if (c.firewall === null) {
    p.add('firewall', 'null is not allowed when edge is on: the CDN is the public endpoint, and its web ACL rate-limits and logs every request; allowed: an object with rateLimitPer5Minutes');
  }
  if (c.ingress.hostedZone !== null && c.ingress.originDomainName === undefined) {
    p.add('ingress.originDomainName', 'missing value; required with edge and ingress.hostedZone, since the CDN reaches the load balancers by this name, whose failover records switch regions; allowed: a lower-case DNS name inside the hosted zone, such as origin.app.example.com');
  }
  // The failover records follow a synthetic check that requests each service's health path through its own rule (ADR 0019).
  if (c.ingress.hostedZone !== null && !c.services.some(routesOwnHealthPath)) {
    p.add('services', 'no web service\'s pathPatterns route its own healthCheckPath (with no hostHeaders, or one without wildcards), which the origin check behind the failover records requests; allowed: at least one such service, e.g. healthCheckPath "/api/health" with pathPatterns ["/api/*"]');
  }
  const seen = new Set<string>();
  e.staticPaths.forEach((sp, i) => {
    if (seen.has(sp.pathPattern)) p.add(`edge.staticPaths[${i}].pathPattern`, `${show(sp.pathPattern)} is listed twice; allowed: each pattern once`);
    seen.add(sp.pathPattern);
  });
  for (const region of [c.env.region, ...(c.standby ? [c.standby.region] : [])]) {
    if (originPrefixListId(e, region) === undefined) {
      p.add(
        `edge.originPrefixListIds.${region}`,
        `missing value; the kit does not know the CloudFront origin-facing prefix list of ${region}; allowed: its pl- id (aws ec2 describe-managed-prefix-lists --region ${region} --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing), or one of ${Object.keys(CLOUDFRONT_ORIGIN_PREFIX_LISTS).join(', ')}`,
      );
    }
  }
}

/** CloudFront's cache behaviours per distribution (CloudFront quotas), less the default one. */
const CDN_BEHAVIOURS = 25;

function validateBuckets(p: Problems, c: BlueprintConfig): void {
  const seen = new Set<string>();
  const paths = new Set(c.edge?.staticPaths.map((sp) => sp.pathPattern) ?? []);
  let publicBuckets = 0;
  // The names already served by a distribution of this deployment: an alternate domain name belongs to one distribution.
  const hosts = new Map<string, string>([
    ...(c.ingress.domainName !== undefined ? [[c.ingress.domainName, 'ingress.domainName'] as const] : []),
    ...(c.ingress.originDomainName !== undefined ? [[c.ingress.originDomainName, 'ingress.originDomainName'] as const] : []),
  ]);
  // Bucket names begin with `<app>-<stage>-` (config/names.ts); S3 reserves these prefixes (General purpose bucket naming rules).
  const reserved = ['sthree-', 'amzn-s3-demo-'].find((prefix) => `${c.appName}-`.startsWith(prefix));
  if (c.buckets.length > 0 && reserved !== undefined) {
    p.add('appName', `"${c.appName}" is not allowed with buckets: their names begin with it, and S3 reserves names beginning with "${reserved}"; allowed: a name that does not begin with "sthree-" or "amzn-s3-demo-"`);
  }
  for (const b of c.buckets) {
    const at = `buckets.${b.name}`;
    if (seen.has(b.name)) p.add(`${at}.name`, `"${b.name}" is used twice; allowed: a name no other bucket has`);
    seen.add(b.name);
    if (b.public === null) continue;
    if (c.edge === null) {
      p.add(`${at}.public`, 'is not allowed without edge: public objects are served only through the CDN; allowed: null, or turn edge on (phase2 and later)');
    }
    const { pathPattern, host, certificateArn } = b.public;
    if ((pathPattern === undefined) === (host === undefined)) {
      p.add(`${at}.public`, `${pathPattern === undefined ? 'has neither pathPattern nor host' : 'has both pathPattern and host'}; allowed: exactly one, a path of the main domain (/files/*) or a host of its own (files)`);
    }
    if (certificateArn !== undefined && host === undefined) {
      p.add(`${at}.public.certificateArn`, `${show(certificateArn)} is not allowed without public.host: a path of the main domain uses ingress.edgeCertificateArn; allowed: unset, or set host`);
    }
    if (pathPattern !== undefined) {
      publicBuckets += 1;
      if (paths.has(pathPattern)) p.add(`${at}.public.pathPattern`, `${show(pathPattern)} is already an edge.staticPaths or another bucket's path; allowed: a path pattern no other cache behaviour has`);
      paths.add(pathPattern);
    }
    if (host !== undefined && c.edge !== null) publicHostRules(p, c, at, b, hosts);
  }
  if (c.edge !== null && c.edge.staticPaths.length + publicBuckets > CDN_BEHAVIOURS) {
    p.add('buckets', `${c.edge.staticPaths.length} static paths and ${publicBuckets} public buckets need ${c.edge.staticPaths.length + publicBuckets} cache behaviours; allowed: at most ${CDN_BEHAVIOURS} together (CloudFront's limit per distribution)`);
  }
}

/**
 * A bucket's own host: a name the kit can form, that no other distribution of
 * the deployment serves (CloudFront refuses an alternate domain name another
 * distribution has, in any account: CNAMEAlreadyExists), inside the hosted
 * zone the kit writes its alias in, and presented with a us-east-1
 * certificate, without which CloudFront refuses the alias ("Requirements for
 * using alternate domain names": https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html#alternate-domain-names-requirements).
 * The kit reads no certificate (synth makes no look-ups), so which names it
 * covers is the settings' promise (ADR 0033).
 */
function publicHostRules(p: Problems, c: BlueprintConfig, at: string, b: BucketConfig, hosts: Map<string, string>): void {
  const f = `${at}.public.host`;
  const label = b.public!.host!;
  const { domainName, edgeCertificateArn, hostedZone } = c.ingress;
  if (!label.includes('.') && domainName === undefined) {
    p.add(f, `${show(label)} is a label, which names ${label}.<ingress.domainName>, and ingress.domainName is unset; allowed: a full DNS name such as ${label}.example.com, or set ingress.domainName`);
    return;
  }
  const host = label.includes('.') ? label : `${label}.${domainName}`;
  const other = hosts.get(host);
  if (other !== undefined) p.add(f, `${show(host)} is already ${other}, and an alternate domain name belongs to one distribution; allowed: a name of its own such as files.${domainName ?? 'example.com'}`);
  hosts.set(host, `${at}.public.host`);
  if (hostedZone !== null && host !== hostedZone.name && !host.endsWith(`.${hostedZone.name}`)) {
    p.add(f, `${show(host)} is not allowed; allowed: a name inside ingress.hostedZone.name (${hostedZone.name}), where the kit writes its alias record`);
  }
  const own = b.public!.certificateArn;
  if (own === undefined && edgeCertificateArn === undefined) {
    p.add(`${at}.public.certificateArn`, `missing value; required for host ${host}, since CloudFront serves an alternate domain name only with a certificate covering it; allowed: an ACM certificate ARN in ${EDGE_REGION} covering ${host}, or an ingress.edgeCertificateArn that covers it`);
  }
  certificateIn(p, `${at}.public.certificateArn`, own, EDGE_REGION, EDGE_REGION, 'CloudFront only uses certificates of us-east-1');
}

function validateStandby(p: Problems, c: BlueprintConfig): void {
  const s = c.standby;
  if (s === null) return;
  if (c.edge === null && c.ingress.hostedZone !== null) {
    p.add('edge', 'null is not allowed with a standby and ingress.hostedZone: failover records switch the CDN\'s origin name between the regions; allowed: an edge object');
  }
  if (s.region === c.env.region) p.add('standby.region', `${show(s.region)} is env.region; allowed: another region`);
  zonesIn(p, 'standby.availabilityZones', s.availabilityZones, s.region);
  if (cidrsOverlap(s.vpcCidr, c.network.vpcCidr)) {
    p.add('standby.vpcCidr', `${show(s.vpcCidr)} overlaps network.vpcCidr (${c.network.vpcCidr}); allowed: a block apart from it, so the VPCs can be peered`);
  }
  certificateIn(p, 'standby.certificateArn', s.certificateArn, s.region, `standby.region (${s.region})`, 'the standby load balancer can only use a certificate of its own region');
  if (c.ingress.certificateArn !== undefined && s.certificateArn === undefined) {
    p.add('standby.certificateArn', `missing value; required when ingress.certificateArn is set, since the standby serves the same names over HTTPS; allowed: an ACM certificate ARN in ${s.region}`);
  }
  if (s.databaseSecretArn !== undefined && s.databaseSecretArn.split(':')[3] !== s.region) {
    p.add('standby.databaseSecretArn', `${show(s.databaseSecretArn)} is not allowed; allowed: a Secrets Manager secret ARN in ${s.region}`);
  }
  // The failback's replica and its tasks need the promoted database's own credentials (ADR 0029).
  if (s.role === 'failback' && s.databaseSecretArn === undefined) {
    p.add('standby.databaseSecretArn', `missing value; required with standby.role "failback", since the primary region's new replica and its tasks read the promoted database's credentials; allowed: the ARN, in ${s.region}, of the secret the promotion made standalone (docs/runbooks.md, regional failover)`);
  }
  // After a switch back the standby's new replica reads the primary's new secret; the old one names a database left behind.
  if (s.role === 'standby' && s.databaseGeneration > 1 && s.databaseSecretArn !== undefined) {
    p.add('standby.databaseSecretArn', `${show(s.databaseSecretArn)} is not allowed with standby.role "standby" and databaseGeneration ${s.databaseGeneration}: it is the secret of the database the switch back leaves behind, and the standby's tasks now read the replica of the primary's new secret; allowed: unset (docs/runbooks.md, regional failback)`);
  }
  if (s.role === 'failback' && s.databaseGeneration < 2) {
    p.add('standby.databaseGeneration', `${s.databaseGeneration} is not allowed with standby.role "failback"; allowed: a whole number from 2 to 99, the generation before the failback plus one (the primary region's new database, a replica of the promoted one)`);
  }
  if (s.previousDatabases !== 'keep' && s.databaseGeneration === 1) {
    p.add('standby.previousDatabases', `${show(s.previousDatabases)} is not allowed with databaseGeneration 1: there is no previous database; allowed: "keep"`);
  } else if (s.previousDatabases !== 'keep' && s.role === 'failback') {
    p.add('standby.previousDatabases', `${show(s.previousDatabases)} is not allowed with standby.role "failback": the primary region's diverged database stays until the switch back; allowed: "keep"`);
  }
  // With cache null the standby builds no cache, so standby.cache sizes nothing (its description says so).
  if (c.cache !== null) {
    validateCache(p, 'standby.cache', s.cache.shards, c.cache.replicasPerShard, CACHE_ALARM_BUDGET - c.redis.reduce((n, r) => n + cacheAlarms(r.shards, r.replicasPerShard), 0));
    if (!c.cache.clusterMode && s.cache.shards !== 1) {
      p.add('standby.cache.shards', `${s.cache.shards} is not allowed with cache.clusterMode false; allowed: 1`);
    }
  }
  const ceiling = Math.min(...c.services.filter((x) => x.standbyTasks === null).map((x) => x.scaling.maxTasks));
  if (s.minTasks > ceiling) p.add('standby.minTasks', `${s.minTasks} is not allowed; allowed: a whole number from 0 to ${ceiling} (the smallest scaling.maxTasks of a service without standbyTasks)`);
  for (const x of c.services) {
    if (x.standbyTasks !== null && x.standbyTasks > x.scaling.maxTasks) {
      p.add(`services.${x.name}.standbyTasks`, `${x.standbyTasks} is not allowed; allowed: a whole number from 0 to ${x.scaling.maxTasks} (the service's scaling.maxTasks)`);
    }
  }
  const workerCeiling = Math.min(...c.workers.filter((w) => w.standbyTasks === null && w.scaling.signal !== 'singleton').map((w) => workerTaskRange(w.scaling).max));
  if (s.workerTasks > workerCeiling) {
    p.add('standby.workerTasks', `${s.workerTasks} is not allowed; allowed: a whole number from 0 to ${workerCeiling} (the smallest task maximum of a worker without standbyTasks)`);
  }
}

function validateSla(p: Problems, s: SlaTable): void {
  const windows = new Map<string, number>();
  s.burnRates.forEach((w, i) => {
    const at = `sla.burnRates[${i}]`;
    if (w.shortWindowMinutes >= w.longWindowMinutes) {
      p.add(`${at}.shortWindowMinutes`, `${w.shortWindowMinutes} is not shorter than longWindowMinutes (${w.longWindowMinutes}); allowed: less than ${w.longWindowMinutes}`);
    }
    // Each pair of windows names one alarm: twice is the same alarm twice.
    const pair = `${w.longWindowMinutes}/${w.shortWindowMinutes}`;
    const first = windows.get(pair);
    if (first !== undefined) {
      p.add(at, `windows ${w.longWindowMinutes}/${w.shortWindowMinutes} minutes repeat sla.burnRates[${first}]; allowed: each pair of long and short windows once`);
    }
    windows.set(pair, first ?? i);
  });
  for (const name of ['latencyP95', 'errorRate', 'serviceDown', 'dbConnections'] as const) {
    const row = s[name];
    if (row.periodSeconds * row.evaluationPeriods > 86_400) {
      p.add(`sla.${name}.evaluationPeriods`, `${row.evaluationPeriods} periods of ${row.periodSeconds} s exceed one day; allowed: periodSeconds x evaluationPeriods up to 86400`);
    }
  }
  if (s.latencyP95.alertAboveMs < s.latencyP95.targetMs) {
    p.add('sla.latencyP95.alertAboveMs', `${s.latencyP95.alertAboveMs} is below the target (${s.latencyP95.targetMs} ms); allowed: at least sla.latencyP95.targetMs`);
  }
  for (const name of ['errorRate', 'dbConnections'] as const) {
    const row = s[name];
    if (row.alertAbovePercent < row.targetPercent) {
      p.add(`sla.${name}.alertAbovePercent`, `${row.alertAbovePercent} is below the target (${row.targetPercent}%); allowed: at least sla.${name}.targetPercent`);
    }
  }
}

/** A rule counted everywhere needs no path exception, and each path is excepted once. */
function validateFirewall(p: Problems, c: BlueprintConfig): void {
  const f = c.firewall;
  if (f === null) return;
  const prefixes = new Set<string>();
  for (const [i, e] of f.pathExceptions.entries()) {
    const at = `firewall.pathExceptions[${i}]`;
    if (prefixes.has(e.pathPrefix)) p.add(`${at}.pathPrefix`, `${show(e.pathPrefix)} is excepted twice; allowed: one exception per path, listing all its rules`);
    prefixes.add(e.pathPrefix);
    for (const rule of e.rules.filter((r) => f.countRules.includes(r))) {
      p.add(`${at}.rules`, `${show(rule)} already only counts on every path (firewall.countRules); allowed: a rule that blocks elsewhere, or remove it from countRules`);
    }
  }
}
