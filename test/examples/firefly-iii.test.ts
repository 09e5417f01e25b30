import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { notes } from '../../config';
import { acknowledgements } from '../../lib/compliance';
import { Synthesized } from '../support/blueprint';
import { appContainer, describeExampleSettings, environmentOf, ExampleContainer, exampleSettings, secretFrom, secretNamesOf, synthesizeExample } from '../support/examples';

/**
 * Firefly III 6.6.6 (image fireflyiii/core:version-6.6.6) on the kit, from
 * docs/examples/firefly-iii. Each expectation names what it follows: the
 * documentation (firefly-iii/docs: installation/docker.md, advanced/cron.md,
 * references/faq/docker.md), the example environment `.env.example`, the
 * Laravel configuration of v6.6.6 (config/database.php, cache.php,
 * session.php, mail.php, trustedproxy.php, filesystems.php), its routes, or
 * the official Kubernetes chart (firefly-iii/kubernetes, charts/firefly-iii).
 */
const SETTINGS = exampleSettings('firefly-iii');
const IMAGE = 'fireflyiii/core:version-6.6.6';

// One synthesis per phase, shared by every test below.
const built = synthesizeExample(SETTINGS);

type Container = ExampleContainer;

/** Every container of every task definition in the deployment, as `<stack>/<container>`, with its root filesystem setting. */
function rootFilesystems(b: Synthesized): Record<string, boolean | undefined> {
  const out: Record<string, boolean | undefined> = {};
  for (const stack of b.app.node.findAll().filter(Stack.isStack)) {
    for (const def of Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'))) {
      for (const c of def.Properties.ContainerDefinitions as Container[]) out[`${stack.stackName}/${c.Name}`] = c.ReadonlyRootFilesystem;
    }
  }
  return out;
}

const app = appContainer;
const env = environmentOf;
const secretNames = secretNamesOf;

/** Every process that boots Laravel: the web service, its migration task and the daily cron. */
const laravelTasks = (b: Synthesized): [string, Container][] => [
  ['web', app(b.stack('service-web'))],
  ['migration', app(b.stack('migrate-web'))],
  ['cron', app(b.stack('schedule-cron'))],
];

describeExampleSettings('Firefly III', SETTINGS, built);

describe.each(['phase1', 'phase3'] as const)('Firefly III %s: the web service', (phase) => {
  const b = built[phase];
  const web = b.stack('service-web');
  const c = app(web);
  const vars = env(c);

  test('THEN it runs the pinned official image as www-data (uid 33 in the Debian-based image) with its own start command (faq/docker.md: "the container does not run as root")', () => {
    expect(c.Image).toBe(IMAGE);
    expect(c.User).toBe('33:33');
    // The image's entrypoint prepares Laravel, then starts nginx and PHP-FPM: no command of ours.
    expect(c.Command).toBeUndefined();
  });

  test('THEN the load balancer sends every path to port 8080 and checks /health, which counts users and so fails without the database (installation/docker.md: -p 80:8080; routes/web.php: HealthcheckController)', () => {
    expect(c.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 8080 })]);
    web.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, HealthCheckPath: '/health' });
    web.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: Match.arrayWith([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }]),
    });
  });

  test('THEN a new task has 300 seconds to start, as the official chart\'s startup probe allows: its entrypoint upgrades the database before it serves (charts/firefly-iii/values.yaml: 30 × 10 s)', () => {
    web.hasResourceProperties('AWS::ECS::Service', { HealthCheckGracePeriodSeconds: 300 });
  });

  test('THEN links, CSP and secure cookies use the public HTTPS address behind the load balancer (.env.example: APP_URL, TRUSTED_PROXIES "**"; faq/docker.md: "All links refer to http" without it)', () => {
    expect(vars.APP_URL).toBe(`https://${b.config.ingress.domainName}`);
    expect(b.config.ingress.certificateArn).toBeDefined();
    // config/trustedproxy.php reads TRUSTED_PROXIES; "**" trusts the calling address, which only the load balancer can be.
    expect(vars.TRUSTED_PROXIES).toBe('**');
    expect(vars.COOKIE_SECURE).toBe('true');
  });

  test('THEN the load balancer waits as long as PHP may run a request (base image: PHP_MAX_EXECUTION_TIME=300) before it drops an idle connection', () => {
    b.appStack.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '300' }]),
    });
  });

  test('THEN the container probes itself with curl, which the image has (and wget it lacks), on nginx and PHP-FPM\'s own /healthcheck, which needs no database (serversideup/php fpm-nginx Dockerfile: HEALTHCHECK curl ... ${HEALTHCHECK_PATH}, "/healthcheck"; php-fpm pool: ping.path)', () => {
    expect(c.HealthCheck!.Command).toEqual(['CMD', 'curl', '--fail', '--silent', '--show-error', '--max-time', '4', 'http://localhost:8080/healthcheck']);
    // A probe that needs no database: a database failover does not make ECS replace every task.
    web.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'App', HealthCheck: Match.objectLike({ Timeout: 5, StartPeriod: 300 }) })]),
    });
  });

  test('THEN its root filesystem is writable, as the image\'s start needs, and only /tmp is a volume: storage/ and bootstrap/cache are the image\'s own, owned by www-data (serversideup 10-init-webserver-config.sh writes /etc/nginx; Firefly\'s entrypoint.sh runs composer dump-autoload into vendor/, package:discover and config:cache into bootstrap/cache; finalize-image.sh creates storage/*)', () => {
    expect(c.ReadonlyRootFilesystem).toBe(false);
    expect((c.MountPoints ?? []).map((m) => m.ContainerPath).sort()).toEqual(['/tmp']);
  });

  test('THEN it logs to standard output, which the kit ships to CloudWatch, instead of rotating files in storage/logs (config/logging.php: LOG_CHANNEL stdout)', () => {
    expect(vars.LOG_CHANNEL).toBe('stdout');
  });
});

