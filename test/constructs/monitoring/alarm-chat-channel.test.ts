import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmChatChannel } from '../../../constructs';

const ARNS = [
  'arn:aws:sns:eu-west-1:123456789012:shop-prod-page',
  'arn:aws:sns:eu-west-1:123456789012:shop-prod-notify',
  'arn:aws:sns:eu-central-1:123456789012:shop-prod-standby-page',
  'arn:aws:sns:eu-central-1:123456789012:shop-prod-standby-notify',
];

function bareStack(): Stack {
  return new Stack(new App(), 'Bare', { env: { account: '123456789012', region: 'eu-west-1' } });
}

describe('AlarmChatChannel', () => {
  // GIVEN topics of two regions WHEN one channel is made for them
  const stack = bareStack();
  new AlarmChatChannel(stack, 'Chat', {
    configurationName: 'shop-prod',
    workspaceId: 'T0123ABCD',
    channelId: 'C0123ABCD',
    topics: ARNS.map((arn, i) => sns.Topic.fromTopicArn(stack, `T${i}`, arn)),
  });
  const template = Template.fromStack(stack);

  test('THEN one Slack configuration takes every topic, whatever its region', () => {
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 1);
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ConfigurationName: 'shop-prod',
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: ARNS,
      LoggingLevel: 'ERROR',
    });
  });

  test('THEN the guardrail is CloudWatch read-only, not Chatbot\'s default AdministratorAccess', () => {
    const [channel] = Object.values(template.findResources('AWS::Chatbot::SlackChannelConfiguration'));
    expect(stack.resolve(channel!.Properties.GuardrailPolicies)).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/CloudWatchReadOnlyAccess']] },
    ]);
  });

  test('THEN Chatbot\'s role may only read CloudWatch, through a managed policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' } }] } });
    const [role] = Object.values(template.findResources('AWS::IAM::Role'));
    expect(role!.Properties.Policies).toBeUndefined();
    expect(role!.Properties.ManagedPolicyArns).toBeUndefined();
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policy!.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'], Resource: '*' },
    ]);
  });

  test('GIVEN no topic or a name Chatbot refuses THEN it throws, naming the prop', () => {
    const other = bareStack();
    const topic = sns.Topic.fromTopicArn(other, 'T', ARNS[0]!);
    const props = { configurationName: 'shop-prod', workspaceId: 'T0123ABCD', channelId: 'C0123ABCD', topics: [topic] };
    expect(() => new AlarmChatChannel(other, 'A', { ...props, topics: [] })).toThrow(/topics is empty/);
    expect(() => new AlarmChatChannel(other, 'B', { ...props, configurationName: 'shop prod' })).toThrow(/configurationName "shop prod"/);
    expect(() => new AlarmChatChannel(other, 'C', { ...props, configurationName: 'x'.repeat(129) })).toThrow(/configurationName/);
  });
});
