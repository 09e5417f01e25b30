import { Match } from 'aws-cdk-lib/assertions';
import { synthesize } from './support/blueprint';

// GIVEN phase 2 in prod (CDN and WAF on) with two services that use every web-service setting, synthesized once
const s = synthesize({
  phase: 'phase2',
  // Production: ECS Exec off, so the root filesystem is read-only.
  stage: 'prod',
  settings: {
    ingress: { idleTimeoutSeconds: 900 },
    edge: { originResponseTimeoutSeconds: 60, originKeepaliveTimeoutSeconds: 45 },
    services: [
      { name: 'web', stickiness: { durationSeconds: 3600 }, stopTimeoutSeconds: 90, writablePaths: ['/var/cache/nginx', '/app/tmp'] },
      {
        name: 'api',
        pathPatterns: ['/api/*'],
        priority: 10,
        stickiness: { cookieName: 'sessionid' },
        deployment: { minHealthyPercent: 50, maxPercent: 150 },
      },
    ],
  },
});
const taskOf = (role: string) => Object.values(s.stack(role).findResources('AWS::ECS::TaskDefinition'))[0]!.Properties;
const appContainer = (role: string) => taskOf(role).ContainerDefinitions.find((c: { Name: string }) => c.Name === 'App');
const attributes = (role: string): Record<string, string> => {
  const groups = Object.values(s.stack(role).findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
  return Object.fromEntries(groups[0]!.Properties.TargetGroupAttributes.map((a: { Key: string; Value: string }) => [a.Key, a.Value]));
};

describe('web service settings', () => {
  test('THEN the load balancer keeps idle connections for ingress.idleTimeoutSeconds', () => {
    s.appStack.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '900' }]),
    });
  });

  test('THEN a service with a duration only sticks by the load balancer\'s cookie, one with a cookie name by the application\'s', () => {
    expect(attributes('service-web')).toMatchObject({ 'stickiness.enabled': 'true', 'stickiness.type': 'lb_cookie', 'stickiness.lb_cookie.duration_seconds': '3600' });
    // The template's day for the duration, the application's cookie for the type.
    expect(attributes('service-api')).toMatchObject({
      'stickiness.enabled': 'true',
      'stickiness.type': 'app_cookie',
      'stickiness.app_cookie.cookie_name': 'sessionid',
      'stickiness.app_cookie.duration_seconds': '86400',
    });
  });

  test('THEN the container has its stop timeout, and ECS\'s 30 s where none is set', () => {
    expect(appContainer('service-web').StopTimeout).toBe(90);
    expect(appContainer('service-api').StopTimeout).toBe(30);
  });

  test('THEN each writable path is a task volume mounted read-write, beside /tmp, and the root stays read-only', () => {
    const task = taskOf('service-web');
    const container = appContainer('service-web');
    expect(container.ReadonlyRootFilesystem).toBe(true);
    const mounts = Object.fromEntries(container.MountPoints.map((m: { ContainerPath: string; SourceVolume: string; ReadOnly: boolean }) => [m.ContainerPath, m]));
    expect(Object.keys(mounts).sort()).toEqual(['/app/tmp', '/tmp', '/var/cache/nginx']);
    const volumes = task.Volumes.map((v: { Name: string }) => v.Name);
    for (const m of Object.values(mounts) as { SourceVolume: string; ReadOnly: boolean }[]) {
      expect(m.ReadOnly).toBe(false);
      expect(volumes).toContain(m.SourceVolume);
    }
    expect(new Set(Object.values(mounts).map((m) => (m as { SourceVolume: string }).SourceVolume)).size).toBe(3);
  });

  test('THEN a rolling service takes its deployment percents, and the others keep full capacity', () => {
    s.stack('service-api').hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 50, MaximumPercent: 150 }),
    });
    s.web.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 100, MaximumPercent: 200 }),
    });
  });

  test('THEN the CDN waits for the origin and keeps its connections as set, and forwards the viewer\'s address', () => {
    const edge = s.stack('edge');
    edge.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [Match.objectLike({ CustomOriginConfig: Match.objectLike({ OriginReadTimeout: 60, OriginKeepaliveTimeout: 45 }) })],
        // AWS's managed AllViewerAndCloudFrontHeaders-2022-06 policy: every viewer header plus CloudFront-Viewer-Address.
        DefaultCacheBehavior: Match.objectLike({ OriginRequestPolicyId: '33f36d7e-f396-46d9-90e0-52428a34d9dc' }),
      }),
    });
  });

  test('THEN the application is told how many proxies append to X-Forwarded-For: the CDN and the load balancer', () => {
    const env = appContainer('service-web').Environment.find((e: { Name: string }) => e.Name === 'TRUSTED_PROXY_HOPS');
    expect(env).toEqual({ Name: 'TRUSTED_PROXY_HOPS', Value: '2' });
  });
});
