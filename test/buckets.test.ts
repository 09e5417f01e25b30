import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { bucketName, resolveConfig } from '../config';
import { DEPLOYABILITY, formatFinding, runGate } from '../review/gate';
import { Deployment } from '../review/gate/template';
import { isBlocked, planUpgrade, synthesizeDeployment, templatesOf } from '../review/plan';
import { CDK_CONTEXT } from './support/blueprint';
import { synthesize } from './support/blueprint';

// GIVEN phase 3 (a standby region and the CDN) with a private bucket and a public one: the web service
// reads and writes uploads and reads assets, a new worker `thumbs` only reads uploads, a worker
// `publisher` reads uploads' incoming/ and writes its public/ and reads assets' css/, and the
// preset's worker declares none.
const SETTINGS = {
    buckets: [
      { name: 'uploads', noncurrentVersionExpirationDays: 14 },
      { name: 'assets', public: { pathPattern: '/files/*', ttlSeconds: 3600 }, corsOrigins: ['https://app.example.com'] },
    ],
    services: [{ name: 'web', buckets: { uploads: 'read-write', assets: 'read' } }],
    workers: [
      { name: 'worker' },
      { name: 'thumbs', buckets: { uploads: 'read' } },
      { name: 'publisher', buckets: { uploads: [{ access: 'read', prefix: 'incoming/' }, { access: 'read-write', prefix: 'public/' }], assets: { access: 'read', prefix: 'css/' } } },
    ],
};
const s = synthesize({ phase: 'phase3', settings: SETTINGS });
const c = s.config;
const standbyRegion = c.standby!.region;
const name = (bucket: string): string => bucketName(c, bucket, c.env.region);
const replica = (bucket: string): string => bucketName(c, bucket, standbyRegion);

