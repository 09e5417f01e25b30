import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCidr, Problems, show } from './checks';
import { CLOUDFRONT_ORIGIN_PREFIX_LISTS, EDGE_MAX_TTL_SECONDS, EDGE_REGION, originPrefixListId } from './edge';
import { DB_INSTANCE_MEMORY_GIB } from './postgres';
import { SCALING_TABLE } from './scaling';
import { AppSettings, BlueprintConfig, DEPLOYMENT_STRATEGIES, ImageSource, COMPLIANCE_PACK_NAMES, PRICE_CLASSES, SecretRef, ServiceConfig, SlaTable, ThresholdRow, WorkerConfig } from './types';

/** The numeric values of a TypeScript enum. */
function enumValues(e: Record<string, string | number>): number[] {
  return Object.values(e).filter((v): v is number => typeof v === 'number');
}

/** CloudWatch Logs' retention periods, in days, as aws-cdk-lib knows them (less "never expire"). */
export const LOG_RETENTION_DAYS = enumValues(logs.RetentionDays).filter((d) => d !== logs.RetentionDays.INFINITE);

/** Fargate task sizes: memory (MiB) allowed for each CPU value. */
export const FARGATE_MEMORY_MIB: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

export const POSTGRES_MAJOR_VERSIONS = ['16', '17', '18'] as const;
export const VALKEY_VERSIONS = ['7.2', '8.0', '8.1'] as const;
const PERFORMANCE_INSIGHTS_RETENTION = enumValues(rds.PerformanceInsightRetention);
const ALARM_PERIODS = [10, 30, ...range(60, 3600, 60)];

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Every problem in a merged configuration; empty when it is valid. */
export function validateConfig(c: BlueprintConfig): readonly string[] {
  const p = new Problems();
  p.matches('appName', c.appName, /^[a-z][a-z0-9-]{1,19}$/, 'lower-case letters, digits and hyphens, 2-20 characters, starting with a letter');
  validateEnv(p, c);
  validateNetwork(p, c);
  validateDatabase(p, c);
  validateCache(p, c);
  validateServices(p, c);
  validateWorkers(p, c);
  validateEventStream(p, c);
  validateIngress(p, c);
  validateEdge(p, c);
  validateStandby(p, c);
  if (c.firewall !== null) p.integer('firewall.rateLimitPer5Minutes', c.firewall.rateLimitPer5Minutes, 10, 2_000_000_000);
  validateSla(p, c.sla);
  validateAlarmRoutes(p, c);
  if (p.array('compliancePacks', c.compliancePacks)) {
    c.compliancePacks.forEach((pack, i) => p.oneOf(`compliancePacks[${i}]`, pack, COMPLIANCE_PACK_NAMES));
    if (!c.compliancePacks.includes('AwsSolutions')) p.add('compliancePacks', `${show(c.compliancePacks)} is not allowed; allowed: a list that includes "AwsSolutions"`);
  }
  p.boolean('protection.deletionProtection', c.protection.deletionProtection);
  p.boolean('protection.terminationProtection', c.protection.terminationProtection);
  p.oneOf('protection.logRetentionDays', c.protection.logRetentionDays, LOG_RETENTION_DAYS);
  p.number('telemetry.tracingSamplePercent', c.telemetry.tracingSamplePercent, 0, 100);
  p.boolean('operatorAccess.ecsExec', c.operatorAccess.ecsExec);
  if (c.telemetry.collectorImage !== null) {
    p.matches('telemetry.collectorImage', c.telemetry.collectorImage, IMAGE_PATTERN, 'a container image reference, or null for no tracing');
  }
  return p.all;
}

