import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SECURITY_GROUP_RULE_QUOTA } from '../constructs';
import { synthesize } from './support/blueprint';

// GIVEN a deployment with 70 web services (phase 1, dev), synthesized once with every compliance pack.
const services = Array.from({ length: 70 }, (_, i) => ({ name: `svc${i}`, pathPatterns: [`/svc${i}/*`], priority: i + 1 }));
const s = synthesize({ settings: { services } } as never);
const templates = s.app.node.children.filter((c): c is Stack => c instanceof Stack).map((stack) => ({ name: stack.stackName, t: Template.fromStack(stack) }));

/** A security group's identity as a rule names it: its logical id, or the output that exports it to another stack. */
function groupKey(stack: string, ref: unknown): string {
  const r = ref as Record<string, any>;
  if (r['Fn::GetAtt']) return `${stack}/${r['Fn::GetAtt'][0]}`;
  if (r['Fn::GetStackOutput']) return `${r['Fn::GetStackOutput'].StackName}/output:${r['Fn::GetStackOutput'].OutputName}`;
  return JSON.stringify(r);
}

describe('quotas at 70 services', () => {
  test(`THEN no security group holds more than ${SECURITY_GROUP_RULE_QUOTA} rules in either direction`, () => {
    const counts = new Map<string, number>();
    const count = (key: string, n = 1) => counts.set(key, (counts.get(key) ?? 0) + n);
    for (const { name, t } of templates) {
      for (const [id, g] of Object.entries(t.findResources('AWS::EC2::SecurityGroup'))) {
        count(`ingress ${name}/${id}`, (g.Properties.SecurityGroupIngress ?? []).length);
        count(`egress ${name}/${id}`, (g.Properties.SecurityGroupEgress ?? []).length);
      }
      for (const r of Object.values(t.findResources('AWS::EC2::SecurityGroupIngress'))) count(`ingress ${groupKey(name, r.Properties.GroupId)}`);
      for (const r of Object.values(t.findResources('AWS::EC2::SecurityGroupEgress'))) count(`egress ${groupKey(name, r.Properties.GroupId)}`);
    }
    const over = [...counts].filter(([, n]) => n > SECURITY_GROUP_RULE_QUOTA);
    expect(over).toEqual([]);
    // The rules that used to grow with the services: the data tier admits the tasks' shared group once per port.
    const fromTasks = templates.flatMap(({ t }) =>
      Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).filter(
        (r) => /(Database|Cache)SecurityGroup/.test(JSON.stringify(r.Properties.GroupId)) && /TasksGroup/.test(JSON.stringify(r.Properties.SourceSecurityGroupId)),
      ),
    );
    expect(fromTasks).toHaveLength(2);
  });

  test('THEN the load balancer holds one rule and one target group per service, within its quotas of 100', () => {
    const rules = templates.reduce((n, { t }) => n + Object.keys(t.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')).length, 0);
    const groups = templates.reduce((n, { t }) => n + Object.keys(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).length, 0);
    expect([rules, groups]).toEqual([70, 70]);
  });

  test('THEN every stack stays under CloudFormation\'s 500 resources', () => {
    const largest = Math.max(...templates.map(({ t }) => Object.keys(t.toJSON().Resources).length));
    expect(largest).toBeLessThan(500);
  });
});
