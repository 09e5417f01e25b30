import { Match, Template } from 'aws-cdk-lib/assertions';
import { BlueprintConfig, readSettingsFile, resolveConfig } from '../../config';
import { redisUrlKey } from '../../constructs';
import { stackName } from '../../lib/blueprint';
import { planUpgrade, synthesizeTemplates, Templates } from '../../review/plan';
import { CDK_CONTEXT } from '../support/blueprint';

/*
 * docs/examples/saleor: Saleor (https://github.com/saleor/saleor) on the kit, read as a user's
 * settings file is. Each assertion cites the Saleor page or source it follows:
 * - docs/setup/docker-images.mdx and docs/developer/running-saleor/task-queue.mdx (saleor/saleor-docs):
 *   the image, the worker and beat commands, "exactly one instance of Celery Beat";
 * - docs/setup/configuration.mdx and docs/setup/media-s3.mdx: the variables;
 * - saleor/settings.py, saleor/asgi/__init__.py and Dockerfile (saleor/saleor, branch 3.23).
 */
const SETTINGS = readSettingsFile('docs/examples/saleor/blueprint.settings.json', true);
const IMAGE = 'ghcr.io/saleor/saleor:3.23.28';
/** The JSON key of the broker URL, database 0 with `ssl_cert_reqs=required`, in the jobs group's URL secret. */
const BROKER_KEY = redisUrlKey({ database: 0, query: { ssl_cert_reqs: 'required' } });

interface Phase {
  readonly config: BlueprintConfig;
  readonly templates: Templates;
  stack(role: string): Template;
}

// One synth per phase, shared by every test in the file.
function synth(phase: string): Phase {
  const config = resolveConfig({ phase, stage: 'prod', settings: SETTINGS });
  const templates = synthesizeTemplates(config, CDK_CONTEXT);
  return {
    config,
    templates,
    stack: (role) => {
      const t = templates[stackName(config, role)];
      if (!t) throw new Error(`no stack ${stackName(config, role)}`);
      return Template.fromJSON(t);
    },
  };
}
const phase1 = synth('phase1');
const phase2 = synth('phase2');
const phase3 = synth('phase3');

