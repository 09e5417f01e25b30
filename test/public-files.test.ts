import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { bucketName, EDGE_REGION, resolveConfig } from '../config';
import { DEPLOYABILITY, formatFinding, runGate } from '../review/gate';
import { Deployment } from '../review/gate/template';
import { isBlocked, planUpgrade, synthesizeDeployment, templatesOf } from '../review/plan';
import { placeholderCertificateArn } from '../review/production-settings';
import { CDK_CONTEXT, synthesize } from './support/blueprint';

// GIVEN phase 3 in a hosted zone (the CDN on app.example.com, a standby region) with a bucket `media`
// served on its own host `files` (files.app.example.com) and a bucket `assets` on a path of the main
// domain; the web service reads media and renames its host variable to Mastodon's S3_ALIAS_HOST.
const EDGE_CERT = placeholderCertificateArn(EDGE_REGION);
const FILES_CERT = EDGE_CERT.replace('00000000-0000', '11111111-1111');
const SETTINGS = {
  ingress: {
    certificateArn: placeholderCertificateArn('us-east-1'),
    domainName: 'app.example.com',
    edgeCertificateArn: EDGE_CERT,
    originDomainName: 'origin.app.example.com',
    hostedZone: { id: 'Z0000000000EXAMPLE', name: 'example.com' },
  },
  // The standby region from phase 3 on, as a settings file for the whole ladder says it.
  phases: { phase3: { standby: { certificateArn: placeholderCertificateArn('us-west-2') } } },
  buckets: [
    { name: 'media', public: { host: 'files', certificateArn: FILES_CERT, ttlSeconds: 86400 }, corsOrigins: ['https://app.example.com'] },
    { name: 'assets', public: { pathPattern: '/assets-files/*', ttlSeconds: 60 } },
  ],
  services: [{ name: 'web', buckets: { media: 'read', assets: 'read' }, variableNames: { S3_PUBLIC_HOST_MEDIA: 'S3_ALIAS_HOST' } }],
};
const s = synthesize({ phase: 'phase3', settings: SETTINGS });
const c = s.config;
const edge = s.stack('edge');
const name = (bucket: string, region = c.env.region): string => bucketName(c, bucket, region);

/** The distributions of the edge stack, by their first alternate domain name. */
function distributions(t: Template): Record<string, any> {
  return Object.fromEntries(Object.values(t.findResources('AWS::CloudFront::Distribution')).map((d) => [d.Properties.DistributionConfig.Aliases?.[0], d.Properties.DistributionConfig]));
}

