import { GateRule, Violation } from '../../rule';
import { asArray, flatten, grantsAction, hasServicePrincipal, Located, resolveResource, resourcesOf, statementsOf } from '../../template';

/** A glob of an IAM `ArnLike` pattern (`*`, `?`) as a regular expression. */
function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * A topic policy that admits CloudWatch only for alarms matching an
 * `aws:SourceArn` pattern drops, silently, every publish of an alarm whose
 * name falls outside it (a generated name included).
 */
export const AlarmNameAdmittedByTopic: GateRule = {
  id: 'AlarmNameAdmittedByTopic',
  summary: "An alarm that notifies a topic is named so that the topic policy's cloudwatch.amazonaws.com aws:SourceArn pattern admits it.",
  documentation:
    'Amazon SNS access control, "Restrict publication to an Amazon SNS topic only from a specific source" https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html; AWS Knowledge Center, https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger',
  fix: "name the alarm with the deployment's prefix (the pattern the topic policy admits), or widen the topic policy's aws:SourceArn",
  evaluate(input) {
    const violations: Violation[] = [];
    const policies = resourcesOf(input.deployment, 'AWS::SNS::TopicPolicy');
    const covers = (p: Located, topic: Located) =>
      asArray(p.resource.Properties?.Topics).some((t) => {
        const r = resolveResource(input.deployment, p.stack, t);
        return r?.stack === topic.stack && r.logicalId === topic.logicalId;
      });
    for (const alarm of [...resourcesOf(input.deployment, 'AWS::CloudWatch::Alarm'), ...resourcesOf(input.deployment, 'AWS::CloudWatch::CompositeAlarm')]) {
      const p = alarm.resource.Properties ?? {};
      const name = p.AlarmName === undefined ? undefined : flatten(p.AlarmName);
      // A name built from tokens that cannot be read offline is not judged.
      if (name?.includes('TOKEN')) continue;
      const seen = new Set<string>();
      for (const action of [...asArray(p.AlarmActions), ...asArray(p.OKActions), ...asArray(p.InsufficientDataActions)]) {
        const topic = resolveResource(input.deployment, alarm.stack, action);
        if (topic?.resource.Type !== 'AWS::SNS::Topic' || seen.has(`${topic.stack}/${topic.logicalId}`)) continue;
        seen.add(`${topic.stack}/${topic.logicalId}`);
        const allows = policies
          .filter((pol) => covers(pol, topic))
          .flatMap((pol) => statementsOf(pol.resource.Properties?.PolicyDocument))
          .filter((s) => s.Effect === 'Allow' && hasServicePrincipal(s, 'cloudwatch.amazonaws.com') && grantsAction(s, 'sns:Publish'));
        // No policy (SNS's default) or no CloudWatch Allow at all: AlarmTopicPolicyAllowsCloudWatch's concern.
        if (allows.length === 0) continue;
        const admitted = allows.some((s) => {
          const patterns = Object.values(s.Condition ?? {}).flatMap((block) =>
            Object.entries(block ?? {}).filter(([k]) => k.toLowerCase() === 'aws:sourcearn').flatMap(([, v]) => asArray(v)),
          );
          if (patterns.length === 0) return true;
          return name !== undefined && patterns.some((v) => {
            const pattern = flatten(v, '*');
            const at = pattern.indexOf(':alarm:');
            return at < 0 || glob(pattern.slice(at + ':alarm:'.length)).test(name);
          });
        });
        if (!admitted) {
          violations.push({
            stack: alarm.stack,
            logicalId: alarm.logicalId,
            message: `alarm ${name ?? '(generated name)'} notifies topic ${topic.stack} ${topic.logicalId}, whose policy admits CloudWatch only for other alarm names: its notifications are refused`,
          });
        }
      }
    }
    return violations;
  },
};
