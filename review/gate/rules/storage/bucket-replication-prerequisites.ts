import { GateRule, Violation } from '../../rule';
import { asArray, parseArn, resourcesOf } from '../../template';
import { bucketKey, isVersioned, namedBuckets } from './buckets';

/**
 * S3 refuses a replication configuration on a bucket without versioning, and
 * to a destination without it; and it skips SSE-KMS objects, silently, unless
 * the rule selects them and names the key that encrypts the replicas.
 */
export const BucketReplicationPrerequisites: GateRule = {
  id: 'BucketReplicationPrerequisites',
  summary:
    'A replicating bucket and each destination bucket of the deployment are versioned, and an SSE-KMS source selects SSE-KMS objects (SourceSelectionCriteria.SseKmsEncryptedObjects) and names the replicas\' key (ReplicaKmsKeyID) in every rule.',
  documentation:
    'Amazon S3 User Guide, "Requirements and considerations for replication" https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html and "Replicating encrypted objects" https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html',
  fix: 'enable versioning on both buckets; on an SSE-KMS source, set SourceSelectionCriteria.SseKmsEncryptedObjects to Enabled and Destination.EncryptionConfiguration.ReplicaKmsKeyID to a key in the destination\'s region',
  evaluate(input) {
    const violations: Violation[] = [];
    const buckets = namedBuckets(input.deployment);
    for (const source of resourcesOf(input.deployment, 'AWS::S3::Bucket')) {
      const replication = source.resource.Properties?.ReplicationConfiguration;
      if (replication === undefined) continue;
      const at = { stack: source.stack, logicalId: source.logicalId };
      if (!isVersioned(source)) violations.push({ ...at, message: 'the bucket replicates but is not versioned: S3 refuses the replication configuration' });
      const sseKms = bucketKey(input.deployment, source) !== undefined;
      for (const rule of asArray<Record<string, any>>(replication.Rules)) {
        const arn = parseArn(rule.Destination?.Bucket);
        const destination = arn?.service === 's3' ? buckets.get(arn.resource) : undefined;
        if (destination && !isVersioned(destination)) {
          violations.push({ ...at, message: `destination ${destination.stack} ${destination.logicalId} is not versioned: S3 refuses the replication configuration` });
        }
        if (sseKms && rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status !== 'Enabled') {
          violations.push({ ...at, message: `rule ${rule.Id ?? rule.Priority ?? ''} does not select SSE-KMS objects: every object of this SSE-KMS bucket would be skipped` });
        }
        if (sseKms && rule.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID === undefined) {
          violations.push({ ...at, message: `rule ${rule.Id ?? rule.Priority ?? ''} names no ReplicaKmsKeyID: S3 cannot encrypt the replicas of SSE-KMS objects` });
        }
      }
    }
    return violations;
  },
};
