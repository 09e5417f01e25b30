import { Template } from 'aws-cdk-lib/assertions';
import { join } from 'node:path';
import { readSettingsFile, resolveConfig } from '../../config';
import { cfnLintAvailable, lintTemplates } from '../../review/cfn-lint';
import { DEPLOYABILITY, formatFinding, runGate } from '../../review/gate';
import { deploymentFromAssembly } from '../../review/gate/assembly';
import { planUpgrade, Templates } from '../../review/plan';
import { synthesize, Synthesized } from '../support/blueprint';

/*
 * docs/examples/mastodon: Mastodon v4.6.2 on the kit, read as a user's settings file is.
 * The application's own documentation is quoted beside each check:
 *   config   https://docs.joinmastodon.org/admin/config/
 *   scaling  https://docs.joinmastodon.org/admin/scaling/
 *   storage  https://docs.joinmastodon.org/admin/optional/object-storage/
 *   chart    https://github.com/mastodon/helm-charts (charts/mastodon, appVersion v4.6.2)
 */
const FILE = 'docs/examples/mastodon/blueprint.settings.json';
const settings = readSettingsFile(FILE, true);
const VERSION = 'v4.6.2';

// GIVEN the example, synthesized once per phase (prod), with the compliance packs on
const phases = { phase1: synthesize({ settings, phase: 'phase1', stage: 'prod' }), phase2: synthesize({ settings, phase: 'phase2', stage: 'prod' }), phase3: synthesize({ settings, phase: 'phase3', stage: 'prod' }) };
const p1 = phases.phase1;
const p3 = phases.phase3;

type Env = { Name: string; Value: unknown };
type Container = { Name: string; Image: unknown; User?: string; Command?: string[]; PortMappings?: { ContainerPort: number }[]; Environment: Env[]; Secrets: { Name: string; ValueFrom: unknown }[]; HealthCheck?: { Command: string[] } };
const taskIn = (t: Template): { ContainerDefinitions: Container[]; TaskRoleArn: unknown } => Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties;
const app = (s: Synthesized, role: string): Container => taskIn(s.stack(role)).ContainerDefinitions.find((c) => c.Name === 'App')!;
const env = (c: Container): Record<string, unknown> => Object.fromEntries(c.Environment.map((e) => [e.Name, e.Value]));
const secretNames = (c: Container): string[] => c.Secrets.map((s) => s.Name);
const ROLES = ['service-web', 'service-streaming', 'worker-sidekiq', 'worker-sidekiq-push', 'worker-scheduler', 'migrate-web'] as const;
const RAILS = ['service-web', 'worker-sidekiq', 'worker-sidekiq-push', 'worker-scheduler', 'migrate-web'] as const;
const templatesOf = (s: Synthesized): Templates => Object.fromEntries(s.app.synth().stacks.map((st) => [st.stackName, st.template]));

describe('Mastodon: every phase resolves and synthesizes', () => {
  test.each(['phase1', 'phase2', 'phase3'])('GIVEN %s WHEN resolved for dev, staging and prod THEN the settings hold', (phase) => {
    for (const stage of ['dev', 'staging', 'prod']) expect(resolveConfig({ settings, phase, stage }).appName).toBe('mastodon');
  });

  test('THEN each phase builds the web and streaming services, the three Sidekiq pools and the migration task', () => {
    for (const s of Object.values(phases)) for (const role of ROLES) expect(() => s.stack(role)).not.toThrow();
  });

  test.each(['phase1', 'phase2', 'phase3'] as const)('GIVEN %s prod THEN the deployability gate finds nothing', (phase) => {
    const deployment = deploymentFromAssembly(phases[phase].app.synth().directory);
    expect(runGate(DEPLOYABILITY, { deployment }).map(formatFinding)).toEqual([]);
  });

  test('WHEN upgrading phase 1 to 2 and phase 2 to 3 THEN the offline planner blocks nothing and strands no consumer', () => {
    const [t1, t2, t3] = [p1, phases.phase2, p3].map(templatesOf);
    for (const plan of [planUpgrade(t1!, t2!), planUpgrade(t2!, t3!)]) {
      expect(plan.blocked).toEqual([]);
      expect(plan.stranded).toEqual([]);
    }
  });
});