type Resource = { Type: string; Properties: Record<string, any> };
const resources = (t: Template, type: string): Resource[] => Object.values(t.findResources(type)) as Resource[];
const app = (t: Template): Record<string, any> => resources(t, 'AWS::ECS::TaskDefinition')[0]!.Properties.ContainerDefinitions.find((c: { Name: string }) => c.Name === 'App');
const env = (t: Template): Record<string, unknown> => Object.fromEntries((app(t).Environment ?? []).map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
const secretNames = (t: Template): string[] => (app(t).Secrets ?? []).map((s: { Name: string }) => s.Name).sort();
const service = (t: Template): Record<string, any> => resources(t, 'AWS::ECS::Service')[0]!.Properties;
const secretFrom = (t: Template, name: string): unknown => (app(t).Secrets ?? []).find((s: { Name: string }) => s.Name === name)?.ValueFrom;
/** A value as text, each imported or computed token shown as <Export name or logical id>. */
function text(v: any): string {
  if (typeof v === 'string') return v;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(text).join(v['Fn::Join'][0]);
  if (v['Fn::ImportValue']) return `<${String(v['Fn::ImportValue']).split(':').pop()}>`;
  if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
  if (v.Ref) return `<${v.Ref}>`;
  return JSON.stringify(v);
}

/** A bucket's name, `<app>-<stage>-<bucket>-<hash>`, as the data stack names it. */
function bucketName(data: Template, name: string): string {
  const names = resources(data, 'AWS::S3::Bucket').map((b) => b.Properties.BucketName).filter((n) => typeof n === 'string' && n.startsWith(`saleor-prod-${name}-`));
  expect(names).toHaveLength(1);
  return names[0] as string;
}

describe('Saleor, phase 1 prod: the API', () => {
  const web = phase1.stack('service-web');

  test('THEN the official image runs as the image\'s own saleor user (useradd -r: uid 999), not root', () => {
    // Dockerfile: `RUN groupadd -r saleor && useradd -r -g saleor saleor`, no USER line: the kit runs it as that user.
    expect(app(web)).toMatchObject({ Image: IMAGE, User: '999:999', ReadonlyRootFilesystem: true });
  });

  test('THEN the container listens on 8000 with the image\'s own command (uvicorn), and the load balancer sends every path there', () => {
    // Dockerfile: EXPOSE 8000, CMD ["uvicorn", "saleor.asgi:application", "--port=8000", ...].
    expect(app(web).PortMappings).toEqual([{ ContainerPort: 8000, Protocol: 'tcp' }]);
    expect(app(web).Command).toBeUndefined();
    web.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
    });
  });

  test('THEN the load balancer and the container probe /health/, the container with Python because the slim image has no wget', () => {
    // saleor/asgi/__init__.py: `application = health_check(application, "/health/")`, answered before Django
    // (so no ALLOWED_HOSTS match is needed for the probe's Host header).
    web.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health/', Port: 8000 });
    expect(app(web).HealthCheck.Command).toEqual(['CMD', 'python3', '-c', "import urllib.request as u; u.urlopen('http://localhost:8000/health/', timeout=4)"]);
  });

  test('THEN the load balancer closes idle connections before uvicorn does (--timeout-keep-alive=35), and uvicorn gets longer than its graceful shutdown', () => {
    // An idle timeout above the target's keep-alive lets the load balancer reuse a connection uvicorn closed: a 502.
    phase1.stack('app').hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '30' }]),
    });
    // Dockerfile: --timeout-graceful-shutdown=30; ECS kills 40 s after SIGTERM.
    expect(app(web).StopTimeout).toBe(40);
  });

  test('THEN the migration runs `python3 manage.py migrate` with the API\'s image and settings before the rollout', () => {
    const migrate = phase1.stack('migrate-web');
    expect(app(migrate).Command).toEqual(['python3', 'manage.py', 'migrate', '--no-input']);
    expect(app(migrate).Image).toBe(IMAGE);
    expect(env(migrate)).toMatchObject({ DEBUG: 'False', ALLOWED_CLIENT_HOSTS: expect.any(String) });
  });
});

describe('Saleor, phase 1 prod: Celery worker and beat (task-queue.mdx)', () => {
  const worker = phase1.stack('worker-celery');
  const beat = phase1.stack('worker-beat');

  test('THEN the worker runs `celery --app saleor.celeryconf:app worker -E` and scales on CPU', () => {
    expect(app(worker).Command).toEqual(['celery', '--app', 'saleor.celeryconf:app', 'worker', '-E', '--loglevel=info']);
    worker.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
    // Celery's warm shutdown finishes the running tasks: Fargate's most.
    expect(app(worker).StopTimeout).toBe(120);
  });

  test('THEN ECS pings the worker\'s own Celery node every minute, in exec form, and replaces a task that misses three', () => {
    expect(app(worker).HealthCheck).toEqual({
      Command: ['CMD', 'python3', '-c', "import socket, sys; from saleor.celeryconf import app; sys.exit(0 if app.control.ping(destination=['celery@' + socket.gethostname()], timeout=10) else 1)"],
      Interval: 60,
      Timeout: 30,
      Retries: 3,
      StartPeriod: 120,
    });
    // Beat answers no ping: it keeps no health check.
    expect(app(beat).HealthCheck).toBeUndefined();
  });

  test('THEN beat runs with Saleor\'s database scheduler, so it writes no schedule file on the read-only root', () => {
    expect(app(beat).Command).toEqual(['celery', '--app', 'saleor.celeryconf:app', 'beat', '--scheduler', 'saleor.schedulers.schedulers.DatabaseScheduler']);
  });

  test('THEN exactly one beat runs, stopped before its successor starts, and nothing scales it', () => {
    // "Deploy exactly one instance of Celery Beat": two would send every periodic task twice.
    expect(service(beat)).toMatchObject({ DesiredCount: 1, DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100 } });
    beat.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });

  test('THEN neither takes a kit queue: Celery\'s broker is Redis, so no SQS queue, QUEUE_URL or SQS right exists', () => {
    phase1.stack('data').resourceCountIs('AWS::SQS::Queue', 0);
    for (const t of [worker, beat]) {
      expect(Object.keys(env(t)).filter((n) => n.startsWith('QUEUE_URL'))).toEqual([]);
      expect(JSON.stringify(resources(t, 'AWS::IAM::Policy'))).not.toContain('sqs:');
    }
  });
});

