import { bucketName, EDGE_REGION } from '../config';
import { placeholderCertificateArn } from '../review/production-settings';
import { synthesize } from './support/blueprint';

// GIVEN phase 2 with DNS managed elsewhere (no hosted zone), the CDN on app.example.com with a certificate
// that also covers files.example.com, and a bucket `media` served on that host.
const s = synthesize({
  phase: 'phase2',
  settings: {
    ingress: { certificateArn: placeholderCertificateArn('us-east-1'), domainName: 'app.example.com', edgeCertificateArn: placeholderCertificateArn(EDGE_REGION) },
    buckets: [{ name: 'media', public: { host: 'files.example.com', ttlSeconds: 600 } }],
    services: [{ name: 'web', buckets: { media: 'read-write' } }],
  },
});
const edge = s.stack('edge');

describe('a bucket on a host of its own, DNS managed elsewhere (ADR 0033)', () => {
  test('THEN the edge stack writes no record and says which one to create: a CNAME of the host to the distribution', () => {
    expect(edge.findResources('AWS::Route53::RecordSet')).toEqual({});
    const outputs = edge.findOutputs('*');
    const record = Object.entries(outputs).find(([id]) => id.startsWith('FilesRecordmedia'))![1];
    expect(record.Value).toEqual({ 'Fn::Join': ['', ['files.example.com. CNAME ', { 'Fn::GetAtt': [expect.stringMatching(/^FilesmediaDistribution/), 'DomainName'] }, '.']] });
    expect(Object.entries(outputs).find(([id]) => id.startsWith('FilesUrlmedia'))![1].Value).toBe('https://files.example.com');
  });

  test('THEN without a standby the distribution reads the bucket alone, with the edge certificate, and no CORS policy when no origin is listed', () => {
    const files = Object.values(edge.findResources('AWS::CloudFront::Distribution')).map((d) => d.Properties.DistributionConfig).find((d) => d.Aliases[0] === 'files.example.com')!;
    expect(files.OriginGroups).toBeUndefined();
    expect(files.Origins).toHaveLength(1);
    expect(files.Origins[0].DomainName).toBe(`${bucketName(s.config, 'media', s.config.env.region)}.s3.${s.config.env.region}.amazonaws.com`);
    expect(files.ViewerCertificate.AcmCertificateArn).toBe(placeholderCertificateArn(EDGE_REGION));
    expect(files.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeUndefined();
  });

  test('THEN the data stack lets CloudFront read the bucket, and the task gets the host and its URL', () => {
    const policies = Object.values(s.data.findResources('AWS::S3::BucketPolicy')).filter((p) => JSON.stringify(p).includes('cloudfront.amazonaws.com'));
    expect(policies).toHaveLength(1);
    const [task] = Object.values(s.web.findResources('AWS::ECS::TaskDefinition'));
    const env = Object.fromEntries(task!.Properties.ContainerDefinitions[0].Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
    expect(env).toMatchObject({ S3_PUBLIC_HOST_MEDIA: 'files.example.com', S3_PUBLIC_URL_MEDIA: 'https://files.example.com' });
  });
});
