import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CACHE_NODE_TYPES, CACHE_NODE_TYPES_TEXT, MAX_CACHE_NODES, POSTGRES_VERSIONS, VALKEY_VERSIONS, versionRanges } from './catalog';
import { parseCidr } from './checks';
import { DB_INSTANCE_MEMORY_GIB } from './postgres';
import { bool, describe as d, dict, int, intWhere, list, num, obj, oneOf, oneOfNumbers, rejection, text } from './fields';
import { COMMON_RULE_NAMES, MAX_MATCH_STRING } from './firewall';
import { REGIONS } from './regions';

/**
 * The settings, declared once. From this declaration come the TypeScript
 * types (config/types.ts), every per-field check and its message, the JSON
 * Schema of blueprint.settings.json and docs/settings.md. Checks that relate
 * two fields live in config/validate.ts; values per phase in config/phases.ts.
 *
 * To add a setting:
 * 1. Declare it in its object below, `name: d(builder(...), 'What it does.')`,
 *    with a builder of config/fields.ts (int, num, oneOf, text, list, obj,
 *    dict, ...), which gives the message and the allowed text. A list of
 *    objects with a `name` merges by name like services; `.nullable()` makes
 *    a capability that null turns off; `.optional()` a value that may be unset.
 * 2. Give it a value where it belongs: USER_DEFAULTS (config/defaults.ts),
 *    every preset of config/phases.ts, or STAGE_DEFAULTS (config/stages.ts);
 *    the compiler refuses a preset that lacks a required field. A nullable
 *    capability that a settings file may turn on gets its starting value in
 *    TEMPLATES (config/resolve.ts).
 * 3. A rule that relates it to another field goes in config/validate.ts.
 * 4. `npm run docs` rewrites docs/settings.md and blueprint.settings.schema.json;
 *    add its refusals to test/config-invalid.test.ts.
 */

export const PHASES = ['phase1', 'phase2', 'phase3'] as const;
export const STAGES = ['dev', 'staging', 'prod'] as const;
/** cdk-nag rule packs, by their rule-id prefix. */
export const COMPLIANCE_PACK_NAMES = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'] as const;
export const DEPLOYMENT_STRATEGIES = ['rolling', 'canary', 'linear', 'blue-green'] as const;
export const PRICE_CLASSES = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const;