describe('Saleor, phase 1 prod: Redis for the broker and the cache', () => {
  const data = phase1.stack('data');
  const groups = resources(data, 'AWS::ElastiCache::ReplicationGroup');

  test('THEN both groups run without cluster mode: neither Celery\'s Redis transport nor django-redis speaks Redis Cluster', () => {
    expect(groups.map((g) => [g.Properties.ReplicationGroupId, g.Properties.ClusterMode, g.Properties.NumCacheClusters])).toEqual([
      ['saleor-prod-cache', 'disabled', 2],
      ['saleor-prod-jobs', 'disabled', 2],
    ]);
    // rediss://: both speak TLS, which the kit requires.
    for (const g of groups) expect(g.Properties).toMatchObject({ TransitEncryptionEnabled: true, TransitEncryptionMode: 'required' });
  });

  test('THEN the broker\'s group never evicts (a queued task is never dropped) and the cache keeps ElastiCache\'s default policy', () => {
    expect(resources(data, 'AWS::ElastiCache::ParameterGroup').map((p) => p.Properties.Properties)).toEqual([{ 'maxmemory-policy': 'noeviction' }]);
    const withGroup = groups.filter((g) => g.Properties.CacheParameterGroupName !== undefined && !String(g.Properties.CacheParameterGroupName).startsWith('default.'));
    expect(withGroup.map((g) => g.Properties.ReplicationGroupId)).toEqual(['saleor-prod-jobs']);
  });
});

describe('Saleor, phase 1 prod: what each process reads', () => {
  const web = phase1.stack('service-web');
  const worker = phase1.stack('worker-celery');
  const beat = phase1.stack('worker-beat');

  test.each([
    ['web', web],
    ['celery', worker],
    ['beat', beat],
  ])('THEN %s gets production mode and the hosts, which saleor/settings.py requires at import when DEBUG is False', (_name, t) => {
    // settings.py: ALLOWED_CLIENT_HOSTS "must be set when DEBUG=False"; DEBUG defaults to True.
    expect(env(t)).toMatchObject({
      DEBUG: 'False',
      ALLOWED_HOSTS: 'api.shop.example.com',
      ALLOWED_CLIENT_HOSTS: 'https://dashboard.shop.example.com,https://shop.example.com',
      PUBLIC_URL: 'https://api.shop.example.com/',
    });
    expect(secretNames(t)).toEqual(expect.arrayContaining(['RSA_PRIVATE_KEY', 'SECRET_KEY']));
  });

  test.each([
    ['web', web],
    ['celery', worker],
    ['beat', beat],
  ])('THEN %s writes only to /tmp on a read-only root: media goes to S3, static files are in the image, beat\'s schedule in PostgreSQL', (_name, t) => {
    expect(app(t).ReadonlyRootFilesystem).toBe(true);
    expect(app(t).MountPoints).toEqual([{ ContainerPath: '/tmp', SourceVolume: 'tmp', ReadOnly: false }]);
    expect(env(t).HOME).toBe('/tmp');
  });

  test('THEN the mail domain has its SES identity, which the SMTP credentials in EMAIL_URL send through', () => {
    phase1.stack('app').hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.shop.example.com' });
  });

  test('THEN the processes that send mail get EMAIL_URL (the operator\'s SMTP URL) as a secret, never a plain variable', () => {
    for (const t of [web, worker]) {
      expect(secretNames(t)).toContain('EMAIL_URL');
      expect(env(t)).not.toHaveProperty('EMAIL_URL');
    }
    expect(secretNames(beat)).not.toContain('EMAIL_URL');
  });

  test('THEN the media buckets arrive under django-storages\' names (media-s3.mdx), with the region, and the kit\'s names are absent', () => {
    const data = phase1.stack('data');
    for (const t of [web, worker]) {
      const e = env(t);
      expect(Object.keys(e).filter((n) => n.startsWith('S3_'))).toEqual([]);
      expect(e.AWS_MEDIA_BUCKET_NAME).toBe(bucketName(data, 'media'));
      expect(e.AWS_MEDIA_PRIVATE_BUCKET_NAME).toBe(bucketName(data, 'private'));
      expect(e).toMatchObject({ AWS_S3_REGION_NAME: 'eu-west-1', AWS_LOCATION: 'media', AWS_QUERYSTRING_AUTH: 'True' });
      // Static files stay in the image: AWS_STORAGE_BUCKET_NAME would send them to S3, which nothing uploads.
      expect(e).not.toHaveProperty('AWS_STORAGE_BUCKET_NAME');
    }
    expect(Object.keys(env(beat)).filter((n) => n.startsWith('AWS_') || n.startsWith('S3_'))).toEqual([]);
  });

  test('THEN the API and the worker may write both buckets (thumbnails are made on request, exports and payloads by tasks); beat may touch none', () => {
    const data = phase1.stack('data');
    for (const t of [web, worker]) {
      const policy = JSON.stringify(resources(t, 'AWS::IAM::Policy'));
      expect(policy).toContain('s3:PutObject');
      for (const name of ['media', 'private']) expect(policy).toContain(`arn:aws:s3:::${bucketName(data, name)}/*`);
    }
    expect(JSON.stringify(resources(beat, 'AWS::IAM::Policy'))).not.toContain('s3:');
  });
});

