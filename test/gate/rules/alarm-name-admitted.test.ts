import { AlarmNameAdmittedByTopic } from '../../../review/gate/rules/policies/alarm-name-admitted-by-topic';
import { deployment, firing, messages } from '../support';

const ALLOW_SHOP_PROD = {
  Effect: 'Allow',
  Principal: { Service: 'cloudwatch.amazonaws.com' },
  Action: 'sns:Publish',
  Resource: { Ref: 'Topic' },
  Condition: {
    StringEquals: { 'aws:SourceAccount': '111111111111' },
    ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:111111111111:alarm:shop-prod-*']] } },
  },
};

/** A topic with a policy of `statements` and an alarm named `alarmName` (undefined: generated) notifying it. */
function alarmNamed(alarmName: string | undefined, statements: unknown[] = [ALLOW_SHOP_PROD]) {
  return deployment({
    app: {
      resources: {
        Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
        TopicPolicy: { Type: 'AWS::SNS::TopicPolicy', Properties: { Topics: [{ Ref: 'Topic' }], PolicyDocument: { Statement: statements } } },
        Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { ...(alarmName ? { AlarmName: alarmName } : {}), AlarmActions: [{ Ref: 'Topic' }], OKActions: [{ Ref: 'Topic' }] } },
      },
    },
  });
}

describe('AlarmNameAdmittedByTopic', () => {
  test('GIVEN an alarm named outside the pattern the topic policy admits THEN it fires once, naming the alarm', () => {
    expect(firing(AlarmNameAdmittedByTopic, alarmNamed('shop-staging-error-rate'))).toEqual(['app Alarm']);
    expect(messages(AlarmNameAdmittedByTopic, alarmNamed('shop-staging-error-rate'))[0]).toMatch(/alarm shop-staging-error-rate notifies topic app Topic/);
  });

  test('GIVEN an alarm with a generated name THEN it fires', () => {
    expect(firing(AlarmNameAdmittedByTopic, alarmNamed(undefined))).toEqual(['app Alarm']);
  });

  test('GIVEN an alarm the pattern admits, or a policy without aws:SourceArn THEN it stays quiet', () => {
    expect(firing(AlarmNameAdmittedByTopic, alarmNamed('shop-prod-error-rate'))).toEqual([]);
    const accountOnly = { ...ALLOW_SHOP_PROD, Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } };
    expect(firing(AlarmNameAdmittedByTopic, alarmNamed('anything', [accountOnly]))).toEqual([]);
  });
});