function validateEnv(p: Problems, c: BlueprintConfig): void {
  p.matches('env.account', c.env.account, /^\d{12}$/, 'a 12-digit AWS account id');
  p.matches('env.region', c.env.region, REGION, 'an AWS region name such as us-east-1');
  zonesOf(p, 'env.availabilityZones', c.env.availabilityZones, c.env.region, 'env.region');
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

/** Exactly three different zones of `region` (named by `regionField`). */
function zonesOf(p: Problems, field: string, zones: unknown, region: string, regionField: string): void {
  if (!p.array(field, zones)) return;
  if (zones.length !== 3 || new Set(zones).size !== 3) {
    p.add(field, `${show(zones)} is not allowed; allowed: exactly three different zones of ${regionField}`);
  }
  if (REGION.test(region)) {
    zones.forEach((z, i) => p.matches(`${field}[${i}]`, z, new RegExp(`^${region}[a-z]$`), `a zone of ${region}, such as ${region}a`));
  }
}

/** A private /16 or /17 with no host bits set. Returns whether it passed. */
function vpcCidr(p: Problems, field: string, value: unknown): boolean {
  const allowed = 'a private (RFC 1918) /16 or /17 IPv4 block with no host bits set, such as 10.0.0.0/16';
  const cidr = typeof value === 'string' ? parseCidr(value) : undefined;
  const isPrivate = (a: number): boolean =>
    a >>> 24 === 10 || a >>> 20 === (172 << 4) + 1 || a >>> 16 === (192 << 8) + 168;
  if (!cidr || cidr.prefix < 16 || cidr.prefix > 17 || cidr.address % 2 ** (32 - cidr.prefix) !== 0 || !isPrivate(cidr.address)) {
    p.add(field, `${show(value)} is not allowed; allowed: ${allowed}`);
    return false;
  }
  return true;
}

function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a)!;
  const y = parseCidr(b)!;
  const prefix = Math.min(x.prefix, y.prefix);
  return x.address >>> (32 - prefix) === y.address >>> (32 - prefix);
}

function validateNetwork(p: Problems, c: BlueprintConfig): void {
  vpcCidr(p, 'network.vpcCidr', c.network.vpcCidr);
  p.integer('network.natGateways', c.network.natGateways, 1, 3);
  p.oneOf('network.flowLogRetentionDays', c.network.flowLogRetentionDays, LOG_RETENTION_DAYS);
}

function validateDatabase(p: Problems, c: BlueprintConfig): void {
  const d = c.database;
  if (p.matches('database.engineVersion', d.engineVersion, /^\d+\.\d+$/, `a PostgreSQL major.minor version of major ${POSTGRES_MAJOR_VERSIONS.join(', ')}, such as 17.9`)) {
    p.oneOf('database.engineVersion (major)', d.engineVersion.split('.')[0], POSTGRES_MAJOR_VERSIONS);
  }
  p.oneOf('database.instanceClass', d.instanceClass, Object.keys(DB_INSTANCE_MEMORY_GIB));
  const minOk = p.integer('database.allocatedStorageGiB', d.allocatedStorageGiB, 20, 65536);
  const maxOk = p.integer('database.maxAllocatedStorageGiB', d.maxAllocatedStorageGiB, 20, 65536);
  if (minOk && maxOk && d.maxAllocatedStorageGiB < d.allocatedStorageGiB) {
    p.add('database.maxAllocatedStorageGiB', `${d.maxAllocatedStorageGiB} is less than database.allocatedStorageGiB (${d.allocatedStorageGiB}); allowed: at least ${d.allocatedStorageGiB}`);
  }
  p.integer('database.backupRetentionDays', d.backupRetentionDays, 1, 35);
  p.oneOf('database.performanceInsightsRetentionDays', d.performanceInsightsRetentionDays, PERFORMANCE_INSIGHTS_RETENTION);
  p.integer('database.readReplicas', d.readReplicas, 0, SCALING_TABLE.readReplicas.max);
  p.integer('database.backupPlanRetentionDays', d.backupPlanRetentionDays, 1, 36_500);
}

function validateCache(p: Problems, c: BlueprintConfig): void {
  const k = c.cache;
  p.matches('cache.nodeType', k.nodeType, /^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'an ElastiCache node type such as cache.t4g.small');
  p.oneOf('cache.engineVersion', k.engineVersion, VALKEY_VERSIONS);
  p.integer('cache.shards', k.shards, 1, 90);
  p.integer('cache.replicasPerShard', k.replicasPerShard, 1, 5);
  p.integer('cache.snapshotRetentionDays', k.snapshotRetentionDays, 1, 35);
}

/** OTLP ports the tracing sidecar listens on, on the task's localhost. */
const COLLECTOR_PORTS = [4317, 4318];