describe('Saleor, phase 1 prod: the URLs Saleor reads whole (configuration.mdx; connectionUrls)', () => {
  const roles = ['service-web', 'migrate-web', 'worker-celery', 'worker-beat'];

  test.each(roles)('THEN %s gets DATABASE_URL and DATABASE_URL_REPLICA without credentials, and the login and password as PGUSER and PGPASSWORD secrets', (role) => {
    const t = phase1.stack(role);
    const e = env(t);
    // dj-database-url leaves USER and PASSWORD empty; Django's backend then passes neither and libpq reads PG* (ADR 0031).
    expect(text(e.DATABASE_URL)).toMatch(/^postgresql:\/\/<[^>]*DatabaseInstance[^>]*EndpointAddress[^>]*>:<[^>]*EndpointPort[^>]*>\/app\?sslmode=require$/);
    // Phase 1 has no replica: the reader URL is the primary (settings.py falls back the same way without it).
    expect(text(e.DATABASE_URL_REPLICA)).toBe(text(e.DATABASE_URL));
    expect(text(e.DATABASE_URL)).not.toContain('@');
    // The application login (database.applicationLogin), which survives the password's rotation.
    expect(text(secretFrom(t, 'PGUSER'))).toMatch(/^<[^>]*ApplicationLoginSecret[^>]*>:username::$/);
    expect(text(secretFrom(t, 'PGPASSWORD'))).toMatch(/^<[^>]*ApplicationLoginSecret[^>]*>:password::$/);
  });

  test.each(roles)('THEN %s gets CELERY_BROKER_URL from the jobs group and CACHE_URL from the cache, as secrets: they hold the AUTH token', (role) => {
    const t = phase1.stack(role);
    expect(text(secretFrom(t, 'CELERY_BROKER_URL'))).toMatch(new RegExp(`^<[^>]*RedisjobsUrlsSecret[^>]*>:${BROKER_KEY}::$`));
    expect(text(secretFrom(t, 'CACHE_URL'))).toMatch(/^<[^>]*CacheUrlsSecret[^>]*>:db0::$/);
    expect(env(t)).not.toHaveProperty('CELERY_BROKER_URL');
    expect(env(t)).not.toHaveProperty('CACHE_URL');
  });

  test('THEN the URL secrets are rediss:// URLs of each group\'s primary, database 0; the broker\'s asks kombu to verify the server', () => {
    const secrets = phase1.stack('data').findResources('AWS::SecretsManager::Secret');
    const url = (prefix: string) => text(Object.entries(secrets).find(([id]) => id.startsWith(prefix))![1].Properties.SecretString);
    // Without ssl_cert_reqs kombu connects to a rediss:// URL with CERT_NONE (kombu/connection.py, _init_params).
    expect(url('RedisjobsUrlsSecret')).toMatch(
      new RegExp(`^\\{"${BROKER_KEY}":"rediss:\\/\\/:\\{\\{resolve:secretsmanager:<RedisjobsAuthToken\\w+>:SecretString:::\\}\\}@<RedisjobsReplicationGroup\\w+\\.PrimaryEndPoint\\.Address>:<RedisjobsReplicationGroup\\w+\\.PrimaryEndPoint\\.Port>\\/0\\?ssl_cert_reqs=required"\\}$`),
    );
    expect(url('CacheUrlsSecret')).toMatch(/^\{"db0":"rediss:\/\/:\{\{resolve:secretsmanager:<CacheAuthToken\w+>:SecretString:::\}\}@<CacheReplicationGroup\w+\.PrimaryEndPoint\.Address>:<CacheReplicationGroup\w+\.PrimaryEndPoint\.Port>\/0"\}$/);
  });

  test('THEN from phase 2 DATABASE_URL_REPLICA reads from the replicas\' one name', () => {
    expect(text(env(phase2.stack('service-web')).DATABASE_URL_REPLICA)).toMatch(/^postgresql:\/\/db-read\.saleor-prod\.internal:<[^>]*EndpointPort[^>]*>\/app\?sslmode=require$/);
  });
});

