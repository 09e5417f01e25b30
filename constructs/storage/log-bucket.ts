import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, controlTower, inCompliancePacks } from '../security/acknowledge';

export interface LogBucketProps {
  /**
   * Days before log objects move to Infrequent Access.
   * @default 30
   */
  readonly infrequentAccessAfterDays?: number;
  /**
   * Days before log objects (and old versions) expire.
   * @default 365
   */
  readonly expireAfterDays?: number;
}

/**
 * A bucket for service-delivered logs (load balancer access logs): private,
 * TLS-only, versioned, SSE-S3 (the only encryption ALB log delivery
 * supports), with a lifecycle, retained when its stack is deleted.
 */
export class LogBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: LogBucketProps = {}) {
    super(scope, id);
    const expire = Duration.days(props.expireAfterDays ?? 365);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(props.infrequentAccessAfterDays ?? 30) },
          ],
          expiration: expire,
          noncurrentVersionExpiration: expire,
        },
      ],
    });
    acknowledge(
      this.bucket,
      'This bucket is itself the log destination; logging its own access would log into itself or need another log bucket with the same finding.',
      'AwsSolutions-S1',
      ...inCompliancePacks('S3BucketLoggingEnabled'),
      controlTower('s3_bucket_logging_enabled_check'),
    );
    acknowledge(
      this.bucket,
      'Nothing consumes new log objects as they arrive: they are read on demand (Athena, CloudWatch Logs Insights) during an investigation.',
      controlTower('s3_event_notifications_enabled_check'),
    );
    acknowledge(
      this.bucket,
      'Access logs expire by lifecycle after a year; Object Lock would forbid that expiry, and versioning already protects against overwrites.',
      controlTower('s3_bucket_object_lock_enabled_check'),
    );
    acknowledge(
      this.bucket,
      'Load balancer access-log delivery supports only SSE-S3 (AES-256), not SSE-KMS; the bucket is private, versioned and TLS-only.',
      ...inCompliancePacks('S3DefaultEncryptionKMS'),
      controlTower('s3_bucket_default_encryption_kms_check'),
    );
    acknowledge(
      this.bucket,
      'Access logs are operational records of one region\'s load balancer, kept for a year; cross-region replication would double their cost without protecting any application data.',
      ...inCompliancePacks('S3BucketReplicationEnabled'),
    );
  }
}
