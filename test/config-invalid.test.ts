import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMON_RULE_NAMES, ConfigError, ConfigInput, DB_INSTANCE_MEMORY_GIB, readSettingsFile, REGIONS, resolveConfig } from '../config';
import { problemsOf } from './support/config';

/**
 * Hostile and mistaken settings, one per row, each with the exact line the
 * user reads. Every row is rejected by resolveConfig, so before any
 * construct exists, with one problem naming the setting and what it may hold.
 */

const TOP_FIELDS = 'appName, env, network, database, cache, redis, services, workers, buckets, schedules, eventStream, ingress, email, firewall, edge, standby, sla, alarms, protection, telemetry, operatorAccess, compliancePacks';
const SETTINGS_FIELDS = `$schema, phase, stage, ${TOP_FIELDS}, phases`;
const REGION_LIST = REGIONS.join(', ');
const US_EAST_1_ZONES = 'us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f';
const USER = 'a non-root numeric user, uid or uid:gid with a uid other than 0, such as 1000';
const EMAIL = 'an email address such as oncall@example.com';
const IMAGE =
  'a container image reference [registry/]repository[:tag][@sha256:digest] with a lower-case repository and a tag of at most 128 characters, such as nginx:1.27 or public.ecr.aws/nginx/nginx-unprivileged:stable-alpine; or { "directory": a folder with a Dockerfile, relative to the project }';
const CACHE_TYPES =
  'an ElastiCache node type that runs Valkey: cache.{t4g,t3}.{micro,small,medium}, cache.{m7g,m6g,r7g,r6g,c7gn}.{large,xlarge,2xlarge,4xlarge,8xlarge,12xlarge,16xlarge}, cache.{m5,r5}.{large,xlarge,2xlarge,4xlarge,12xlarge,24xlarge}, cache.{r6gd}.{xlarge,2xlarge,4xlarge,8xlarge,12xlarge,16xlarge}';
const APP_NAME = 'lower-case letters, digits and single hyphens, 2-20 characters, starting with a letter and not ending with a hyphen';
const SSM = 'a parameter name starting with "/", or an SSM parameter ARN (arn:aws:ssm:region:account:parameter/name)';
const SLACK_WORKSPACE = 'the Slack workspace id AWS Chatbot shows: T and 8-10 upper-case letters or digits, such as T0123ABCD';
const SLACK_CHANNEL = 'a Slack channel id: C (or G for a private channel) and 8-10 upper-case letters or digits, such as C0123ABCD';
const RESERVED = "allowed: any name outside the reserved list (docs/settings.md), or variableNames to rename the kit's";
const RENAMABLE =
  'a variable the kit sets (DB_*, PG*, REDIS_HOST, REDIS_PORT, REDIS_TLS, REDIS_CLUSTER, REDIS_AUTH_TOKEN, REDIS_<NAME>_*, QUEUE_URL_<NAME>, EVENT_STREAM_NAME, S3_BUCKET_<NAME>, S3_REGION, S3_PUBLIC_HOST_<NAME>, S3_PUBLIC_URL_<NAME>, TRUSTED_PROXY_HOPS, SES_*, MAIL_FROM_DOMAIN, SMTP_*)';
const NAME = 'lower-case letters, digits and hyphens, 1-16 characters, starting with a letter';

/** The sample web service with `fields` changed. */
const web = (fields: Record<string, unknown>): ConfigInput => ({ settings: { services: [{ name: 'web', ...fields }] } });
/** The phase-2 sample worker with `fields` changed. */
const worker = (fields: Record<string, unknown>): ConfigInput => ({ phase: 'phase2', settings: { workers: [{ name: 'worker', ...fields }] } });
const secret = (ref: unknown): ConfigInput => web({ secrets: { KEY: ref } });
const phase2 = (settings: Record<string, unknown>): ConfigInput => ({ phase: 'phase2', settings });
const phase3 = (settings: Record<string, unknown>): ConfigInput => ({ phase: 'phase3', settings });
const WORKER_SCALING = 'an object with "signal" one of "backlog", "cpu", "metric", "schedule", "fixed", "singleton" and that signal\'s fields (see docs/settings.md)';
/** The sample web service granted `access` on a bucket `uploads`. */
const grant = (access: unknown): ConfigInput => ({ settings: { buckets: [{ name: 'uploads' }], services: [{ name: 'web', buckets: { uploads: access } }] } });
const GRANT = '"read", "read-write", { "access": "read" or "read-write", "prefix": "folder/" }, or a list of 1 to 10 such objects';
const CERT_US = 'arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012';
const CERT_EU = CERT_US.replace('us-east-1', 'eu-west-1');
/** The main domain behind the CDN, with its certificates. */
const DOMAIN = { domainName: 'app.example.com', certificateArn: CERT_US, edgeCertificateArn: CERT_US };
const json = (text: string): ConfigInput => ({ settings: JSON.parse(text) });
const long = (n: number): string => 'a'.repeat(n);

const services = (count: number): ConfigInput => ({
  settings: {
    services: Array.from({ length: count }, (_, i) => ({ name: `s${i + 1}`, pathPatterns: [`/s${i + 1}/*`], priority: i + 1 })),
  },
});
const staticPaths = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ pathPattern: `/p${i}/*`, ttlSeconds: 60 }));