describe('Saleor behind the CDN (phase 2 and 3 prod)', () => {
  test.each([
    ['phase2', phase2],
    ['phase3', phase3],
  ])('THEN in %s the media bucket is public at /media/* and the API writes plain URLs on the API\'s domain', (_phase, p) => {
    // S3MediaStorage: custom_domain = AWS_MEDIA_CUSTOM_DOMAIN; AWS_LOCATION "media" puts objects under media/,
    // the path the CDN serves them at.
    const edge = p.stack('edge');
    const behaviours = resources(edge, 'AWS::CloudFront::Distribution')[0]!.Properties.DistributionConfig.CacheBehaviors as { PathPattern: string }[];
    expect(behaviours.map((b) => b.PathPattern)).toContain('/media/*');
    for (const role of ['service-web', 'worker-celery']) {
      expect(env(p.stack(role))).toMatchObject({ AWS_MEDIA_CUSTOM_DOMAIN: 'api.shop.example.com', AWS_QUERYSTRING_AUTH: 'False', AWS_LOCATION: 'media' });
    }
  });

  test.each([
    ['phase2', phase2],
    ['phase3', phase3],
  ])('THEN in %s the web ACL lets GraphQL bodies over 8 KB and rich-text HTML through on /graphql/ only', (_phase, p) => {
    const rules = resources(p.stack('edge'), 'AWS::WAFv2::WebACL')[0]!.Properties.Rules as { Name: string; Statement: any; Action?: unknown }[];
    const common = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet')!;
    // Product descriptions are EditorJS JSON with HTML inside, posted to /graphql/: CrossSiteScripting_BODY counts there.
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
      { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
    ]);
    const xss = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet-CrossSiteScripting_BODY')!;
    expect(xss.Action).toEqual({ Block: {} });
    expect(JSON.stringify(xss.Statement.AndStatement.Statements[1])).toContain('"SearchString":"/graphql/"');
  });

  test('THEN the celery worker grows with the phase, and beat stays one task', () => {
    phase3.stack('worker-celery').hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 4, MaxCapacity: 40 });
    expect(service(phase3.stack('worker-beat')).DesiredCount).toBe(1);
  });

  test('THEN in phase 3 the standby region runs neither the worker nor beat until a failover: its database is a read-only replica', () => {
    expect(service(phase3.stack('standby-worker-celery')).DesiredCount).toBe(0);
    expect(service(phase3.stack('standby-worker-beat')).DesiredCount).toBe(0);
  });
});

describe('Saleor, the upgrade ladder (prod)', () => {
  test.each([
    ['phase1', 'phase2', phase1, phase2],
    ['phase2', 'phase3', phase2, phase3],
  ])('WHEN upgrading %s to %s THEN the planner blocks nothing and strands no consumer', (_from, _to, before, after) => {
    const plan = planUpgrade(before.templates, after.templates);
    expect(plan.blocked).toEqual([]);
    expect(plan.stranded).toEqual([]);
  });
});
