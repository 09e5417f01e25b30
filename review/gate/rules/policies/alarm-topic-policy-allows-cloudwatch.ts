import { GateRule, Violation } from '../../rule';
import { asArray, conditionKeys, grantsAction, hasServicePrincipal, resolveResource, resourcesOf, statementsOf } from '../../template';
import { alarmTopics } from '../alarm-targets';

/**
 * An `AWS::SNS::TopicPolicy` replaces the topic's whole access policy,
 * including the default one that lets CloudWatch publish: a policy that
 * only denies plain HTTP leaves every alarm silent.
 */
export const AlarmTopicPolicyAllowsCloudWatch: GateRule = {
  id: 'AlarmTopicPolicyAllowsCloudWatch',
  summary: 'A topic that alarms notify and that has a topic policy allows cloudwatch.amazonaws.com to sns:Publish, scoped by aws:SourceAccount or aws:SourceArn.',
  documentation:
    "AWS Knowledge Center, \"Why didn't I get an SNS notification for my CloudWatch alarm trigger?\" https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger; Amazon SNS access control, https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
  fix: 'add to the topic policy an Allow of sns:Publish for the service principal cloudwatch.amazonaws.com with aws:SourceAccount (and aws:SourceArn on the deployment\'s alarms)',
  evaluate(input) {
    const violations: Violation[] = [];
    const policies = resourcesOf(input.deployment, 'AWS::SNS::TopicPolicy');
    for (const { topic, alarm } of alarmTopics(input)) {
      const covering = policies.filter((p) =>
        asArray(p.resource.Properties?.Topics).some((t) => {
          const r = resolveResource(input.deployment, p.stack, t);
          return r?.stack === topic.stack && r.logicalId === topic.logicalId;
        }),
      );
      // No topic policy: SNS's default policy lets the account's services publish.
      if (covering.length === 0) continue;
      const statements = covering.flatMap((p) => statementsOf(p.resource.Properties?.PolicyDocument));
      const allow = statements.find((s) => s.Effect === 'Allow' && hasServicePrincipal(s, 'cloudwatch.amazonaws.com') && grantsAction(s, 'sns:Publish'));
      for (const p of covering) {
        if (!allow) {
          violations.push({
            stack: p.stack,
            logicalId: p.logicalId,
            message: `the policy of topic ${topic.stack} ${topic.logicalId} replaces SNS's default policy and allows no cloudwatch.amazonaws.com sns:Publish, so alarm ${alarm.stack} ${alarm.logicalId} (and every other alarm on it) can never notify`,
          });
        } else if (!conditionKeys(allow).some((k) => k === 'aws:sourceaccount' || k === 'aws:sourcearn')) {
          violations.push({
            stack: p.stack,
            logicalId: p.logicalId,
            message: `the policy of topic ${topic.stack} ${topic.logicalId} lets cloudwatch.amazonaws.com publish without aws:SourceAccount or aws:SourceArn: any account's alarms could publish to it (confused deputy)`,
          });
        }
      }
    }
    return violations;
  },
};