/** The numeric values of a TypeScript enum. */
function enumValues(e: Record<string, string | number>): number[] {
  return Object.values(e).filter((v): v is number => typeof v === 'number');
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** CloudWatch Logs' retention periods, in days, as aws-cdk-lib knows them (less "never expire"). */
export const LOG_RETENTION_DAYS = enumValues(logs.RetentionDays).filter((n) => n !== logs.RetentionDays.INFINITE);

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

const ALARM_PERIODS = [10, 30, ...range(60, 3600, 60)];

// ---- shared field shapes ----

const logRetention = oneOfNumbers(LOG_RETENTION_DAYS);
const route = oneOf(['page', 'notify']);
const period = oneOfNumbers(ALARM_PERIODS, '10, 30, or a multiple of 60 up to 3600');
const evaluationPeriods = int(1, 1440);
const region = oneOf(REGIONS, `an AWS region with three zones: ${REGIONS.join(', ')}`);
const zone = text(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'an availability zone name such as us-east-1a');
const vpcCidr = text(
  /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/,
  'a private (RFC 1918) /16 or /17 IPv4 block with no host bits set, such as 10.0.0.0/16',
  (value) => {
    const cidr = parseCidr(value);
    const isPrivate = (a: number): boolean => a >>> 24 === 10 || a >>> 20 === (172 << 4) + 1 || a >>> 16 === (192 << 8) + 168;
    return cidr !== undefined && cidr.prefix >= 16 && cidr.prefix <= 17 && cidr.address % 2 ** (32 - cidr.prefix) === 0 && isPrivate(cidr.address);
  },
);
const natGateways = int(1, 3);
const cacheNodeType = oneOf(CACHE_NODE_TYPES, `an ElastiCache node type that runs Valkey: ${CACHE_NODE_TYPES_TEXT}`);
/** Shards of a cluster-mode group: ElastiCache's 500 nodes, and at least one replica each. */
const cacheShards = int(1, MAX_CACHE_NODES / 2, `a whole number from 1 to ${MAX_CACHE_NODES / 2} (ElastiCache allows ${MAX_CACHE_NODES} nodes per cluster, and each shard has a primary and a replica or more)`);
const dnsName = text(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a lower-case DNS name such as app.example.com');
const acmCertificate = text(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, 'an ACM certificate ARN');

/**
 * A container image: `[registry/]repository[:tag][@sha256:digest]` as the
 * Docker reference grammar has it (github.com/distribution/reference):
 * lower-case path components, a tag of up to 128 characters. A name without
 * a registry is a Docker Hub image (`nginx:1.27`).
 */
const IMAGE_REFERENCE =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;
const IMAGE_ALLOWED =
  '[registry/]repository[:tag][@sha256:digest] with a lower-case repository and a tag of at most 128 characters, such as nginx:1.27 or public.ecr.aws/nginx/nginx-unprivileged:stable-alpine';
const imageReference = text(IMAGE_REFERENCE, `a container image reference ${IMAGE_ALLOWED}`);
const IMAGE_SOURCE_ALLOWED = `a container image reference ${IMAGE_ALLOWED}; or { "directory": a folder with a Dockerfile, relative to the project }`;
const imageError = (iss: { input?: unknown }): string => rejection(iss.input, IMAGE_SOURCE_ALLOWED);
const imageSource = z
  .union(
    [
      z.string({ error: imageError }).regex(IMAGE_REFERENCE, { error: imageError }),
      obj({ directory: text(/^[^\0]+$/, 'a folder with a Dockerfile, relative to the project') }).refine((image) => existsSync(join(image.directory, 'Dockerfile')), { error: imageError }),
    ],
    { error: imageError },
  )
  .meta({ allowed: IMAGE_SOURCE_ALLOWED });

const NAME_ALLOWED = 'lower-case letters, digits and hyphens, 1-16 characters, starting with a letter';
const name = text(/^[a-z][a-z0-9-]{0,15}$/, NAME_ALLOWED);
/** A uid, or uid:gid; never uid 0 (root), however written. */
const user = text(/^(?!0+(:|$))\d{1,10}(:\d{1,10})?$/, 'a non-root numeric user, uid or uid:gid with a uid other than 0, such as 1000');
const command = list(text(/^[\s\S]{1,4096}$/, 'a non-empty string of at most 4096 characters'));
const cpu = oneOfNumbers(Object.keys(FARGATE_MEMORY_MIB).map(Number));
const memoryMiB = int(512, 122_880, 'a Fargate memory size valid for cpu (see docs/settings.md)');

/**
 * The variables the kit sets in an application container, and what for. Only
 * these are reserved: a setting may not shadow them, and `variableNames` may
 * give the renamable ones the name an application expects. `<NAME>` stands
 * for a queue, bucket or Redis group name (upper-case, `-` as `_`); other
 * names under the same prefix stay the application's (Mastodon's
 * S3_ENABLED, a Redis client's REDIS_DRIVER).
 */
export const KIT_VARIABLES: ReadonlyArray<{ readonly names: readonly string[]; readonly purpose: string; readonly renamable: boolean }> = [
  { names: ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USERNAME', 'DB_PASSWORD', 'DB_SSLMODE', 'DB_SSLROOTCERT', 'DB_READ_HOST', 'DB_READ_HOSTS'], purpose: 'the PostgreSQL connection', renamable: true },
  { names: ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSSLMODE', 'PGSSLROOTCERT'], purpose: 'the PostgreSQL connection, under the names libpq reads', renamable: true },
  {
    names: [
      'REDIS_HOST',
      'REDIS_PORT',
      'REDIS_TLS',
      'REDIS_CLUSTER',
      'REDIS_AUTH_TOKEN',
      'REDIS_<NAME>_HOST',
      'REDIS_<NAME>_READER_HOST',
      'REDIS_<NAME>_PORT',
      'REDIS_<NAME>_TLS',
      'REDIS_<NAME>_CLUSTER',
      'REDIS_<NAME>_AUTH_TOKEN',
    ],
    purpose: 'the Redis connection',
    renamable: true,
  },
  { names: ['QUEUE_URL_<NAME>'], purpose: 'the SQS queue URLs', renamable: true },
  { names: ['QUEUE_URL'], purpose: 'a worker\'s own queue URL, also set as QUEUE_URL_<NAME>, which variableNames may rename', renamable: false },
  { names: ['EVENT_STREAM_NAME'], purpose: 'the Kinesis event stream', renamable: true },
  // Only the names the kit sets: an application's own S3_ settings (Mastodon's S3_ENABLED, S3_ALIAS_HOST) stay free.
  { names: ['S3_BUCKET_<NAME>', 'S3_REGION', 'S3_PUBLIC_HOST_<NAME>', 'S3_PUBLIC_URL_<NAME>'], purpose: 'the S3 buckets and where viewers read public ones (ADR 0025, ADR 0033)', renamable: true },
  { names: ['TRUSTED_PROXY_HOPS'], purpose: 'the number of proxies that append to X-Forwarded-For (ADR 0028)', renamable: true },
  { names: ['SES_REGION', 'SES_CONFIGURATION_SET', 'MAIL_FROM_DOMAIN', 'SMTP_HOST', 'SMTP_PORT'], purpose: 'sending email through Amazon SES', renamable: true },
  {
    names: ['OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG', 'OTEL_PROPAGATORS'],
    purpose: 'tracing, read by the OpenTelemetry SDK under these names',
    renamable: false,
  },
  { names: ['HOME'], purpose: 'a writable home (/tmp) on the read-only root filesystem', renamable: false },
  { names: ['LOG_FORMAT'], purpose: 'JSON log lines that CloudWatch Logs Insights parses', renamable: false },
];

/** Each reserved name as a pattern: `<NAME>` matches any upper-case name (letters, digits, `_`). */
const KIT_NAME_PATTERNS: ReadonlyMap<string, RegExp> = new Map(
  KIT_VARIABLES.flatMap((v) => v.names).map((n) => [n, new RegExp(`^${n.split('<NAME>').join('[A-Z0-9_]+')}$`)]),
);

/** What the kit uses a variable for, when it sets one by that name. */
export function kitVariable(name: string): { readonly purpose: string; readonly renamable: boolean } | undefined {
  return KIT_VARIABLES.find((v) => v.names.some((n) => KIT_NAME_PATTERNS.get(n)!.test(name)));
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const anyVariableName = z.string().regex(VARIABLE, { error: (iss) => rejection(iss.input, 'a variable name of letters, digits and underscores') });
const variableName = anyVariableName.refine((n) => kitVariable(n) === undefined, {
  error: (iss) => `"${String(iss.input)}" is set by the kit for ${kitVariable(String(iss.input))?.purpose}; allowed: any name outside the reserved list (docs/settings.md), or variableNames to rename the kit's`,
});
/** A kit variable that `variableNames` may rename. */
const RENAMABLE =
  'a variable the kit sets (DB_*, PG*, REDIS_HOST, REDIS_PORT, REDIS_TLS, REDIS_CLUSTER, REDIS_AUTH_TOKEN, REDIS_<NAME>_*, QUEUE_URL_<NAME>, EVENT_STREAM_NAME, S3_BUCKET_<NAME>, S3_REGION, S3_PUBLIC_HOST_<NAME>, S3_PUBLIC_URL_<NAME>, TRUSTED_PROXY_HOPS, SES_*, MAIL_FROM_DOMAIN, SMTP_*)';
const renamableName = anyVariableName.refine((n) => kitVariable(n)?.renamable === true, {
  error: (iss) => {
    const kit = kitVariable(String(iss.input));
    return kit
      ? `"${String(iss.input)}" keeps its name: the kit sets it for ${kit.purpose}; allowed: ${RENAMABLE}`
      : `"${String(iss.input)}" is not allowed; allowed: ${RENAMABLE}`;
  },
});

/**
 * A PostgreSQL login name that is neither the master user nor reserved by
 * PostgreSQL (`pg_`) or RDS (`rds`), short enough (63 bytes) for the
 * rotation's `_clone` twin.
 */
const pgLogin = text(
  /^[a-z][a-z0-9_]{0,56}$/,
  'a lowercase PostgreSQL login of up to 57 letters, digits and underscores, other than dbadmin and not starting with pg_ or rds',
  (s) => s !== 'dbadmin' && !s.startsWith('pg_') && !s.startsWith('rds'),
);

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+$/;
const secretSource = text(/^(arn:|[\w/+=.@-]{1,512}$)/, 'a secret name of letters, digits and /_+=.@-, or a Secrets Manager secret ARN', (v) => !v.startsWith('arn:') || SECRET_ARN.test(v));
const parameterSource = text(/^(arn:|\/[\w./-]{1,1010}$)/, 'a parameter name starting with "/", or an SSM parameter ARN (arn:aws:ssm:region:account:parameter/name)', (v) => !v.startsWith('arn:') || PARAMETER_ARN.test(v));
/** Exactly one source of the secret. */
const oneSource = (ref: { secretsManager?: string; ssmParameter?: string }) => [ref.secretsManager, ref.ssmParameter].filter((v) => v !== undefined).length === 1;
const secretRef = obj({
  secretsManager: d(secretSource.optional(), 'Secrets Manager secret name or full ARN (in env.region).'),
  field: d(text(/^[\w.-]{1,256}$/, 'a JSON key of the secret').optional(), 'JSON key inside the secret; the whole value when absent.'),
  ssmParameter: d(parameterSource.optional(), 'SSM SecureString parameter name (`/app/key`) or ARN (in env.region and env.account).'),
  standby: d(
    obj({
      secretsManager: d(secretSource.optional(), 'Secrets Manager secret name or full ARN in standby.region.'),
      ssmParameter: d(parameterSource.optional(), 'SSM SecureString parameter name or ARN in standby.region and env.account.'),
    }).optional(),
    'The same secret as the standby region\'s tasks read it, when it is not found there under the same name: the same kind of source, `field` applying to both. Unset: the standby\'s tasks read the same name in standby.region (a Secrets Manager replica keeps the name).',
  ),
}).superRefine((ref, ctx) => {
  if (!oneSource(ref)) {
    ctx.addIssue({ code: 'custom', message: rejection(ref, '{ "secretsManager": name or ARN, "field"?: JSON key } or { "ssmParameter": name or ARN }') });
  } else if (ref.field !== undefined && ref.ssmParameter !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['field'], message: 'is not allowed with ssmParameter; allowed: field only with secretsManager' });
  } else if (ref.standby !== undefined) {
    const kind = ref.secretsManager !== undefined ? 'secretsManager' : 'ssmParameter';
    if (!oneSource(ref.standby) || ref.standby[kind] === undefined) {
      ctx.addIssue({ code: 'custom', path: ['standby'], message: rejection(ref.standby, `{ "${kind}": name or ARN in standby.region }, the same kind as the secret`) });
    }
  }
});

const commonRule = oneOf(COMMON_RULE_NAMES, `a rule of AWSManagedRulesCommonRuleSet: ${COMMON_RULE_NAMES.join(', ')}`);
const pathPrefix = text(
  new RegExp(`^/[\\w\\-./~%]{0,${MAX_MATCH_STRING - 1}}$`),
  `a URL path prefix starting with "/", at most ${MAX_MATCH_STRING} characters, without wildcards, such as /api/uploads/`,
);
export const BUCKET_ACCESS = ['read', 'read-write'] as const;
/** Most prefix grants one task may hold on one bucket: each is two statements of the task role's policy (10,240 characters inline). */
export const MAX_PREFIX_GRANTS = 10;
const BUCKET_GRANT_ALLOWED = `"read", "read-write", { "access": "read" or "read-write", "prefix": "folder/" }, or a list of 1 to ${MAX_PREFIX_GRANTS} such objects`;
const bucketGrantError = (iss: { input?: unknown }): string => rejection(iss.input, BUCKET_GRANT_ALLOWED);
/** Access to the objects under one key prefix; the prefix's own rules are in config/validate.ts, each with its own message. */
const prefixGrant = z.strictObject({ access: z.enum(BUCKET_ACCESS, { error: bucketGrantError }), prefix: z.string({ error: bucketGrantError }) }, { error: bucketGrantError });
/** What a task may do on a bucket: all of it, or only under one or more key prefixes. */
const bucketGrant = z
  .union([z.enum(BUCKET_ACCESS, { error: bucketGrantError }), prefixGrant, z.array(prefixGrant, { error: bucketGrantError }).min(1, { error: bucketGrantError }).max(MAX_PREFIX_GRANTS, { error: bucketGrantError })], {
    error: bucketGrantError,
  })
  .meta({ allowed: BUCKET_GRANT_ALLOWED });

/** A URL an application reads whole: where it points, and what the path or query adds (ADR 0031). */
const connectionUrl = obj({
  to: d(
    text(/^(database|database-reader|cache|redis:[a-z][a-z0-9-]{0,15})$/, 'database, database-reader, cache or redis:<name of a redis group>'),
    'The endpoint: `database` (the primary), `database-reader` (DB_READ_HOST, or the first replica with sslMode verify-full), `cache`, or `redis:<name>` of a `redis` group.',
  ),
  redisDatabase: d(int(0, 15).optional(), 'Redis database number in the URL path (Redis targets only; cluster mode has only 0). Default 0.'),
  query: d(
    dict(text(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'a parameter name of letters, digits, _ . -'), text(/^[\s\S]{0,256}$/, 'a text value of at most 256 characters'), 'an object of URL parameter names and values').optional(),
    'Extra URL parameters, values URL-encoded, e.g. `{ "uselibpqcompat": "true" }` for node-postgres, or `{ "ssl_cert_reqs": "required" }` for Celery\'s Redis broker, which otherwise skips the certificate check on a `rediss://` URL. A Redis URL with a query is one more key (and dynamic reference) in its group\'s URL secret (ADR 0031).',
  ),
});

const appSettings = {
  buckets: d(
    dict(name, bucketGrant, `an object of bucket names (of \`buckets\`) and for each ${BUCKET_GRANT_ALLOWED}`),
    'Buckets the task may use, by name: `read` (get and list) or `read-write` (also put, delete, abort uploads) on the whole bucket, or `{ "access": ..., "prefix": "public/" }` on the objects under one key prefix (a list of those for several); each bucket arrives as S3_BUCKET_<NAME>, with S3_REGION (ADR 0025).',
  ),
  environment: d(
    dict(variableName, text(/^[\s\S]*$/, 'a text value'), 'an object of variable names and string values'),
    `Plain environment variables; never secrets. Reserved, set by the kit: ${KIT_VARIABLES.map((v) => `${v.names.join(', ')} (${v.purpose}${v.renamable ? '' : '; not renamable'})`).join('; ')}.`,
  ),
  secrets: d(
    dict(variableName, secretRef, 'an object of variable names and secret references'),
    'Environment variables ECS fills from Secrets Manager or SSM Parameter Store when the task starts; the task may read exactly these.',
  ),
  variableNames: d(
    dict(renamableName, variableName, 'an object mapping a variable the kit sets to the name the application reads'),
    'Renames the kit\'s connection variables to the names the application reads, e.g. `{ "DB_USERNAME": "DB_USER" }`; the kit\'s name is then absent. Reserved names and their purposes: README, "The application container".',
  ),
  connectionUrls: d(
    dict(variableName, connectionUrl, 'an object of variable names and { "to": "database" | "database-reader" | "cache" | "redis:<name>", "redisDatabase"?: 0-15, "query"?: { name: value } }'),
    'Variables holding a whole connection URL, for applications that read one (DATABASE_URL, REDIS_URL, CELERY_BROKER_URL). A database URL is `postgresql://<host>:<port>/<database>?sslmode=...` with neither user nor password: drivers read them from PGUSER and PGPASSWORD, so it survives a rotation. A Redis URL (`rediss://:<token>@<host>:6379/<redisDatabase>[?<query>]`) holds the AUTH token and arrives as a secret (ADR 0031).',
  ),
  sendsEmail: d(bool(), 'Grants ses:SendEmail and ses:SendRawEmail on the deployment\'s email identity (`email`), and sets the SES variables; false: no email permission.'),
};

/** Directories a container may write to besides /tmp: absolute, not the root, not /tmp itself. */
const writablePath = text(
  /^\/(?!tmp(\/|$))[\w.-]+(\/[\w.-]+)*$/,
  'an absolute directory path other than / and /tmp, such as /app/tmp or /var/cache/nginx',
  (v) => !v.split('/').some((part) => part === '.' || part === '..'),
);

const containerSettings = {
  stopTimeoutSeconds: d(
    int(2, 120, 'a whole number from 2 to 120 (Fargate waits at most 120 seconds after SIGTERM)'),
    'Seconds ECS waits after SIGTERM before it kills the container: time to finish in-flight requests or the current job.',
  ),
  writablePaths: d(
    list(writablePath, 0, 20, 'at most 20 distinct directory paths').refine((paths) => new Set(paths).size === paths.length, {
      error: (iss) => rejection(iss.input, 'distinct directory paths'),
    }),
    'Directories the container may write to besides /tmp (the root filesystem stays read-only): each an empty task-scoped volume, lost when the task stops.',
  ),
  readOnlyRootFilesystem: d(
    bool(),
    'true: the container\'s root filesystem is read-only (AWS Security Hub ECS.5), writable only at /tmp and writablePaths; false: writable, for an image whose start writes outside any volume (its own configuration under /etc, /run): an explicit exception to the Control Tower read-only check, printed at every synth.',
  ),
};

const healthCheck = obj({
  intervalSeconds: d(int(5, 300), 'Seconds between probes (the load balancer allows 5-300).'),
  timeoutSeconds: d(int(2, 120), 'Seconds a probe may take; less than intervalSeconds.'),
  healthyThreshold: d(int(2, 10), 'Consecutive successes before a target takes traffic.'),
  unhealthyThreshold: d(int(2, 10), 'Consecutive failures before a target (or container) is unhealthy.'),
  gracePeriodSeconds: d(int(0, 300), 'Seconds a new task may start up before failed checks count.'),
  deregistrationDelaySeconds: d(int(0, 3600), 'Seconds a draining task keeps serving in-flight requests.'),
});

const deployment = obj({
  strategy: d(
    oneOf(DEPLOYMENT_STRATEGIES),
    '`rolling` replaces tasks in place (circuit breaker on); `canary`, `linear` and `blue-green` are ECS native deployments that start the new version beside the old one and shift traffic through a second target group, refused at synth until the load balancer supports them (ADR 0020).',
  ),
  stepPercent: d(num(0.1, 100), 'Canary: share of traffic first shifted; linear: share shifted per step (at least 3), percent.'),
  bakeMinutes: d(int(0, 1440), 'Minutes to watch the alarms after each shift (and before the old version goes).'),
  minHealthyPercent: d(int(0, 100), 'Rolling: share of the desired tasks that must keep running during a deployment, percent; below maxPercent.'),
  maxPercent: d(int(100, 200), 'Rolling: most tasks running during a deployment, percent of the desired count; above minHealthyPercent.'),
});

/** Load-balancer cookie (duration only) or the application's own cookie (cookieName). */
const stickiness = obj({
  durationSeconds: d(int(1, 604_800), 'Seconds a client stays on one task (the load balancer allows up to 7 days).'),
  cookieName: d(
    text(
      /^(?!AWSALB|AWSALBAPP|AWSALBTG)[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}$/,
      'a cookie name of letters, digits and !#$%&\'*+.^_`|~- not starting with AWSALB, AWSALBAPP or AWSALBTG',
    ).optional(),
    'The application\'s session cookie: stickiness follows it (`app_cookie`); absent: the load balancer\'s own cookie (`lb_cookie`).',
  ),
});

const taskCount = {
  minTasks: d(int(1, 1000), 'Fewest running tasks; not above maxTasks.'),
  maxTasks: d(int(1, 1000), 'Most running tasks autoscaling may start.'),
};

/** Tasks in the standby region until a failover; null: the standby's default. */
const standbyTasks = d(
  int(0, 1000).nullable(),
  'Tasks in the standby region until a failover promotes it (0: none); null: standby.minTasks for a service, standby.workerTasks for a worker.',
);

export const serviceSchema = obj({
  name: d(name, 'Unique name; keys construct IDs, so renaming a service replaces it.'),
  image: d(imageSource, 'Registry reference (a Docker Hub short name such as nginx:1.27 included), or `{ "directory": "path" }` built from its Dockerfile at deploy time.'),
  user: d(user, 'Non-root user (uid or uid:gid) the container runs as.'),
  ...appSettings,
  containerPort: d(int(1, 65535), 'Port the container listens on; the load balancer sends requests there.'),
  cpu: d(cpu, 'Fargate task CPU units.'),
  memoryMiB: d(memoryMiB, 'Fargate task memory in MiB, valid for `cpu` (256: 512-2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384; 4096: 8192-30720, by 1024; 8192: 16384-61440, by 4096; 16384: 32768-122880, by 8192).'),
  command: d(command, 'Command overriding the image\'s; empty: the image\'s own.'),
  healthCheckPath: d(
    text(/^\/[\w\-./~%?=&]{0,1023}$/, 'a URL path starting with "/", at most 1024 characters'),
    'Path the load balancer and the container health check probe.',
  ),
  healthCheck: d(healthCheck, 'One health check drives both the load balancer\'s and the container\'s probe.'),
  containerHealthCommand: d(
    list(text(/^[\s\S]{1,4096}$/, 'a non-empty string of at most 4096 characters'), 0, 100, 'a list of strings (a command in exec form), or null for none').nullable(),
    'The container\'s own health check, run inside it in exec form (no shell), exit 0 meaning healthy, e.g. `["python3", "-c", "import urllib.request as u; u.urlopen(\'http://localhost:8000/health/\')"]` for an image without wget; empty: `wget` against healthCheckPath (the image needs wget); null: none, the load balancer\'s check alone replaces a failing task.',
  ),
  pathPatterns: d(
    list(text(/^\/[\w\-./*?~%]{0,127}$/, 'a path pattern starting with "/", at most 128 characters'), 1, 5, '1 to 5 path patterns'),
    'Path patterns routed to this service; `/*` is the default route.',
  ),
  hostHeaders: d(
    list(text(/^[a-z0-9*?.-]{1,128}$/, 'a host name such as api.example.com (wildcards * and ? allowed)'), 0, 5, 'at most 5 host names'),
    'Host names routed to this service (with its path patterns); empty: any host.',
  ),
  priority: d(int(1, 50_000), 'Listener rule priority, unique across services; lower is evaluated first.'),
  stickiness: d(stickiness.nullable(), 'Sends a client\'s requests to the same task while its cookie lasts (sessions kept in memory, WebSocket fallbacks); null: every request balanced anew.'),
  ...containerSettings,
  scaling: d(
    obj({
      ...taskCount,
      cpuTargetPercent: d(int(10, 90), 'Target-tracking CPU utilisation, percent.'),
      requestsPerTargetPerMinute: d(int(1, 10_000_000), 'Target-tracking load balancer requests per task per minute.'),
    }),
    'Task count and the targets autoscaling tracks.',
  ),
  deployment: d(deployment, 'How a new version replaces the running one; every strategy rolls back on the SLA alarms.'),
  standbyTasks,
  migrationCommand: d(
    command,
    'Database migration run as a one-off task with the service\'s image, settings and database access, before the new version is deployed (see docs/deploy.md); empty: none.',
  ),
});

/** One named Valkey group besides the cache (ADR 0003). */
export const redisSchema = obj({
  name: d(text(/^[a-z][a-z0-9]{0,9}$/, 'lower-case letters and digits, 1-10 characters, starting with a letter (the group id <appName>-<stage>-<name> has at most 40)'), 'Unique name; keys the construct, the group id and the REDIS_<NAME>_* variables.'),
  role: d(oneOf(['cache', 'store']), 'cache: may evict and be rebuilt; store (jobs, sessions, feeds): never evicts (noeviction), never replaced by an upgrade.'),
  clusterMode: d(bool(), 'Cluster mode (cluster-aware clients only); false: a primary and a reader endpoint that Sidekiq, Celery, BullMQ and Resque can use. Changing it replaces the group.'),
  nodeType: d(cacheNodeType, 'ElastiCache node type; changes in place (online vertical scaling).'),
  engineVersion: d(oneOf(VALKEY_VERSIONS), 'Valkey engine version.'),
  shards: d(cacheShards, 'Shards (node groups), with cluster mode; exactly 1 without.'),
  replicasPerShard: d(int(1, 5), 'Replicas per shard: at least 1 for Multi-AZ failover.'),
  snapshotRetentionDays: d(int(1, 35), 'Daily snapshot retention in days.'),
});
const cooldowns = {
  scaleOutCooldownSeconds: d(int(0, 3600), 'Seconds between scale-outs: short, so a backlog is met quickly.'),
  scaleInCooldownSeconds: d(int(0, 3600), 'Seconds between scale-ins: long, so a pause between bursts keeps the tasks.'),
};

/** Application Auto Scaling's statistics for a customized metric. */
export const METRIC_STATISTICS = ['Average', 'Minimum', 'Maximum', 'Sum', 'SampleCount'] as const;
export const WORKER_SIGNALS = ['backlog', 'cpu', 'metric', 'schedule', 'fixed', 'singleton'] as const;
const WORKER_SCALING_ALLOWED =
  'an object with "signal" one of "backlog", "cpu", "metric", "schedule", "fixed", "singleton" and that signal\'s fields (see docs/settings.md)';
const signal = <const T extends string>(value: T) => d(oneOf([value] as [T]), 'What the task count follows; see the other signals in docs/settings.md.');
/** An IANA time zone name, as EventBridge Scheduler and scheduled scaling take it. */
const timezone = text(/^(UTC|[A-Z][A-Za-z_-]+(\/[A-Za-z0-9_+-]+){1,2})$/, 'an IANA time zone name such as UTC or Europe/Berlin', (tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
});
/** A six-field EventBridge cron expression, `cron(min hour day-of-month month day-of-week year)`. */
const cron = text(
  /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/,
  'a cron expression with six fields, cron(minutes hours day-of-month month day-of-week year), one of day-of-month and day-of-week "?", such as cron(0 3 * * ? *)',
  (v) => {
    const f = v.slice(5, -1).split(' ');
    return (f[2] === '?') !== (f[4] === '?');
  },
);

/**
 * How a worker's task count is decided: a discriminated union on `signal`, so
 * each signal carries exactly its own fields.
 */
export const workerScalingSchema = z
  .discriminatedUnion(
    'signal',
    [
      obj({
        signal: signal('backlog'),
        ...taskCount,
        backlogPerTask: d(int(1, 100_000), 'Target visible messages per running task (backlog per task); needs the worker\'s queue.'),
        ...cooldowns,
      }),
      obj({
        signal: signal('cpu'),
        ...taskCount,
        cpuTargetPercent: d(int(10, 90), 'Target-tracking CPU utilisation, percent.'),
        ...cooldowns,
      }),
      obj({
        signal: signal('metric'),
        ...taskCount,
        namespace: d(text(/^(?!AWS\/)[^:]{1,255}$/, 'a CloudWatch namespace of the application, 1-255 characters, not starting with AWS/ nor containing ":"'), 'Namespace of the metric the application publishes.'),
        metricName: d(text(/^[\s\S]{1,255}$/, 'a metric name of 1-255 characters'), 'Name of the metric, e.g. job-queue latency in seconds.'),
        dimensions: d(
          dict(text(/^[\s\S]{1,255}$/, 'a dimension name of 1-255 characters'), text(/^[\s\S]{1,1024}$/, 'a dimension value of 1-1024 characters'), 'an object of up to 30 dimension names and values'),
          'Dimensions the application publishes the metric with, exactly.',
        ),
        statistic: d(oneOf(METRIC_STATISTICS), 'Statistic target tracking reads.'),
        targetValue: d(num(0, 1e12, true), 'Value the metric is held at: above it tasks are added, below it removed. The metric must grow with load per task (latency, queue depth per task).'),
        ...cooldowns,
      }),
      obj({
        signal: signal('schedule'),
        minTasks: d(int(0, 1000), 'Fewest tasks outside every action (0: none); not above maxTasks.'),
        maxTasks: d(int(1, 1000), 'Most tasks outside every action.'),
        timezone: d(timezone, 'Time zone the actions\' cron expressions are read in.'),
        actions: d(
          list(
            obj({
              name: d(text(/^[A-Za-z0-9-]{1,64}$/, 'letters, digits and hyphens, 1-64 characters'), 'Name of the scheduled action, unique within the worker.'),
              schedule: d(cron, 'When the action applies.'),
              minTasks: d(int(0, 1000), 'Fewest tasks from then on.'),
              maxTasks: d(int(0, 1000), 'Most tasks from then on; at least minTasks.'),
            }),
            1,
            50,
            '1 to 50 actions',
          ),
          'Scheduled scaling actions, each setting the task range from its time on.',
        ),
      }),
      obj({
        signal: signal('fixed'),
        tasks: d(int(1, 1000), 'Tasks always running; no autoscaling.'),
      }),
      obj({ signal: signal('singleton') }),
    ],
    {
      error: (iss) => {
        const input = iss.input as { signal?: unknown } | undefined;
        // An unknown signal is reported at `signal` (the path the library gives), with the signals allowed.
        return typeof input === 'object' && input !== null && input.signal !== undefined
          ? rejection(input.signal, WORKER_SIGNALS.map((v) => `"${v}"`).join(', '))
          : rejection(iss.input, WORKER_SCALING_ALLOWED);
      },
    },
  )
  .meta({ allowed: WORKER_SCALING_ALLOWED });

export const workerSchema = obj({
  name: d(name, 'Unique name among services and workers; keys construct ids and the queue.'),
  image: d(imageSource, 'Registry reference, or `{ "directory": "path" }` built from its Dockerfile at deploy time.'),
  user: d(user, 'Non-root user (uid or uid:gid) the container runs as.'),
  ...appSettings,
  command: d(command, 'Command overriding the image\'s; with a queue, its URL is in QUEUE_URL.'),
  containerHealthCommand: d(
    list(text(/^[\s\S]{1,4096}$/, 'a non-empty string of at most 4096 characters'), 1, 100, 'a non-empty list of strings (a command in exec form), or null for none').nullable(),
    'The container\'s health check, run inside it in exec form (no shell; `["sh", "-c", "..."]` for one), exit 0 meaning healthy, e.g. `["celery", "--app", "proj", "inspect", "ping"]`: ECS replaces a task whose check fails `containerHealthCheck.retries` times in a row; null: none (a worker has no port to probe), so only a task whose process exits is replaced.',
  ),
  containerHealthCheck: d(
    obj({
      intervalSeconds: d(int(5, 300), 'Seconds between two runs of the command.'),
      timeoutSeconds: d(int(2, 120), 'Seconds one run may take before it counts as a failure; below intervalSeconds.'),
      retries: d(int(1, 10), 'Failures in a row before the container is unhealthy and ECS replaces the task.'),
      startPeriodSeconds: d(int(0, 300), 'Seconds after the start during which failures do not count (0: none).'),
    }),
    'When and how long containerHealthCommand runs; read only with a containerHealthCommand.',
  ),
  ...containerSettings,
  cpu: d(cpu, 'Fargate task CPU units.'),
  memoryMiB: d(memoryMiB, 'Fargate task memory in MiB, valid for `cpu`.'),
  scaling: d(
    workerScalingSchema,
    'What decides the task count: `backlog` (the queue\'s visible messages per task), `cpu`, `metric` (a CloudWatch metric the application publishes, e.g. job latency), `schedule` (cron actions), `fixed` (a set count) or `singleton` (exactly one task, never two at once, even during a deployment).',
  ),
  queue: d(
    obj({
      visibilityTimeoutSeconds: d(int(0, 43_200), 'Seconds a received message stays hidden; longer than the worst processing time.'),
      retentionDays: d(int(1, 14), 'Days an unprocessed message is kept.'),
      maxReceiveCount: d(int(1, 1000), 'Receives before a message moves to the dead-letter queue.'),
    }).nullable(),
    'The worker\'s own SQS queue and dead-letter queue (URL in QUEUE_URL); null: none, for a worker whose work comes from elsewhere (a Redis-backed job system, a stream, an API) or from nowhere.',
  ),
  standbyTasks,
});

export const scheduleSchema = obj({
  name: d(name, 'Unique name among schedules; keys construct ids, the stack and the schedule.'),
  schedule: d(
    text(
      /^(cron\(\S+ \S+ \S+ \S+ \S+ \S+\)|rate\([1-9]\d{0,5} (minute|minutes|hour|hours|day|days)\))$/,
      'cron(minutes hours day-of-month month day-of-week year) with one of day-of-month and day-of-week "?", or rate(N minutes|hours|days), such as cron(0 3 * * ? *)',
      (v) => {
        if (v.startsWith('rate(')) return /^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/.test(v);
        const f = v.slice(5, -1).split(' ');
        return (f[2] === '?') !== (f[4] === '?');
      },
    ),
    'EventBridge Scheduler expression: when the task starts.',
  ),
  timezone: d(timezone, 'Time zone a cron expression is read in (daylight saving included).'),
  image: d(imageSource.optional(), 'Registry reference or `{ "directory": "path" }`; unset: the first service\'s image.'),
  user: d(user, 'Non-root user (uid or uid:gid) the container runs as.'),
  command: d(list(text(/^[\s\S]{1,4096}$/, 'a non-empty string of at most 4096 characters'), 1, 1000, 'a list of 1 to 1000 strings'), 'Command the task runs; it exits when the job is done.'),
  cpu: d(cpu, 'Fargate task CPU units.'),
  memoryMiB: d(memoryMiB, 'Fargate task memory in MiB, valid for `cpu`.'),
  ...appSettings,
  ...containerSettings,
  retries: d(int(0, 185), 'Times EventBridge Scheduler retries a start that failed (RunTask refused), before the dead-letter queue.'),
  maxEventAgeSeconds: d(int(60, 86_400), 'Seconds after the scheduled time past which a start is no longer retried.'),
});

const thresholdRow = (maximum: number, description: string) =>
  d(
    obj({
      threshold: d(num(0, maximum), 'The alarm\'s threshold, in the unit its name says.'),
      periodSeconds: d(period, 'Seconds per evaluated period.'),
      evaluationPeriods: d(evaluationPeriods, 'Periods the threshold must be crossed before the alarm fires.'),
      route: d(route, 'Topic the alarm goes to: `page` wakes someone, `notify` waits for working hours.'),
    }),
    description,
  );

/** Minutes a burn-rate window may span: up to a day, or whole days up to 30. */
const burnWindow = intWhere(
  (m) => m >= 1 && (m <= 1440 || (m % 1440 === 0 && m <= 43_200)),
  'whole minutes up to 1440, or whole days (multiples of 1440) up to 43200',
);

const rowTiming = {
  periodSeconds: d(period, 'Seconds per evaluated period.'),
  evaluationPeriods: d(evaluationPeriods, 'Periods the threshold must be crossed before the alarm fires; periodSeconds x evaluationPeriods at most a day.'),
  route: d(route, 'Topic the alarm goes to: `page` wakes someone, `notify` waits for working hours.'),
};

const slaSchema = obj({
  availabilityPercent: d(num(90, 100, true), 'Availability objective, percent (e.g. 99.9).'),
  latencyP95: d(
    obj({
      targetMs: d(int(1, 60_000), 'p95 target, ms (for dashboards and docs).'),
      alertAboveMs: d(int(1, 60_000), 'Alarm when p95 is above this, ms; at least targetMs.'),
      ...rowTiming,
    }),
    'Latency objective and its alarm.',
  ),
  errorRate: d(
    obj({
      targetPercent: d(num(0, 100, true), 'Share of requests answered 5XX the objective allows, percent.'),
      alertAbovePercent: d(num(0, 100, true), 'Alarm when the 5XX share is above this, percent; at least targetPercent.'),
      ...rowTiming,
    }),
    'Error-rate objective and its alarm.',
  ),
  serviceDown: d(obj(rowTiming), 'Alarm when a service has no healthy target.'),
  dbConnections: d(
    obj({
      targetPercent: d(num(0, 100, true), 'Share of max_connections the database should stay under, percent.'),
      alertAbovePercent: d(num(0, 100, true), 'Alarm when connections are above this share of max_connections, percent.'),
      ...rowTiming,
    }),
    'Database connection objective and its alarm.',
  ),
  designRequestsPerSecond: d(int(1, 10_000_000), 'Sustained request rate the phase is sized for (capacity target, not an alarm).'),
  burnRates: d(
    list(
      obj({
        burnRate: d(num(0, 1000, true), 'How many times faster than the objective allows the error budget burns.'),
        longWindowMinutes: d(burnWindow, 'The long window, minutes: the burn must last this long.'),
        shortWindowMinutes: d(int(1, 1440, 'whole minutes from 1 to 1440 (one alarm period)'), 'The short window, minutes, shorter than the long one: stops the alarm once the burn has ended.'),
        route: d(route, 'Topic the alarm goes to.'),
      }),
    ),
    'Availability SLO burn-rate rules (multi-window, SRE workbook), each pair of windows once.',
  ),
  saturation: d(
    obj({
      ecsCpuPercent: thresholdRow(100, 'ECS service average CPU above, percent.'),
      ecsMemoryPercent: thresholdRow(100, 'ECS service average memory above, percent.'),
      rdsCpuPercent: thresholdRow(100, 'RDS CPU above, percent.'),
      rdsFreeStoragePercent: thresholdRow(100, 'RDS free storage below, percent of the storage ceiling.'),
      rdsFreeableMemoryPercent: thresholdRow(100, 'RDS freeable memory below, percent of the instance class\'s memory.'),
      rdsReplicaLagSeconds: thresholdRow(1e9, 'Read replica lag above, seconds.'),
      cacheEngineCpuPercent: thresholdRow(100, 'Cache engine CPU above, percent (per node).'),
      cacheMemoryPercent: thresholdRow(100, 'Cache memory used above, percent (per node).'),
      cacheEvictions: thresholdRow(1e9, 'Cache evictions per period above (per node).'),
      cacheReplicationLagSeconds: thresholdRow(1e9, 'Cache replica replication lag above, seconds (per replica node).'),
      queueOldestMessageSeconds: thresholdRow(1e9, 'Age of a queue\'s oldest message above, seconds.'),
      deadLetterMessages: thresholdRow(1e9, 'Messages in a dead-letter queue above (0: any).'),
      streamIteratorAgeSeconds: thresholdRow(1e9, 'Event-stream consumer iterator age above, seconds.'),
    }),
    'docs/architecture.md §3\'s saturation alarms, every phase.',
  ),
  originFailover: thresholdRow(
    1e9,
    '5XX responses the load balancer itself returns (no healthy target) per period, above which the Route 53 health check fails the region\'s failover record. Only with a standby and a hosted zone.',
  ),
});

/** A bucket of the application's own files (cold state): encrypted, versioned, private, retained. */
export const bucketSchema = obj({
  name: d(name, 'Unique name; keys the bucket\'s construct id and its S3_BUCKET_<NAME> variable, so renaming a bucket makes a new, empty one (the old one is retained).'),
  noncurrentVersionExpirationDays: d(int(1, 36_500), 'Days an overwritten or deleted object\'s previous version is kept (the window to recover it).'),
  infrequentAccessAfterDays: d(
    int(30, 36_500, 'a whole number from 30 to 36500 (S3 moves objects to Standard-IA after 30 days at the earliest)').nullable(),
    'Days after which current objects move to S3 Standard-IA (cheaper storage, a retrieval fee); null: they stay in S3 Standard.',
  ),
  abortIncompleteUploadDays: d(int(1, 365), 'Days after which the parts of an unfinished multipart upload are deleted.'),
  corsOrigins: d(
    list(text(/^https?:\/\/[a-z0-9.*-]+(:\d{1,5})?$/, 'an origin such as https://app.example.com (scheme, host, optional port)'), 0, 100, 'at most 100 origins'),
    'Browser origins allowed to read the bucket\'s objects and upload to presigned URLs (CORS); empty: none.',
  ),
  public: d(
    obj({
      pathPattern: d(
        text(/^\/[\w\-./~%]{1,252}\/\*$/, 'a CloudFront path pattern of a folder such as /files/* (the object key is the request path without its leading "/")').optional(),
        'Path of the main CDN served from this bucket, e.g. `/files/*`: a request for /files/a.png reads the object files/a.png. Exactly one of pathPattern and host.',
      ),
      host: d(
        text(
          /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?|(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/,
          'one lower-case DNS label such as files (files.<ingress.domainName>), or a full lower-case DNS name such as files.example.com',
        ).optional(),
        'Host of its own that serves the whole bucket through a distribution of its own, so user files never share the application\'s origin (ADR 0033): a label (`files` gives files.<ingress.domainName>) or a full name. Exactly one of pathPattern and host.',
      ),
      certificateArn: d(
        acmCertificate.optional(),
        'ACM certificate in us-east-1 covering `host` (by name or a wildcard of its parent); unset: ingress.edgeCertificateArn, which must then cover it. Only with host.',
      ),
      ttlSeconds: d(int(0, 31_536_000), 'Seconds the CDN caches an object when it carries no Cache-Control (its Cache-Control wins, up to 1 year).'),
    }).nullable(),
    'Delivery of the bucket\'s objects to anyone through CloudFront (origin access control; needs `edge`): under `pathPattern` of the main domain, or on a `host` of its own; null: private.',
  ),
});

const EMAIL = /^(?=.{3,254}$)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const email = text(EMAIL, 'an email address such as oncall@example.com');

/** Every field of a resolved configuration, in the order docs/settings.md lists them. */
export const configShape = {
  appName: d(
    text(/^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){1,19}$/, 'lower-case letters, digits and single hyphens, 2-20 characters, starting with a letter and not ending with a hyphen'),
    'Lower-case name used in stack names and resource names. Changing it creates a new deployment.',
  ),
  phase: d(oneOf(PHASES), 'The scaling phase whose preset fills every setting not given (`-c phase=` wins).'),
  stage: d(oneOf(STAGES), 'The stage: dev and staging trace everything, prod adds deletion protection (`-c stage=` wins).'),
  env: d(
    obj({
      account: d(text(/^\d{12}$/, 'a 12-digit AWS account id'), '12-digit AWS account id the stacks are bound to.'),
      region: d(region, 'Primary region.'),
      availabilityZones: d(list(zone, 0, Number.MAX_SAFE_INTEGER, 'a list of three different zones of env.region'), 'Exactly three zones of `region`; never looked up.'),
    }),
    'Where the deployment lives.',
  ),
  network: d(
    obj({
      vpcCidr: d(vpcCidr, 'The VPC\'s IPv4 block. Fixed for the life of a deployment: changing it replaces the VPC.'),
      natGateways: d(natGateways, 'NAT gateways: 1 (cheap, one zone\'s egress is shared) up to one per zone.'),
      flowLogRetentionDays: d(logRetention, 'Retention of VPC flow logs, in days.'),
    }),
    'The VPC.',
  ),
  database: d(
    obj({
      engineVersion: d(oneOf(POSTGRES_VERSIONS, versionRanges(POSTGRES_VERSIONS)), 'PostgreSQL major.minor engine version.'),
      instanceClass: d(oneOf(Object.keys(DB_INSTANCE_MEMORY_GIB) as [string, ...string[]]), 'RDS instance class without the `db.` prefix; the connection alarm depends on its memory.'),
      allocatedStorageGiB: d(int(20, 65_536), 'Initial gp3 storage in GiB.'),
      maxAllocatedStorageGiB: d(int(20, 65_536), 'Storage autoscaling ceiling in GiB; at least allocatedStorageGiB.'),
      backupRetentionDays: d(int(1, 35), 'Automated backup retention (point-in-time recovery window), in days.'),
      performanceInsightsRetentionDays: d(oneOfNumbers(enumValues(rds.PerformanceInsightRetention)), 'Performance Insights retention: 7 (free tier) or a multiple of 31 up to 731.'),
      readReplicas: d(int(0, 5), 'Same-region read replicas; applications reach them through one name, `DB_READ_HOST`.'),
      applicationLogin: d(
        pgLogin.nullable(),
        'PostgreSQL login the services use instead of the master user; its rotation alternates it with `<login>_clone`, so running tasks keep valid credentials. The app stack creates it during the deploy, before any service (ADR 0032). `null`: tasks read the master secret, and after each master rotation they fail new connections until they restart (ADR 0027).',
      ),
      backupPlanRetentionDays: d(int(1, 36_500), 'Days AWS Backup keeps each daily recovery point.'),
      sslMode: d(
        oneOf(['require', 'verify-full']),
        'TLS of the application\'s connections (DB_SSLMODE, PGSSLMODE): `require` encrypts with any image; `verify-full` also checks the server\'s certificate against the RDS CA bundle, which the kit downloads into every task (PGSSLROOTCERT) (ADR 0026); reads then go to DB_READ_HOSTS, since DB_READ_HOST\'s private name is not on the certificate.',
      ),
    }),
    'The PostgreSQL database (RDS, Multi-AZ).',
  ),
  cache: d(
    obj({
      nodeType: d(cacheNodeType, 'ElastiCache node type.'),
      engineVersion: d(oneOf(VALKEY_VERSIONS), 'Valkey engine version.'),
      clusterMode: d(bool(), 'Cluster mode (configuration endpoint, cluster-aware clients only); false: one primary with a primary and a reader endpoint. Changing it replaces the cache (ADR 0003).'),
      shards: d(cacheShards, 'Shards (node groups). Grows in place: online resharding. Exactly 1 without cluster mode.'),
      replicasPerShard: d(int(1, 5), 'Replicas per shard. CloudFormation replaces the group when this changes in cluster mode, so presets keep it fixed.'),
      snapshotRetentionDays: d(int(1, 35), 'Daily snapshot retention in days.'),
    }).nullable(),
    'The Valkey cache (ElastiCache): may evict, rebuilt from empty; its endpoint is REDIS_HOST. `null`: no cache, no REDIS_* variables in any task, and no standby cache; the `redis` groups stay as they are.',
  ),
  redis: d(
    list(redisSchema),
    'More Valkey groups, keyed by name: each a cache or a store, with its own REDIS_<NAME>_* variables (docs/deploy.md#redis).',
  ),
  services: d(
    list(serviceSchema, 1, Number.MAX_SAFE_INTEGER, 'a list of at least one service'),
    'Web services behind the load balancer, keyed by name: an entry named like a preset\'s keeps its sizing; a new name starts from the first.',
  ),
  workers: d(list(workerSchema), 'Background workers: queue consumers, job runners of their own, singletons. Keyed by name like services.'),
  buckets: d(list(bucketSchema), 'Object storage buckets, keyed by name like services; services and workers name the ones they use in their own `buckets`.'),
  schedules: d(
    list(scheduleSchema),
    'Scheduled tasks: a command run as a one-off ECS task by EventBridge Scheduler, with retries, a dead-letter queue and an alarm. Keyed by name. Off in the standby region until a failover.',
  ),
  eventStream: d(
    obj({
      mode: d(oneOf(['on-demand', 'provisioned']), '`on-demand` scales itself; `provisioned` uses `shards`.'),
      shards: d(int(1, 500), 'Shards when provisioned (ignored on demand).'),
      retentionHours: d(int(24, 8760), 'Record retention in hours.'),
    }).nullable(),
    'Kinesis Data Streams event stream the services may write to; null: none.',
  ),
  ingress: d(
    obj({
      certificateArn: d(acmCertificate.optional(), 'ACM certificate ARN in the primary region. Enables HTTPS.'),
      domainName: d(dnsName.optional(), 'Public DNS name users reach the service at (the CDN\'s alternate name when the edge is on).'),
      edgeCertificateArn: d(acmCertificate.optional(), 'ACM certificate ARN in us-east-1 for `domainName`: the CDN presents it to viewers.'),
      originDomainName: d(
        dnsName.optional(),
        'DNS name of the load balancers behind the CDN, covered by `certificateArn` (and the standby\'s certificate): the CDN reaches the origin over HTTPS by this name.',
      ),
      idleTimeoutSeconds: d(
        int(1, 4000),
        'Seconds the load balancer keeps an idle connection open (WebSockets, long polls, server-sent events); behind the CDN its origin keep-alive follows, up to 60.',
      ),
      hostedZone: d(
        obj({
          id: d(text(/^Z[A-Z0-9]{1,32}$/, 'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ'), 'Hosted zone id.'),
          name: d(dnsName, 'The zone\'s domain, e.g. `example.com`; the kit\'s names must lie inside it.'),
        }).nullable(),
        'Route 53 public hosted zone the kit writes its records in; null: DNS is managed elsewhere.',
      ),
    }),
    'How users reach the application: TLS and DNS.',
  ),
  email: d(
    obj({
      domain: d(dnsName, 'Domain the application sends from (`From: x@domain`), verified in Amazon SES with Easy DKIM; inside ingress.hostedZone.name when the kit manages the zone.'),
      mailFromSubdomain: d(
        text(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'one lower-case DNS label such as bounce'),
        'Label of the custom MAIL FROM domain (`bounce` gives bounce.<domain>), which receives bounces and carries the SPF record.',
      ),
      configurationSet: d(bool(), 'A configuration set (reputation metrics, suppression of bounces and complaints) as the identity\'s default, named in SES_CONFIGURATION_SET.'),
    }).nullable(),
    'Sending email through Amazon SES, in the primary region; services and workers with `sendsEmail` may send (docs/deploy.md, "Sending email"); null: none.',
  ),
  firewall: d(
    obj({
      rateLimitPer5Minutes: d(int(10, 2_000_000_000), 'Requests one client IP may make in 5 minutes before AWS WAF blocks it.'),
      countRules: d(
        list(commonRule, 0, COMMON_RULE_NAMES.length, 'a list of core rule set rule names'),
        'Rules of AWS\'s core rule set that only count (logged, never blocking) on every path. ADR 0028: `SizeRestrictions_BODY` by default, which blocks every body over 8 KB.',
      ),
      pathExceptions: d(
        list(
          obj({
            pathPrefix: d(pathPrefix, 'URL path prefix the exception applies to, e.g. `/api/uploads/`.'),
            rules: d(
              list(commonRule, 0, COMMON_RULE_NAMES.length, 'a list of core rule set rule names'),
              'Core rule set rules that only count on this path and keep blocking elsewhere; empty: the whole core rule set skips the path.',
            ),
          }),
          0,
          20,
          'at most 20 path exceptions',
        ),
        'Paths on which core rule set rules do not block: uploads, APIs that take HTML (ADR 0028).',
      ),
    }).nullable(),
    'AWS WAF in front of the public endpoint (the CDN when there is one); null: none.',
  ),
  edge: d(
    obj({
      staticPaths: d(
        list(
          obj({
            pathPattern: d(
              text(/^\/[\w\-./*?~%]{1,254}$/, 'a CloudFront path pattern of at most 255 characters such as /assets/* (the default /* stays uncached)'),
              'CloudFront path pattern, e.g. `/assets/*`.',
            ),
            ttlSeconds: d(int(0, 31_536_000), 'Seconds an object is cached when the origin says nothing (its Cache-Control wins, up to 1 year).'),
          }),
          0,
          25,
          'at most 25 paths (CloudFront\'s cache behaviours per distribution)',
        ),
        'Paths cached at the edge; every other path goes to the load balancer uncached.',
      ),
      originResponseTimeoutSeconds: d(
        int(1, 60, 'a whole number from 1 to 60 (CloudFront allows more only through a quota increase)'),
        'Seconds CloudFront waits for the load balancer\'s first byte (and between packets) before it answers 504; long polls need more than the default 30.',
      ),
      originKeepaliveTimeoutSeconds: d(
        int(1, 60, 'a whole number from 1 to 60 (CloudFront allows more only through a quota increase)'),
        'Seconds CloudFront keeps an idle connection to the load balancer open for the next request; below ingress.idleTimeoutSeconds.',
      ),
      priceClass: d(oneOf(PRICE_CLASSES), 'Edge locations served: `PriceClass_100` (North America, Europe) is the cheapest.'),
      originPrefixListIds: d(
        dict(
          z.string().refine((r) => (REGIONS as readonly string[]).includes(r), { error: (iss) => rejection(iss.input, `a region name: ${REGIONS.join(', ')}`) }),
          text(/^pl-[0-9a-f]{8,17}$/, 'a managed prefix list id such as pl-3b927c52'),
          'an object mapping a region to its pl- id',
        ),
        'CloudFront\'s origin-facing managed prefix list id by region, for a load balancer region missing from the kit\'s table (config/edge.ts).',
      ),
      originHeaderVersions: d(
        // Two at most: the value being retired and its successor, both accepted during a rotation.
        list(text(/^[A-Za-z0-9-]{32,64}$/, 'a Secrets Manager version id (aws secretsmanager list-secret-version-ids)'), 0, 2, 'at most 2 version ids, distinct (the one the CDN sends first)').refine(
          (versions) => new Set(versions).size === versions.length,
          { error: (iss) => rejection(iss.input, 'distinct version ids') },
        ),
        'Version ids of the origin-header secret (`<app>-<stage>/cdn-origin-header`) the load balancers accept; the CDN sends the first. Empty: both read the secret\'s AWSCURRENT version. A rotation goes `[old]` → `[old, new]` → `[new, old]` → `[new]`, one deploy each (docs/runbooks.md, origin-header rotation).',
      ),
    }).nullable(),
    'CloudFront in front of the load balancer; null: none.',
  ),
  standby: d(
    obj({
      region: d(region, 'The standby region; not env.region.'),
      availabilityZones: d(list(zone, 0, Number.MAX_SAFE_INTEGER, 'a list of three different zones of env.region'), 'Exactly three zones of `region`; never looked up.'),
      vpcCidr: d(vpcCidr, 'The standby VPC\'s block: apart from network.vpcCidr so the two can be peered.'),
      natGateways: d(natGateways, 'NAT gateways of the standby VPC.'),
      certificateArn: d(acmCertificate.optional(), 'ACM certificate in `region` covering ingress.originDomainName; required when the primary has HTTPS.'),
      databaseSecretArn: d(
        text(SECRET_ARN, 'a Secrets Manager secret ARN').optional(),
        'Secret with `username` and `password`, in `region`, that the standby\'s tasks read instead of the standby region\'s replica of the primary\'s master secret (ADR 0017): a secret of the promoted database\'s own after a failover; unset: that replica.',
      ),
      cache: d(
        obj({ nodeType: d(cacheNodeType, 'Standby cache node type.'), shards: d(cacheShards, 'Standby cache shards.') }),
        'The standby cache: smaller until a failover. With `cache` null the standby has none either, and these values are not used.',
      ),
      minTasks: d(int(0, 1000), 'Tasks each service runs in the standby until a failover (at most its maxTasks), unless the service sets standbyTasks; their maximum stays the primary\'s.'),
      workerTasks: d(
        int(0, 1000),
        'Tasks each worker runs in the standby until a failover, unless the worker sets standbyTasks. 0: workers are off there, since the standby\'s database is a read-only replica until promoted.',
      ),
      role: d(
        oneOf(['standby', 'promoted', 'failback']),
        'What the standby region is. `standby`: it waits, its database a read replica of the primary\'s. `promoted`: a regional failover made it serve: its replica is promoted to a standalone Multi-AZ database with backups (irreversible), its services and workers run the primary\'s scaling, and the primary region\'s half of the DNS failover pair is held unhealthy. Deploy only the standby region\'s stacks while the primary region is down (`npm run deploy -- --region standby`, ADR 0029). `failback`: still serving, and the primary region rebuilt as its standby: a new database there (the next `databaseGeneration`) replicates the promoted one, and that region\'s services and workers wait at the standby\'s sizes. `standby` again with that generation is the switch back: the primary region\'s new database is promoted and serves, and the standby region gets a new replica of it.',
      ),
      databaseGeneration: d(
        int(1, 99),
        'Which database serves: 1, the first (`<app>-<stage>-postgres` in each region); each failback builds the next, `<app>-<stage>-postgres-<n>`, a new resource beside the previous one, since a standalone database never becomes a replica (ADR 0029). Raised by one with role `failback`, then kept through the switch back (role `standby`) and the next failover (`promoted`).',
      ),
      previousDatabases: d(
        oneOf(['keep', 'unprotect', 'retire']),
        'The databases of generation `databaseGeneration` - 1 in both regions, which the failback and the switch back leave as they were (the diverged writes stay readable there). `unprotect` turns their deletion protection off, a deploy that must come before `retire`, since CloudFormation cannot delete a protected instance and would leave it running outside the stack. `retire` removes them, each with a final snapshot; the plan and the guarded deploy refuse it without `--allow-replace` for each instance (docs/runbooks.md, regional failback). Not with role `failback`: the primary region\'s diverged database stays until the switch back.',
      ),
    }).nullable(),
    'A standby region kept warm for a regional failover; null: one region.',
  ),
  sla: d(slaSchema, 'docs/architecture.md §3, as data: the alarms are generated from these rows.'),
  alarms: d(
    obj({
      pageEmails: d(list(email), 'Email addresses subscribed to the page topic.'),
      notifyEmails: d(list(email), 'Email addresses subscribed to the notify topic.'),
      pageHttpsEndpoints: d(list(text(/^https:\/\/[^\s/]+(\/\S*)?$/, 'an https:// URL')), 'HTTPS endpoints (a pager\'s webhook) subscribed to the page topic.'),
      slack: d(
        obj({
          workspaceId: d(text(/^T[A-Z0-9]{8,10}$/, 'the Slack workspace id AWS Chatbot shows: T and 8-10 upper-case letters or digits, such as T0123ABCD'), 'Slack workspace (team) id, authorised once in the AWS Chatbot console.'),
          channelId: d(text(/^[CG][A-Z0-9]{8,10}$/, 'a Slack channel id: C (or G for a private channel) and 8-10 upper-case letters or digits, such as C0123ABCD'), 'Slack channel id.'),
        }).nullable(),
        'Slack channel, through AWS Chatbot, that receives both topics; null: none.',
      ),
    }),
    'Who receives the alarms.',
  ),
  protection: d(
    obj({
      deletionProtection: d(bool(), 'RDS deletion protection and load balancer deletion protection.'),
      terminationProtection: d(bool(), 'CloudFormation termination protection on the stateful stack.'),
      logRetentionDays: d(logRetention, 'Application log retention, in days.'),
    }),
    'What guards the deployment against deletion.',
  ),
  telemetry: d(
    obj({
      tracingSamplePercent: d(num(0, 100), 'Share of traces sampled by the services\' OpenTelemetry SDKs, percent.'),
      collectorImage: d(imageReference.nullable(), 'The AWS Distro for OpenTelemetry collector image run beside every app container; null: no tracing.'),
    }),
    'Traces.',
  ),
  operatorAccess: d(
    obj({
      ecsExec: d(
        bool(),
        'ECS Exec into running tasks, sessions logged to an encrypted log group. The SSM agent needs a writable root filesystem, so containers of a stage with ECS Exec on run with a writable root.',
      ),
    }),
    'How operators reach running tasks.',
  ),
  compliancePacks: d(
    list(oneOf(COMPLIANCE_PACK_NAMES), 1, COMPLIANCE_PACK_NAMES.length, 'a list of cdk-nag packs that includes "AwsSolutions"').refine((packs) => packs.includes('AwsSolutions'), {
      error: (iss) => rejection(iss.input, 'a list that includes "AwsSolutions"'),
    }),
    'cdk-nag packs every stack must pass at synth.',
  ),
};

export const configSchema = obj(configShape);