describe('Mastodon: processes, images, ports and health checks', () => {
  test('THEN every container runs the official image at the pinned tag as the image\'s mastodon user, uid 991 (chart: podSecurityContext.runAsUser 991)', () => {
    for (const role of ROLES) {
      const c = app(p1, role);
      expect([role, c.Image]).toEqual([role, role === 'service-streaming' ? `ghcr.io/mastodon/mastodon-streaming:${VERSION}` : `ghcr.io/mastodon/mastodon:${VERSION}`]);
      expect([role, c.User]).toEqual([role, '991:991']);
    }
  });

  test('THEN web is Puma on 3000, checked on /health; streaming is the image\'s node server on 4000, checked on /api/v1/streaming/health (scaling: "Using a web load balancer")', () => {
    const web = app(p1, 'service-web');
    expect(web.Command).toEqual(['bundle', 'exec', 'puma', '-C', 'config/puma.rb']);
    expect(web.PortMappings!.map((m) => m.ContainerPort)).toEqual([3000]);
    expect(web.HealthCheck!.Command.join(' ')).toContain('http://localhost:3000/health');
    p1.web.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 3000, HealthCheckPath: '/health' });

    const streaming = app(p1, 'service-streaming');
    // The image's CMD, node ./streaming/index.js, as the chart runs it.
    expect(streaming.Command).toBeUndefined();
    expect(streaming.PortMappings!.map((m) => m.ContainerPort)).toEqual([4000]);
    expect(streaming.HealthCheck!.Command.join(' ')).toContain('http://localhost:4000/api/v1/streaming/health');
    p1.stack('service-streaming').hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 4000, HealthCheckPath: '/api/v1/streaming/health' });
  });

  test('THEN /api/v1/streaming and everything under it reach the streaming service, ahead of the web service\'s default route', () => {
    const rule = (role: string) => Object.values(p1.stack(role).findResources('AWS::ElasticLoadBalancingV2::ListenerRule'))[0]!.Properties;
    const paths = (r: { Conditions: { Field: string; PathPatternConfig?: { Values: string[] } }[] }) => r.Conditions.find((c) => c.Field === 'path-pattern')!.PathPatternConfig!.Values;
    const streaming = rule('service-streaming');
    const web = rule('service-web');
    expect(paths(streaming)).toEqual(['/api/v1/streaming', '/api/v1/streaming/*']);
    expect(paths(web)).toEqual(['/*']);
    expect(streaming.Priority).toBeLessThan(web.Priority);
  });

  test('THEN Sidekiq runs every queue of the scaling guide, and the scheduler queue in exactly one process (scaling: "the scheduler queue should never be run in more than one Sidekiq process at a time")', () => {
    const queues = (role: string) => {
      const cmd = app(p3, role).Command!;
      expect(cmd.slice(0, 3)).toEqual(['bundle', 'exec', 'sidekiq']);
      return cmd.flatMap((arg, i) => (cmd[i - 1] === '-q' ? [arg.split(',')[0]] : []));
    };
    const byWorker = Object.fromEntries(['worker-sidekiq', 'worker-sidekiq-push', 'worker-scheduler'].map((r) => [r, queues(r)]));
    expect(Object.values(byWorker).flat().sort()).toEqual(['default', 'ingress', 'mailers', 'pull', 'push', 'scheduler']);
    expect(byWorker['worker-scheduler']).toEqual(['scheduler']);
  });

  test('THEN the scheduler is one task in every phase, stopped before its successor starts, and never autoscaled', () => {
    for (const s of Object.values(phases)) {
      const scheduler = s.stack('worker-scheduler');
      scheduler.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 1, DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100, DeploymentCircuitBreaker: { Enable: true, Rollback: true } } });
      scheduler.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    }
  });

  test('THEN the standby region keeps the scheduler and the Sidekiq pools off until a failover: its database is a read-only replica', () => {
    for (const role of ['standby-worker-scheduler', 'standby-worker-sidekiq', 'standby-worker-sidekiq-push']) p3.stack(role).hasResourceProperties('AWS::ECS::Service', { DesiredCount: 0 });
  });

  test('THEN Rails can write its tmp directory (bootsnap cache) on the read-only root filesystem', () => {
    for (const role of RAILS) {
      const task = taskIn(p1.stack(role));
      const c = task.ContainerDefinitions.find((x) => x.Name === 'App') as Container & { MountPoints: { ContainerPath: string; ReadOnly: boolean }[] };
      expect([role, c.MountPoints.filter((m) => !m.ReadOnly).map((m) => m.ContainerPath).sort()]).toEqual([role, ['/opt/mastodon/tmp', '/tmp']]);
    }
  });

  // cfn-lint is an optional Python tool (test/cfn-lint.test.ts); without it this one check is skipped.
  (cfnLintAvailable() ? test : test.skip)('THEN cfn-lint finds nothing unexcepted in the migration stacks, whose command output is built from imports', () => {
    const assembly = p3.app.synth();
    const files = assembly.stacks.filter((st) => st.stackName.includes('-migrate-')).map((st) => join(assembly.directory, st.templateFile));
    expect(files).toHaveLength(2);
    expect(lintTemplates(files).filter((f) => !f.exception)).toEqual([]);
  });

  test('THEN the migration before each rollout holds the post-deployment migrations back for after it (config: SKIP_POST_DEPLOYMENT_MIGRATIONS; chart: db-pre-migrate job)', () => {
    expect(app(p1, 'migrate-web').Command).toEqual(['env', 'SKIP_POST_DEPLOYMENT_MIGRATIONS=true', 'bundle', 'exec', 'rails', 'db:migrate']);
    // The web service itself never carries the variable: a later full db:migrate from the same task definition runs every migration.
    expect(env(app(p1, 'service-web')).SKIP_POST_DEPLOYMENT_MIGRATIONS).toBeUndefined();
  });
});

