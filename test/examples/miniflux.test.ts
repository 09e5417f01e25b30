import { Match } from 'aws-cdk-lib/assertions';
import { maxConnectionsFor } from '../../config';
import { appContainer, describeExampleSettings, environmentOf, exampleSettings, secretFrom, secretNamesOf, synthesizeExample, templatesOfExample } from '../support/examples';

/**
 * Miniflux 2.3.3 on the kit, from docs/examples/miniflux. Each expectation
 * names the Miniflux page it follows: the configuration reference
 * (miniflux.app/docs/configuration.html, the same text as the man page
 * miniflux.1), the Docker page (docs/docker.html), the database page
 * (docs/database.html) and the upgrade page (docs/upgrade.html), or the
 * source of v2.3.3 where the docs are silent.
 */
const SETTINGS = exampleSettings('miniflux');

// One synthesis per phase, shared by every test below.
const built = synthesizeExample(SETTINGS);

type Container = { Name: string; Image: string; User?: string; Command?: string[]; Environment: { Name: string; Value: unknown }[]; Secrets?: { Name: string; ValueFrom: unknown }[]; PortMappings?: { ContainerPort: number }[]; HealthCheck?: { Command: string[] }; ReadonlyRootFilesystem?: boolean };

const app = appContainer;
const env = environmentOf;
const secretNames = secretNamesOf;

/** The PG* variables lib/pq v1.12 refuses to start with (connector.go, fromEnv). */
const PQ_REFUSED = ['PGREQUIRESSL', 'PGSSLCOMPRESSION', 'PGREALM', 'PGGSSENCMODE', 'PGGSSDELEGATION', 'PGGSSLIB', 'PGREQUIREAUTH', 'PGCHANNELBINDING', 'PGSSLCERTMODE', 'PGSSLCRL', 'PGSSLCRLDIR', 'PGREQUIREPEER', 'PGKRBSRVNAME'];

describeExampleSettings('Miniflux', SETTINGS, built);

describe.each(['phase1', 'phase3'] as const)('Miniflux %s: the web service', (phase) => {
  const b = built[phase];
  const web = b.stack('service-web');
  const c = app(web);
  const vars = env(c);

  test('THEN it runs the pinned official image as its user, 65534, with a read-only root (packaging/docker/alpine/Dockerfile: USER 65534)', () => {
    expect(c.Image).toBe('miniflux/miniflux:2.3.3');
    expect(c.User).toBe('65534');
    expect(c.ReadonlyRootFilesystem).toBe(true);
    // The image's own command, /usr/bin/miniflux: the daemon.
    expect(c.Command).toBeUndefined();
  });

  test('THEN the load balancer routes every path to port 8080 and checks /healthcheck, which pings the database (configuration: LISTEN_ADDR; source: http/server/routes.go)', () => {
    expect(c.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 8080 })]);
    // LISTEN_ADDR without a host listens on every address, so the container check's "localhost" answers over IPv4 or IPv6.
    expect(vars.LISTEN_ADDR).toBe(':8080');
    web.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, HealthCheckPath: '/healthcheck' });
    web.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: Match.arrayWith([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }]),
    });
    // The image is Alpine: busybox has the wget the container check runs.
    expect(c.HealthCheck!.Command).toEqual(['CMD-SHELL', 'wget -q -O /dev/null http://localhost:8080/healthcheck || exit 1']);
  });

  test('THEN it serves HTTP and never runs the scheduler, so any number of tasks may run (configuration: DISABLE_SCHEDULER_SERVICE)', () => {
    expect(vars.DISABLE_SCHEDULER_SERVICE).toBe('1');
    expect(vars.DISABLE_HTTP_SERVICE).toBeUndefined();
    web.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: b.config.services[0]!.scaling.minTasks, MaxCapacity: b.config.services[0]!.scaling.maxTasks });
    expect(b.config.services[0]!.scaling.minTasks).toBeGreaterThanOrEqual(2);
  });

  test('THEN links and secure cookies use the public HTTPS address (configuration: BASE_URL, HTTPS)', () => {
    expect(vars.BASE_URL).toBe(`https://${b.config.ingress.domainName}`);
    expect(b.config.ingress.certificateArn).toBeDefined();
    expect(vars.HTTPS).toBe('1');
  });

  test('THEN the load balancer\'s X-Forwarded-For and X-Forwarded-Proto are trusted from the VPC, in both regions (configuration: TRUSTED_REVERSE_PROXY_NETWORKS)', () => {
    const networks = String(vars.TRUSTED_REVERSE_PROXY_NETWORKS).split(',');
    expect(networks).toContain(b.config.network.vpcCidr);
    if (b.config.standby) expect(networks).toContain(b.config.standby.vpcCidr);
  });

  test('THEN every task signs media proxy URLs with the same key, not one made up at its start (configuration: MEDIA_PROXY_PRIVATE_KEY)', () => {
    const scheduler = app(b.stack('worker-scheduler'));
    expect(secretFrom(c, 'MEDIA_PROXY_PRIVATE_KEY')).toContain('secret:miniflux/media-proxy-key');
    expect(secretFrom(scheduler, 'MEDIA_PROXY_PRIVATE_KEY')).toBe(secretFrom(c, 'MEDIA_PROXY_PRIVATE_KEY'));
  });

  test('THEN it writes JSON logs, which Miniflux accepts (configuration: LOG_FORMAT is text or json)', () => {
    expect(vars.LOG_FORMAT).toBe('json');
  });

  test('THEN the load balancer closes an idle connection before Miniflux does (configuration: HTTP_SERVER_TIMEOUT, 300 seconds by default)', () => {
    expect(vars.HTTP_SERVER_TIMEOUT).toBeUndefined();
    b.appStack.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: String(b.config.ingress.idleTimeoutSeconds) }]),
    });
    expect(b.config.ingress.idleTimeoutSeconds).toBeLessThan(300);
  });
});

