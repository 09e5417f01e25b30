import { BucketNameRules } from '../../../review/gate/rules/storage/bucket-name-rules';
import { BucketReplicationPrerequisites } from '../../../review/gate/rules/storage/bucket-replication-prerequisites';
import { CdnBucketOriginReadable } from '../../../review/gate/rules/storage/cdn-bucket-origin-readable';
import { deployment, firing, messages } from '../support';

const KMS = { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['Key', 'Arn'] } } }] };
const SOURCE_ARN = { ArnLike: { 'AWS:SourceArn': 'arn:aws:cloudfront::111111111111:distribution/*' } };
const CDN_GET = { Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shop-files/*', Condition: SOURCE_ARN };
const CDN_DECRYPT = { Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 'kms:Decrypt', Resource: '*', Condition: SOURCE_ARN };
const ROOT = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' };

/** A bucket in the data stack (eu-west-1) and a distribution in the edge stack reading it through origin access control. */
function cdnAndBucket(bucketStatements: unknown[], keyStatements: unknown[], encryption: unknown = KMS) {
  return deployment({
    data: {
      region: 'eu-west-1',
      resources: {
        Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: keyStatements } } },
        Files: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'shop-files', BucketEncryption: encryption } },
        FilesPolicy: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'Files' }, PolicyDocument: { Statement: bucketStatements } } },
      },
    },
    edge: {
      resources: {
        Cdn: {
          Type: 'AWS::CloudFront::Distribution',
          Properties: {
            DistributionConfig: {
              Origins: [{ Id: 'files', DomainName: 'shop-files.s3.eu-west-1.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' }, OriginAccessControlId: { 'Fn::GetAtt': ['Oac', 'Id'] } }],
            },
          },
        },
      },
    },
  });
}

describe('CdnBucketOriginReadable', () => {
  test('GIVEN a bucket policy and key policy that let the CDN in under AWS:SourceArn THEN it passes', () => {
    expect(firing(CdnBucketOriginReadable, cdnAndBucket([CDN_GET], [ROOT, CDN_DECRYPT]))).toEqual([]);
  });
  test('GIVEN no bucket statement for CloudFront THEN it fires on the bucket', () => {
    expect(firing(CdnBucketOriginReadable, cdnAndBucket([], [ROOT, CDN_DECRYPT]))).toEqual(['data Files']);
  });
  test('GIVEN a CloudFront statement without AWS:SourceArn (any distribution of any account) THEN it fires on the bucket', () => {
    const { Condition: _c, ...unconditioned } = CDN_GET;
    expect(messages(CdnBucketOriginReadable, cdnAndBucket([unconditioned], [ROOT, CDN_DECRYPT]))).toEqual([
      'distribution edge Cdn reads it through origin access control (origin files), but no bucket policy allows cloudfront.amazonaws.com s3:GetObject under AWS:SourceArn',
    ]);
  });
  test('GIVEN an SSE-KMS bucket whose key does not let CloudFront decrypt THEN it fires on the key', () => {
    expect(firing(CdnBucketOriginReadable, cdnAndBucket([CDN_GET], [ROOT]))).toEqual(['data Key']);
  });
  test('GIVEN an SSE-S3 bucket THEN the key is not asked for', () => {
    const sseS3 = { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] };
    expect(firing(CdnBucketOriginReadable, cdnAndBucket([CDN_GET], [ROOT], sseS3))).toEqual([]);
  });
});

/** A source bucket replicating to a destination bucket of another stack. */
function replication(options: { sourceVersioned?: boolean; destinationVersioned?: boolean; selectsKms?: boolean; replicaKey?: boolean } = {}) {
  const { sourceVersioned = true, destinationVersioned = true, selectsKms = true, replicaKey = true } = options;
  const versioning = (on: boolean) => (on ? { VersioningConfiguration: { Status: 'Enabled' } } : {});
  return deployment({
    recovery: {
      region: 'us-west-2',
      resources: { Replica: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'shop-files-replica', ...versioning(destinationVersioned) } } },
    },
    data: {
      resources: {
        Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [ROOT] } } },
        Files: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            BucketName: 'shop-files',
            BucketEncryption: KMS,
            ...versioning(sourceVersioned),
            ReplicationConfiguration: {
              Role: 'arn:aws:iam::111111111111:role/replication',
              Rules: [
                {
                  Priority: 0,
                  Status: 'Enabled',
                  Destination: {
                    Bucket: 'arn:aws:s3:::shop-files-replica',
                    ...(replicaKey ? { EncryptionConfiguration: { ReplicaKmsKeyID: 'arn:aws:kms:us-west-2:111111111111:alias/shop-recovery' } } : {}),
                  },
                  ...(selectsKms ? { SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } } } : {}),
                },
              ],
            },
          },
        },
      },
    },
  });
}

describe('BucketReplicationPrerequisites', () => {
  test('GIVEN both buckets versioned and SSE-KMS objects selected with a replica key THEN it passes', () => {
    expect(firing(BucketReplicationPrerequisites, replication())).toEqual([]);
  });
  test('GIVEN an unversioned source THEN it fires', () => {
    expect(messages(BucketReplicationPrerequisites, replication({ sourceVersioned: false }))).toEqual(['the bucket replicates but is not versioned: S3 refuses the replication configuration']);
  });
  test('GIVEN an unversioned destination THEN it fires, naming it', () => {
    expect(messages(BucketReplicationPrerequisites, replication({ destinationVersioned: false }))).toEqual(['destination recovery Replica is not versioned: S3 refuses the replication configuration']);
  });
  test('GIVEN an SSE-KMS source whose rule neither selects SSE-KMS objects nor names a replica key THEN it fires twice', () => {
    expect(firing(BucketReplicationPrerequisites, replication({ selectsKms: false, replicaKey: false }))).toEqual(['data Files', 'data Files']);
  });
});

describe('BucketNameRules', () => {
  const named = (name: string) => deployment({ data: { resources: { B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: name } } } } });
  test.each(['shop-prod-uploads-0123456789ab', 'abc', 'a'.repeat(63)])('GIVEN "%s" THEN it passes', (name) => {
    expect(firing(BucketNameRules, named(name))).toEqual([]);
  });
  test.each([
    ['shop_files', 'has a character other than lower-case letters, digits, dots and hyphens'],
    ['a'.repeat(64), 'is not 3 to 63 characters long'],
    ['sthree-files', 'begins with a reserved prefix (xn--, sthree-, amzn-s3-demo-)'],
    ['files-', 'does not begin and end with a letter or digit'],
    ['files-s3alias', 'ends with a reserved suffix (-s3alias, --ol-s3, --x-s3, --table-s3, .mrap)'],
  ])('GIVEN "%s" THEN it fires: %s', (name, problem) => {
    expect(messages(BucketNameRules, named(name))).toEqual([`bucket name "${name}" ${problem}`]);
  });
});
