import { RuleQueueAdmitsEventBridge } from '../../../review/gate/rules/events/rule-queue-admits-eventbridge';
import { deployment, firing, messages } from '../support';

interface Options {
  readonly policy?: 'scoped' | 'unscoped' | 'none';
  readonly key?: 'none' | 'aws-managed' | 'allows-events' | 'root-only';
}

/** A rule like a schedule's failed-run rule, targeting a queue in its own stack. */
function rule(o: Options = {}) {
  const allow = {
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    Resource: { 'Fn::GetAtt': ['FailedRuns', 'Arn'] },
    ...(o.policy === 'unscoped' ? {} : { Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['FailedRun', 'Arn'] } } } }),
  };
  const keyStatements = [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' },
    ...(o.key === 'allows-events' ? [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*' }] : []),
  ];
  const kms =
    o.key === 'aws-managed' ? { KmsMasterKeyId: 'alias/aws/sqs' } : o.key === 'allows-events' || o.key === 'root-only' ? { KmsMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } : { SqsManagedSseEnabled: true };
  return deployment({
    job: {
      resources: {
        Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: keyStatements } } },
        FailedRuns: { Type: 'AWS::SQS::Queue', Properties: kms },
        ...(o.policy === 'none'
          ? {}
          : { FailedRunsPolicy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [{ Ref: 'FailedRuns' }], PolicyDocument: { Statement: [allow] } } } }),
        FailedRun: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['aws.ecs'] }, Targets: [{ Id: 'Target0', Arn: { 'Fn::GetAtt': ['FailedRuns', 'Arn'] } }] } },
      },
    },
  });
}

describe('RuleQueueAdmitsEventBridge', () => {
  test('GIVEN a queue policy for events.amazonaws.com scoped to the rule, and SQS-managed encryption THEN it passes', () => {
    expect(firing(RuleQueueAdmitsEventBridge, rule())).toEqual([]);
  });
  test('GIVEN a customer managed key whose policy allows events.amazonaws.com THEN it passes', () => {
    expect(firing(RuleQueueAdmitsEventBridge, rule({ key: 'allows-events' }))).toEqual([]);
  });
  test('GIVEN no queue policy THEN it fires on the rule', () => {
    expect(firing(RuleQueueAdmitsEventBridge, rule({ policy: 'none' }))).toEqual(['job FailedRun']);
    expect(messages(RuleQueueAdmitsEventBridge, rule({ policy: 'none' }))).toEqual([expect.stringMatching(/does not let events.amazonaws.com send to it/)]);
  });
  test('GIVEN a queue policy without aws:SourceArn or aws:SourceAccount THEN it fires', () => {
    expect(messages(RuleQueueAdmitsEventBridge, rule({ policy: 'unscoped' }))).toEqual([expect.stringMatching(/confused deputy/)]);
  });
  test('GIVEN the AWS managed key, or a key policy without events.amazonaws.com THEN it fires', () => {
    expect(messages(RuleQueueAdmitsEventBridge, rule({ key: 'aws-managed' }))).toEqual([expect.stringMatching(/alias\/aws\/sqs/)]);
    expect(messages(RuleQueueAdmitsEventBridge, rule({ key: 'root-only' }))).toEqual([expect.stringMatching(/does not allow events.amazonaws.com kms:GenerateDataKey, kms:Decrypt/)]);
  });
});