describe.each(['phase1', 'phase2', 'phase3'] as const)('Miniflux %s: the database connection', (phase) => {
  const b = built[phase];
  const tasks = [app(b.stack('service-web')), app(b.stack('worker-scheduler')), app(b.stack('schedule-cleanup')), app(b.stack('migrate-web'))];

  test('THEN DATABASE_URL is a postgresql:// URL of the primary with neither user nor password: lib/pq takes those from PGUSER and PGPASSWORD, which rotate together (docs/database.html: lib/pq and the URL format; lib/pq connector.go: environment below the connection string; ADR 0031)', () => {
    for (const c of tasks) {
      const vars = env(c);
      const [separator, parts] = (vars.DATABASE_URL as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
      expect(separator).toBe('');
      expect(parts[0]).toBe('postgresql://');
      expect(parts[1]).toEqual(vars.PGHOST);
      expect(parts[3]).toEqual(vars.PGPORT);
      const literal = parts.filter((p): p is string => typeof p === 'string').join('');
      expect(literal).not.toContain('@');
      const query = new URLSearchParams(literal.slice(literal.indexOf('?') + 1));
      expect(query.get('sslmode')).toBe('require');
      expect(query.get('sslmode')).toBe(vars.PGSSLMODE);
      // Each process by name in pg_stat_activity.
      expect(query.get('application_name')).toMatch(/^miniflux-(web|scheduler|cleanup)$/);
      expect(secretNames(c)).toEqual(expect.arrayContaining(['PGUSER', 'PGPASSWORD']));
      // The application login, whose rotation leaves running tasks' credentials valid (ADR 0027).
      expect(secretFrom(c, 'PGPASSWORD')).toContain('ApplicationLoginSecret');
      for (const refused of PQ_REFUSED) {
        expect(vars[refused]).toBeUndefined();
        expect(secretNames(c)).not.toContain(refused);
      }
    }
  });

  test('THEN every pool together, with a rolling deployment doubling the web tasks, stays under the alarm\'s share of max_connections (configuration: DATABASE_MAX_CONNS, 20 by default)', () => {
    const maxConns = (c: Container): number => Number(env(c).DATABASE_MAX_CONNS ?? 20);
    const [web, scheduler, cleanup, migrate] = tasks as [Container, Container, Container, Container];
    const webTasks = (b.config.services[0]!.scaling.maxTasks * b.config.services[0]!.deployment.maxPercent) / 100;
    const total = webTasks * maxConns(web) + maxConns(scheduler) + maxConns(cleanup) + maxConns(migrate);
    const limit = (maxConnectionsFor(b.config.database.instanceClass) * b.config.sla.dbConnections.alertAbovePercent) / 100;
    expect(total).toBeLessThanOrEqual(limit);
  });
});

describe.each(['phase1', 'phase3'] as const)('Miniflux %s: the scheduler', (phase) => {
  const b = built[phase];
  const worker = b.stack('worker-scheduler');
  const c = app(worker);
  const vars = env(c);

  test('THEN one daemon polls the feeds and serves no HTTP (configuration: DISABLE_HTTP_SERVICE)', () => {
    expect(c.Command).toEqual(['/usr/bin/miniflux']);
    expect(vars.DISABLE_HTTP_SERVICE).toBe('1');
    expect(vars.DISABLE_SCHEDULER_SERVICE).toBeUndefined();
    expect(c.PortMappings ?? []).toEqual([]);
  });

  test('THEN exactly one task, stopped before its successor starts: two schedulers would fetch the same batch twice (source: storage/batch.go selects without a lock)', () => {
    worker.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    worker.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 1,
      DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100, DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
    });
  });

  test('THEN no other daemon of the deployment runs a scheduler: the web service disables it, the one-off tasks exit (cli.go: -migrate and -run-cleanup-tasks return before the daemon)', () => {
    const daemons = Object.entries(templatesOfExample(b))
      .filter(([stack]) => !stack.includes('standby'))
      .flatMap(([, t]) => Object.values((t.Resources ?? {}) as Record<string, { Type: string; Properties: { ContainerDefinitions: Container[] } }>))
      .filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
      .flatMap((r) => r.Properties.ContainerDefinitions.filter((x) => x.Name === 'App'))
      .filter((x) => x.Image.startsWith('miniflux/') && !(x.Command ?? []).some((arg) => arg === '-migrate' || arg === '-run-cleanup-tasks'));
    const scheduling = daemons.filter((x) => env(x).DISABLE_SCHEDULER_SERVICE !== '1');
    expect(scheduling).toHaveLength(1);
    expect(env(scheduling[0]!).DISABLE_HTTP_SERVICE).toBe('1');
  });

  test('THEN it has no queue: its work is the feeds table, not SQS', () => {
    expect(Object.keys(b.data.findResources('AWS::SQS::Queue'))).toEqual([]);
    expect(vars.QUEUE_URL).toBeUndefined();
    expect(JSON.stringify(worker.findResources('AWS::IAM::Policy'))).not.toMatch(/sqs:(ReceiveMessage|DeleteMessage)/);
  });

  test('THEN it creates the first admin from a secret, once: the only daemon that writes at start (docs/docker.html: CREATE_ADMIN, ADMIN_USERNAME, ADMIN_PASSWORD)', () => {
    expect(vars.CREATE_ADMIN).toBe('1');
    expect(secretFrom(c, 'ADMIN_USERNAME')).toContain('secret:miniflux/admin:username');
    expect(secretFrom(c, 'ADMIN_PASSWORD')).toContain('secret:miniflux/admin:password');
    expect(env(app(b.stack('service-web'))).CREATE_ADMIN).toBeUndefined();
  });

  test('THEN it polls every 5 minutes, a batch its worker pool fetches before the next even if every feed waits the whole HTTP_CLIENT_TIMEOUT (configuration: POLLING_FREQUENCY, BATCH_SIZE, WORKER_POOL_SIZE)', () => {
    expect(vars.POLLING_FREQUENCY).toBe('5');
    // The pool takes jobs from an unbuffered channel (worker/pool.go): a batch it cannot finish delays the next tick.
    // HTTP_CLIENT_TIMEOUT is 20 seconds by default: a pool of N fetches at least N × 300 / 20 feeds in 5 minutes.
    expect(vars.HTTP_CLIENT_TIMEOUT).toBeUndefined();
    expect(Number(vars.BATCH_SIZE)).toBeLessThanOrEqual((Number(vars.WORKER_POOL_SIZE) * 300) / 20);
  });
});

