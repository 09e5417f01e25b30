import { GateRule, Violation } from '../../rule';
import { asArray, grantsAction, resolveResource, resourcesOf, statementsOf } from '../../template';

/**
 * Elastic Load Balancing writes access logs as the regional ELB account or
 * the log-delivery service, only to a bucket encrypted with SSE-S3.
 */
export const LoadBalancerLogBucket: GateRule = {
  id: 'LoadBalancerLogBucket',
  summary: "A load balancer's access-log bucket is in its region, encrypted with SSE-S3, and its policy lets Elastic Load Balancing s3:PutObject.",
  documentation:
    'Elastic Load Balancing, "Enable access logs for your Application Load Balancer" https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html',
  fix: "use a bucket in the load balancer's region with SSE-S3 (AES256) default encryption and a bucket policy allowing s3:PutObject to logdelivery.elasticloadbalancing.amazonaws.com or the region's ELB account",
  evaluate(input) {
    const violations: Violation[] = [];
    const bucketPolicies = resourcesOf(input.deployment, 'AWS::S3::BucketPolicy');
    for (const lb of resourcesOf(input.deployment, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
      const attrs = asArray(lb.resource.Properties?.LoadBalancerAttributes) as Array<{ Key: string; Value: unknown }>;
      if (!attrs.some((a) => a.Key === 'access_logs.s3.enabled' && String(a.Value) === 'true')) continue;
      const bucket = resolveResource(input.deployment, lb.stack, attrs.find((a) => a.Key === 'access_logs.s3.bucket')?.Value);
      if (bucket?.resource.Type !== 'AWS::S3::Bucket') continue;
      const problems: string[] = [];
      if (bucket.region !== lb.region) problems.push(`the bucket is in ${bucket.region}, the load balancer in ${lb.region}`);
      const sse = asArray(bucket.resource.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration) as any[];
      if (sse.some((c) => c.ServerSideEncryptionByDefault?.SSEAlgorithm !== 'AES256')) problems.push('the bucket is not encrypted with SSE-S3 (AES256)');
      const statements = bucketPolicies
        .filter((p) => {
          const r = resolveResource(input.deployment, p.stack, p.resource.Properties?.Bucket);
          return r?.stack === bucket.stack && r.logicalId === bucket.logicalId;
        })
        .flatMap((p) => statementsOf(p.resource.Properties?.PolicyDocument));
      const writes = statements.some((s) => {
        if (s.Effect !== 'Allow' || !grantsAction(s, 's3:PutObject')) return false;
        const principal = JSON.stringify(s.Principal ?? '');
        // The service principal (regions since August 2022), or the region's Elastic Load Balancing account (never the bucket's own).
        const accounts = [...principal.matchAll(/arn:aws[a-z-]*:iam::(\d{12}):root/g)].map((m) => m[1]);
        return principal.includes('logdelivery.elasticloadbalancing.amazonaws.com') || accounts.some((a) => a !== bucket.account);
      });
      if (!writes) problems.push('no bucket policy statement lets Elastic Load Balancing s3:PutObject');
      if (problems.length > 0) {
        violations.push({
          stack: lb.stack,
          logicalId: lb.logicalId,
          message: `access logs go to bucket ${bucket.stack} ${bucket.logicalId}, where they cannot be written: ${problems.join('; ')}`,
        });
      }
    }
    return violations;
  },
};
