import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

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
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is itself the log destination; logging its own access would log into itself or need another log bucket with the same finding.',
    });
  }
}