/** Every statement of a stack's task role policies. */
function taskRoleStatements(t: Template): Record<string, any>[] {
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('TaskRole'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** The app container's variables. */
function environment(t: Template): Record<string, unknown> {
  const [task] = Object.values(t.findResources('AWS::ECS::TaskDefinition'));
  const container = task!.Properties.ContainerDefinitions[0];
  return Object.fromEntries(container.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
}

/** The synthesized phase 3 as the gate and the planner read it. */
function deploymentOf(): Deployment {
  const stacks = s.app.node.children.filter((c): c is Stack => c instanceof Stack);
  return Object.fromEntries(stacks.map((st) => [st.stackName, { template: s.stack(st.stackName.replace('blueprint-dev-', '')).toJSON(), region: st.region, account: st.account }]));
}

const s3Actions = (statements: Record<string, any>[]): string[] => statements.flatMap((st) => [st.Action].flat()).filter((a: string) => a.startsWith('s3:'));

describe('buckets (object storage, ADR 0025)', () => {
  test('THEN bucket names are the kit\'s, global-safe: app, stage, bucket and a hash of account and region, at most 63 characters', () => {
    expect(name('uploads')).toMatch(/^blueprint-dev-uploads-[0-9a-f]{12}$/);
    expect(replica('uploads')).not.toBe(name('uploads'));
    const longest = resolveConfig({ appName: 'a'.repeat(20), stage: 'staging' });
    expect(bucketName(longest, 'b'.repeat(16), 'ap-southeast-2').length).toBeLessThanOrEqual(63);
  });

  test('THEN each bucket is in the primary\'s data stack: SSE-KMS with the data key, versioned, retained, replicating every object and delete marker to its replica', () => {
    const buckets = s.data.findResources('AWS::S3::Bucket', { Properties: { BucketName: name('uploads') } });
    expect(Object.values(buckets)).toHaveLength(1);
    const [uploads] = Object.values(buckets);
    expect(uploads!.DeletionPolicy).toBe('Retain');
    expect(uploads!.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(uploads!.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] },
    });
    expect(uploads!.Properties.LifecycleConfiguration.Rules[0].NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 14 });
    expect(uploads!.Properties.ReplicationConfiguration.Rules).toEqual([
      expect.objectContaining({
        DeleteMarkerReplication: { Status: 'Enabled' },
        SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
        Destination: { Bucket: `arn:aws:s3:::${replica('uploads')}`, EncryptionConfiguration: { ReplicaKmsKeyID: s.blueprint.recovery!.keyAliasArn } },
      }),
    ]);
  });

  test('THEN each replica exists in the standby region\'s recovery stack, deployed before the data stack: versioned, SSE-KMS with the recovery key, retained', () => {
    const recovery = s.stack('standby-recovery');
    const [uploads] = Object.values(recovery.findResources('AWS::S3::Bucket', { Properties: { BucketName: replica('uploads') } }));
    expect(uploads!.DeletionPolicy).toBe('Retain');
    expect(uploads!.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(uploads!.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^RecoveryKey/), 'Arn'],
    });
    expect(s.blueprint.data.dependencies).toContain(s.blueprint.recovery);
  });

  test('THEN the web service may read and write uploads and only read assets, each through S3 and the bucket\'s own key context', () => {
    const statements = taskRoleStatements(s.web);
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${name('uploads')}/*` }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 's3:GetObject', Resource: `arn:aws:s3:::${name('assets')}/*` }));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'kms:Decrypt',
        Condition: { StringEquals: { 'kms:ViaService': `s3.${c.env.region}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${name('assets')}` } },
      }),
    );
    expect(environment(s.web)).toMatchObject({ S3_BUCKET_UPLOADS: name('uploads'), S3_BUCKET_ASSETS: name('assets'), S3_REGION: c.env.region });
  });

  test('THEN a worker that declares read may get and list but never put or delete, and sees only its bucket', () => {
    const thumbs = s.stack('worker-thumbs');
    expect(s3Actions(taskRoleStatements(thumbs)).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(JSON.stringify(taskRoleStatements(thumbs))).not.toContain(name('assets'));
    const env = environment(thumbs);
    expect(env.S3_BUCKET_UPLOADS).toBe(name('uploads'));
    expect(env.S3_BUCKET_ASSETS).toBeUndefined();
  });

  test('THEN a worker granted prefixes gets exactly their objects and lists only under them, the key still through S3 for the bucket', () => {
    const publisher = s.stack('worker-publisher');
    const statements = taskRoleStatements(publisher);
    const s3 = statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(s3).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${name('uploads')}`, Condition: { StringLike: { 's3:prefix': ['incoming/*', 'public/*'] } } },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${name('assets')}`, Condition: { StringLike: { 's3:prefix': 'css/*' } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: [`arn:aws:s3:::${name('assets')}/css/*`, `arn:aws:s3:::${name('uploads')}/incoming/*`] },
        { Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${name('uploads')}/public/*` },
      ]),
    );
    expect(s3).toHaveLength(4);
    // Nothing names a whole bucket's objects.
    expect(JSON.stringify(statements)).not.toContain(`${name('uploads')}/*`);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: { StringEquals: { 'kms:ViaService': `s3.${c.env.region}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${name('uploads')}` } },
      }),
    );
  });

  test('THEN a worker that declares no bucket gets no S3 permission and no bucket variable', () => {
    const worker = s.stack('worker-worker');
    expect(s3Actions(taskRoleStatements(worker))).toEqual([]);
    expect(Object.keys(environment(worker)).filter((k) => k.startsWith('S3_'))).toEqual([]);
  });

  test('THEN the standby\'s tasks use the replicas in their own region, with the recovery key', () => {
    const web = s.stack('standby-service-web');
    expect(environment(web)).toMatchObject({ S3_BUCKET_UPLOADS: replica('uploads'), S3_REGION: standbyRegion });
    const statements = taskRoleStatements(web);
    expect(statements).toContainEqual(expect.objectContaining({ Resource: `arn:aws:s3:::${replica('uploads')}/*` }));
    expect(JSON.stringify(statements)).not.toContain(name('uploads'));
    const keyStatement = statements.find((st) => st.Condition?.StringEquals?.['kms:EncryptionContext:aws:s3:arn'] === `arn:aws:s3:::${replica('uploads')}`)!;
    expect(JSON.stringify(keyStatement.Resource)).toContain('standby-recovery');
  });

  test('THEN the CDN serves /files/* from the public bucket through origin access control, cached for its TTL, with its CORS origins', () => {
    const edge = s.stack('edge');
    const [distribution] = Object.values(edge.findResources('AWS::CloudFront::Distribution'));
    const config = distribution!.Properties.DistributionConfig;
    const origin = config.Origins.find((o: any) => o.DomainName === `${name('assets')}.s3.${c.env.region}.amazonaws.com`);
    expect(origin).toBeDefined();
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Id'] });
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    const behavior = config.CacheBehaviors.find((b: any) => b.PathPattern === '/files/*');
    expect(behavior).toMatchObject({ TargetOriginId: origin.Id, ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD', 'OPTIONS'] });
    // Never the viewer's Host: S3 would read it as a bucket name.
    expect(behavior.OriginRequestPolicyId).toBeUndefined();
    edge.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    edge.hasResourceProperties('AWS::CloudFront::CachePolicy', { CachePolicyConfig: { DefaultTTL: 3600 } });
    edge.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: { CorsConfig: { AccessControlAllowOrigins: { Items: ['https://app.example.com'] }, OriginOverride: true } },
    });
    expect(s.blueprint.edge!.dependencies).toContain(s.blueprint.data);
  });

  test('THEN only the public bucket lets CloudFront read it, and the data key lets CloudFront decrypt', () => {
    const policies = Object.values(s.data.findResources('AWS::S3::BucketPolicy'));
    const cdnReads = policies.filter((p) => JSON.stringify(p).includes('cloudfront.amazonaws.com'));
    expect(cdnReads).toHaveLength(1);
    expect(cdnReads[0]!.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Sid: 'CdnReadsObjects', Resource: `arn:aws:s3:::${name('assets')}/*`, Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:cloudfront::${c.env.account}:distribution/*` } } }),
    );
    const [key] = Object.values(s.data.findResources('AWS::KMS::Key'));
    expect(key!.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({ Sid: 'CdnDecryptsBucketObjects', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 'kms:Decrypt' }));
  });

  test('THEN the deployability gate, its storage rules included, finds nothing', () => {
    expect(runGate(DEPLOYABILITY, { deployment: deploymentOf() }).map(formatFinding)).toEqual([]);
  });

  test('GIVEN the same buckets in phase 2 THEN the upgrade to phase 3 adds replicas and replication in place and replaces no bucket', () => {
    const before = synthesizeDeployment(resolveConfig({ phase: 'phase2', settings: SETTINGS }), CDK_CONTEXT);
    const after = deploymentOf();
    const plan = planUpgrade(templatesOf(before), templatesOf(after));
    expect(isBlocked(plan)).toBe(false);
    const buckets = plan.changes.filter((c) => c.type === 'AWS::S3::Bucket');
    // The primary's two buckets gain replication in place; the recovery stack's replicas and log bucket are new.
    expect(buckets.filter((c) => c.stack === 'blueprint-dev-data').map((c) => `${c.logicalId} ${c.impact}`).sort()).toEqual([
      expect.stringMatching(/^BucketassetsBucket\w+ updated in place$/),
      expect.stringMatching(/^BucketuploadsBucket\w+ updated in place$/),
    ]);
    expect(buckets.filter((c) => c.impact !== 'added' && c.impact !== 'updated in place')).toEqual([]);
    expect(runGate(DEPLOYABILITY, { deployment: after, previous: before }).map(formatFinding)).toEqual([]);
  });
});
