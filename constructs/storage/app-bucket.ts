import { Arn, ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, controlTower, inCompliancePacks } from '../security/acknowledge';

/** Where a bucket's objects are copied in another region. */
export interface BucketReplica {
  /** The replica bucket's name (it exists, versioned, before this bucket points at it). */
  readonly bucketName: string;
  readonly region: string;
  /** The replica's KMS key by alias, `alias/<name>`, and that alias's ARN: S3 encrypts replicas with it. */
  readonly keyAliasName: string;
  readonly keyAliasArn: string;
}

export interface AppBucketProps {
  /** Encrypts every object (SSE-KMS, with an S3 Bucket Key). */
  readonly encryptionKey: kms.IKey;
  /**
   * Receives the bucket's server access logs: an SSE-S3 bucket of the same
   * region, since server access logging cannot write to SSE-KMS buckets
   * (Amazon S3 User Guide, "Enabling Amazon S3 server access logging").
   */
  readonly accessLogs: s3.IBucket;
  /**
   * The bucket's name, unique across every AWS account: policies name its
   * objects exactly and other regions find it without reading this one.
   */
  readonly bucketName: string;
  /** How long a previous version of an object is kept. */
  readonly noncurrentVersionExpiration: Duration;
  /**
   * Age at which current objects move to S3 Standard-IA.
   * @default never
   */
  readonly infrequentAccessAfter?: Duration;
  /** Age at which the parts of an unfinished multipart upload are deleted. */
  readonly abortIncompleteUploadAfter: Duration;
  /**
   * Browser origins allowed to GET and HEAD objects and PUT and POST to presigned URLs.
   * @default none
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Lets CloudFront distributions of this account read every object through
   * origin access control (and decrypt them with `encryptionKey`).
   * @default false
   */
  readonly cdnReadable?: boolean;
  /**
   * Copies every object version and delete marker to a bucket in another region.
   * @default none
   */
  readonly replica?: BucketReplica;
}

/**
 * A bucket of an application's own files: SSE-KMS, versioned, TLS-only,
 * every public access blocked, ACLs off (bucket owner enforced), a
 * lifecycle, retained when its stack goes, its access logged, and
 * optionally replicated to another region and readable by the CDN.
 */
export class AppBucket extends Construct {
  public readonly bucket: s3.Bucket;
  /** The bucket's name and its ARN, as plain strings: a policy of any stack may name them without a reference. */
  public readonly bucketName: string;
  public readonly bucketArn: string;
  /** The role S3 replicates with, when there is a replica. */
  public readonly replicationRole?: iam.Role;

