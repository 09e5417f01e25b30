import { GateRule, Violation } from '../../rule';
import { conditionKeys, grantsAction, hasServicePrincipal, resourcesOf, statementsOf } from '../../template';
import { bucketKey, bucketPolicyStatements, namedBuckets } from './buckets';

/** `<bucket>.s3.<region>.amazonaws.com` or `<bucket>.s3.amazonaws.com`: the bucket an S3 origin reads. */
const S3_ORIGIN = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/;

/**
 * CloudFront reads a bucket through origin access control only when the
 * bucket's policy, and the key of an SSE-KMS bucket, let cloudfront.amazonaws.com
 * in for the distribution; otherwise every request of the path is a 403.
 */
export const CdnBucketOriginReadable: GateRule = {
  id: 'CdnBucketOriginReadable',
  summary:
    'A bucket a distribution reads through origin access control has a bucket policy allowing cloudfront.amazonaws.com s3:GetObject under an AWS:SourceArn condition, and, when SSE-KMS, a key policy allowing cloudfront.amazonaws.com kms:Decrypt.',
  documentation:
    'Amazon CloudFront, "Restrict access to an Amazon S3 origin" (origin access control; SSE-KMS) https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html',
  fix: 'add to the bucket\'s policy an Allow for cloudfront.amazonaws.com s3:GetObject on its objects with AWS:SourceArn naming the distribution (or this account\'s distributions), and to its key\'s policy an Allow for cloudfront.amazonaws.com kms:Decrypt with the same condition',
  evaluate(input) {
    const violations: Violation[] = [];
    const buckets = namedBuckets(input.deployment);
    for (const distribution of resourcesOf(input.deployment, 'AWS::CloudFront::Distribution')) {
      for (const origin of distribution.resource.Properties?.DistributionConfig?.Origins ?? []) {
        if (origin.OriginAccessControlId === undefined || typeof origin.DomainName !== 'string') continue;
        const name = S3_ORIGIN.exec(origin.DomainName)?.[1];
        const bucket = name === undefined ? undefined : buckets.get(name);
        if (bucket === undefined) continue;
        const cdn = (s: ReturnType<typeof statementsOf>[number]): boolean =>
          s.Effect === 'Allow' && hasServicePrincipal(s, 'cloudfront.amazonaws.com') && conditionKeys(s).includes('aws:sourcearn');
        const where = `distribution ${distribution.stack} ${distribution.logicalId} reads it through origin access control (origin ${origin.Id})`;
        if (!bucketPolicyStatements(input.deployment, bucket).some((s) => cdn(s) && grantsAction(s, 's3:GetObject'))) {
          violations.push({ stack: bucket.stack, logicalId: bucket.logicalId, message: `${where}, but no bucket policy allows cloudfront.amazonaws.com s3:GetObject under AWS:SourceArn` });
        }
        const key = bucketKey(input.deployment, bucket);
        if (key && !statementsOf(key.resource.Properties?.KeyPolicy).some((s) => cdn(s) && grantsAction(s, 'kms:Decrypt'))) {
          violations.push({ stack: key.stack, logicalId: key.logicalId, message: `bucket ${bucket.stack} ${bucket.logicalId} is encrypted with this key and ${where}, but the key policy does not allow cloudfront.amazonaws.com kms:Decrypt under AWS:SourceArn` });
        }
      }
    }
    return violations;
  },
};
