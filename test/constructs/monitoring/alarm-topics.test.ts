import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AlarmTopics } from '../../../constructs';

function bareStack(): Stack {
  return new Stack(new App(), 'Bare', { env: { account: '123456789012', region: 'eu-west-1' } });
}

describe('AlarmTopics', () => {
  // GIVEN a bare stack with a key WHEN the topics are made for alarms named shop-prod-*
  const stack = bareStack();
  const topics = new AlarmTopics(stack, 'Topics', {
    encryptionKey: new kms.Key(stack, 'Key'),
    alarmNamePrefix: 'shop-prod',
    pageEmails: ['oncall@example.com'],
    notifyEmails: [],
    pageHttpsEndpoints: [],
  });
  const template = Template.fromStack(stack);

  test('THEN each topic\'s policy allows CloudWatch to publish for this account\'s shop-prod-* alarms in this region, beside the TLS-only Deny', () => {
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        {
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: policy.Properties.Topics[0],
          Condition: {
            StringEquals: { 'aws:SourceAccount': '123456789012' },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:123456789012:alarm:shop-prod-*']] } },
          },
        },
      ]);
    }
  });

  test('THEN both topics are encrypted with the key', () => {
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
  });

  test('THEN topicArns are the two topics\' plain Refs, page first', () => {
    expect(stack.resolve(topics.topicArns)).toEqual([stack.resolve(topics.page.topicArn), stack.resolve(topics.notify.topicArn)]);
  });

  test('GIVEN an alarm-name prefix that is not plain name characters THEN it throws, naming the prop', () => {
    const other = bareStack();
    const key = new kms.Key(other, 'Key');
    const make = (alarmNamePrefix: string) => () =>
      new AlarmTopics(other, `T${alarmNamePrefix.length}`, { encryptionKey: key, alarmNamePrefix, pageEmails: [], notifyEmails: [], pageHttpsEndpoints: [] });
    expect(make('shop prod*')).toThrow(/alarmNamePrefix "shop prod\*"/);
    expect(make('')).toThrow(/alarmNamePrefix ""/);
  });
});