function validateServices(p: Problems, c: BlueprintConfig): void {
  const services = c.services;
  if (!p.array('services', services)) return;
  if (services.length === 0) p.add('services', 'the list is empty; allowed: at least one service');
  const names = new Set<string>();
  const priorities = new Map<number, string>();
  let defaultRoutes = 0;
  for (const s of services) {
    const at = `services.${typeof s.name === 'string' ? s.name : '?'}`;
    if (p.matches(`${at}.name`, s.name, NAME_PATTERN, NAME_ALLOWED)) {
      if (names.has(s.name)) p.add(`${at}.name`, `"${s.name}" is used twice; allowed: a name no other service has`);
      names.add(s.name);
    }
    validateTask(p, at, s);
    validateSettings(p, at, s, c.env.region);
    validateCommand(p, at, s.command);
    p.array(`${at}.migrationCommand`, s.migrationCommand) && s.migrationCommand.forEach((part, i) => p.matches(`${at}.migrationCommand[${i}]`, part, /^[\s\S]{1,4096}$/, 'a non-empty string'));
    if (p.integer(`${at}.containerPort`, s.containerPort, 1, 65535) && c.telemetry.collectorImage !== null && COLLECTOR_PORTS.includes(s.containerPort)) {
      p.add(`${at}.containerPort`, `${s.containerPort} clashes with the tracing collector's OTLP port in the same task; allowed: any port but ${COLLECTOR_PORTS.join(' and ')}`);
    }
    p.matches(`${at}.healthCheckPath`, s.healthCheckPath, /^\/[\w\-./~%?=&]*$/, 'a URL path starting with "/"');
    if (p.array(`${at}.pathPatterns`, s.pathPatterns)) {
      if (s.pathPatterns.length === 0 || s.pathPatterns.length > 5) {
        p.add(`${at}.pathPatterns`, `${show(s.pathPatterns)} is not allowed; allowed: 1 to 5 path patterns`);
      }
      s.pathPatterns.forEach((pat, i) => p.matches(`${at}.pathPatterns[${i}]`, pat, /^\/[\w\-./*?~%]*$/, 'a path pattern starting with "/"'));
      if (s.pathPatterns.includes('/*') && (s.hostHeaders ?? []).length === 0) defaultRoutes += 1;
      // A listener rule takes 5 condition values; behind the CDN one is the origin header.
      const values = s.pathPatterns.length + (Array.isArray(s.hostHeaders) ? s.hostHeaders.length : 0) + (c.edge ? 1 : 0);
      if (values > 5) {
        p.add(`${at}.pathPatterns`, `${values} listener condition values (paths + hosts${c.edge ? ' + the CDN origin header' : ''}) are not allowed; allowed: at most 5 in all`);
      }
    }
    if (p.array(`${at}.hostHeaders`, s.hostHeaders)) {
      if (s.hostHeaders.length > 5) p.add(`${at}.hostHeaders`, `${show(s.hostHeaders)} is not allowed; allowed: at most 5 host names`);
      s.hostHeaders.forEach((h, i) => p.matches(`${at}.hostHeaders[${i}]`, h, /^[a-z0-9*?.-]{1,128}$/, 'a host name such as api.example.com (wildcards * and ? allowed)'));
    }
    if (p.integer(`${at}.priority`, s.priority, 1, 50000)) {
      const other = priorities.get(s.priority);
      if (other) p.add(`${at}.priority`, `${s.priority} is already used by service "${other}"; allowed: a priority no other service has`);
      priorities.set(s.priority, String(s.name));
    }
    const h = s.healthCheck ?? ({} as ServiceConfig['healthCheck']);
    // The load balancer's limits: interval 5-300 s, timeout 2-120 s and below the interval, thresholds 2-10.
    if (p.integer(`${at}.healthCheck.intervalSeconds`, h.intervalSeconds, 5, 300) && p.integer(`${at}.healthCheck.timeoutSeconds`, h.timeoutSeconds, 2, 120) && h.timeoutSeconds >= h.intervalSeconds) {
      p.add(`${at}.healthCheck.timeoutSeconds`, `${h.timeoutSeconds} is not below healthCheck.intervalSeconds (${h.intervalSeconds}); allowed: less than ${h.intervalSeconds}`);
    }
    p.integer(`${at}.healthCheck.healthyThreshold`, h.healthyThreshold, 2, 10);
    p.integer(`${at}.healthCheck.unhealthyThreshold`, h.unhealthyThreshold, 2, 10);
    p.integer(`${at}.healthCheck.gracePeriodSeconds`, h.gracePeriodSeconds, 0, 300);
    p.integer(`${at}.healthCheck.deregistrationDelaySeconds`, h.deregistrationDelaySeconds, 0, 3600);
    const d = s.deployment ?? ({} as ServiceConfig['deployment']);
    if (p.oneOf(`${at}.deployment.strategy`, d.strategy, DEPLOYMENT_STRATEGIES)) {
      // ECS native deployments need a listener with forward actions only and a production rule
      // that no stack update rewrites; the kit has neither yet (ADR 0020).
      if (d.strategy !== 'rolling') {
        p.add(`${at}.deployment.strategy`, `"${d.strategy}" is experimental and refused until the load balancer supports ECS native deployments (ADR 0020); allowed: "rolling"`);
      }
    }
    p.integer(`${at}.deployment.bakeMinutes`, d.bakeMinutes, 0, 1440);
    const sc = s.scaling ?? ({} as ServiceConfig['scaling']);
    validateTaskCount(p, at, sc);
    p.integer(`${at}.scaling.cpuTargetPercent`, sc.cpuTargetPercent, 10, 90);
    p.integer(`${at}.scaling.requestsPerTargetPerMinute`, sc.requestsPerTargetPerMinute, 1, 10_000_000);
  }
  if (defaultRoutes > 1) {
    p.add('services', `${defaultRoutes} services claim the default route "/*"; allowed: at most one`);
  }
}

/** Environment variables the kit sets itself; a user's setting must not shadow them. */
const RESERVED_ENV = /^(DB_|REDIS_|QUEUE_URL|OTEL_|EVENT_STREAM_NAME$|HOME$|LOG_FORMAT$|AOT_)/;

function validateSettings(p: Problems, at: string, t: AppSettings, region: string): void {
  const names = (kind: 'environment' | 'secrets'): string[] => (t[kind] && typeof t[kind] === 'object' ? Object.keys(t[kind]) : []);
  for (const kind of ['environment', 'secrets'] as const) {
    if (typeof t[kind] !== 'object' || t[kind] === null || Array.isArray(t[kind])) {
      p.add(`${at}.${kind}`, `${show(t[kind])} is not allowed; allowed: an object of variable names`);
      continue;
    }
    for (const name of names(kind)) {
      if (p.matches(`${at}.${kind}.${name}`, name, /^[A-Za-z_][A-Za-z0-9_]{0,254}$/, 'a variable name of letters, digits and underscores') && RESERVED_ENV.test(name)) {
        p.add(`${at}.${kind}.${name}`, `"${name}" is set by the kit (database, cache, queues, tracing); allowed: any other name`);
      }
    }
  }
  for (const name of names('environment')) {
    if (typeof t.environment[name] !== 'string') p.add(`${at}.environment.${name}`, `${show(t.environment[name])} is not allowed; allowed: a string`);
  }
  for (const name of names('secrets')) {
    if (names('environment').includes(name)) p.add(`${at}.secrets.${name}`, `"${name}" is also a plain environment variable; allowed: a name used once`);
    const ref = t.secrets[name] as SecretRef;
    const f = `${at}.secrets.${name}`;
    const sources = ['secretsManager', 'ssmParameter'].filter((k) => ref && typeof ref === 'object' && k in ref);
    if (sources.length !== 1 || Object.keys(ref).some((k) => !['secretsManager', 'field', 'ssmParameter'].includes(k))) {
      p.add(f, `${show(ref)} is not allowed; allowed: { "secretsManager": name or ARN, "field"?: JSON key } or { "ssmParameter": name or ARN }`);
      continue;
    }
    const value = ref.secretsManager ?? ref.ssmParameter;
    const service = ref.secretsManager !== undefined ? 'secretsmanager' : 'ssm';
    const key = ref.secretsManager !== undefined ? 'secretsManager' : 'ssmParameter';
    if (typeof value === 'string' && value.startsWith('arn:')) {
      const arn = new RegExp(`^arn:aws[a-z-]*:${service}:([a-z0-9-]+):\\d{12}:(secret|parameter)[:/].+$`).exec(value);
      if (!arn) p.add(`${f}.${key}`, `${show(value)} is not allowed; allowed: a ${service === 'ssm' ? 'parameter' : 'secret'} name or a ${service} ARN`);
      else if (arn[1] !== region) p.add(`${f}.${key}`, `${show(value)} is in ${arn[1]}; allowed: a ${service === 'ssm' ? 'parameter' : 'secret'} in env.region (${region}), where the tasks run`);
    } else {
      p.matches(`${f}.${key}`, value, service === 'ssm' ? /^\/[\w./-]{1,1010}$/ : /^[\w/+=.@-]{1,512}$/, service === 'ssm' ? 'a parameter name starting with "/"' : 'a secret name of letters, digits and /_+=.@-');
    }
    if (ref.field !== undefined) {
      if (ref.ssmParameter !== undefined) p.add(`${f}.field`, 'is not allowed with ssmParameter; allowed: field only with secretsManager');
      else p.matches(`${f}.field`, ref.field, /^[\w.-]{1,256}$/, 'a JSON key of the secret');
    }
  }
}

/** A service's or worker's task count: whole numbers, min not above max. */
function validateTaskCount(p: Problems, at: string, sc: { readonly minTasks: number; readonly maxTasks: number }): void {
  const minOk = p.integer(`${at}.scaling.minTasks`, sc.minTasks, 1, 1000);
  const maxOk = p.integer(`${at}.scaling.maxTasks`, sc.maxTasks, 1, 1000);
  if (minOk && maxOk && sc.minTasks > sc.maxTasks) {
    p.add(`${at}.scaling.minTasks`, `${sc.minTasks} is greater than scaling.maxTasks (${sc.maxTasks}); allowed: at most ${sc.maxTasks}`);
  }
}

function validateCommand(p: Problems, at: string, command: readonly string[]): void {
  if (p.array(`${at}.command`, command)) {
    command.forEach((part, i) => p.matches(`${at}.command[${i}]`, part, /^[\s\S]{1,4096}$/, 'a non-empty string'));
  }
}

/** Image and Fargate size, shared by services and workers. */
function validateTask(p: Problems, at: string, t: { readonly image: ImageSource; readonly user: string; readonly cpu: number; readonly memoryMiB: number }): void {
  const allowed = 'a container image reference such as public.ecr.aws/nginx/nginx-unprivileged:stable-alpine, or { "directory": a folder with a Dockerfile }';
  if (typeof t.image === 'object' && t.image !== null) {
    const dir = t.image.directory;
    if (Object.keys(t.image).some((k) => k !== 'directory') || typeof dir !== 'string' || !existsSync(join(dir, 'Dockerfile'))) {
      p.add(`${at}.image`, `${show(t.image)} is not allowed; allowed: ${allowed} (relative to the project, and it must exist)`);
    }
  } else {
    p.matches(`${at}.image`, t.image, IMAGE_PATTERN, allowed);
  }
  p.matches(`${at}.user`, t.user, /^(?!0(:|$))\d{1,10}(:\d{1,10})?$/, 'a non-root numeric user, uid or uid:gid, such as 1000');
  if (p.oneOf(`${at}.cpu`, t.cpu, Object.keys(FARGATE_MEMORY_MIB).map(Number))) {
    p.oneOf(`${at}.memoryMiB`, t.memoryMiB, FARGATE_MEMORY_MIB[t.cpu]!);
  }
}

const IMAGE_PATTERN = /^[\w.-]+(:\d+)?(\/[\w.-]+)+(:[\w.-]+|@sha256:[0-9a-f]{64})?$/;
const NAME_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;
const NAME_ALLOWED = 'lower-case letters, digits and hyphens, 1-16 characters, starting with a letter';

function validateWorkers(p: Problems, c: BlueprintConfig): void {
  if (!p.array('workers', c.workers)) return;
  const taken = new Set(c.services.map((s) => s.name));
  for (const w of c.workers) {
    const at = `workers.${typeof w.name === 'string' ? w.name : '?'}`;
    if (p.matches(`${at}.name`, w.name, NAME_PATTERN, NAME_ALLOWED)) {
      if (taken.has(w.name)) p.add(`${at}.name`, `"${w.name}" is already the name of a service or worker; allowed: a name no other service or worker has`);
      taken.add(w.name);
    }
    validateTask(p, at, w);
    validateSettings(p, at, w, c.env.region);
    validateCommand(p, at, w.command);
    const sc = w.scaling ?? ({} as WorkerConfig['scaling']);
    validateTaskCount(p, at, sc);
    p.integer(`${at}.scaling.backlogPerTask`, sc.backlogPerTask, 1, 100_000);
    p.integer(`${at}.scaling.scaleOutCooldownSeconds`, sc.scaleOutCooldownSeconds, 0, 3600);
    p.integer(`${at}.scaling.scaleInCooldownSeconds`, sc.scaleInCooldownSeconds, 0, 3600);
    const q = w.queue ?? ({} as WorkerConfig['queue']);
    p.integer(`${at}.queue.visibilityTimeoutSeconds`, q.visibilityTimeoutSeconds, 0, 43_200);
    p.integer(`${at}.queue.retentionDays`, q.retentionDays, 1, 14);
    p.integer(`${at}.queue.maxReceiveCount`, q.maxReceiveCount, 1, 1000);
  }
}

function validateEventStream(p: Problems, c: BlueprintConfig): void {
  const e = c.eventStream;
  if (e === null) return;
  p.oneOf('eventStream.mode', e.mode, ['on-demand', 'provisioned']);
  p.integer('eventStream.shards', e.shards, 1, 500);
  p.integer('eventStream.retentionHours', e.retentionHours, 24, 8760);
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** An ACM certificate ARN in `region`, when set. */
function certificateIn(p: Problems, field: string, arn: string | undefined, region: string, where: string, why: string): void {
  if (arn === undefined) return;
  p.matches(field, arn, new RegExp(`^arn:aws[a-z-]*:acm:${region}:\\d{12}:certificate/[0-9a-f-]{36}$`), `an ACM certificate ARN in ${where}: ${why}`);
}

function validateIngress(p: Problems, c: BlueprintConfig): void {
  const { certificateArn, domainName, edgeCertificateArn, originDomainName, hostedZone } = c.ingress;
  certificateIn(p, 'ingress.certificateArn', certificateArn, c.env.region, `env.region (${c.env.region})`, 'the load balancer can only use a certificate of its own region');
  if (domainName !== undefined) {
    p.matches('ingress.domainName', domainName, DNS_NAME, 'a lower-case DNS name such as app.example.com');
    if (certificateArn === undefined) {
      p.add('ingress.certificateArn', 'missing value; required when ingress.domainName is set, since the domain is served over HTTPS; allowed: an ACM certificate ARN in env.region');
    }
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
      p.matches('ingress.originDomainName', originDomainName, DNS_NAME, 'a lower-case DNS name, such as origin.app.example.com, covered by ingress.certificateArn');
      if (originDomainName === domainName) p.add('ingress.originDomainName', `${show(originDomainName)} is not allowed; allowed: a name other than ingress.domainName, which points at the CDN`);
    } else if (certificateArn !== undefined && domainName === undefined) {
      p.add('ingress.originDomainName', 'missing value; required when the load balancer has a certificate behind the CDN and there is no ingress.domainName: the CDN verifies the origin\'s certificate against the viewer\'s host or the origin\'s name; allowed: a lower-case DNS name, such as origin.app.example.com, that certificate covers');
    }
  }
  if (hostedZone !== null) {
    p.matches('ingress.hostedZone.id', hostedZone.id, /^Z[A-Z0-9]{1,32}$/, 'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ');
    if (p.matches('ingress.hostedZone.name', hostedZone.name, DNS_NAME, 'the zone\'s domain such as example.com')) {
      for (const [field, name] of [['ingress.domainName', domainName], ['ingress.originDomainName', originDomainName]] as const) {
        if (name !== undefined && name !== hostedZone.name && !name.endsWith(`.${hostedZone.name}`)) {
          p.add(field, `${show(name)} is not allowed; allowed: a name inside ingress.hostedZone.name (${hostedZone.name})`);
        }
      }
    }
    if (domainName === undefined) p.add('ingress.domainName', 'missing value; required when ingress.hostedZone is set, since the kit writes its records for that name; allowed: a lower-case DNS name');
  }
}

function validateEdge(p: Problems, c: BlueprintConfig): void {
  const e = c.edge;
  if (e === null) return;
  if (c.firewall === null) {
    p.add('firewall', 'null is not allowed when edge is on: the CDN is the public endpoint, and its web ACL rate-limits and logs every request; allowed: an object with rateLimitPer5Minutes');
  }
  if (c.ingress.hostedZone !== null && c.ingress.originDomainName === undefined) {
    p.add('ingress.originDomainName', 'missing value; required with edge and ingress.hostedZone, since the CDN reaches the load balancers by this name, whose failover records switch regions; allowed: a lower-case DNS name inside the hosted zone, such as origin.app.example.com');
  }
  if (p.array('edge.staticPaths', e.staticPaths)) {
    // CloudFront allows 25 cache behaviours per distribution.
    if (e.staticPaths.length > 25) p.add('edge.staticPaths', `${e.staticPaths.length} paths are not allowed; allowed: at most 25`);
    const seen = new Set<unknown>();
    e.staticPaths.forEach((sp, i) => {
      const at = `edge.staticPaths[${i}]`;
      if (typeof sp !== 'object' || sp === null) {
        p.add(at, `${show(sp)} is not allowed; allowed: an object with pathPattern and ttlSeconds`);
        return;
      }
      if (p.matches(`${at}.pathPattern`, sp.pathPattern, /^\/[\w\-./*?~%]+$/, 'a CloudFront path pattern such as /assets/* (the default /* stays uncached)')) {
        if (seen.has(sp.pathPattern)) p.add(`${at}.pathPattern`, `${show(sp.pathPattern)} is listed twice; allowed: each pattern once`);
        seen.add(sp.pathPattern);
      }
      p.integer(`${at}.ttlSeconds`, sp.ttlSeconds, 0, EDGE_MAX_TTL_SECONDS);
    });
  }
  p.oneOf('edge.priceClass', e.priceClass, PRICE_CLASSES);
  if (typeof e.originPrefixListIds !== 'object' || e.originPrefixListIds === null || Array.isArray(e.originPrefixListIds)) {
    p.add('edge.originPrefixListIds', `${show(e.originPrefixListIds)} is not allowed; allowed: an object mapping a region to its pl- id`);
    return;
  }
  for (const [region, id] of Object.entries(e.originPrefixListIds)) p.matches(`edge.originPrefixListIds.${region}`, id, /^pl-[0-9a-f]{8,17}$/, 'a managed prefix list id such as pl-3b927c52');
  for (const region of [c.env.region, ...(c.standby ? [c.standby.region] : [])]) {
    if (originPrefixListId(e, region) === undefined) {
      p.add(
        `edge.originPrefixListIds.${region}`,
        `missing value; the kit does not know the CloudFront origin-facing prefix list of ${region}; allowed: its pl- id (aws ec2 describe-managed-prefix-lists --region ${region} --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing), or one of ${Object.keys(CLOUDFRONT_ORIGIN_PREFIX_LISTS).join(', ')}`,
      );
    }
  }
}

function validateStandby(p: Problems, c: BlueprintConfig): void {
  const s = c.standby;
  if (s === null) return;
  if (c.edge === null && c.ingress.hostedZone !== null) {
    p.add('edge', 'null is not allowed with a standby and ingress.hostedZone: failover records switch the CDN\'s origin name between the regions; allowed: an edge object');
  }
  if (p.matches('standby.region', s.region, REGION, 'an AWS region name such as us-west-2') && s.region === c.env.region) {
    p.add('standby.region', `${show(s.region)} is env.region; allowed: another region`);
  }
  zonesOf(p, 'standby.availabilityZones', s.availabilityZones, s.region, 'standby.region');
  if (vpcCidr(p, 'standby.vpcCidr', s.vpcCidr) && parseCidr(c.network.vpcCidr) !== undefined && cidrsOverlap(s.vpcCidr, c.network.vpcCidr)) {
    p.add('standby.vpcCidr', `${show(s.vpcCidr)} overlaps network.vpcCidr (${c.network.vpcCidr}); allowed: a block apart from it, so the VPCs can be peered`);
  }
  p.integer('standby.natGateways', s.natGateways, 1, 3);
  certificateIn(p, 'standby.certificateArn', s.certificateArn, s.region, `standby.region (${s.region})`, 'the standby load balancer can only use a certificate of its own region');
  if (c.ingress.certificateArn !== undefined && s.certificateArn === undefined) {
    p.add('standby.certificateArn', `missing value; required when ingress.certificateArn is set, since the standby serves the same names over HTTPS; allowed: an ACM certificate ARN in ${s.region}`);
  }
  if (s.databaseSecretArn !== undefined) {
    p.matches('standby.databaseSecretArn', s.databaseSecretArn, new RegExp(`^arn:aws[a-z-]*:secretsmanager:${s.region}:\\d{12}:secret:.+$`), `a Secrets Manager secret ARN in ${s.region}`);
  }
  p.matches('standby.cache.nodeType', s.cache.nodeType, /^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'an ElastiCache node type such as cache.r7g.large');
  p.integer('standby.cache.shards', s.cache.shards, 1, 90);
  const ceiling = Math.min(...c.services.map((x) => x.scaling.maxTasks), ...c.workers.map((w) => w.scaling.maxTasks));
  p.integer('standby.minTasks', s.minTasks, 1, Number.isFinite(ceiling) ? ceiling : 1);
}

function validateAlarmRoutes(p: Problems, c: BlueprintConfig): void {
  for (const route of ['pageEmails', 'notifyEmails'] as const) {
    if (p.array(`alarms.${route}`, c.alarms[route])) {
      c.alarms[route].forEach((e, i) => p.matches(`alarms.${route}[${i}]`, e, /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address'));
    }
  }
  if (p.array('alarms.pageHttpsEndpoints', c.alarms.pageHttpsEndpoints)) {
    c.alarms.pageHttpsEndpoints.forEach((u, i) => p.matches(`alarms.pageHttpsEndpoints[${i}]`, u, /^https:\/\/[^\s/]+(\/\S*)?$/, 'an https:// URL'));
  }
  if (c.alarms.slack !== null) {
    p.matches('alarms.slack.workspaceId', c.alarms.slack.workspaceId, /^[A-Z0-9]{9,11}$/, 'the Slack workspace id AWS Chatbot shows, such as T0123ABCD');
    p.matches('alarms.slack.channelId', c.alarms.slack.channelId, /^[A-Z0-9]{9,11}$/, 'a Slack channel id such as C0123ABCD');
  }
}

/** Minutes a burn-rate window may span: one alarm period up to a day, or whole days up to 30. */
function windowOk(minutes: unknown): boolean {
  return typeof minutes === 'number' && Number.isInteger(minutes) && minutes >= 1 && (minutes <= 1440 || (minutes % 1440 === 0 && minutes <= 43_200));
}

function validateSla(p: Problems, s: SlaTable): void {
  if (p.array('sla.burnRates', s.burnRates)) {
    s.burnRates.forEach((w, i) => {
      const at = `sla.burnRates[${i}]`;
      p.number(`${at}.burnRate`, w.burnRate, 0, 1000, true);
      for (const key of ['longWindowMinutes', 'shortWindowMinutes'] as const) {
        if (!windowOk(w[key])) p.add(`${at}.${key}`, `${show(w[key])} is not allowed; allowed: whole minutes up to 1440, or whole days (multiples of 1440) up to 43200`);
      }
      if (typeof w.shortWindowMinutes === 'number' && w.shortWindowMinutes > 1440) {
        p.add(`${at}.shortWindowMinutes`, `${w.shortWindowMinutes} is not allowed; allowed: at most 1440 (one alarm period)`);
      }
      if (w.shortWindowMinutes >= w.longWindowMinutes) {
        p.add(`${at}.shortWindowMinutes`, `${w.shortWindowMinutes} is not shorter than longWindowMinutes (${w.longWindowMinutes}); allowed: less than ${w.longWindowMinutes}`);
      }
      p.oneOf(`${at}.route`, w.route, ['page', 'notify']);
    });
  }
  const thresholdRow = (at: string, row: ThresholdRow, maximum: number): void => {
    p.number(`${at}.threshold`, row.threshold, 0, maximum);
    p.oneOf(`${at}.periodSeconds`, row.periodSeconds, ALARM_PERIODS);
    p.integer(`${at}.evaluationPeriods`, row.evaluationPeriods, 1, 1440);
    p.oneOf(`${at}.route`, row.route, ['page', 'notify']);
  };
  for (const [name, row] of Object.entries(s.saturation ?? {})) thresholdRow(`sla.saturation.${name}`, row, name.endsWith('Percent') ? 100 : 1e9);
  thresholdRow('sla.originFailover', s.originFailover, 1e9);
  p.number('sla.availabilityPercent', s.availabilityPercent, 90, 100, true);
  p.integer('sla.designRequestsPerSecond', s.designRequestsPerSecond, 1, 10_000_000);
  const rows = ['latencyP95', 'errorRate', 'serviceDown', 'dbConnections'] as const;
  for (const name of rows) {
    const row = s[name];
    p.oneOf(`sla.${name}.periodSeconds`, row.periodSeconds, ALARM_PERIODS);
    if (p.integer(`sla.${name}.evaluationPeriods`, row.evaluationPeriods, 1, 1440) && row.periodSeconds * row.evaluationPeriods > 86_400) {
      p.add(`sla.${name}.evaluationPeriods`, `${row.evaluationPeriods} periods of ${row.periodSeconds} s exceed one day; allowed: periodSeconds x evaluationPeriods up to 86400`);
    }
    p.oneOf(`sla.${name}.route`, row.route, ['page', 'notify']);
  }
  if (p.integer('sla.latencyP95.alertAboveMs', s.latencyP95.alertAboveMs, 1, 60_000) && s.latencyP95.alertAboveMs < s.latencyP95.targetMs) {
    p.add('sla.latencyP95.alertAboveMs', `${s.latencyP95.alertAboveMs} is below the target (${s.latencyP95.targetMs} ms); allowed: at least sla.latencyP95.targetMs`);
  }
  p.integer('sla.latencyP95.targetMs', s.latencyP95.targetMs, 1, 60_000);
  for (const name of ['errorRate', 'dbConnections'] as const) {
    const row = s[name];
    const alertOk = p.number(`sla.${name}.alertAbovePercent`, row.alertAbovePercent, 0, 100, true);
    const targetOk = p.number(`sla.${name}.targetPercent`, row.targetPercent, 0, 100, true);
    if (alertOk && targetOk && row.alertAbovePercent < row.targetPercent) {
      p.add(`sla.${name}.alertAbovePercent`, `${row.alertAbovePercent} is below the target (${row.targetPercent}%); allowed: at least sla.${name}.targetPercent`);
    }
  }
}
