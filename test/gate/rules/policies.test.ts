import { AlarmTopicKeyAllowsCloudWatch } from '../../../review/gate/rules/policies/alarm-topic-key-allows-cloudwatch';
import { AlarmTopicPolicyAllowsCloudWatch } from '../../../review/gate/rules/policies/alarm-topic-policy-allows-cloudwatch';
import { BackupCopyVaultExists } from '../../../review/gate/rules/policies/backup-copy-vault-exists';
import { LoadBalancerLogBucket } from '../../../review/gate/rules/policies/load-balancer-log-bucket';
import { LogGroupKeyAllowsLogs } from '../../../review/gate/rules/policies/log-group-key-allows-logs';
import { WafLogGroupName } from '../../../review/gate/rules/policies/waf-log-group-name';
import { deployment, firing, messages, stackOutput } from '../support';

const TLS_DENY = { Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: { Ref: 'Topic' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
const CLOUDWATCH_ALLOW = {
  Effect: 'Allow',
  Principal: { Service: 'cloudwatch.amazonaws.com' },
  Action: 'sns:Publish',
  Resource: { Ref: 'Topic' },
  Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
};

/** An alarm in a service stack notifying a topic of the app stack, through a stack output. */
function alarmAndTopic(statements: unknown[] | undefined, topicProps: Record<string, unknown> = {}, keyPolicy?: unknown[]) {
  return deployment({
    app: {
      resources: {
        Topic: { Type: 'AWS::SNS::Topic', Properties: topicProps },
        ...(statements ? { TopicPolicy: { Type: 'AWS::SNS::TopicPolicy', Properties: { Topics: [{ Ref: 'Topic' }], PolicyDocument: { Statement: statements } } } } : {}),
        ...(keyPolicy ? { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: keyPolicy } } } } : {}),
      },
      outputs: { TopicRef: { Value: { Ref: 'Topic' } } },
    },
    service: {
      resources: { Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [stackOutput('app', 'TopicRef')] } } },
    },
  });
}

describe('AlarmTopicPolicyAllowsCloudWatch', () => {
  test('GIVEN a topic policy with only the TLS deny THEN it fires on the policy, naming the alarm', () => {
    const d = alarmAndTopic([TLS_DENY]);
    expect(firing(AlarmTopicPolicyAllowsCloudWatch, d)).toEqual(['app TopicPolicy']);
    expect(messages(AlarmTopicPolicyAllowsCloudWatch, d)[0]).toMatch(/allows no cloudwatch\.amazonaws\.com sns:Publish, so alarm service Alarm/);
  });
  test('GIVEN an Allow for CloudWatch without a source condition THEN it fires (confused deputy)', () => {
    const { Condition: _c, ...unconditioned } = CLOUDWATCH_ALLOW;
    expect(messages(AlarmTopicPolicyAllowsCloudWatch, alarmAndTopic([TLS_DENY, unconditioned]))[0]).toMatch(/without aws:SourceAccount or aws:SourceArn/);
  });
  test('GIVEN the TLS deny and a CloudWatch Allow with aws:SourceAccount THEN it passes', () => {
    expect(firing(AlarmTopicPolicyAllowsCloudWatch, alarmAndTopic([TLS_DENY, CLOUDWATCH_ALLOW]))).toEqual([]);
  });
  test('GIVEN no topic policy (SNS keeps its default policy) THEN it passes', () => {
    expect(firing(AlarmTopicPolicyAllowsCloudWatch, alarmAndTopic(undefined))).toEqual([]);
  });
});

describe('AlarmTopicKeyAllowsCloudWatch', () => {
  const keyed = { KmsMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } };
  test('GIVEN a topic encrypted with a key whose policy does not name CloudWatch THEN it fires on the key', () => {
    const d = alarmAndTopic(undefined, keyed, [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }]);
    expect(firing(AlarmTopicKeyAllowsCloudWatch, d)).toEqual(['app Key']);
  });
  test('GIVEN the AWS managed key alias/aws/sns THEN it fires on the topic', () => {
    expect(firing(AlarmTopicKeyAllowsCloudWatch, alarmAndTopic(undefined, { KmsMasterKeyId: 'alias/aws/sns' }))).toEqual(['app Topic']);
  });
  test('GIVEN a key policy allowing cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* THEN it passes', () => {
    const d = alarmAndTopic(undefined, keyed, [
      { Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
    ]);
    expect(firing(AlarmTopicKeyAllowsCloudWatch, d)).toEqual([]);
  });
});

describe('LogGroupKeyAllowsLogs', () => {
  const LOGS_ALLOW = {
    Effect: 'Allow',
    Principal: { Service: 'logs.us-east-1.amazonaws.com' },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111111111111:log-group:*' } },
  };
  const withKey = (statements: unknown[], groupRegion = 'us-east-1') =>
    deployment({
      data: { resources: { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: statements } } } }, outputs: { KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] } } } },
      service: { region: groupRegion, resources: { Logs: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: stackOutput('data', 'KeyArn') } } } },
    });
  test('GIVEN the regional logs principal with the encryption-context condition THEN it passes', () => {
    expect(firing(LogGroupKeyAllowsLogs, withKey([LOGS_ALLOW]))).toEqual([]);
  });
  test('GIVEN a key policy without the logs principal THEN it fires on the key', () => {
    expect(firing(LogGroupKeyAllowsLogs, withKey([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }]))).toEqual(['data Key']);
  });
  test('GIVEN the logs principal without the encryption-context condition THEN it fires', () => {
    const { Condition: _c, ...loose } = LOGS_ALLOW;
    expect(messages(LogGroupKeyAllowsLogs, withKey([loose]))[0]).toMatch(/kms:EncryptionContext:aws:logs:arn/);
  });
  test('GIVEN a log group in another region than its key THEN it fires on the log group', () => {
    expect(firing(LogGroupKeyAllowsLogs, withKey([LOGS_ALLOW], 'us-west-2'))).toEqual(['service Logs']);
  });
});