function environment(t: Template): Record<string, unknown> {
  const [task] = Object.values(t.findResources('AWS::ECS::TaskDefinition'));
  return Object.fromEntries(task!.Properties.ContainerDefinitions[0].Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
}

describe('a bucket on a host of its own (ADR 0033)', () => {
  test('THEN the host is the only alternate domain name of a second distribution, presented with its own us-east-1 certificate over TLS 1.2, behind the same web ACL', () => {
    const all = distributions(edge);
    expect(Object.keys(all).sort()).toEqual(['app.example.com', 'files.app.example.com']);
    const files = all['files.app.example.com'];
    expect(files.Aliases).toEqual(['files.app.example.com']);
    expect(files.ViewerCertificate).toEqual({ AcmCertificateArn: FILES_CERT, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(files.WebACLId).toEqual(all['app.example.com'].WebACLId);
    // The main distribution keeps its one name: CloudFront matches behaviours by path, never by host.
    expect(all['app.example.com'].Aliases).toEqual(['app.example.com']);
  });

  test('THEN its one behaviour reads the bucket through origin access control, failing over to the standby\'s replica on 5xx, read-only, cached for its TTL, with CORS', () => {
    const files = distributions(edge)['files.app.example.com'];
    const byDomain = Object.fromEntries(files.Origins.map((o: any) => [o.DomainName, o]));
    const primary = byDomain[`${name('media')}.s3.${c.env.region}.amazonaws.com`];
    const replica = byDomain[`${name('media', c.standby!.region)}.s3.${c.standby!.region}.amazonaws.com`];
    expect(primary.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FilesmediaAccess/), 'Id'] });
    expect(replica.OriginAccessControlId).toEqual(primary.OriginAccessControlId);
    expect(files.OriginGroups.Items).toEqual([
      {
        Id: files.DefaultCacheBehavior.TargetOriginId,
        FailoverCriteria: { StatusCodes: { Items: [500, 502, 503, 504], Quantity: 4 } },
        Members: { Items: [{ OriginId: primary.Id }, { OriginId: replica.Id }], Quantity: 2 },
      },
    ]);
    expect(files.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD', 'OPTIONS'], Compress: true });
    expect(files.DefaultCacheBehavior.OriginRequestPolicyId).toBeUndefined();
    expect(files.CacheBehaviors).toBeUndefined();
    edge.hasResourceProperties('AWS::CloudFront::CachePolicy', { CachePolicyConfig: { DefaultTTL: 86400, Comment: Match.stringLikeRegexp('files.app.example.com') } });
    edge.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: { Comment: 'CORS for files.app.example.com', CorsConfig: { AccessControlAllowOrigins: { Items: ['https://app.example.com'] } } },
    });
  });

  test('THEN the hosted zone gets A and AAAA aliases of the host to its distribution', () => {
    for (const type of ['A', 'AAAA']) {
      edge.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'files.app.example.com.',
        Type: type,
        HostedZoneId: 'Z0000000000EXAMPLE',
        AliasTarget: { DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FilesmediaDistribution'), 'DomainName'] } },
      });
    }
  });

  test('THEN the replica lets CloudFront read it too, and the bucket on a path is still a behaviour of the main distribution', () => {
    const recovery = s.stack('standby-recovery');
    const policies = Object.values(recovery.findResources('AWS::S3::BucketPolicy')).filter((p) => JSON.stringify(p).includes('cloudfront.amazonaws.com'));
    expect(policies).toHaveLength(1);
    expect(JSON.stringify(policies[0])).toContain(name('media', c.standby!.region));
    const main = distributions(edge)['app.example.com'];
    expect(main.CacheBehaviors.map((b: any) => b.PathPattern)).toContain('/assets-files/*');
    expect(JSON.stringify(main.Origins)).not.toContain(name('media'));
  });

  test('THEN the service reads where viewers find the files: a host, renamed as the application asks, and a URL; a bucket on a path gets the main domain', () => {
    expect(environment(s.web)).toMatchObject({
      S3_ALIAS_HOST: 'files.app.example.com',
      S3_PUBLIC_URL_MEDIA: 'https://files.app.example.com',
      S3_PUBLIC_HOST_ASSETS: 'app.example.com',
      S3_PUBLIC_URL_ASSETS: 'https://app.example.com',
    });
    expect(environment(s.web).S3_PUBLIC_HOST_MEDIA).toBeUndefined();
    // The standby's tasks link the same host: it is global.
    expect(environment(s.stack('standby-service-web'))).toMatchObject({ S3_ALIAS_HOST: 'files.app.example.com' });
  });

  test('THEN the deployability gate, its CDN and storage rules included, finds nothing', () => {
    expect(runGate(DEPLOYABILITY, { deployment: deploymentOf() }).map(formatFinding)).toEqual([]);
  });

  test('GIVEN the same settings in phase 2 THEN the upgrade to phase 3 adds the failover origin in place and replaces nothing durable', () => {
    const before = synthesizeDeployment(resolveConfig({ phase: 'phase2', settings: SETTINGS }), CDK_CONTEXT);
    const plan = planUpgrade(templatesOf(before), templatesOf(deploymentOf()));
    expect(isBlocked(plan)).toBe(false);
    const files = plan.changes.filter((ch) => ch.type === 'AWS::CloudFront::Distribution' && ch.logicalId.startsWith('Filesmedia'));
    expect(files.map((ch) => ch.impact)).toEqual(['updated in place']);
  });
});

/** The synthesized deployment as the gate and the planner read it. */
function deploymentOf(): Deployment {
  const stacks = s.app.node.children.filter((x): x is Stack => x instanceof Stack);
  return Object.fromEntries(stacks.map((st) => [st.stackName, { template: s.stack(st.stackName.replace('blueprint-dev-', '')).toJSON(), region: st.region, account: st.account }]));
}