describe.each(['phase1', 'phase2', 'phase3'] as const)('Firefly III %s: the connections every Laravel process reads', (phase) => {
  const b = built[phase];

  test.each(laravelTasks(b))('GIVEN the %s task THEN PostgreSQL arrives under the names config/database.php reads, with TLS required (.env.example: DB_CONNECTION=pgsql, DB_HOST, DB_PORT, DB_DATABASE, DB_USERNAME, DB_PASSWORD, PGSQL_SSL_MODE)', (_name, c) => {
    const vars = env(c);
    expect(vars.DB_CONNECTION).toBe('pgsql');
    expect(vars.DB_HOST).toBeDefined();
    expect(vars.DB_PORT).toBeDefined();
    expect(vars.DB_DATABASE).toBeDefined();
    // Renamed, not duplicated: the kit's own names are absent.
    expect(vars.DB_NAME).toBeUndefined();
    // Laravel passes sslmode itself ("prefer" when unset), so PGSSLMODE alone would not count.
    expect(vars.PGSQL_SSL_MODE).toBe('require');
    expect(vars.DB_SSLMODE).toBeUndefined();
    expect(secretNames(c)).toEqual(expect.arrayContaining(['DB_USERNAME', 'DB_PASSWORD']));
    // The application login, whose rotation leaves running tasks' credentials valid (ADR 0027).
    expect(secretFrom(c, 'DB_PASSWORD')).toContain('ApplicationLoginSecret');
    // Firefly reads DATABASE_URL only when DB_* are empty; none is set, so nothing competes.
    expect(vars.DATABASE_URL).toBeUndefined();
    expect(secretNames(c)).not.toContain('DATABASE_URL');
  });

  test.each(laravelTasks(b))('GIVEN the %s task THEN cache and sessions are in the kit\'s Valkey through REDIS_URL, a rediss:// secret that Laravel turns into a TLS connection with the AUTH token (config/database.php: redis.default.url; cache.php and session.php: driver redis on the default connection)', (_name, c) => {
    const vars = env(c);
    expect(vars.CACHE_DRIVER).toBe('redis');
    expect(vars.SESSION_DRIVER).toBe('redis');
    expect(secretNames(c)).toContain('REDIS_URL');
    expect(vars.REDIS_URL).toBeUndefined();
    // predis is given no cluster configuration by Firefly: one primary, not a cluster's configuration endpoint.
    expect(vars.REDIS_CLUSTER).toBe('false');
  });

  test.each(laravelTasks(b))('GIVEN the %s task THEN every process decrypts with the same APP_KEY, from a secret (installation/docker.md: "exactly 32 characters")', (_name, c) => {
    expect(secretFrom(c, 'APP_KEY')).toContain('secret:firefly/app-key');
    expect(env(c).APP_KEY).toBeUndefined();
  });

  test.each(laravelTasks(b))('GIVEN the %s task THEN email goes through Amazon SES\'s SMTP endpoint with STARTTLS and the operator\'s SMTP credentials (.env.example: MAIL_MAILER, MAIL_HOST, MAIL_PORT, MAIL_ENCRYPTION, MAIL_USERNAME, MAIL_PASSWORD, MAIL_FROM)', (_name, c) => {
    const vars = env(c);
    expect(vars.MAIL_MAILER).toBe('smtp');
    expect(JSON.stringify(vars.MAIL_HOST)).toContain('email-smtp.');
    expect(vars.MAIL_PORT).toBe('587');
    expect(vars.MAIL_ENCRYPTION).toBe('tls');
    expect(vars.SMTP_HOST).toBeUndefined();
    expect(secretFrom(c, 'MAIL_USERNAME')).toContain('secret:firefly/smtp:username');
    expect(secretFrom(c, 'MAIL_PASSWORD')).toContain('secret:firefly/smtp:password');
    expect(String(vars.MAIL_FROM).endsWith(`@${b.config.email!.domain}`)).toBe(true);
  });

  test('THEN the cache is one primary with a replica, evicting only keys with a lifetime, which Laravel gives sessions and cached values (ElastiCache default parameter group: volatile-lru)', () => {
    b.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      ClusterMode: 'disabled',
      NumCacheClusters: 2,
      CacheParameterGroupName: Match.stringLikeRegexp('^default\\.valkey\\d+$'),
      TransitEncryptionEnabled: true,
    });
  });
});

