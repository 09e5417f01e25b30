import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AppBucket, AppBucketProps } from '../../../constructs';

/** One bucket in a bare stack (a partition known from the region, as `cdk synth` has it). */
function build(props: Partial<AppBucketProps> = {}): { bucket: AppBucket; template: Template; key: kms.Key } {
  const stack = new Stack(new App({ context: { '@aws-cdk/core:enablePartitionLiterals': true } }), 'Bare', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key');
  const bucket = new AppBucket(stack, 'Uploads', {
    bucketName: 'shop-prod-uploads-0123456789ab',
    encryptionKey: key,
    accessLogs: new s3.Bucket(stack, 'Logs'),
    noncurrentVersionExpiration: Duration.days(30),
    abortIncompleteUploadAfter: Duration.days(7),
    ...props,
  });
  return { bucket, template: Template.fromStack(stack), key };
}

const REPLICA = {
  bucketName: 'shop-prod-uploads-ba9876543210',
  region: 'eu-central-1',
  keyAliasName: 'alias/shop-prod-recovery',
  keyAliasArn: 'arn:aws:kms:eu-central-1:123456789012:alias/shop-prod-recovery',
};

function bucketProperties(template: Template): Record<string, any> {
  const buckets = template.findResources('AWS::S3::Bucket', { Properties: { BucketName: 'shop-prod-uploads-0123456789ab' } });
  expect(Object.keys(buckets)).toHaveLength(1);
  return Object.values(buckets)[0]!.Properties;
}

describe('AppBucket', () => {
  describe('GIVEN a private bucket with no replica', () => {
    const { template } = build({ infrequentAccessAfter: Duration.days(90) });
    const props = bucketProperties(template);

    test('THEN it is SSE-KMS with the given key and a bucket key, versioned, ACL-free and every public access blocked', () => {
      expect(props.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } } },
      ]);
      expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(props.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(props.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    });

    test('THEN it is retained when its stack is deleted or the resource replaced', () => {
      template.hasResource('AWS::S3::Bucket', { Properties: { BucketName: 'shop-prod-uploads-0123456789ab' }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    test('THEN its lifecycle expires old versions, moves objects to Standard-IA and aborts unfinished uploads', () => {
      expect(props.LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 90 }],
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        }),
      ]);
    });

    test('THEN its access is logged to the log bucket, and its policy refuses requests without TLS', () => {
      expect(props.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: expect.stringMatching(/^Logs/) }, LogFilePrefix: 's3/Uploads/' });
      const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p.Properties.Bucket).includes('Uploads'))!;
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]);
    });

    test('THEN it has no replication and no CORS rule, and nothing lets CloudFront in', () => {
      expect(props.ReplicationConfiguration).toBeUndefined();
      expect(props.CorsConfiguration).toBeUndefined();
      expect(JSON.stringify(template.toJSON())).not.toContain('cloudfront.amazonaws.com');
    });
  });

  describe('GIVEN a bucket with a replica in another region', () => {
    const { bucket, template } = build({ replica: REPLICA });
    const props = bucketProperties(template);

    test('THEN every object, SSE-KMS ones included, and every delete marker replicates, re-encrypted with the replica key by alias', () => {
      expect(props.ReplicationConfiguration.Rules).toEqual([
        expect.objectContaining({
          Status: 'Enabled',
          Filter: { Prefix: '' },
          DeleteMarkerReplication: { Status: 'Enabled' },
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
          Destination: expect.objectContaining({
            Bucket: 'arn:aws:s3:::shop-prod-uploads-ba9876543210',
            EncryptionConfiguration: { ReplicaKmsKeyID: REPLICA.keyAliasArn },
          }),
        }),
      ]);
      expect(props.ReplicationConfiguration.Role).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^UploadsReplicationRole/), 'Arn'] });
      expect(bucket.replicationRole).toBeDefined();
    });

    test('THEN the replication role reads this bucket\'s versions, writes the replica, and encrypts only with the key the replica alias names', () => {
      const policy = Object.values(template.findResources('AWS::IAM::Policy'))[0]!;
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], Resource: 'arn:aws:s3:::shop-prod-uploads-0123456789ab/*' }),
          expect.objectContaining({ Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: 'arn:aws:s3:::shop-prod-uploads-ba9876543210/*' }),
          expect.objectContaining({
            Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
            Resource: 'arn:aws:kms:eu-central-1:123456789012:key/*',
            Condition: {
              StringLike: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' },
              'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/shop-prod-recovery' },
            },
          }),
        ]),
      );
    });
  });

  describe('GIVEN a bucket the CDN reads, with CORS origins', () => {
    const { template } = build({ cdnReadable: true, corsOrigins: ['https://app.example.com'] });

    /** An allow to CloudFront, for any distribution of this account only (OAC signs as the service). */
    const cdnStatement = (Sid: string, Action: string, Resource: string) => ({
      Sid,
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action,
      Resource,
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:cloudfront::123456789012:distribution/*' } },
    });

    test('THEN its policy lets CloudFront get objects only for this account\'s distributions', () => {
      const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p.Properties.Bucket).includes('Uploads'))!;
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(cdnStatement('CdnReadsObjects', 's3:GetObject', 'arn:aws:s3:::shop-prod-uploads-0123456789ab/*'));
    });

    test('THEN the key lets CloudFront decrypt for this account\'s distributions', () => {
      template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([cdnStatement('CdnDecryptsBucketObjects', 'kms:Decrypt', '*')]) } });
    });

    test('THEN browsers of the listed origin may read and upload to presigned URLs', () => {
      expect(bucketProperties(template).CorsConfiguration.CorsRules).toEqual([
        expect.objectContaining({ AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['GET', 'HEAD', 'PUT', 'POST'], ExposedHeaders: ['ETag'] }),
      ]);
    });
  });
});