describe('Mastodon: the variables each process reads, under Mastodon\'s names', () => {
  test('THEN every Rails process and the streaming server find PostgreSQL as DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASS with TLS verified (config: PostgreSQL)', () => {
    for (const role of ROLES) {
      const c = app(p1, role);
      const e = env(c);
      for (const name of ['DB_HOST', 'DB_PORT', 'DB_NAME']) expect([role, name, e[name]]).toEqual([role, name, expect.anything()]);
      expect([role, e.DB_SSLMODE]).toEqual([role, 'verify-full']);
      expect([role, secretNames(c)]).toEqual([role, expect.arrayContaining(['DB_USER', 'DB_PASS'])]);
      // The kit's own names for the login are gone: Mastodon would not read them.
      expect([role, secretNames(c).filter((n) => n === 'DB_USERNAME' || n === 'DB_PASSWORD')]).toEqual([role, []]);
    }
  });

  test('THEN the streaming server, node-postgres with ssl {} under DB_SSLMODE, trusts the RDS CA bundle the kit downloads (chart: streaming extraCerts sets NODE_EXTRA_CA_CERTS)', () => {
    const e = env(app(p1, 'service-streaming'));
    expect(e.NODE_EXTRA_CA_CERTS).toBe(e.PGSSLROOTCERT);
    expect(e.NODE_EXTRA_CA_CERTS).toBe('/etc/rds-ca/rds-ca-bundle.pem');
  });

  test('THEN every Rails process has the six secrets Mastodon 4.6 needs, from the operator\'s secret, and the streaming server none of them', () => {
    const appSecrets = ['SECRET_KEY_BASE', 'VAPID_PRIVATE_KEY', 'VAPID_PUBLIC_KEY', 'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY', 'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY', 'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT'];
    for (const role of RAILS) {
      const c = app(p1, role);
      expect([role, secretNames(c)]).toEqual([role, expect.arrayContaining(appSecrets)]);
      for (const s of c.Secrets.filter((x) => appSecrets.includes(x.Name))) expect(JSON.stringify(s.ValueFrom)).toMatch(/secret:mastodon\/app:[A-Z_]+::/);
      expect([role, env(c).LOCAL_DOMAIN, env(c).RAILS_ENV]).toEqual([role, 'social.example.com', 'production']);
    }
    expect(secretNames(app(p1, 'service-streaming')).filter((n) => appSecrets.includes(n))).toEqual([]);
  });

  test('THEN every Rails process stores media in the kit\'s bucket with Mastodon\'s S3 variables, no ACLs (the bucket owns its objects), and the files host as S3_ALIAS_HOST (storage: S3_PERMISSION, S3_ALIAS_HOST)', () => {
    for (const s of Object.values(phases)) {
      for (const role of RAILS) {
        const e = env(app(s, role));
        expect([role, e.S3_ENABLED, e.S3_PROTOCOL, e.S3_PERMISSION, e.S3_REGION]).toEqual([role, 'true', 'https', '', 'eu-west-1']);
        expect([role, e.S3_BUCKET]).toEqual([role, expect.stringMatching(/^mastodon-prod-media-/)]);
        // Media URLs are https://<S3_ALIAS_HOST>/<key>: the files host serves the bucket from its root.
        expect([role, e.S3_ALIAS_HOST]).toEqual([role, 'files.social.example.com']);
        expect([role, e.S3_BUCKET_MEDIA, e.S3_PUBLIC_HOST_MEDIA]).toEqual([role, undefined, undefined]);
      }
    }
  });

  test('THEN in every phase a distribution of its own serves the whole bucket on files.social.example.com, read-only through origin access control, behind the web ACL, with CORS for the web UI (storage: "publicly readable but not writable or listable")', () => {
    for (const s of Object.values(phases)) {
      const files = Object.values(s.stack('edge').findResources('AWS::CloudFront::Distribution'))
        .map((d) => d.Properties.DistributionConfig)
        .find((c) => (c.Aliases ?? []).includes('files.social.example.com'));
      expect(files).toBeDefined();
      expect(files.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS']);
      expect(files.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeDefined();
      expect(files.WebACLId).toBeDefined();
      // Phase 3 adds the standby's replica as a failover origin: every origin is a bucket read through origin access control.
      for (const o of files.Origins) expect([o.S3OriginConfig, o.OriginAccessControlId]).toEqual([expect.anything(), expect.anything()]);
      const cors = Object.values(s.stack('edge').findResources('AWS::CloudFront::ResponseHeadersPolicy')).map((r) => r.Properties.ResponseHeadersPolicyConfig.CorsConfig);
      expect(cors).toContainEqual(expect.objectContaining({ AccessControlAllowOrigins: { Items: ['https://social.example.com'] } }));
    }
  });

  test('THEN the Rails processes may write the media bucket through their task role, and the streaming server has no S3 access at all', () => {
    const s3Actions = (role: string): string[] =>
      Object.values(p1.stack(role).findResources('AWS::IAM::Policy')).flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((st) => [st.Action].flat()).filter((a) => a.startsWith('s3:')),
      );
    for (const role of ['service-web', 'worker-sidekiq', 'worker-sidekiq-push', 'worker-scheduler']) expect([role, s3Actions(role)]).toEqual([role, expect.arrayContaining(['s3:PutObject', 's3:DeleteObject', 's3:GetObject'])]);
    expect(s3Actions('service-streaming')).toEqual([]);
  });

  test('THEN the mailers\' pool sends through SES SMTP under Mastodon\'s names, from the SES identity\'s domain (config: SMTP email delivery)', () => {
    const c = app(p1, 'worker-sidekiq');
    const e = env(c);
    expect(e.SMTP_SERVER).toBe('email-smtp.eu-west-1.amazonaws.com');
    expect(e.SMTP_PORT).toBe('587');
    expect(e.SMTP_ENABLE_STARTTLS).toBe('always');
    expect(e.SMTP_FROM_ADDRESS).toMatch(/<notifications@social\.example\.com>$/);
    expect(p1.config.email!.domain).toBe('social.example.com');
    expect(secretNames(c)).toEqual(expect.arrayContaining(['SMTP_LOGIN', 'SMTP_PASSWORD']));
    // Only the pool that runs the mailers queue may send.
    for (const role of ['service-web', 'worker-sidekiq-push', 'worker-scheduler']) expect([role, env(app(p1, role)).SMTP_SERVER]).toEqual([role, undefined]);
  });

  test('THEN every process reaches Redis over TLS with the token by rediss:// URLs, the only way Mastodon takes TLS (config: REDIS_URL, REDIS_DRIVER): feeds and Sidekiq on the store, the Rails cache on the cache', () => {
    const urlOf = (c: Container, name: string): string => JSON.stringify(c.Secrets.find((x) => x.Name === name)?.ValueFrom);
    for (const s of Object.values(phases)) {
      for (const role of RAILS) {
        const c = app(s, role);
        expect([role, env(c).REDIS_DRIVER]).toEqual([role, 'ruby']);
        // Each URL is one key of the secret the data stack composes per group (ADR 0031): never a plain variable.
        for (const name of ['REDIS_URL', 'SIDEKIQ_REDIS_URL', 'CACHE_REDIS_URL']) expect([role, name, env(c)[name]]).toEqual([role, name, undefined]);
        expect([role, urlOf(c, 'REDIS_URL')]).toEqual([role, expect.stringMatching(/RedismainUrls.*:db0::/)]);
        expect([role, urlOf(c, 'SIDEKIQ_REDIS_URL')]).toEqual([role, urlOf(c, 'REDIS_URL')]);
        expect([role, urlOf(c, 'CACHE_REDIS_URL')]).toEqual([role, expect.stringMatching(/CacheUrls.*:db0::/)]);
      }
      const streaming = app(s, 'service-streaming');
      expect(urlOf(streaming, 'REDIS_URL')).toMatch(/RedismainUrls.*:db0::/);
      expect(secretNames(streaming)).not.toContain('CACHE_REDIS_URL');
    }
  });

  test('THEN each URL secret holds rediss:// with its own group\'s AUTH token and primary endpoint, database 0', () => {
    const secrets = p1.data.findResources('AWS::SecretsManager::Secret');
    for (const [group, prefix] of [['Redismain', 'RedismainUrls'], ['Cache', 'CacheUrls']]) {
      const [, secret] = Object.entries(secrets).find(([id]) => id.startsWith(prefix!))!;
      const text = JSON.stringify(secret.Properties.SecretString);
      expect(text).toContain('rediss://:{{resolve:secretsmanager:');
      expect(text).toContain(`"Ref":"${group}AuthToken`);
      expect(text).toMatch(new RegExp(`"Fn::GetAtt":\\["${group}ReplicationGroup[0-9A-F]+","PrimaryEndPoint.Address"\\]`));
      expect(text).toContain('/0');
    }
  });

  test('THEN the web service reads from the replicas from phase 2 (scaling: REPLICA_DB_HOST), each by its own name so verify-full holds, spread by libpq; from the primary before', () => {
    const first = env(app(p1, 'service-web'));
    expect(first.REPLICA_DB_HOST).toEqual(first.DB_HOST);
    for (const s of [phases.phase2, p3]) {
      const e = env(app(s, 'service-web'));
      expect(JSON.stringify(e.REPLICA_DB_HOST)).toContain('Fn::Join');
      expect(e.PGLOADBALANCEHOSTS).toBe('random');
      expect(e.DB_READ_HOSTS).toBeUndefined();
    }
    // The standby's web service has no replicas of its own: its database, a replica itself, takes the reads.
    const standby = env(app(p3, 'standby-service-web'));
    expect(standby.REPLICA_DB_HOST).toEqual(standby.DB_HOST);
  });
});

describe('Mastodon: Redis, connections and the firewall', () => {
  const groups = (s: Synthesized) => Object.values(s.data.findResources('AWS::ElastiCache::ReplicationGroup')).map((g) => g.Properties);

  test('THEN the main store (feeds, Sidekiq, streaming) never evicts and the cache may, neither in cluster mode (Mastodon speaks to one Redis primary, not a cluster)', () => {
    for (const s of Object.values(phases)) {
      const all = groups(s);
      const main = all.find((g) => g.ReplicationGroupId === 'mastodon-prod-main')!;
      const cache = all.find((g) => g.ReplicationGroupId === 'mastodon-prod-cache')!;
      expect(main).toEqual(expect.objectContaining({ ClusterMode: 'disabled', MultiAZEnabled: true, AutomaticFailoverEnabled: true, TransitEncryptionEnabled: true }));
      expect(cache).toEqual(expect.objectContaining({ ClusterMode: 'disabled' }));
      const policies = Object.values(s.data.findResources('AWS::ElastiCache::ParameterGroup')).map((p) => p.Properties.Properties);
      expect(policies).toEqual([{ 'maxmemory-policy': 'noeviction' }]);
      expect(main.CacheParameterGroupName).toEqual(expect.objectContaining({ Ref: expect.any(String) }));
      expect(cache.CacheParameterGroupName).not.toEqual(main.CacheParameterGroupName);
    }
  });

  test('THEN the load balancer keeps an idle WebSocket for 120 s, above the streaming server\'s 30 s ping, and the CDN waits 60 s between packets', () => {
    for (const s of Object.values(phases)) {
      const lb = Object.values(s.appStack.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0]!.Properties;
      expect(lb.LoadBalancerAttributes).toContainEqual({ Key: 'idle_timeout.timeout_seconds', Value: '120' });
    }
    for (const s of Object.values(phases)) {
      // The application's distribution: its origin is the load balancer (the files host's are buckets).
      const origin = Object.values(s.stack('edge').findResources('AWS::CloudFront::Distribution'))
        .flatMap((d) => d.Properties.DistributionConfig.Origins as { CustomOriginConfig?: Record<string, number> }[])
        .find((o) => o.CustomOriginConfig !== undefined)!;
      expect(origin.CustomOriginConfig).toEqual(expect.objectContaining({ OriginReadTimeout: 60 }));
      expect(origin.CustomOriginConfig!.OriginKeepaliveTimeout).toBeLessThan(120);
    }
  });

  test('THEN the CDN\'s web ACL, in every phase, lets uploads over 8 KB through (media, avatars, imports, inbox JSON) and takes federation\'s HTML on the inboxes', () => {
    for (const s of Object.values(phases)) {
      const acl = Object.values(s.stack('edge').findResources('AWS::WAFv2::WebACL'))[0]!.Properties;
      expect(acl.Scope).toBe('CLOUDFRONT');
      const rules = acl.Rules as { Name: string; Statement: Record<string, any> }[];
      const common = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet')!.Statement.ManagedRuleGroupStatement;
      expect(common.RuleActionOverrides).toEqual(
        expect.arrayContaining([
          { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
          { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
          { Name: 'GenericRFI_BODY', ActionToUse: { Count: {} } },
        ]),
      );
      // XSS still blocks everywhere else: the label rule excepts only the inboxes and the statuses API.
      const xss = JSON.stringify(rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet-CrossSiteScripting_BODY')!.Statement);
      for (const prefix of ['/inbox', '/users/', '/api/v1/statuses']) expect(xss).toContain(`"SearchString":"${prefix}"`);
      expect(xss).not.toContain('/api/v1/media');
    }
  });
});
