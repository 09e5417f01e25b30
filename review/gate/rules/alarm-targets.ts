import { GateInput } from '../rule';
import { asArray, Located, resolveResource, resourcesOf } from '../template';

/** Every SNS topic an alarm of the deployment notifies, with one alarm that does. */
export function alarmTopics(input: GateInput): Array<{ topic: Located; alarm: Located }> {
  const out = new Map<string, { topic: Located; alarm: Located }>();
  for (const alarm of [...resourcesOf(input.deployment, 'AWS::CloudWatch::Alarm'), ...resourcesOf(input.deployment, 'AWS::CloudWatch::CompositeAlarm')]) {
    const p = alarm.resource.Properties ?? {};
    for (const action of [...asArray(p.AlarmActions), ...asArray(p.OKActions), ...asArray(p.InsufficientDataActions)]) {
      const topic = resolveResource(input.deployment, alarm.stack, action);
      if (topic?.resource.Type !== 'AWS::SNS::Topic') continue;
      const key = `${topic.stack}/${topic.logicalId}`;
      if (!out.has(key)) out.set(key, { topic, alarm });
    }
  }
  return [...out.values()];
}
