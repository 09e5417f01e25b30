import { Deployment, Located, resolveResource, resourcesOf, statementsOf } from '../../template';

/** Every bucket of the deployment with a literal name, by that name. */
export function namedBuckets(deployment: Deployment): Map<string, Located> {
  const byName = new Map<string, Located>();
  for (const b of resourcesOf(deployment, 'AWS::S3::Bucket')) {
    const name = b.resource.Properties?.BucketName;
    if (typeof name === 'string') byName.set(name, b);
  }
  return byName;
}

/** The statements of every bucket policy attached to `bucket`. */
export function bucketPolicyStatements(deployment: Deployment, bucket: Located): ReturnType<typeof statementsOf> {
  return resourcesOf(deployment, 'AWS::S3::BucketPolicy')
    .filter((p) => {
      const target = p.resource.Properties?.Bucket;
      return target === bucket.resource.Properties?.BucketName || resolveResource(deployment, p.stack, target)?.logicalId === bucket.logicalId;
    })
    .flatMap((p) => statementsOf(p.resource.Properties?.PolicyDocument));
}

/** The customer managed key a bucket encrypts with by default (SSE-KMS), when it is a key of the deployment. */
export function bucketKey(deployment: Deployment, bucket: Located): Located | undefined {
  const rules = bucket.resource.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration;
  const byDefault = Array.isArray(rules) ? rules[0]?.ServerSideEncryptionByDefault : undefined;
  if (byDefault?.SSEAlgorithm !== 'aws:kms') return undefined;
  const key = resolveResource(deployment, bucket.stack, byDefault.KMSMasterKeyID);
  return key?.resource.Type === 'AWS::KMS::Key' ? key : undefined;
}

/** Whether the bucket keeps versions. */
export function isVersioned(bucket: Located): boolean {
  return bucket.resource.Properties?.VersioningConfiguration?.Status === 'Enabled';
}
