import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PublicFiles } from '../../../constructs';

const CERT = 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000';
const ACL = 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/edge/00000000-0000-0000-0000-000000000000';

// GIVEN a bucket of eu-west-1 served on files.example.com, without a replica and without CORS origins.
const stack = new Stack(new App(), 'Edge', { env: { account: '111111111111', region: 'us-east-1' } });
new PublicFiles(stack, 'Files', {
  bucket: s3.Bucket.fromBucketAttributes(stack, 'Bucket', { bucketName: 'shop-media', region: 'eu-west-1' }),
  host: 'files.example.com',
  certificateArn: CERT,
  ttl: Duration.hours(1),
  maxTtl: Duration.days(365),
  priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
  webAclArn: ACL,
});
const t = Template.fromStack(stack);
const config = Object.values(t.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;

describe('PublicFiles', () => {
  test('THEN the host is the only alias, with the certificate by SNI over TLS 1.2 and the web ACL', () => {
    expect(config.Aliases).toEqual(['files.example.com']);
    expect(config.ViewerCertificate).toEqual({ AcmCertificateArn: CERT, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(config.WebACLId).toBe(ACL);
  });

  test('THEN its one behaviour reads the bucket by its regional name through origin access control signing every request, never forwarding the viewer\'s Host', () => {
    expect(config.Origins).toEqual([expect.objectContaining({ DomainName: 'shop-media.s3.eu-west-1.amazonaws.com', OriginAccessControlId: { 'Fn::GetAtt': [expect.stringMatching(/^FilesAccess/), 'Id'] } })]);
    expect(config.OriginGroups).toBeUndefined();
    t.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' } });
    expect(config.DefaultCacheBehavior).toMatchObject({ AllowedMethods: ['GET', 'HEAD', 'OPTIONS'], ViewerProtocolPolicy: 'redirect-to-https' });
    expect(config.DefaultCacheBehavior.OriginRequestPolicyId).toBeUndefined();
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeUndefined();
    expect(config.CacheBehaviors).toBeUndefined();
  });

  test('THEN objects without Cache-Control stay an hour, and their own Cache-Control up to the maximum', () => {
    t.hasResourceProperties('AWS::CloudFront::CachePolicy', { CachePolicyConfig: { DefaultTTL: 3600, MinTTL: 0, MaxTTL: 31_536_000 } });
  });
});