describe('Miniflux phase 3: the standby region', () => {
  const b = built.phase3;

  test('THEN the standby\'s scheduler and cleanup wait for a failover: its database is a read-only replica', () => {
    b.stack('standby-worker-scheduler').hasResourceProperties('AWS::ECS::Service', { DesiredCount: 0 });
    b.stack('standby-schedule-cleanup').hasResourceProperties('AWS::Scheduler::Schedule', { State: 'DISABLED' });
  });

  test('THEN the standby\'s web tasks read the same secrets by name, which the operator replicates', () => {
    const c = app(b.stack('standby-service-web'));
    expect(secretFrom(c, 'MEDIA_PROXY_PRIVATE_KEY')).toContain(`${b.config.standby!.region}:123456789012:secret:miniflux/media-proxy-key`);
  });
});

describe('Miniflux: migrations and cleanup', () => {
  test.each(['phase1', 'phase3'] as const)('GIVEN %s THEN each release migrates with `miniflux -migrate` in a one-off task before the web service rolls out (docs/upgrade.html)', (phase) => {
    const c = app(built[phase].stack('migrate-web'));
    expect(c.Command).toEqual(['/usr/bin/miniflux', '-migrate']);
    expect(c.Image).toBe('miniflux/miniflux:2.3.3');
    expect(env(c).RUN_MIGRATIONS).toBeUndefined();
    expect(env(app(built[phase].stack('service-web'))).RUN_MIGRATIONS).toBeUndefined();
  });

  test.each(['phase1', 'phase3'] as const)('GIVEN %s THEN the cleanup runs daily at a fixed hour, whatever the scheduler\'s restarts (miniflux.1: -run-cleanup-tasks; CLEANUP_FREQUENCY_HOURS counts from the process start)', (phase) => {
    const t = built[phase].stack('schedule-cleanup');
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 3 * * ? *)', ScheduleExpressionTimezone: 'UTC', State: 'ENABLED' });
    const c = app(t);
    expect(c.Command).toEqual(['/usr/bin/miniflux', '-run-cleanup-tasks']);
    expect(c.Image).toBe('miniflux/miniflux:2.3.3');
    // A refused start and a run that exits non-zero (Miniflux exits 1 without its database) each raise an alarm.
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName);
    expect(alarms).toEqual(expect.arrayContaining(['miniflux-prod-cleanup-run-failed', 'miniflux-prod-cleanup-job-failed']));
  });
});