  constructor(scope: Construct, id: string, props: AppBucketProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const replica = props.replica;
    const corsOrigins = props.corsOrigins ?? [];
    this.bucketName = props.bucketName;
    this.bucketArn = s3Arn(stack, props.bucketName);

    this.replicationRole = replica
      ? new iam.Role(this, 'ReplicationRole', { assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'), description: 'Replicates the bucket to its replica in another region' })
      : undefined;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      // One data key per bucket, not per object: fewer KMS requests (S3 Bucket Keys).
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Durable: a deleted stack leaves the bucket and its objects.
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: `s3/${id}/`,
      lifecycleRules: [
        {
          id: 'Lifecycle',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration,
          abortIncompleteMultipartUploadAfter: props.abortIncompleteUploadAfter,
          // Once its old versions have expired, a deleted object's lone delete marker goes too.
          expiredObjectDeleteMarker: true,
          transitions: props.infrequentAccessAfter ? [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: props.infrequentAccessAfter }] : undefined,
        },
      ],
      cors:
        corsOrigins.length > 0
          ? [
              {
                allowedOrigins: [...corsOrigins],
                allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD, s3.HttpMethods.PUT, s3.HttpMethods.POST],
                allowedHeaders: ['*'],
                exposedHeaders: ['ETag'],
                maxAge: 3600,
              },
            ]
          : undefined,
      replicationRole: this.replicationRole,
      replicationRules: replica
        ? [
            {
              destination: s3.Bucket.fromBucketAttributes(this, 'Replica', {
                bucketArn: s3Arn(stack, replica.bucketName),
                region: replica.region,
              }),
              priority: 0,
              // SSE-KMS objects replicate only when selected, re-encrypted with the replica region's key, which may be
              // named by alias ARN (AWS::S3::Bucket EncryptionConfiguration: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-encryptionconfiguration.html)
              // (Amazon S3 User Guide, "Replicating objects created with server-side encryption (SSE-C, SSE-S3, SSE-KMS, DSSE-KMS)":
              // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html).
              sseKmsEncryptedObjects: true,
              kmsKey: kms.Key.fromKeyArn(this, 'ReplicaKey', replica.keyAliasArn),
              // A delete in the primary is a delete in the replica, which keeps the version it hides.
              deleteMarkerReplication: true,
            },
          ]
        : undefined,
    });

    if (replica && this.replicationRole) this.allowReplication(this.replicationRole, props.encryptionKey, replica);

    if (props.cdnReadable) {
      // Origin access control: CloudFront signs its requests as cloudfront.amazonaws.com, and S3 and KMS
      // check the distribution in AWS:SourceArn (CloudFront Developer Guide, "Restrict access to an Amazon S3 origin":
      // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html).
      // The distribution lives in us-east-1 and is created after this bucket, so the condition names any
      // distribution of this account (ADR 0025).
      const sourceArn = { ArnLike: { 'AWS:SourceArn': stack.formatArn({ service: 'cloudfront', region: '', resource: 'distribution', resourceName: '*' }) } };
      const cloudfront = new iam.ServicePrincipal('cloudfront.amazonaws.com');
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({ sid: 'CdnReadsObjects', principals: [cloudfront], actions: ['s3:GetObject'], resources: [`${this.bucketArn}/*`], conditions: sourceArn }),
      );
      props.encryptionKey.addToResourcePolicy(
        new iam.PolicyStatement({ sid: 'CdnDecryptsBucketObjects', principals: [cloudfront], actions: ['kms:Decrypt'], resources: ['*'], conditions: sourceArn }),
      );
    }

    acknowledge(
      this.bucket,
      'Application code decides when an object is written and reads it on its own schedule; nothing in the platform consumes new objects as they arrive.',
      controlTower('s3_event_notifications_enabled_check'),
    );
    acknowledge(
      this.bucket,
      'Versioning with a recovery window for old versions protects against overwrites and deletes; Object Lock would forbid the lifecycle expiring them and applications deleting personal data on request.',
      controlTower('s3_bucket_object_lock_enabled_check'),
    );
    if (!replica) {
      acknowledge(
        this.bucket,
        'Replicated to the standby region only when the deployment has one (phase 3); a one-region deployment keeps its copies in this bucket\'s versions, across three zones.',
        ...inCompliancePacks('S3BucketReplicationEnabled'),
      );
    }
  }

  /**
   * The replication role's permissions (Amazon S3 User Guide, "Setting up
   * permissions for live replication":
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html,
   * and the SSE-KMS page above): read this bucket's versions, write replicas
   * and delete markers, decrypt here and encrypt with the replica's key,
   * which it names by alias so that this region never reads the other to deploy.
   */
  private allowReplication(role: iam.Role, key: kms.IKey, replica: BucketReplica): void {
    const stack = Stack.of(this);
    const replicaArn = s3Arn(stack, replica.bucketName);
    const replicaKeys = Arn.format({ service: 'kms', region: replica.region, resource: 'key', resourceName: '*' }, stack);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'], resources: [this.bucketArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], resources: [`${this.bucketArn}/*`] }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], resources: [`${replicaArn}/*`] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn], conditions: { StringLike: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } } }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [replicaKeys],
        conditions: {
          StringLike: { 'kms:ViaService': `s3.${replica.region}.amazonaws.com` },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': replica.keyAliasName },
        },
      }),
    );
    acknowledge(
      role,
      'S3 replication reads every object version of this bucket and writes replicas of every key into the replica bucket, whose keys the application chooses; the replica region\'s key is named by its alias (kms:ResourceAliases), so that this region never reads the other to deploy.',
      `AwsSolutions-IAM5[Resource::${this.bucketArn}/*]`,
      `AwsSolutions-IAM5[Resource::${replicaArn}/*]`,
      `AwsSolutions-IAM5[Resource::${replicaKeys}]`,
    );
    acknowledge(role, 'The replication role gets exactly one policy, the one CDK attaches to it with the statements above; it lives and dies with the role.', ...inCompliancePacks('IAMNoInlinePolicy'));
  }
}

/** `arn:<partition>:s3:::<name>`, a plain string when the stack's region is known. */
function s3Arn(stack: Stack, name: string): string {
  return stack.formatArn({ service: 's3', region: '', account: '', resource: name, arnFormat: ArnFormat.NO_RESOURCE_NAME });
}