describe('BackupCopyVaultExists', () => {
  const plan = (arn: string) => ({
    Type: 'AWS::Backup::BackupPlan',
    Properties: { BackupPlan: { BackupPlanRule: [{ RuleName: 'Daily', CopyActions: [{ DestinationBackupVaultArn: arn }] }] } },
  });
  const copies = {
    region: 'us-west-2',
    resources: {
      Key: { Type: 'AWS::KMS::Key', Properties: {} },
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'shop-prod-copies', EncryptionKeyArn: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
    },
  };
  test('GIVEN a copy to a vault the deployment creates in that region THEN it passes', () => {
    const d = deployment({ data: { resources: { Plan: plan('arn:aws:backup:us-west-2:111111111111:backup-vault:shop-prod-copies') } }, standby: copies });
    expect(firing(BackupCopyVaultExists, d)).toEqual([]);
  });
  test('GIVEN a copy to a vault no stack creates (wrong region) THEN it fires on the plan', () => {
    const d = deployment({ data: { resources: { Plan: plan('arn:aws:backup:eu-west-1:111111111111:backup-vault:shop-prod-copies') } }, standby: copies });
    expect(firing(BackupCopyVaultExists, d)).toEqual(['data Plan']);
  });
});

describe('LoadBalancerLogBucket', () => {
  const lbAndBucket = (sse: string, statements: unknown[]) =>
    deployment({
      data: {
        resources: {
          Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: sse } }] } } },
          BucketPolicy: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'Bucket' }, PolicyDocument: { Statement: statements } } },
        },
        outputs: { BucketName: { Value: { Ref: 'Bucket' } } },
      },
      app: {
        resources: {
          Lb: {
            Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
            Properties: {
              LoadBalancerAttributes: [
                { Key: 'access_logs.s3.enabled', Value: 'true' },
                { Key: 'access_logs.s3.bucket', Value: stackOutput('data', 'BucketName') },
              ],
            },
          },
        },
      },
    });
  const ELB_ALLOW = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::127311923021:root' }, Action: 's3:PutObject', Resource: '*' };
  test('GIVEN an SSE-S3 bucket whose policy lets the ELB account write THEN it passes', () => {
    expect(firing(LoadBalancerLogBucket, lbAndBucket('AES256', [ELB_ALLOW]))).toEqual([]);
  });
  test('GIVEN an SSE-KMS bucket THEN it fires on the load balancer', () => {
    expect(messages(LoadBalancerLogBucket, lbAndBucket('aws:kms', [ELB_ALLOW]))[0]).toMatch(/not encrypted with SSE-S3/);
  });
  test("GIVEN a bucket policy that lets only the bucket's own account write THEN it fires", () => {
    const own = { ...ELB_ALLOW, Principal: { AWS: 'arn:aws:iam::111111111111:root' } };
    expect(messages(LoadBalancerLogBucket, lbAndBucket('AES256', [own]))[0]).toMatch(/no bucket policy statement lets Elastic Load Balancing s3:PutObject/);
  });
  test('GIVEN a bucket policy that lets nobody write THEN it fires', () => {
    expect(messages(LoadBalancerLogBucket, lbAndBucket('AES256', []))[0]).toMatch(/no bucket policy statement lets Elastic Load Balancing s3:PutObject/);
  });
});

describe('WafLogGroupName', () => {
  const waf = (name: string) =>
    deployment({
      edge: {
        resources: {
          Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: name } },
          Logging: { Type: 'AWS::WAFv2::LoggingConfiguration', Properties: { LogDestinationConfigs: [{ 'Fn::GetAtt': ['Logs', 'Arn'] }] } },
        },
      },
    });
  test('GIVEN a log group named aws-waf-logs-* THEN it passes', () => {
    expect(firing(WafLogGroupName, waf('aws-waf-logs-shop-prod'))).toEqual([]);
  });
  test('GIVEN any other name THEN it fires', () => {
    expect(firing(WafLogGroupName, waf('/shop/prod/waf'))).toEqual(['edge Logging']);
  });
  test('GIVEN a log group whose name CloudFormation generates THEN it fires', () => {
    const d = deployment({
      edge: {
        resources: {
          Logs: { Type: 'AWS::Logs::LogGroup', Properties: {} },
          Logging: { Type: 'AWS::WAFv2::LoggingConfiguration', Properties: { LogDestinationConfigs: [{ 'Fn::GetAtt': ['Logs', 'Arn'] }] } },
        },
      },
    });
    expect(messages(WafLogGroupName, d)).toEqual([expect.stringMatching(/whose name CloudFormation generates/)]);
  });
});