describe('Miniflux phase 3: the edge', () => {
  const edge = built.phase3.stack('edge');
  const acl = (): Record<string, any> => Object.values(edge.findResources('AWS::WAFv2::WebACL'))[0]!.Properties;

  test('THEN OPML imports over 8 KB pass, and custom CSS/JavaScript (/settings) and entries with HTML (/v1/) are not blocked as cross-site scripting elsewhere', () => {
    const common = acl().Rules.find((r: { Name: string }) => r.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual(
      expect.arrayContaining([
        { ActionToUse: { Count: {} }, Name: 'SizeRestrictions_BODY' },
        { ActionToUse: { Count: {} }, Name: 'CrossSiteScripting_BODY' },
      ]),
    );
    const xss = acl().Rules.find((r: { Name: string }) => r.Name.endsWith('CrossSiteScripting_BODY'));
    expect(xss.Action).toEqual({ Block: {} });
    const excepted = xss.Statement.AndStatement.Statements[1].NotStatement.Statement.OrStatement.Statements.map((s: any) => s.ByteMatchStatement.SearchString);
    expect(excepted).toEqual(['/settings', '/v1/']);
  });

  test('THEN the fingerprinted stylesheets, scripts and icons, and the signed media proxy URLs, are cached at the edge (source: ui/ui.go, static routes with a checksum; mediaproxy/url.go)', () => {
    const behaviours = Object.values(edge.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig.CacheBehaviors.map((cb: { PathPattern: string }) => cb.PathPattern);
    expect(behaviours).toEqual(expect.arrayContaining(['/stylesheets/*', '/js/*', '/icon/*', '/favicon.ico', '/proxy/*']));
  });
});

describe('Miniflux: what the kit creates and the application does not use', () => {
  test.each(['phase1', 'phase3'] as const)('GIVEN %s THEN no read replica, event stream, bucket or queue', (phase) => {
    const b = built[phase];
    // Miniflux has one DATABASE_URL: replicas would take no reads. The data stack keeps the primary alone.
    b.data.resourceCountIs('AWS::RDS::DBInstance', 1);
    b.data.resourceCountIs('AWS::Kinesis::Stream', 0);
    b.data.resourceCountIs('AWS::SQS::Queue', 0);
  });

  // Miniflux reads no Redis option (configuration.html): `"cache": null` builds none, in the standby region either.
  test.each(['phase1', 'phase3'] as const)('GIVEN %s THEN no ElastiCache resource in any stack, and no REDIS_ variable or secret in any task', (phase) => {
    const all = Object.entries(templatesOfExample(built[phase])).flatMap(([stack, t]) =>
      Object.entries((t.Resources ?? {}) as Record<string, { Type: string; Properties: Record<string, any> }>).map(([id, r]) => ({ where: `${stack}/${id}`, ...r })),
    );
    expect(all.filter((r) => r.Type.startsWith('AWS::ElastiCache::')).map((r) => r.where)).toEqual([]);
    const tasks = all.filter((r) => r.Type === 'AWS::ECS::TaskDefinition');
    expect(tasks.length).toBeGreaterThan(1);
    for (const t of tasks) {
      const names = (t.Properties.ContainerDefinitions as Container[]).flatMap((c) => [...(c.Environment ?? []).map((e) => e.Name), ...(c.Secrets ?? []).map((x) => x.Name)]);
      expect([t.where, names.filter((n) => n.startsWith('REDIS_'))]).toEqual([t.where, []]);
    }
    if (phase === 'phase3') expect(all.some((r) => r.where.includes('standby-data'))).toBe(true);
  });
});