describe.each(['phase1', 'phase3'] as const)('Firefly III %s: the cron job and the migrations', (phase) => {
  const b = built[phase];

  test('THEN `php artisan firefly-iii:cron` runs once a day at 3:00 in the application\'s time zone, as a one-off task: recurring transactions, auto-budgets, bill warnings, exchange rates (advanced/cron.md: "0 3 * * *")', () => {
    const t = b.stack('schedule-cron');
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Amsterdam',
      State: 'ENABLED',
    });
    const c = app(t);
    expect(c.Command).toEqual(['php', '/var/www/html/artisan', 'firefly-iii:cron']);
    expect(c.Image).toBe(IMAGE);
    // The FAQ: cron commands must run as www-data, or they leave files the web user cannot write.
    expect(c.User).toBe('33:33');
    expect(env(c).TZ).toBe('Europe/Amsterdam');
  });

  test('THEN no web request is needed for it: no STATIC_CRON_TOKEN exists to leak (advanced/cron.md: "Calling a command")', () => {
    for (const [, c] of laravelTasks(b)) {
      expect(env(c).STATIC_CRON_TOKEN).toBeUndefined();
      expect(secretNames(c)).not.toContain('STATIC_CRON_TOKEN');
    }
  });

  test('THEN each release runs `firefly-iii:upgrade-database` (migrate --seed --force, then the data upgrades) once in a one-off task before the web service rolls out (composer.json post-update-cmd; InstallController upgrade commands)', () => {
    const c = app(b.stack('migrate-web'));
    expect(c.Command).toEqual(['php', '/var/www/html/artisan', 'firefly-iii:upgrade-database']);
    expect(c.Image).toBe(IMAGE);
    expect(c.User).toBe('33:33');
  });

  test('THEN nothing runs a queue worker: Firefly III handles jobs in the request (.env.example: QUEUE_DRIVER=sync), so the kit makes no queue, worker or stream', () => {
    expect(b.config.workers).toEqual([]);
    b.data.resourceCountIs('AWS::SQS::Queue', 0);
    b.data.resourceCountIs('AWS::Kinesis::Stream', 0);
    // One database connection in config/database.php: read replicas would take no reads.
    b.data.resourceCountIs('AWS::RDS::DBInstance', 1);
  });
});