const CASES: readonly (readonly [string, ConfigInput, string])[] = [
  // Names inherited from Object.prototype are unknown fields like any other.
  ['constructor at the top', { settings: { constructor: 1 } }, `constructor: unknown field; allowed: ${SETTINGS_FIELDS}`],
  ['toString at the top', { settings: { toString: 'x' } }, `toString: unknown field; allowed: ${SETTINGS_FIELDS}`],
  ['__proto__ at the top', json('{"__proto__": {"appName": "x"}}'), '__proto__: unknown field; allowed: a setting named in docs/settings.md'],
  ['__proto__ in a service\'s environment', json('{"services": [{"name": "web", "environment": {"__proto__": "x"}}]}'), 'services.web.environment.__proto__: unknown field; allowed: a setting named in docs/settings.md'],
  ['constructor in an object', { settings: { database: { constructor: 1 } } }, 'database.constructor: unknown field; allowed: engineVersion, instanceClass, allocatedStorageGiB, maxAllocatedStorageGiB, backupRetentionDays, performanceInsightsRetentionDays, readReplicas, applicationLogin, backupPlanRetentionDays, sslMode'],
  ['hasOwnProperty in a phase overlay', { settings: { phases: { phase3: { hasOwnProperty: 1 } } } }, `phases.phase3.hasOwnProperty: unknown field; allowed: ${TOP_FIELDS}`],
  ['valueOf in a service', web({ valueOf: 1 }), 'services.web.valueOf: unknown field; allowed: name, image, user, buckets, environment, secrets, variableNames, connectionUrls, sendsEmail, containerPort, cpu, memoryMiB, command, healthCheckPath, healthCheck, containerHealthCommand, pathPatterns, hostHeaders, priority, stickiness, stopTimeoutSeconds, writablePaths, readOnlyRootFilesystem, scaling, deployment, standbyTasks, migrationCommand'],
  ['an overlay for a phase that does not exist', { settings: { phases: { phase4: {} } } }, 'phases.phase4: unknown field; allowed: phase1, phase2, phase3'],

  // Keys inside edge.staticPaths[] and edge.originPrefixListIds.
  ['an unknown key in a static path', phase2({ edge: { staticPaths: [{ pathPattern: '/a/*', ttlSeconds: 60, ttl: 5 }] } }), 'edge.staticPaths[0].ttl: unknown field; allowed: pathPattern, ttlSeconds'],
  ['a static path without its TTL', phase2({ edge: { staticPaths: [{ pathPattern: '/a/*' }] } }), 'edge.staticPaths[0].ttlSeconds: missing value; allowed: a whole number from 0 to 31536000'],
  ['a static path that is a string', phase2({ edge: { staticPaths: ['/a/*'] } }), 'edge.staticPaths[0]: "/a/*" is not allowed; allowed: an object with pathPattern, ttlSeconds'],
  ['a static path listed twice', phase2({ edge: { staticPaths: [{ pathPattern: '/a/*', ttlSeconds: 1 }, { pathPattern: '/a/*', ttlSeconds: 2 }] } }), 'edge.staticPaths[1].pathPattern: "/a/*" is listed twice; allowed: each pattern once'],
  ['26 static paths', phase2({ edge: { staticPaths: staticPaths(26) } }), `edge.staticPaths: ${JSON.stringify(staticPaths(26))} is not allowed; allowed: at most 25 paths (CloudFront's cache behaviours per distribution)`],
  ['a static path pattern of 256 characters', phase2({ edge: { staticPaths: [{ pathPattern: `/${long(255)}`, ttlSeconds: 1 }] } }), `edge.staticPaths[0].pathPattern: "/${long(255)}" is not allowed; allowed: a CloudFront path pattern of at most 255 characters such as /assets/* (the default /* stays uncached)`],
  ['a static TTL over a year', phase2({ edge: { staticPaths: [{ pathPattern: '/a/*', ttlSeconds: 31_536_001 }] } }), 'edge.staticPaths[0].ttlSeconds: 31536001 is not allowed; allowed: a whole number from 0 to 31536000'],
  ['a prefix list for a region that does not exist', phase2({ edge: { originPrefixListIds: { 'us-east-9': 'pl-12345678' } } }), `edge.originPrefixListIds.us-east-9: "us-east-9" is not allowed; allowed: a region name: ${REGION_LIST}`],
  ['a prefix list keyed constructor', phase2({ edge: { originPrefixListIds: { constructor: 'pl-12345678' } } }), `edge.originPrefixListIds.constructor: "constructor" is not allowed; allowed: a region name: ${REGION_LIST}`],
  ['a prefix list id that is not one', phase2({ edge: { originPrefixListIds: { 'eu-west-1': 'pl-XYZ' } } }), 'edge.originPrefixListIds.eu-west-1: "pl-XYZ" is not allowed; allowed: a managed prefix list id such as pl-3b927c52'],
  ['an unknown price class', phase2({ edge: { priceClass: 'PriceClass_Cheap' } }), 'edge.priceClass: "PriceClass_Cheap" is not allowed; allowed: "PriceClass_100", "PriceClass_200", "PriceClass_All"'],

  // Root, however written.
  ['user "00"', web({ user: '00' }), `services.web.user: "00" is not allowed; allowed: ${USER}`],
  ['user "00:0"', web({ user: '00:0' }), `services.web.user: "00:0" is not allowed; allowed: ${USER}`],
  ['user "0"', web({ user: '0' }), `services.web.user: "0" is not allowed; allowed: ${USER}`],
  ['user "0:1000"', worker({ user: '0:1000' }), `workers.worker.user: "0:1000" is not allowed; allowed: ${USER}`],
  ['user "root"', web({ user: 'root' }), `services.web.user: "root" is not allowed; allowed: ${USER}`],
  ['user as a JSON number', web({ user: 1000 }), `services.web.user: 1000 is a JSON number; allowed: ${USER}, written as a string in quotes`],

  // Email addresses and Slack ids.
  ['an email with two dots in its domain', { settings: { alarms: { pageEmails: ['oncall@example..com'] } } }, `alarms.pageEmails[0]: "oncall@example..com" is not allowed; allowed: ${EMAIL}`],
  ['an email without a top-level domain', { settings: { alarms: { notifyEmails: ['team@example'] } } }, `alarms.notifyEmails[0]: "team@example" is not allowed; allowed: ${EMAIL}`],
  ['an email starting with a dot', { settings: { alarms: { notifyEmails: ['.team@example.com'] } } }, `alarms.notifyEmails[0]: ".team@example.com" is not allowed; allowed: ${EMAIL}`],
  ['an email with a space', { settings: { alarms: { pageEmails: ['on call@example.com'] } } }, `alarms.pageEmails[0]: "on call@example.com" is not allowed; allowed: ${EMAIL}`],
  ['an email whose domain starts with a hyphen', { settings: { alarms: { pageEmails: ['oncall@-example.com'] } } }, `alarms.pageEmails[0]: "oncall@-example.com" is not allowed; allowed: ${EMAIL}`],
  ['a Slack workspace of digits only', { settings: { alarms: { slack: { workspaceId: '123456789', channelId: 'C0123ABCD' } } } }, `alarms.slack.workspaceId: "123456789" is not allowed; allowed: ${SLACK_WORKSPACE}`],
  ['a Slack channel of digits only', { settings: { alarms: { slack: { workspaceId: 'T0123ABCD', channelId: '012345678' } } } }, `alarms.slack.channelId: "012345678" is not allowed; allowed: ${SLACK_CHANNEL}`],
  ['a lower-case Slack channel', { settings: { alarms: { slack: { workspaceId: 'T0123ABCD', channelId: 'c0123abcd' } } } }, `alarms.slack.channelId: "c0123abcd" is not allowed; allowed: ${SLACK_CHANNEL}`],
  ['a Slack workspace without its channel', { settings: { alarms: { slack: { workspaceId: 'T0123ABCD' } } } }, `alarms.slack.channelId: missing value; allowed: ${SLACK_CHANNEL}`],
  ['a webhook over plain HTTP', { settings: { alarms: { pageHttpsEndpoints: ['http://pager.example.com/hook'] } } }, 'alarms.pageHttpsEndpoints[0]: "http://pager.example.com/hook" is not allowed; allowed: an https:// URL'],

  // Secrets and parameters.
  ['a parameter ARN of another account', secret({ ssmParameter: 'arn:aws:ssm:us-east-1:222222222222:parameter/app/key' }), 'services.web.secrets.KEY.ssmParameter: "arn:aws:ssm:us-east-1:222222222222:parameter/app/key" is in account 222222222222; allowed: a parameter of env.account (111111111111), by name or ARN'],
  ['a secret ARN given as a parameter', secret({ ssmParameter: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app-AbCdEf' }), `services.web.secrets.KEY.ssmParameter: "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-AbCdEf" is not allowed; allowed: ${SSM}`],
  ['a parameter ARN with :secret:', secret({ ssmParameter: 'arn:aws:ssm:us-east-1:111111111111:secret:app' }), `services.web.secrets.KEY.ssmParameter: "arn:aws:ssm:us-east-1:111111111111:secret:app" is not allowed; allowed: ${SSM}`],
  ['a parameter ARN of another region', secret({ ssmParameter: 'arn:aws:ssm:eu-west-1:111111111111:parameter/app/key' }), 'services.web.secrets.KEY.ssmParameter: "arn:aws:ssm:eu-west-1:111111111111:parameter/app/key" is in eu-west-1; allowed: a parameter in env.region (us-east-1), where the tasks run'],
  ['a parameter name without a slash', secret({ ssmParameter: 'app/key' }), `services.web.secrets.KEY.ssmParameter: "app/key" is not allowed; allowed: ${SSM}`],
  ['a parameter ARN given as a secret', secret({ secretsManager: 'arn:aws:ssm:us-east-1:111111111111:parameter/app' }), 'services.web.secrets.KEY.secretsManager: "arn:aws:ssm:us-east-1:111111111111:parameter/app" is not allowed; allowed: a secret name of letters, digits and /_+=.@-, or a Secrets Manager secret ARN'],
  ['a secret name with a space', secret({ secretsManager: 'my secret' }), 'services.web.secrets.KEY.secretsManager: "my secret" is not allowed; allowed: a secret name of letters, digits and /_+=.@-, or a Secrets Manager secret ARN'],
  ['two sources for one secret', secret({ secretsManager: 'app', ssmParameter: '/app' }), 'services.web.secrets.KEY: {"secretsManager":"app","ssmParameter":"/app"} is not allowed; allowed: { "secretsManager": name or ARN, "field"?: JSON key } or { "ssmParameter": name or ARN }'],
  ['no source for a secret', secret({ field: 'password' }), 'services.web.secrets.KEY: {"field":"password"} is not allowed; allowed: { "secretsManager": name or ARN, "field"?: JSON key } or { "ssmParameter": name or ARN }'],
  ['a JSON field of a parameter', secret({ ssmParameter: '/app', field: 'x' }), 'services.web.secrets.KEY.field: is not allowed with ssmParameter; allowed: field only with secretsManager'],
  ['an unknown key in a secret', secret({ secretsManager: 'app', version: '1' }), 'services.web.secrets.KEY.version: unknown field; allowed: secretsManager, field, ssmParameter, standby'],
  ['a secret that is also a variable', web({ environment: { KEY: 'x' }, secrets: { KEY: { secretsManager: 'app' } } }), 'services.web.secrets.KEY: "KEY" is also a plain environment variable; allowed: a name used once'],
  ['a worker secret in another region', worker({ secrets: { KEY: { secretsManager: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:app-AbCdEf' } } }), 'workers.worker.secrets.KEY.secretsManager: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:app-AbCdEf" is in eu-west-1; allowed: a secret in env.region (us-east-1), where the tasks run'],

  // Variables.
  ['a variable the kit sets', web({ environment: { QUEUE_URL: 'x' } }), `services.web.environment.QUEUE_URL: "QUEUE_URL" is set by the kit for a worker's own queue URL, also set as QUEUE_URL_<NAME>, which variableNames may rename; ${RESERVED}`],
  ['a secret named like a kit variable', web({ secrets: { OTEL_SERVICE_NAME: { secretsManager: 'app' } } }), `services.web.secrets.OTEL_SERVICE_NAME: "OTEL_SERVICE_NAME" is set by the kit for tracing, read by the OpenTelemetry SDK under these names; ${RESERVED}`],
  ['a database variable the kit sets', web({ environment: { DB_PASSWORD: 'x' } }), `services.web.environment.DB_PASSWORD: "DB_PASSWORD" is set by the kit for the PostgreSQL connection; ${RESERVED}`],
  ['the read host set by hand', web({ environment: { DB_READ_HOST: 'x' } }), `services.web.environment.DB_READ_HOST: "DB_READ_HOST" is set by the kit for the PostgreSQL connection; ${RESERVED}`],
  ['a libpq variable', web({ environment: { PGSSLMODE: 'disable' } }), `services.web.environment.PGSSLMODE: "PGSSLMODE" is set by the kit for the PostgreSQL connection, under the names libpq reads; ${RESERVED}`],
  ['a Redis group variable set by hand', web({ environment: { REDIS_JOBS_READER_HOST: 'x' } }), `services.web.environment.REDIS_JOBS_READER_HOST: "REDIS_JOBS_READER_HOST" is set by the kit for the Redis connection; ${RESERVED}`],
  ['the cache\'s token as a secret', web({ secrets: { REDIS_AUTH_TOKEN: { secretsManager: 'app' } } }), `services.web.secrets.REDIS_AUTH_TOKEN: "REDIS_AUTH_TOKEN" is set by the kit for the Redis connection; ${RESERVED}`],
  ['a queue URL set by hand', web({ environment: { QUEUE_URL_MAIL: 'x' } }), `services.web.environment.QUEUE_URL_MAIL: "QUEUE_URL_MAIL" is set by the kit for the SQS queue URLs; ${RESERVED}`],
  ['the bucket region set by hand', web({ environment: { S3_REGION: 'eu-west-1' } }), `services.web.environment.S3_REGION: "S3_REGION" is set by the kit for the S3 buckets and where viewers read public ones (ADR 0025, ADR 0033); ${RESERVED}`],

  // Renaming the kit's variables.
  ['a rename of a variable the kit does not set', web({ variableNames: { FOO: 'BAR' } }), `services.web.variableNames.FOO: "FOO" is not allowed; allowed: ${RENAMABLE}`],
  ['a rename of HOME', web({ variableNames: { HOME: 'H' } }), `services.web.variableNames.HOME: "HOME" keeps its name: the kit sets it for a writable home (/tmp) on the read-only root filesystem; allowed: ${RENAMABLE}`],
  ['a rename to a reserved name', web({ variableNames: { DB_USERNAME: 'PGUSER' } }), `services.web.variableNames.DB_USERNAME: "PGUSER" is set by the kit for the PostgreSQL connection, under the names libpq reads; ${RESERVED}`],
  ['a rename to one of the app\'s own variables', web({ variableNames: { DB_USERNAME: 'DB_USER' }, environment: { DB_USER: 'x' } }), 'services.web.variableNames.DB_USERNAME: "DB_USER" is also one of this app\'s own environment or secrets; allowed: a name used once'],
  ['two renames to one name', web({ variableNames: { DB_USERNAME: 'USER_', PGUSER: 'USER_' } }), 'services.web.variableNames.PGUSER: "USER_" is already the new name of DB_USERNAME; allowed: a name used once'],
  ['a rename of a variable absent in this phase', web({ variableNames: { EVENT_STREAM_NAME: 'STREAM' } }), 'services.web.variableNames.EVENT_STREAM_NAME: "EVENT_STREAM_NAME" is not set in this container (eventStream is null); allowed: a variable the kit sets here'],
  ['a rename of an email variable without sendsEmail', { settings: { email: { domain: 'mail.example.com' }, services: [{ name: 'web', variableNames: { SES_REGION: 'AWS_SES_REGION' } }] } }, 'services.web.variableNames.SES_REGION: "SES_REGION" is not set in this container (sendsEmail is false); allowed: a variable the kit sets here'],
  ['a rename of a cache variable with cache null', { settings: { cache: null, services: [{ name: 'web', variableNames: { REDIS_HOST: 'VALKEY_HOST' } }] } }, 'services.web.variableNames.REDIS_HOST: "REDIS_HOST" is not set in this container (cache is null); allowed: a variable the kit sets here'],
  ['a rename of the cache\'s AUTH token with cache null', { settings: { cache: null, services: [{ name: 'web', variableNames: { REDIS_AUTH_TOKEN: 'VALKEY_PASSWORD' } }] } }, 'services.web.variableNames.REDIS_AUTH_TOKEN: "REDIS_AUTH_TOKEN" is not set in this container (cache is null); allowed: a variable the kit sets here'],
  ['a rename of the cache\'s reader endpoint in cluster mode', web({ variableNames: { REDIS_READER_HOST: 'VALKEY_READER' } }), 'services.web.variableNames.REDIS_READER_HOST: "REDIS_READER_HOST" is not set in this container (cache.clusterMode is true, which has no reader endpoint); allowed: a variable the kit sets here'],
  ['a rename of a variable of a redis group that does not exist', web({ variableNames: { REDIS_JOBS_HOST: 'JOBS_HOST' } }), 'services.web.variableNames.REDIS_JOBS_HOST: "REDIS_JOBS_HOST" is not set in this container (no redis group has that variable); allowed: a variable the kit sets here'],
  ['a rename of a cluster-mode group\'s reader endpoint', { settings: { redis: [{ name: 'jobs', clusterMode: true }], services: [{ name: 'web', variableNames: { REDIS_JOBS_READER_HOST: 'JOBS_READER' } }] } }, 'services.web.variableNames.REDIS_JOBS_READER_HOST: "REDIS_JOBS_READER_HOST" is not set in this container (redis.jobs.clusterMode is true, which has no reader endpoint); allowed: a variable the kit sets here'],
  ['variableNames as a list', web({ variableNames: ['A'] }), 'services.web.variableNames: ["A"] is not allowed; allowed: an object mapping a variable the kit sets to the name the application reads'],

  // Email and database TLS.
  ['sendsEmail without email', web({ sendsEmail: true }), 'services.web.sendsEmail: true is not allowed with email null (no SES identity to send from); allowed: false, or set email'],
  ['an email domain outside the hosted zone', { settings: { email: { domain: 'mail.other.com' }, ingress: { certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012', domainName: 'app.example.com', hostedZone: { id: 'Z0123456789ABC', name: 'example.com' } } } }, 'email.domain: "mail.other.com" is not allowed; allowed: a name inside ingress.hostedZone.name (example.com), where the kit writes its DKIM and MAIL FROM records'],
  ['email without a domain', { settings: { email: {} } }, 'email.domain: missing value; allowed: a lower-case DNS name such as app.example.com'],
  ['a MAIL FROM subdomain of two labels', { settings: { email: { domain: 'mail.example.com', mailFromSubdomain: 'a.b' } } }, 'email.mailFromSubdomain: "a.b" is not allowed; allowed: one lower-case DNS label such as bounce'],
  ['sslMode disable', { settings: { database: { sslMode: 'disable' } } }, 'database.sslMode: "disable" is not allowed; allowed: "require", "verify-full"'],
  ['a variable name starting with a digit', web({ environment: { '1X': 'x' } }), 'services.web.environment.1X: "1X" is not allowed; allowed: a variable name of letters, digits and underscores'],
  ['a variable with a number value', web({ environment: { PORT: 8080 } }), 'services.web.environment.PORT: 8080 is a JSON number; allowed: a text value, written as a string in quotes'],
  ['a variable with a null value', web({ environment: { PORT: null } }), 'services.web.environment.PORT: null is not allowed; allowed: a text value'],
  ['variables beyond the task definition\'s size', web({ environment: { BIG: long(40_000) } }), 'services.web.environment: 40021 bytes of variables, secrets and command are not allowed; allowed: at most 32768 bytes, half of the 64 KiB an ECS task definition may hold (put large values in a secret or a file)'],
  ['a worker command beyond the task definition\'s size', worker({ command: ['sh', '-c', long(4000)], environment: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`V${i}`, long(4000)])) }), 'workers.worker.environment: 36088 bytes of variables, secrets and command are not allowed; allowed: at most 32768 bytes, half of the 64 KiB an ECS task definition may hold (put large values in a secret or a file)'],
  ['environment as a list', web({ environment: ['A=1'] }), 'services.web.environment: ["A=1"] is not allowed; allowed: an object of variable names and string values'],

  // Regions and zones.
  ['a region that does not exist', { settings: { env: { region: 'us-east-7' } } }, `env.region: "us-east-7" is not allowed; allowed: an AWS region with three zones: ${REGION_LIST}`],
  ['a region with two zones per account', { settings: { env: { region: 'us-west-1' } } }, `env.region: "us-west-1" is not allowed; allowed: an AWS region with three zones: ${REGION_LIST}`],
  ['a zone letter the region lacks', { settings: { env: { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1g'] } } }, `env.availabilityZones[2]: "us-east-1g" is not allowed; allowed: a zone of us-east-1 (${US_EAST_1_ZONES})`],
  ['a fourth zone of a three-zone region', { settings: { env: { region: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1d'] } } }, 'env.availabilityZones[2]: "eu-west-1d" is not allowed; allowed: a zone of eu-west-1 (eu-west-1a, eu-west-1b, eu-west-1c)'],
  ['a zone of the region before', { settings: { env: { region: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'us-east-1c'] } } }, 'env.availabilityZones[2]: "us-east-1c" is not allowed; allowed: a zone of eu-west-1 (eu-west-1a, eu-west-1b, eu-west-1c)'],
  ['one zone twice', { settings: { env: { availabilityZones: ['us-east-1a', 'us-east-1a', 'us-east-1b'] } } }, `env.availabilityZones: ["us-east-1a","us-east-1a","us-east-1b"] is not allowed; allowed: exactly three different zones of us-east-1 (${US_EAST_1_ZONES})`],
  ['a zone name that is not one', { settings: { env: { availabilityZones: ['useast1a', 'us-east-1b', 'us-east-1c'] } } }, 'env.availabilityZones[0]: "useast1a" is not allowed; allowed: an availability zone name such as us-east-1a'],
  ['a standby region that does not exist', phase3({ standby: { region: 'mars-north-1' } }), `standby.region: "mars-north-1" is not allowed; allowed: an AWS region with three zones: ${REGION_LIST}`],
  ['a standby zone of another region', phase3({ standby: { availabilityZones: ['us-west-2a', 'us-west-2b', 'us-east-1c'] } }), 'standby.availabilityZones[2]: "us-east-1c" is not allowed; allowed: a zone of us-west-2 (us-west-2a, us-west-2b, us-west-2c, us-west-2d)'],
  ['a standby in the primary region', phase3({ standby: { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] } }), 'standby.region: "us-east-1" is env.region; allowed: another region'],

  // Node types, instance classes, versions.
  ['a cache node type that does not exist', { settings: { cache: { nodeType: 'cache.t4g.huge' } } }, `cache.nodeType: "cache.t4g.huge" is not allowed; allowed: ${CACHE_TYPES}`],
  ['a cache node type without its prefix', phase3({ standby: { cache: { nodeType: 'r7g.large' } } }), `standby.cache.nodeType: "r7g.large" is not allowed; allowed: ${CACHE_TYPES}`],
  ['a previous-generation cache node', { settings: { cache: { nodeType: 'cache.m4.large' } } }, `cache.nodeType: "cache.m4.large" is not allowed; allowed: ${CACHE_TYPES}`],
  ['an instance class with its db. prefix', { settings: { database: { instanceClass: 'db.r7g.large' } } }, `database.instanceClass: "db.r7g.large" is not allowed; allowed: ${Object.keys(DB_INSTANCE_MEMORY_GIB).map((k) => `"${k}"`).join(', ')}`],
  ['engine version 17.99', { settings: { database: { engineVersion: '17.99' } } }, 'database.engineVersion: "17.99" is not allowed; allowed: 16.1-16.13, 17.1-17.9, 18.1-18.3'],
  ['engine version 15.4', { settings: { database: { engineVersion: '15.4' } } }, 'database.engineVersion: "15.4" is not allowed; allowed: 16.1-16.13, 17.1-17.9, 18.1-18.3'],
  ['engine version as a number', { settings: { database: { engineVersion: 17 } } }, 'database.engineVersion: 17 is a JSON number; allowed: 16.1-16.13, 17.1-17.9, 18.1-18.3, written as a string in quotes'],
  ['a Valkey version ElastiCache lacks', { settings: { cache: { engineVersion: '6.2' } } }, 'cache.engineVersion: "6.2" is not allowed; allowed: "7.2", "8.0", "8.1"'],
  ['Performance Insights for 30 days', { settings: { database: { performanceInsightsRetentionDays: 30 } } }, 'database.performanceInsightsRetentionDays: 30 is not allowed; allowed: 7, 31, 62, 93, 124, 155, 186, 217, 248, 279, 310, 341, 372, 403, 434, 465, 496, 527, 558, 589, 620, 651, 682, 713, 731'],
  ['a storage ceiling below the initial size', { settings: { database: { allocatedStorageGiB: 300 } } }, 'database.maxAllocatedStorageGiB: 200 is less than database.allocatedStorageGiB (300); allowed: at least 300'],
  ['six read replicas', { settings: { database: { readReplicas: 6 } } }, 'database.readReplicas: 6 is not allowed; allowed: a whole number from 0 to 5'],
  ['the master user as the application login', { settings: { database: { applicationLogin: 'dbadmin' } } }, 'database.applicationLogin: "dbadmin" is not allowed; allowed: a lowercase PostgreSQL login of up to 57 letters, digits and underscores, other than dbadmin and not starting with pg_ or rds'],
  ['an application login PostgreSQL reserves', { settings: { database: { applicationLogin: 'pg_app' } } }, 'database.applicationLogin: "pg_app" is not allowed; allowed: a lowercase PostgreSQL login of up to 57 letters, digits and underscores, other than dbadmin and not starting with pg_ or rds'],
  ['an application login RDS reserves', { settings: { database: { applicationLogin: 'rdsadmin' } } }, 'database.applicationLogin: "rdsadmin" is not allowed; allowed: a lowercase PostgreSQL login of up to 57 letters, digits and underscores, other than dbadmin and not starting with pg_ or rds'],
  ['an application login with capitals', { settings: { database: { applicationLogin: 'App' } } }, 'database.applicationLogin: "App" is not allowed; allowed: a lowercase PostgreSQL login of up to 57 letters, digits and underscores, other than dbadmin and not starting with pg_ or rds'],
  ['an application login too long for its _clone twin', { settings: { database: { applicationLogin: 'a'.repeat(58) } } }, `database.applicationLogin: "${'a'.repeat(58)}" is not allowed; allowed: a lowercase PostgreSQL login of up to 57 letters, digits and underscores, other than dbadmin and not starting with pg_ or rds`],

  // Images.
  ['an upper-case repository', web({ image: 'Nginx:1.27' }), `services.web.image: "Nginx:1.27" is not allowed; allowed: ${IMAGE}`],
  ['an upper-case path component', web({ image: 'ghcr.io/Org/app:1' }), `services.web.image: "ghcr.io/Org/app:1" is not allowed; allowed: ${IMAGE}`],
  ['a tag of 129 characters', web({ image: `nginx:${long(129)}` }), `services.web.image: "nginx:${long(129)}" is not allowed; allowed: ${IMAGE}`],
  ['an empty worker health command', worker({ containerHealthCommand: [] }), 'workers.worker.containerHealthCommand: [] is not allowed; allowed: a non-empty list of strings (a command in exec form), or null for none'],
  ['a worker health-check timeout as long as its interval', worker({ containerHealthCommand: ['true'], containerHealthCheck: { intervalSeconds: 10, timeoutSeconds: 10 } }), 'workers.worker.containerHealthCheck.timeoutSeconds: 10 is not below containerHealthCheck.intervalSeconds (10); allowed: less than 10'],
  ['a worker health-check interval of 301 s', worker({ containerHealthCheck: { intervalSeconds: 301 } }), 'workers.worker.containerHealthCheck.intervalSeconds: 301 is not allowed; allowed: a whole number from 5 to 300'],
  ['a worker health check retried 11 times', worker({ containerHealthCheck: { retries: 11 } }), 'workers.worker.containerHealthCheck.retries: 11 is not allowed; allowed: a whole number from 1 to 10'],
  ['an empty image', worker({ image: '' }), `workers.worker.image: "" is not allowed; allowed: ${IMAGE}`],
  ['an image directory without a Dockerfile', web({ image: { directory: 'docs' } }), `services.web.image: {"directory":"docs"} is not allowed; allowed: ${IMAGE}`],
  ['an image directory with another key', web({ image: { directory: 'sample-app', tag: 'x' } }), 'services.web.image.tag: unknown field; allowed: directory'],
  ['an image directory that is not a string', web({ image: { directory: 5 } }), `services.web.image: {"directory":5} is not allowed; allowed: ${IMAGE}`],
  ['an image as a number', web({ image: 5 }), `services.web.image: 5 is not allowed; allowed: ${IMAGE}`],
  ['a collector image with spaces', { settings: { telemetry: { collectorImage: 'otel collector' } } }, 'telemetry.collectorImage: "otel collector" is not allowed; allowed: a container image reference [registry/]repository[:tag][@sha256:digest] with a lower-case repository and a tag of at most 128 characters, such as nginx:1.27 or public.ecr.aws/nginx/nginx-unprivileged:stable-alpine'],

  // Paths, routes and the load balancer's limits.
  ['a path pattern of 129 characters', web({ pathPatterns: [`/${long(128)}`] }), `services.web.pathPatterns[0]: "/${long(128)}" is not allowed; allowed: a path pattern starting with "/", at most 128 characters`],
  ['a path pattern without a slash', web({ pathPatterns: ['api/*'] }), 'services.web.pathPatterns[0]: "api/*" is not allowed; allowed: a path pattern starting with "/", at most 128 characters'],
  ['no path pattern', web({ pathPatterns: [] }), 'services.web.pathPatterns: [] is not allowed; allowed: 1 to 5 path patterns'],
  ['an upper-case host header', web({ hostHeaders: ['API.example.com'] }), 'services.web.hostHeaders[0]: "API.example.com" is not allowed; allowed: a host name such as api.example.com (wildcards * and ? allowed)'],
  ['a health-check path of 1,100 characters', web({ healthCheckPath: `/${long(1099)}` }), `services.web.healthCheckPath: "/${long(1099)}" is not allowed; allowed: a URL path starting with "/", at most 1024 characters`],
  ['a health-check timeout as long as its interval', web({ healthCheck: { intervalSeconds: 10, timeoutSeconds: 10 } }), 'services.web.healthCheck.timeoutSeconds: 10 is not below healthCheck.intervalSeconds (10); allowed: less than 10'],
  ['a health-check interval of 4 s', web({ healthCheck: { intervalSeconds: 4 } }), 'services.web.healthCheck.intervalSeconds: 4 is not allowed; allowed: a whole number from 5 to 300'],
  ['priority 0', web({ priority: 0 }), 'services.web.priority: 0 is not allowed; allowed: a whole number from 1 to 50000'],
  ['101 services on one load balancer', services(101), 'services: 101 services need 101 listener rules; allowed: at most 100 services (one rule each, the load balancer\'s limit)'],
  ['a blue-green service', web({ deployment: { strategy: 'blue-green' } }), 'services.web.deployment.strategy: "blue-green" is experimental and refused until the load balancer supports ECS native deployments (ADR 0020); allowed: "rolling"'],
  ['two default routes', { settings: { services: [{ name: 'web' }, { name: 'api', priority: 5 }] } }, 'services: 2 services claim the default route "/*"; allowed: at most one'],
  ['no services', { settings: { services: [] } }, 'services: [] is not allowed; allowed: a list of at least one service'],
  ['services as an object', { settings: { services: { web: {} } } }, 'services: {"web":{}} is not allowed; allowed: a list of at least one service'],
  ['a service without a name', { settings: { services: [{ cpu: 512 }] } }, `services[0].name: missing value; allowed: ${NAME}`],
  ['a worker with an upper-case name', { phase: 'phase2', settings: { workers: [{ name: 'Mailer' }] } }, `workers.Mailer.name: "Mailer" is not allowed; allowed: ${NAME}`],
  ['a worker named like a service', { phase: 'phase2', settings: { workers: [{ name: 'web' }] } }, 'workers.web.name: "web" is already the name of a service or worker; allowed: a name no other service or worker has'],
  ['a port the tracing collector takes', web({ containerPort: 4318 }), 'services.web.containerPort: 4318 clashes with the tracing collector\'s OTLP port in the same task; allowed: any port but 4317 and 4318'],

  // Task sizes and scaling.
  ['300 CPU units', web({ cpu: 300 }), 'services.web.cpu: 300 is not allowed; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384'],
  ['memory a CPU size does not take', worker({ cpu: 1024, memoryMiB: 1024 }), 'workers.worker.memoryMiB: 1024 is not allowed; allowed: 2048, 3072, 4096, 5120, 6144, 7168, 8192'],
  ['a task count of 2.5', web({ scaling: { minTasks: 2.5 } }), 'services.web.scaling.minTasks: 2.5 is not allowed; allowed: a whole number from 1 to 1000'],
  ['a CPU target of 95 percent', web({ scaling: { cpuTargetPercent: 95 } }), 'services.web.scaling.cpuTargetPercent: 95 is not allowed; allowed: a whole number from 10 to 90'],
  ['a queue kept 15 days', worker({ queue: { retentionDays: 15 } }), 'workers.worker.queue.retentionDays: 15 is not allowed; allowed: a whole number from 1 to 14'],
  ['a deployment strategy that does not exist', web({ deployment: { strategy: 'recreate' } }), 'services.web.deployment.strategy: "recreate" is not allowed; allowed: "rolling", "canary", "linear", "blue-green"'],
  ['a linear service', web({ deployment: { strategy: 'linear', stepPercent: 10 } }), 'services.web.deployment.strategy: "linear" is experimental and refused until the load balancer supports ECS native deployments (ADR 0020); allowed: "rolling"'],

  // Cache size.
  ['58 cache shards', { settings: { cache: { shards: 58 } } }, 'cache.shards: 58 is not allowed; allowed: at most 57 with 1 replica per shard, since each shard adds 7 alarms to the app stack and CloudFormation allows 500 resources per stack (400 for the cache)'],
  ['40 shards of three replicas', { settings: { cache: { shards: 40, replicasPerShard: 3 } } }, 'cache.shards: 40 is not allowed; allowed: at most 26 with 3 replicas per shard, since each shard adds 15 alarms to the app stack and CloudFormation allows 500 resources per stack (400 for the cache)'],
  ['251 cache shards', { settings: { cache: { shards: 251 } } }, 'cache.shards: 251 is not allowed; allowed: a whole number from 1 to 250 (ElastiCache allows 500 nodes per cluster, and each shard has a primary and a replica or more)'],
  ['60 standby cache shards', phase3({ standby: { cache: { shards: 60 } } }), 'standby.cache.shards: 60 is not allowed; allowed: at most 57 with 1 replica per shard, since each shard adds 7 alarms to the app stack and CloudFormation allows 500 resources per stack (400 for the cache)'],
  ['six replicas per shard', { settings: { cache: { replicasPerShard: 6 } } }, 'cache.replicasPerShard: 6 is not allowed; allowed: a whole number from 1 to 5'],

  // Named Valkey groups.
  ['a sharded cache without cluster mode', { phase: 'phase2', settings: { cache: { clusterMode: false } } }, 'cache.shards: 3 is not allowed with cache.clusterMode false; allowed: 1 (a group without cluster mode has one primary and its replicas; set clusterMode true to shard)'],
  ['a sharded store without cluster mode', { settings: { redis: [{ name: 'jobs', shards: 2 }] } }, 'redis.jobs.shards: 2 is not allowed with redis.jobs.clusterMode false; allowed: 1 (a group without cluster mode has one primary and its replicas; set clusterMode true to shard)'],
  ['a URL to a group that does not exist', { settings: { redis: [{ name: 'store' }], services: [{ name: 'web', connectionUrls: { BROKER_URL: { to: 'redis:jobs' } } }] } }, 'services.web.connectionUrls.BROKER_URL.to: "redis:jobs" is not a Redis group of this deployment; allowed: database, database-reader, cache, redis:store'],
  ['a URL to the cache with cache null', { settings: { cache: null, redis: [{ name: 'jobs' }], services: [{ name: 'web', connectionUrls: { REDIS_URL: { to: 'cache' } } }] } }, 'services.web.connectionUrls.REDIS_URL.to: "cache" is not allowed: cache is null; allowed: database, database-reader, redis:jobs'],
  ['a URL to something else', web({ connectionUrls: { X_URL: { to: 'mysql' } } }), 'services.web.connectionUrls.X_URL.to: "mysql" is not allowed; allowed: database, database-reader, cache or redis:<name of a redis group>'],
  ['a Redis database in cluster mode', web({ connectionUrls: { REDIS_URL: { to: 'cache', redisDatabase: 1 } } }), 'services.web.connectionUrls.REDIS_URL.redisDatabase: 1 is not allowed: cache runs in cluster mode, which has only database 0; allowed: 0, or a group with clusterMode false'],
  ['a Redis database past 15', { settings: { redis: [{ name: 'jobs' }], services: [{ name: 'web', connectionUrls: { REDIS_URL: { to: 'redis:jobs', redisDatabase: 16 } } }] } }, 'services.web.connectionUrls.REDIS_URL.redisDatabase: 16 is not allowed; allowed: a whole number from 0 to 15'],
  ['a Redis database in a database URL', web({ connectionUrls: { DATABASE_URL: { to: 'database', redisDatabase: 0 } } }), 'services.web.connectionUrls.DATABASE_URL.redisDatabase: is not allowed with "to": "database"; allowed: redisDatabase only with cache or redis:<name>'],
  ['an empty query parameter name in a Redis URL', web({ connectionUrls: { REDIS_URL: { to: 'cache', query: { '': 'true' } } } }), 'services.web.connectionUrls.REDIS_URL.query.: "" is not allowed; allowed: a parameter name of letters, digits, _ . -'],
  ['a query parameter name that would break a Redis URL', web({ connectionUrls: { REDIS_URL: { to: 'cache', query: { 'a&b': 'true' } } } }), 'services.web.connectionUrls.REDIS_URL.query.a&b: "a&b" is not allowed; allowed: a parameter name of letters, digits, _ . -'],
  ['the kit\'s sslmode in a database URL', web({ connectionUrls: { DATABASE_URL: { to: 'database-reader', query: { sslmode: 'disable' } } } }), 'services.web.connectionUrls.DATABASE_URL.query.sslmode: is set by the kit from database.sslMode; allowed: a parameter other than sslmode, sslrootcert'],
  ['a database URL without PGPASSWORD', web({ variableNames: { PGPASSWORD: 'DB_PASS' }, connectionUrls: { DATABASE_URL: { to: 'database' } } }), 'services.web.connectionUrls.DATABASE_URL: "to": "database" needs PGPASSWORD, which services.web.variableNames renames to DB_PASS: the URL holds no user or password, drivers read them from PGUSER and PGPASSWORD; allowed: a database URL with PGUSER and PGPASSWORD left unrenamed'],
  ['a URL named like one of the app\'s variables', web({ environment: { DATABASE_URL: 'x' }, connectionUrls: { DATABASE_URL: { to: 'database' } } }), 'services.web.connectionUrls.DATABASE_URL: "DATABASE_URL" is also services.web.environment.DATABASE_URL; allowed: a name used once'],
  ['a URL named like a kit variable', web({ connectionUrls: { PGHOST: { to: 'database' } } }), `services.web.connectionUrls.PGHOST: "PGHOST" is set by the kit for the PostgreSQL connection, under the names libpq reads; ${RESERVED}`],
  ['a schedule\'s URL to a group that does not exist', { settings: { schedules: [{ name: 'nightly', command: ['true'], connectionUrls: { REDIS_URL: { to: 'redis:jobs' } } }] } }, 'schedules.nightly.connectionUrls.REDIS_URL.to: "redis:jobs" is not a Redis group of this deployment; allowed: database, database-reader, cache'],
  ['a group named cache', { settings: { redis: [{ name: 'cache' }] } }, 'redis.cache.name: "cache" is not allowed; allowed: any other name (the cache setting is the group named cache)'],
  ['a group declared twice', { settings: { redis: [{ name: 'jobs' }, { name: 'jobs', role: 'cache' }] } }, 'redis.jobs.name: "jobs" is declared twice; allowed: a name unique among redis entries'],
  ['a group name with a hyphen', { settings: { redis: [{ name: 'job-store' }] } }, 'redis.job-store.name: "job-store" is not allowed; allowed: lower-case letters and digits, 1-10 characters, starting with a letter (the group id <appName>-<stage>-<name> has at most 40)'],
  ['a role that does not exist', { settings: { redis: [{ name: 'jobs', role: 'queue' }] } }, 'redis.jobs.role: "queue" is not allowed; allowed: "cache", "store"'],
  ['a store that takes the cache\'s alarms', { settings: { cache: { shards: 50 }, redis: [{ name: 'jobs', clusterMode: true, shards: 8 }] } }, 'cache.shards: 50 is not allowed; allowed: at most 49 with 1 replica per shard, since each shard adds 7 alarms to the app stack and CloudFormation allows 500 resources per stack (400 for the cache, 56 of them taken by the redis entries)'],

  // The app's name.
  ['appName "shop-"', { settings: { appName: 'shop-' } }, `appName: "shop-" is not allowed; allowed: ${APP_NAME}`],
  ['appName "my--shop"', { settings: { appName: 'my--shop' } }, `appName: "my--shop" is not allowed; allowed: ${APP_NAME}`],
  ['appName "Shop"', { settings: { appName: 'Shop' } }, `appName: "Shop" is not allowed; allowed: ${APP_NAME}`],
  ['appName of one letter', { settings: { appName: 's' } }, `appName: "s" is not allowed; allowed: ${APP_NAME}`],
  ['appName of 21 characters', { settings: { appName: long(21) } }, `appName: "${long(21)}" is not allowed; allowed: ${APP_NAME}`],
  ['appName from the command line', { appName: 'my_shop' }, `appName: "my_shop" is not allowed; allowed: ${APP_NAME}`],

  // Burn rates and alarm rows.
  ['burn-rate windows listed twice', { settings: { sla: { burnRates: [{ burnRate: 14.4, longWindowMinutes: 60, shortWindowMinutes: 5, route: 'page' }, { burnRate: 10, longWindowMinutes: 60, shortWindowMinutes: 5, route: 'notify' }] } } }, 'sla.burnRates[1]: windows 60/5 minutes repeat sla.burnRates[0]; allowed: each pair of long and short windows once'],
  ['a short window as long as the long one', { settings: { sla: { burnRates: [{ burnRate: 2, longWindowMinutes: 60, shortWindowMinutes: 60, route: 'page' }] } } }, 'sla.burnRates[0].shortWindowMinutes: 60 is not shorter than longWindowMinutes (60); allowed: less than 60'],
  ['a window of 1,500 minutes', { settings: { sla: { burnRates: [{ burnRate: 2, longWindowMinutes: 1500, shortWindowMinutes: 60, route: 'page' }] } } }, 'sla.burnRates[0].longWindowMinutes: 1500 is not allowed; allowed: whole minutes up to 1440, or whole days (multiples of 1440) up to 43200'],
  ['a short window of two days', { settings: { sla: { burnRates: [{ burnRate: 2, longWindowMinutes: 4320, shortWindowMinutes: 2880, route: 'page' }] } } }, 'sla.burnRates[0].shortWindowMinutes: 2880 is not allowed; allowed: whole minutes from 1 to 1440 (one alarm period)'],
  ['a burn rate of 0', { settings: { sla: { burnRates: [{ burnRate: 0, longWindowMinutes: 60, shortWindowMinutes: 5, route: 'page' }] } } }, 'sla.burnRates[0].burnRate: 0 is not allowed; allowed: a number greater than 0 and less than 1000'],
  ['a burn-rate row without its route', { settings: { sla: { burnRates: [{ burnRate: 2, longWindowMinutes: 60, shortWindowMinutes: 5 }] } } }, 'sla.burnRates[0].route: missing value; allowed: "page", "notify"'],
  ['an alarm routed by SMS', { settings: { sla: { serviceDown: { route: 'sms' } } } }, 'sla.serviceDown.route: "sms" is not allowed; allowed: "page", "notify"'],
  ['a 45-second alarm period', { settings: { sla: { latencyP95: { periodSeconds: 45 } } } }, 'sla.latencyP95.periodSeconds: 45 is not allowed; allowed: 10, 30, or a multiple of 60 up to 3600'],
  ['a CPU threshold of 150 percent', { settings: { sla: { saturation: { ecsCpuPercent: { threshold: 150 } } } } }, 'sla.saturation.ecsCpuPercent.threshold: 150 is not allowed; allowed: a number from 0 to 100'],
  ['an alarm window over a day', { settings: { sla: { errorRate: { periodSeconds: 3600, evaluationPeriods: 25 } } } }, 'sla.errorRate.evaluationPeriods: 25 periods of 3600 s exceed one day; allowed: periodSeconds x evaluationPeriods up to 86400'],

  // How values are written.
  ['an account id as a JSON number', { settings: { env: { account: 123456789012 } } }, 'env.account: 123456789012 is a JSON number; allowed: a 12-digit AWS account id, written as a string in quotes'],
  ['an account id of five digits', { settings: { env: { account: '12345' } } }, 'env.account: "12345" is not allowed; allowed: a 12-digit AWS account id'],
  ['1e400', json('{"network": {"natGateways": 1e400}}'), 'network.natGateways: a number beyond the double range (such as 1e400) is not allowed; allowed: a whole number from 1 to 3'],
  ['-1e400', json('{"database": {"readReplicas": -1e400}}'), 'database.readReplicas: a number below the double range (such as -1e400) is not allowed; allowed: a whole number from 0 to 5'],
  ['a boolean as a string', { settings: { operatorAccess: { ecsExec: 'yes' } } }, 'operatorAccess.ecsExec: "yes" is not allowed; allowed: true, false'],
  ['a list where an object belongs', { settings: { network: [] } }, 'network: [] is not allowed; allowed: an object with vpcCidr, natGateways, flowLogRetentionDays'],
  ['settings that are a list', { settings: [] }, 'settings: [] is not allowed; allowed: a JSON object'],
  ['phases as a number', { settings: { phases: 3 } }, 'phases: 3 is not allowed; allowed: an object with phase1, phase2, phase3'],
  ['an unknown stage in the file', { settings: { stage: 'qa' } }, 'stage: "qa" is not allowed; allowed: "dev", "staging", "prod"'],
  ['a log retention CloudWatch does not offer', { settings: { protection: { logRetentionDays: 31 } } }, 'protection.logRetentionDays: 31 is not allowed; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653'],
  ['a sample rate of 101 percent', { settings: { telemetry: { tracingSamplePercent: 101 } } }, 'telemetry.tracingSamplePercent: 101 is not allowed; allowed: a number from 0 to 100'],

  // Network, ingress and capabilities.
  ['a public VPC block', { settings: { network: { vpcCidr: '8.8.0.0/16' } } }, 'network.vpcCidr: "8.8.0.0/16" is not allowed; allowed: a private (RFC 1918) /16 or /17 IPv4 block with no host bits set, such as 10.0.0.0/16'],
  ['a standby block overlapping the primary', phase3({ standby: { vpcCidr: '10.0.0.0/17' } }), 'standby.vpcCidr: "10.0.0.0/17" overlaps network.vpcCidr (10.0.0.0/16); allowed: a block apart from it, so the VPCs can be peered'],
  ['four NAT gateways', { settings: { network: { natGateways: 4 } } }, 'network.natGateways: 4 is not allowed; allowed: a whole number from 1 to 3'],
  ['an event stream kept 10 hours', { settings: { eventStream: { retentionHours: 10 } } }, 'eventStream.retentionHours: 10 is not allowed; allowed: a whole number from 24 to 8760'],
  ['a CDN without a firewall', phase2({ firewall: null }), 'firewall: null is not allowed when edge is on: the CDN is the public endpoint, and its web ACL rate-limits and logs every request; allowed: an object with rateLimitPer5Minutes'],
  ['a hosted zone without its name', { settings: { ingress: { hostedZone: { id: 'Z0123456789ABCDEFGHIJ' } } } }, 'ingress.hostedZone.name: missing value; allowed: a lower-case DNS name such as app.example.com'],
  ['a hosted zone id in lower case', { settings: { ingress: { hostedZone: { id: 'z0123', name: 'example.com' }, domainName: 'app.example.com' } } }, 'ingress.hostedZone.id: "z0123" is not allowed; allowed: a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ'],
  ['a certificate that is not an ARN', { settings: { ingress: { certificateArn: 'my-cert' } } }, 'ingress.certificateArn: "my-cert" is not allowed; allowed: an ACM certificate ARN'],
  ['an upper-case domain', { settings: { ingress: { domainName: 'Shop.Example.com' } } }, 'ingress.domainName: "Shop.Example.com" is not allowed; allowed: a lower-case DNS name such as app.example.com'],
  ['a standby role that is not one', phase3({ standby: { role: 'primary' } }), 'standby.role: "primary" is not allowed; allowed: "standby", "promoted", "failback"'],
  [
    'a failback without the promoted database\'s secret',
    phase3({ standby: { role: 'failback', databaseGeneration: 2 } }),
    'standby.databaseSecretArn: missing value; required with standby.role "failback", since the primary region\'s new replica and its tasks read the promoted database\'s credentials; allowed: the ARN, in us-west-2, of the secret the promotion made standalone (docs/runbooks.md, regional failover)',
  ],
  [
    'a failback on the first database',
    phase3({ standby: { role: 'failback', databaseSecretArn: 'arn:aws:secretsmanager:us-west-2:111111111111:secret:shop-AbCdEf' } }),
    'standby.databaseGeneration: 1 is not allowed with standby.role "failback"; allowed: a whole number from 2 to 99, the generation before the failback plus one (the primary region\'s new database, a replica of the promoted one)',
  ],
  ['a database generation beyond the last', phase3({ standby: { databaseGeneration: 100 } }), 'standby.databaseGeneration: 100 is not allowed; allowed: a whole number from 1 to 99'],
  [
    'the switch back keeping the secret of the database it leaves',
    phase3({ standby: { databaseGeneration: 2, databaseSecretArn: 'arn:aws:secretsmanager:us-west-2:111111111111:secret:shop-AbCdEf' } }),
    'standby.databaseSecretArn: "arn:aws:secretsmanager:us-west-2:111111111111:secret:shop-AbCdEf" is not allowed with standby.role "standby" and databaseGeneration 2: it is the secret of the database the switch back leaves behind, and the standby\'s tasks now read the replica of the primary\'s new secret; allowed: unset (docs/runbooks.md, regional failback)',
  ],
  ['retiring with nothing to retire', phase3({ standby: { previousDatabases: 'unprotect' } }), 'standby.previousDatabases: "unprotect" is not allowed with databaseGeneration 1: there is no previous database; allowed: "keep"'],
  ['an unknown retirement step', phase3({ standby: { databaseGeneration: 2, previousDatabases: 'delete' } }), 'standby.previousDatabases: "delete" is not allowed; allowed: "keep", "unprotect", "retire"'],
  ['a standby minimum above a maximum', phase3({ standby: { minTasks: 41 } }), 'standby.minTasks: 41 is not allowed; allowed: a whole number from 0 to 40 (the smallest scaling.maxTasks of a service without standbyTasks)'],
  // Workers, scheduled tasks and standby task counts.
  ['a worker scaling signal that does not exist', phase2({ workers: [{ name: 'worker', scaling: { signal: 'memory' } }] }), 'workers.worker.scaling.signal: "memory" is not allowed; allowed: "backlog", "cpu", "metric", "schedule", "fixed", "singleton"'],
  ['backlog scaling without a queue', phase2({ workers: [{ name: 'worker', queue: null }] }), 'workers.worker.scaling.signal: "backlog" needs the worker\'s queue, and queue is null; allowed: "cpu", "metric", "schedule", "fixed" or "singleton", or a queue object'],
  ['a worker scaling that is not an object', phase2({ workers: [{ name: 'worker', scaling: 3 }] }), `workers.worker.scaling: 3 is not allowed; allowed: ${WORKER_SCALING}`],
  ['a field of another signal', phase2({ workers: [{ name: 'worker', scaling: { signal: 'fixed', tasks: 2, backlogPerTask: 10 } }] }), 'workers.worker.scaling.backlogPerTask: unknown field; allowed: signal, tasks'],
  ['a fixed count of 0', phase2({ workers: [{ name: 'worker', scaling: { signal: 'fixed', tasks: 0 } }] }), 'workers.worker.scaling.tasks: 0 is not allowed; allowed: a whole number from 1 to 1000'],
  ['a metric in an AWS namespace', phase2({ workers: [{ name: 'jobs', queue: null, scaling: { signal: 'metric', minTasks: 1, maxTasks: 4, namespace: 'AWS/SQS', metricName: 'Age', dimensions: {}, statistic: 'Average', targetValue: 10, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 } }] }), 'workers.jobs.scaling.namespace: "AWS/SQS" is not allowed; allowed: a CloudWatch namespace of the application, 1-255 characters, not starting with AWS/ nor containing ":"'],
  ['a scaling statistic CloudWatch does not have', phase2({ workers: [{ name: 'jobs', queue: null, scaling: { signal: 'metric', minTasks: 1, maxTasks: 4, namespace: 'App', metricName: 'Age', dimensions: {}, statistic: 'p99', targetValue: 10, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 } }] }), 'workers.jobs.scaling.statistic: "p99" is not allowed; allowed: "Average", "Minimum", "Maximum", "Sum", "SampleCount"'],
  ['a scaling action with a five-field cron', phase2({ workers: [{ name: 'jobs', queue: null, scaling: { signal: 'schedule', minTasks: 0, maxTasks: 2, timezone: 'UTC', actions: [{ name: 'day', schedule: 'cron(0 8 * * *)', minTasks: 1, maxTasks: 2 }] } }] }), 'workers.jobs.scaling.actions.day.schedule: "cron(0 8 * * *)" is not allowed; allowed: a cron expression with six fields, cron(minutes hours day-of-month month day-of-week year), one of day-of-month and day-of-week "?", such as cron(0 3 * * ? *)'],
  ['a scaling action whose minimum is above its maximum', phase2({ workers: [{ name: 'jobs', queue: null, scaling: { signal: 'schedule', minTasks: 0, maxTasks: 2, timezone: 'UTC', actions: [{ name: 'day', schedule: 'cron(0 8 ? * MON-FRI *)', minTasks: 3, maxTasks: 2 }] } }] }), 'workers.jobs.scaling.actions.day.minTasks: 3 is greater than maxTasks (2); allowed: at most 2'],
  ['a time zone that does not exist', phase2({ workers: [{ name: 'jobs', queue: null, scaling: { signal: 'schedule', minTasks: 0, maxTasks: 2, timezone: 'Europe/Gotham', actions: [{ name: 'day', schedule: 'cron(0 8 ? * MON-FRI *)', minTasks: 1, maxTasks: 2 }] } }] }), 'workers.jobs.scaling.timezone: "Europe/Gotham" is not allowed; allowed: an IANA time zone name such as UTC or Europe/Berlin'],
  ['a singleton running in the standby too', phase3({ workers: [{ name: 'beat', queue: null, standbyTasks: 1, scaling: { signal: 'singleton' } }] }), 'workers.beat.standbyTasks: 1 is not allowed for a singleton: it would run in both regions at once; allowed: 0 or null (it starts in the standby with the deploy that promotes it)'],
  ['a worker standby count above its maximum', phase3({ workers: [{ name: 'worker', standbyTasks: 61 }] }), 'workers.worker.standbyTasks: 61 is not allowed; allowed: a whole number from 0 to 60 (the worker\'s most tasks)'],
  ['a service standby count above its maximum', phase3({ services: [{ name: 'web', standbyTasks: 41 }] }), 'services.web.standbyTasks: 41 is not allowed; allowed: a whole number from 0 to 40 (the service\'s scaling.maxTasks)'],
  ['a negative standby count', phase3({ standby: { workerTasks: -1 } }), 'standby.workerTasks: -1 is not allowed; allowed: a whole number from 0 to 1000'],
  ['a standby worker count above a worker\'s maximum', phase3({ standby: { workerTasks: 61 } }), 'standby.workerTasks: 61 is not allowed; allowed: a whole number from 0 to 60 (the smallest task maximum of a worker without standbyTasks)'],
  ['a schedule without its command', { settings: { schedules: [{ name: 'nightly', command: [] }] } }, 'schedules.nightly.command: [] is not allowed; allowed: a list of 1 to 1000 strings'],
  ['a schedule with a rate of 0', { settings: { schedules: [{ name: 'nightly', command: ['true'], schedule: 'rate(0 hours)' }] } }, 'schedules.nightly.schedule: "rate(0 hours)" is not allowed; allowed: cron(minutes hours day-of-month month day-of-week year) with one of day-of-month and day-of-week "?", or rate(N minutes|hours|days), such as cron(0 3 * * ? *)'],
  ['a cron with both day fields', { settings: { schedules: [{ name: 'nightly', command: ['true'], schedule: 'cron(0 3 * * * *)' }] } }, 'schedules.nightly.schedule: "cron(0 3 * * * *)" is not allowed; allowed: cron(minutes hours day-of-month month day-of-week year) with one of day-of-month and day-of-week "?", or rate(N minutes|hours|days), such as cron(0 3 * * ? *)'],
  ['a schedule with 200 retries', { settings: { schedules: [{ name: 'nightly', command: ['true'], retries: 200 }] } }, 'schedules.nightly.retries: 200 is not allowed; allowed: a whole number from 0 to 185'],
  ['a schedule of a size Fargate does not run', { settings: { schedules: [{ name: 'nightly', command: ['true'], cpu: 256, memoryMiB: 4096 }] } }, 'schedules.nightly.memoryMiB: 4096 is not allowed; allowed: 512, 1024, 2048'],
  ['two schedules of one name', { settings: { schedules: [{ name: 'nightly', command: ['true'] }, { name: 'nightly', command: ['false'] }] } }, 'schedules.nightly.name: "nightly" is already the name of a schedule; allowed: a name no other schedule has'],
  ['compliance without AwsSolutions', { settings: { compliancePacks: ['NIST.800.53.R5'] } }, 'compliancePacks: ["NIST.800.53.R5"] is not allowed; allowed: a list that includes "AwsSolutions"'],
  ['a compliance pack that does not exist', { settings: { compliancePacks: ['AwsSolutions', 'SOC2'] } }, 'compliancePacks[1]: "SOC2" is not allowed; allowed: "AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"'],
  // Web services: load balancer, stickiness, stop timeout, writable paths, deployment percents.
  ['an idle timeout beyond the load balancer\'s', { settings: { ingress: { idleTimeoutSeconds: 5000 } } }, 'ingress.idleTimeoutSeconds: 5000 is not allowed; allowed: a whole number from 1 to 4000'],
  ['a container health check given as one shell string', web({ containerHealthCommand: 'curl -f http://localhost:8000/health/' }), 'services.web.containerHealthCommand: "curl -f http://localhost:8000/health/" is not allowed; allowed: a list of strings (a command in exec form), or null for none'],
  ['a container health check with an empty argument', web({ containerHealthCommand: ['python3', ''] }), 'services.web.containerHealthCommand[1]: "" is not allowed; allowed: a non-empty string of at most 4096 characters'],
  ['a stop timeout beyond Fargate\'s', web({ stopTimeoutSeconds: 300 }), 'services.web.stopTimeoutSeconds: 300 is not allowed; allowed: a whole number from 2 to 120 (Fargate waits at most 120 seconds after SIGTERM)'],
  ['/tmp as an extra writable path', web({ writablePaths: ['/tmp'] }), 'services.web.writablePaths[0]: "/tmp" is not allowed; allowed: an absolute directory path other than / and /tmp, such as /app/tmp or /var/cache/nginx'],
  ['a relative writable path', web({ writablePaths: ['app/tmp'] }), 'services.web.writablePaths[0]: "app/tmp" is not allowed; allowed: an absolute directory path other than / and /tmp, such as /app/tmp or /var/cache/nginx'],
  ['a writable path that climbs out', web({ writablePaths: ['/app/../etc'] }), 'services.web.writablePaths[0]: "/app/../etc" is not allowed; allowed: an absolute directory path other than / and /tmp, such as /app/tmp or /var/cache/nginx'],
  ['a writable path twice', web({ writablePaths: ['/a', '/a'] }), 'services.web.writablePaths: ["/a","/a"] is not allowed; allowed: distinct directory paths'],
  ['a read-only root as a string', web({ readOnlyRootFilesystem: 'false' }), 'services.web.readOnlyRootFilesystem: "false" is not allowed; allowed: true, false'],
  ['a worker\'s read-only root as a number', worker({ readOnlyRootFilesystem: 0 }), 'workers.worker.readOnlyRootFilesystem: 0 is not allowed; allowed: true, false'],
  ['a schedule\'s read-only root as null', { settings: { schedules: [{ name: 'nightly', command: ['x'], readOnlyRootFilesystem: null }] } }, 'schedules.nightly.readOnlyRootFilesystem: null is not allowed; allowed: true, false'],
  ['a misspelt read-only root', web({ readonlyRootFilesystem: false }), 'services.web.readonlyRootFilesystem: unknown field; allowed: name, image, user, buckets, environment, secrets, variableNames, connectionUrls, sendsEmail, containerPort, cpu, memoryMiB, command, healthCheckPath, healthCheck, containerHealthCommand, pathPatterns, hostHeaders, priority, stickiness, stopTimeoutSeconds, writablePaths, readOnlyRootFilesystem, scaling, deployment, standbyTasks, migrationCommand'],
  ['a stickiness cookie named like the load balancer\'s own', web({ stickiness: { cookieName: 'AWSALBX' } }), 'services.web.stickiness.cookieName: "AWSALBX" is not allowed; allowed: a cookie name of letters, digits and !#$%&\'*+.^_`|~- not starting with AWSALB, AWSALBAPP or AWSALBTG'],
  ['a rolling maximum no higher than its minimum', web({ deployment: { maxPercent: 100 } }), 'services.web.deployment.maxPercent: 100 is not above deployment.minHealthyPercent (100), so a deployment could neither start nor stop a task; allowed: 101 to 200'],
  ['an origin response timeout beyond CloudFront\'s', phase2({ edge: { originResponseTimeoutSeconds: 120 } }), 'edge.originResponseTimeoutSeconds: 120 is not allowed; allowed: a whole number from 1 to 60 (CloudFront allows more only through a quota increase)'],
  ['a CDN keep-alive as long as the load balancer\'s idle timeout', phase2({ ingress: { idleTimeoutSeconds: 30 }, edge: { originKeepaliveTimeoutSeconds: 30 } }), 'edge.originKeepaliveTimeoutSeconds: 30 is not below ingress.idleTimeoutSeconds (30), so the load balancer would close connections CloudFront still reuses; allowed: 1 to 29'],
  ['the proxy count as a user variable', web({ environment: { TRUSTED_PROXY_HOPS: '3' } }), `services.web.environment.TRUSTED_PROXY_HOPS: "TRUSTED_PROXY_HOPS" is set by the kit for the number of proxies that append to X-Forwarded-For (ADR 0028); ${RESERVED}`],
  // Web firewall exceptions.
  ['a core rule set rule named by its label', phase2({ firewall: { countRules: ['SizeRestrictions_Body'] } }), `firewall.countRules[0]: "SizeRestrictions_Body" is not allowed; allowed: a rule of AWSManagedRulesCommonRuleSet: ${COMMON_RULE_NAMES.join(', ')}`],
  ['a path exception for a rule counted everywhere', phase2({ firewall: { pathExceptions: [{ pathPrefix: '/up/', rules: ['SizeRestrictions_BODY'] }] } }), 'firewall.pathExceptions[0].rules: "SizeRestrictions_BODY" already only counts on every path (firewall.countRules); allowed: a rule that blocks elsewhere, or remove it from countRules'],
  ['a wildcard in a path exception', phase2({ firewall: { pathExceptions: [{ pathPrefix: '/api/*', rules: [] }] } }), 'firewall.pathExceptions[0].pathPrefix: "/api/*" is not allowed; allowed: a URL path prefix starting with "/", at most 200 characters, without wildcards, such as /api/uploads/'],
  ['a path excepted twice', phase2({ firewall: { countRules: [], pathExceptions: [{ pathPrefix: '/a/', rules: [] }, { pathPrefix: '/a/', rules: ['CrossSiteScripting_BODY'] }] } }), 'firewall.pathExceptions[1].pathPrefix: "/a/" is excepted twice; allowed: one exception per path, listing all its rules'],
  // Secrets the standby's tasks read too.
  ['a secret ARN of the primary region with a standby', phase3({ services: [{ name: 'web', secrets: { KEY: { secretsManager: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app/key-AbCdEf' } } }] }), 'services.web.secrets.KEY.secretsManager: "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/key-AbCdEf" pins the standby\'s tasks to us-east-1, which a failover leaves; allowed: the secret\'s name, with the secret replicated to standby.region (us-west-2): a replica keeps the name; or a "standby" reference in us-west-2'],
  ['a parameter ARN of the primary region with a standby', phase3({ services: [{ name: 'web', secrets: { KEY: { ssmParameter: 'arn:aws:ssm:us-east-1:111111111111:parameter/app/key' } } }] }), 'services.web.secrets.KEY.ssmParameter: "arn:aws:ssm:us-east-1:111111111111:parameter/app/key" pins the standby\'s tasks to us-east-1, which a failover leaves; allowed: the parameter\'s name, with a parameter of that name in standby.region (us-west-2); or a "standby" reference in us-west-2'],
  ['a standby reference without a standby region', phase2({ services: [{ name: 'web', secrets: { KEY: { secretsManager: 'app/key', standby: { secretsManager: 'app/key-copy' } } } }] }), 'services.web.secrets.KEY.standby: is not allowed without a standby region; allowed: unset, or set standby'],
  ['a standby reference of another kind', phase3({ services: [{ name: 'web', secrets: { KEY: { secretsManager: 'app/key', standby: { ssmParameter: '/app/key' } } } }] }), 'services.web.secrets.KEY.standby: {"ssmParameter":"/app/key"} is not allowed; allowed: { "secretsManager": name or ARN in standby.region }, the same kind as the secret'],
  ['a standby reference with two sources', phase3({ services: [{ name: 'web', secrets: { KEY: { ssmParameter: '/app/key', standby: { secretsManager: 'app', ssmParameter: '/app/key' } } } }] }), 'services.web.secrets.KEY.standby: {"secretsManager":"app","ssmParameter":"/app/key"} is not allowed; allowed: { "ssmParameter": name or ARN in standby.region }, the same kind as the secret'],
  ['a standby reference in the primary region', phase3({ services: [{ name: 'web', secrets: { KEY: { secretsManager: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app/key-AbCdEf', standby: { secretsManager: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app/key-AbCdEf' } } } }] }), 'services.web.secrets.KEY.standby.secretsManager: "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/key-AbCdEf" is in us-east-1; allowed: a secret in standby.region (us-west-2), where the standby\'s tasks run'],
  ['a standby parameter of another account', phase3({ services: [{ name: 'web', secrets: { KEY: { ssmParameter: '/app/key', standby: { ssmParameter: 'arn:aws:ssm:us-west-2:222222222222:parameter/app/key' } } } }] }), 'services.web.secrets.KEY.standby.ssmParameter: "arn:aws:ssm:us-west-2:222222222222:parameter/app/key" is in account 222222222222; allowed: a parameter of env.account (111111111111), by name or ARN'],
  // Per-phase overlays change entries by name.
  ['an overlay naming no service', { settings: { phases: { phase1: { services: [{ name: 'wbe', cpu: 1024, memoryMiB: 2048 }] } } } }, 'phases.phase1.services.wbe: "wbe" names no entry of services; an overlay changes entries by name and adds none; allowed: a name among web'],
  // Buckets (ADR 0025).
  ['a bucket no one declared', web({ buckets: { photos: 'read' } }), 'services.web.buckets.photos: "photos" is not a bucket of this deployment; allowed: a name listed in buckets (none yet)'],
  ['a worker\'s bucket access "write"', phase2({ buckets: [{ name: 'uploads' }], workers: [{ name: 'worker', buckets: { uploads: 'write' } }] }), `workers.worker.buckets.uploads: "write" is not allowed; allowed: ${GRANT}`],
  ['a bucket variable set by hand', web({ environment: { S3_BUCKET_UPLOADS: 'mine' } }), `services.web.environment.S3_BUCKET_UPLOADS: "S3_BUCKET_UPLOADS" is set by the kit for the S3 buckets and where viewers read public ones (ADR 0025, ADR 0033); ${RESERVED}`],
  ['a bucket name in capitals', { settings: { buckets: [{ name: 'Uploads' }] } }, `buckets.Uploads.name: "Uploads" is not allowed; allowed: ${NAME}`],
  ['Standard-IA before 30 days', { settings: { buckets: [{ name: 'uploads', infrequentAccessAfterDays: 7 }] } }, 'buckets.uploads.infrequentAccessAfterDays: 7 is not allowed; allowed: a whole number from 30 to 36500 (S3 moves objects to Standard-IA after 30 days at the earliest)'],
  ['a CORS origin without a scheme', { settings: { buckets: [{ name: 'uploads', corsOrigins: ['app.example.com'] }] } }, 'buckets.uploads.corsOrigins[0]: "app.example.com" is not allowed; allowed: an origin such as https://app.example.com (scheme, host, optional port)'],
  ['an app name S3 reserves for bucket names', { settings: { appName: 'sthree-shop', buckets: [{ name: 'uploads' }] } }, 'appName: "sthree-shop" is not allowed with buckets: their names begin with it, and S3 reserves names beginning with "sthree-"; allowed: a name that does not begin with "sthree-" or "amzn-s3-demo-"'],
  ['a public bucket without the CDN', { settings: { buckets: [{ name: 'files', public: { pathPattern: '/files/*', ttlSeconds: 60 } }] } }, 'buckets.files.public: is not allowed without edge: public objects are served only through the CDN; allowed: null, or turn edge on (phase2 and later)'],
  ['a public path that is not a folder', phase2({ buckets: [{ name: 'files', public: { pathPattern: '/files', ttlSeconds: 60 } }] }), 'buckets.files.public.pathPattern: "/files" is not allowed; allowed: a CloudFront path pattern of a folder such as /files/* (the object key is the request path without its leading "/")'],
  ['a public path a static path has', phase2({ buckets: [{ name: 'files', public: { pathPattern: '/assets/*', ttlSeconds: 60 } }] }), 'buckets.files.public.pathPattern: "/assets/*" is already an edge.staticPaths or another bucket\'s path; allowed: a path pattern no other cache behaviour has'],
  ['public buckets beyond the CDN\'s behaviours', phase2({ edge: { staticPaths: staticPaths(25) }, buckets: [{ name: 'files', public: { pathPattern: '/files/*', ttlSeconds: 60 } }] }), 'buckets: 25 static paths and 1 public buckets need 26 cache behaviours; allowed: at most 25 together (CloudFront\'s limit per distribution)'],
  // Grants on a key prefix (ADR 0025).
  ['a prefix with a leading slash', grant({ access: 'read', prefix: '/public/' }), 'services.web.buckets.uploads.prefix: "/public/" is not allowed; allowed: a key prefix without a leading "/", since object keys have none: "public/", not "/public/"'],
  ['a prefix with a wildcard', grant({ access: 'read', prefix: 'public/*' }), 'services.web.buckets.uploads.prefix: "public/*" is not allowed; allowed: a prefix without *, ? or $, which IAM reads as wildcards and policy variables'],
  ['a prefix with a policy variable', grant({ access: 'read', prefix: '${aws:username}/' }), 'services.web.buckets.uploads.prefix: "${aws:username}/" is not allowed; allowed: a prefix without *, ? or $, which IAM reads as wildcards and policy variables'],
  ['a prefix that is not a folder', grant({ access: 'read-write', prefix: 'avatars' }), 'services.web.buckets.uploads.prefix: "avatars" is not allowed; allowed: a prefix ending with "/", such as "avatars/": without it the grant would also cover "avatars-other/..."'],
  ['a prefix with a space', grant({ access: 'read', prefix: 'my files/' }), 'services.web.buckets.uploads.prefix: "my files/" is not allowed; allowed: letters, digits, "/" and ! - _ . \' ( ), the characters S3 calls safe in object keys'],
  ['an empty prefix', grant({ access: 'read', prefix: '' }), 'services.web.buckets.uploads.prefix: "" is not allowed; allowed: a key prefix of 1 to 512 characters, such as "public/"'],
  ['a prefix with an empty folder', grant([{ access: 'read', prefix: 'a//' }]), 'services.web.buckets.uploads[0].prefix: "a//" is not allowed; allowed: folders separated by single "/", none of them "." or ".."'],
  ['a prefix inside another of the same bucket', grant([{ access: 'read', prefix: 'media/' }, { access: 'read-write', prefix: 'media/cache/' }]), 'services.web.buckets.uploads[1].prefix: "media/cache/" lies inside "media/" of the same bucket; allowed: prefixes none of which begins another (declare the wider access once)'],
  ['a prefix grant with access "write"', grant({ access: 'write', prefix: 'public/' }), `services.web.buckets.uploads: {"access":"write","prefix":"public/"} is not allowed; allowed: ${GRANT}`],
  ['an empty list of prefix grants', grant([]), `services.web.buckets.uploads: [] is not allowed; allowed: ${GRANT}`],
  // A bucket on a host of its own (ADR 0033).
  ['a public bucket with a path and a host', phase2({ ingress: DOMAIN, buckets: [{ name: 'files', public: { pathPattern: '/files/*', host: 'files', ttlSeconds: 60 } }] }), 'buckets.files.public: has both pathPattern and host; allowed: exactly one, a path of the main domain (/files/*) or a host of its own (files)'],
  ['a public bucket with neither a path nor a host', phase2({ buckets: [{ name: 'files', public: { ttlSeconds: 60 } }] }), 'buckets.files.public: has neither pathPattern nor host; allowed: exactly one, a path of the main domain (/files/*) or a host of its own (files)'],
  ['a host with a capital', phase2({ ingress: DOMAIN, buckets: [{ name: 'files', public: { host: 'Files', ttlSeconds: 60 } }] }), 'buckets.files.public.host: "Files" is not allowed; allowed: one lower-case DNS label such as files (files.<ingress.domainName>), or a full lower-case DNS name such as files.example.com'],
  ['a host label without a domain', phase2({ buckets: [{ name: 'files', public: { host: 'files', ttlSeconds: 60 } }] }), 'buckets.files.public.host: "files" is a label, which names files.<ingress.domainName>, and ingress.domainName is unset; allowed: a full DNS name such as files.example.com, or set ingress.domainName'],
  ['a host that is the main domain', phase2({ ingress: DOMAIN, buckets: [{ name: 'files', public: { host: 'app.example.com', ttlSeconds: 60 } }] }), 'buckets.files.public.host: "app.example.com" is already ingress.domainName, and an alternate domain name belongs to one distribution; allowed: a name of its own such as files.app.example.com'],
  ['two buckets on one host', phase2({ ingress: DOMAIN, buckets: [{ name: 'files', public: { host: 'files', ttlSeconds: 60 } }, { name: 'media', public: { host: 'files.app.example.com', ttlSeconds: 60 } }] }), 'buckets.media.public.host: "files.app.example.com" is already buckets.files.public.host, and an alternate domain name belongs to one distribution; allowed: a name of its own such as files.app.example.com'],
  ['a host outside the hosted zone', phase2({ ingress: { ...DOMAIN, originDomainName: 'origin.app.example.com', hostedZone: { id: 'Z0123456789ABC', name: 'example.com' } }, buckets: [{ name: 'files', public: { host: 'files.example.org', ttlSeconds: 60 } }] }), 'buckets.files.public.host: "files.example.org" is not allowed; allowed: a name inside ingress.hostedZone.name (example.com), where the kit writes its alias record'],
  ['a host without a certificate', phase2({ buckets: [{ name: 'files', public: { host: 'files.example.com', ttlSeconds: 60 } }] }), 'buckets.files.public.certificateArn: missing value; required for host files.example.com, since CloudFront serves an alternate domain name only with a certificate covering it; allowed: an ACM certificate ARN in us-east-1 covering files.example.com, or an ingress.edgeCertificateArn that covers it'],
  ['a host certificate outside us-east-1', phase2({ buckets: [{ name: 'files', public: { host: 'files.example.com', certificateArn: CERT_EU, ttlSeconds: 60 } }] }), `buckets.files.public.certificateArn: "${CERT_EU}" is not allowed; allowed: an ACM certificate ARN in us-east-1: CloudFront only uses certificates of us-east-1`],
  ['a certificate for a bucket on a path', phase2({ buckets: [{ name: 'files', public: { pathPattern: '/files/*', certificateArn: CERT_US, ttlSeconds: 60 } }] }), `buckets.files.public.certificateArn: "${CERT_US}" is not allowed without public.host: a path of the main domain uses ingress.edgeCertificateArn; allowed: unset, or set host`],
];

describe('an invalid setting is refused with one line naming it and what it may hold', () => {
  test('the table holds at least 100 settings', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
  });

  test.each(CASES)('%s', (_name, input, message) => {
    expect(problemsOf(input)).toEqual([message]);
  });
});

describe('values a hand-written check refused wrongly', () => {
  test.each([
    ['a Docker Hub short name', 'nginx:1.27'],
    ['a Docker Hub name with its namespace', 'library/nginx:1.27-alpine'],
    ['a private registry with a port', 'registry.example.com:5000/team/app:v1'],
    ['a digest', `ghcr.io/org/app@sha256:${'a'.repeat(64)}`],
    ['a tag of 128 characters', `nginx:${'a'.repeat(128)}`],
  ])('%s is accepted as an image', (_name, image) => {
    expect(resolveConfig(web({ image })).services[0]!.image).toBe(image);
  });
});

describe('names under a kit prefix that the kit does not set stay the application\'s', () => {
  // Mastodon reads S3_ENABLED, S3_ALIAS_HOST and S3_PERMISSION; its Redis client REDIS_DRIVER and REDIS_URL.
  test.each([['S3_ENABLED'], ['S3_ALIAS_HOST'], ['S3_PERMISSION'], ['REDIS_DRIVER'], ['REDIS_URL'], ['REDIS_NAMESPACE']])('%s is accepted as an environment variable', (name) => {
    expect(resolveConfig(web({ environment: { [name]: 'x' } })).services[0]!.environment[name]).toBe('x');
  });
});

describe('the settings file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'settings-'));

  test('GIVEN a directory THEN it is named as one', () => {
    expect(() => readSettingsFile(dir, true)).toThrow(new ConfigError([`settings: ${dir} is a directory; allowed: the path of a JSON settings file`]));
  });

  test('GIVEN a UTF-8 byte-order mark THEN it is read like any JSON file', () => {
    const path = join(dir, 'bom.json');
    writeFileSync(path, '\uFEFF{ "appName": "shop" }');
    expect(readSettingsFile(path, true)).toEqual({ appName: 'shop' });
  });

  test('GIVEN a missing file that was asked for THEN it says so', () => {
    expect(() => readSettingsFile(join(dir, 'none.json'), true)).toThrow(`settings: file ${join(dir, 'none.json')} does not exist; allowed: the path of a JSON settings file`);
  });

  test('GIVEN several mistakes across passes THEN the file\'s are reported together, each on its own line', () => {
    expect(problemsOf({ settings: { appName: 'shop-', env: { account: 1 }, phases: { phase2: { cache: { shards: 0 } } } } })).toEqual([
      `appName: "shop-" is not allowed; allowed: ${APP_NAME}`,
      'env.account: 1 is a JSON number; allowed: a 12-digit AWS account id, written as a string in quotes',
      'phases.phase2.cache.shards: 0 is not allowed; allowed: a whole number from 1 to 250 (ElastiCache allows 500 nodes per cluster, and each shard has a primary and a replica or more)',
    ]);
  });
});