describe('Firefly III phase 3: the edge and the standby region', () => {
  const b = built.phase3;
  const edge = b.stack('edge');
  const acl = (): Record<string, any> => Object.values(edge.findResources('AWS::WAFv2::WebACL'))[0]!.Properties;

  test('THEN attachment uploads and large forms or API batches over 8 KB are counted, not blocked (routes/api.php: POST attachments/{attachment}/upload; ADR 0028)', () => {
    const common = acl().Rules.find((r: { Name: string }) => r.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual(expect.arrayContaining([{ ActionToUse: { Count: {} }, Name: 'SizeRestrictions_BODY' }]));
  });

  test('THEN the CDN waits 60 seconds for a slow report before it answers 504, the most it allows without a quota increase', () => {
    const origins = Object.values(edge.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig.Origins;
    expect(origins[0].CustomOriginConfig.OriginReadTimeout).toBe(60);
  });

  test('THEN the versioned stylesheets, scripts and images are cached at the edge: templates add ?v=<build time>, part of the cache key (resources/views: v1/js/app.js?v={{ FF_BUILD_TIME }})', () => {
    const behaviours = Object.values(edge.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig.CacheBehaviors.map((cb: { PathPattern: string }) => cb.PathPattern);
    expect(behaviours).toEqual(expect.arrayContaining(['/v1/css/*', '/v1/js/*', '/v1/lib/*', '/v1/fonts/*', '/v1/images/*']));
  });

  test('THEN the standby\'s cron waits for a failover: its database is a read-only replica, and the cron writes', () => {
    b.stack('standby-schedule-cron').hasResourceProperties('AWS::Scheduler::Schedule', { State: 'DISABLED' });
  });

  test('THEN the standby\'s web tasks read APP_KEY by name in their own region, where the operator replicates it', () => {
    const c = app(b.stack('standby-service-web'));
    expect(secretFrom(c, 'APP_KEY')).toContain(`${b.config.standby!.region}:123456789012:secret:firefly/app-key`);
  });
});

describe.each(['phase1', 'phase3'] as const)('Firefly III %s: the writable root filesystem, an acknowledged exception', (phase) => {
  const b = built[phase];
  const writable = ['service-web', 'migrate-web', 'schedule-cron', ...(phase === 'phase3' ? ['standby-service-web', 'standby-migrate-web', 'standby-schedule-cron'] : [])];

  test('THEN exactly the Laravel containers have a writable root: every volume owner, collector, CA download and other task keeps a read-only one', () => {
    const open = Object.entries(rootFilesystems(b)).filter(([, readOnly]) => readOnly !== true).map(([name]) => name).sort();
    expect(open).toEqual(writable.map((role) => `firefly-prod-${role}/App`).sort());
  });

  test.each(writable)('GIVEN %s THEN the Control Tower read-only check is acknowledged on its task definition, naming the setting and the app', (role) => {
    const stack = b.app.node.findChild(`firefly-prod-${role}`);
    const reasons = acknowledgements(stack).filter((a) => a.id === 'cdk-validator-cfnguard::ecs_containers_readonly_access_check');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]!.reason).toMatch(role.endsWith('cron') ? /^cron\.readOnlyRootFilesystem is false/ : /^web\.readOnlyRootFilesystem is false/);
    expect(reasons[0]!.path).toMatch(/\/Definition$/);
  });

  test.each(writable)('GIVEN %s THEN a short root container hands /tmp to www-data (33:33) before the app starts (ADR 0034)', (role) => {
    const def = Object.values(b.stack(role).findResources('AWS::ECS::TaskDefinition'))[0]!.Properties;
    const owner = (def.ContainerDefinitions as (Container & { EntryPoint?: string[] })[]).find((x) => x.Name === 'VolumeOwner')!;
    expect(owner.EntryPoint).toEqual(['chown']);
    expect(owner.Command).toEqual(['33:33', '/volumes/tmp']);
  });

  test('THEN synth prints one note for each, so a reviewer sees the exception', () => {
    expect(notes(b.config).filter((n) => n.includes('readOnlyRootFilesystem'))).toEqual([
      expect.stringMatching(/^services\.web\.readOnlyRootFilesystem is false: its container \(and its migration task's\)/),
      expect.stringMatching(/^schedules\.cron\.readOnlyRootFilesystem is false/),
    ]);
  });

  test('THEN no task has a shared file system: attachments in storage/upload stay on one task and go with it', () => {
    for (const role of writable) {
      const def = Object.values(b.stack(role).findResources('AWS::ECS::TaskDefinition'))[0]!.Properties;
      for (const v of def.Volumes as { EFSVolumeConfiguration?: unknown }[]) expect(v.EFSVolumeConfiguration).toBeUndefined();
    }
  });
});
