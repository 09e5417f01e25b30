import { alarmWidgetSizes, DashboardAlarmWidgetQuota } from '../../../review/gate/rules/quotas/dashboard-alarm-widget';
import { EventQuotas } from '../../../review/gate/rules/quotas/event-quotas';
import { LoadBalancerQuotas } from '../../../review/gate/rules/quotas/load-balancer-quotas';
import { SecurityGroupRuleQuota } from '../../../review/gate/rules/quotas/security-group-rules';
import { StackQuotas } from '../../../review/gate/rules/quotas/stack-quotas';
import { deployment, firing, messages, stackOutput } from '../support';

/** A dashboard body as aws-cdk-lib writes it: JSON split by Fn::Join around each alarm ARN. */
function dashboardBody(alarms: number): unknown {
  const parts: unknown[] = ['{"widgets":[{"type":"alarm","properties":{"title":"Alarms","alarms":['];
  for (let i = 0; i < alarms; i++) parts.push(...(i > 0 ? [','] : []), '"', { 'Fn::GetAtt': [`Alarm${i}`, 'Arn'] }, '"');
  parts.push(']}}]}');
  return { 'Fn::Join': ['', parts] };
}

describe('DashboardAlarmWidgetQuota', () => {
  const withWidget = (n: number) => deployment({ app: { resources: { Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: dashboardBody(n) } } } } });
  test('GIVEN a Fn::Join body THEN the widget is parsed and its alarms counted', () => {
    expect(alarmWidgetSizes(dashboardBody(3))).toEqual([{ title: 'Alarms', alarms: 3 }]);
  });
  test('GIVEN 100 alarms in one widget THEN it passes', () => {
    expect(firing(DashboardAlarmWidgetQuota, withWidget(100))).toEqual([]);
  });
  test('GIVEN 101 alarms in one widget THEN it fires on the dashboard', () => {
    expect(messages(DashboardAlarmWidgetQuota, withWidget(101))).toEqual([expect.stringMatching(/alarm widget "Alarms" holds 101 alarms \(at most 100\)/)]);
  });
});

describe('LoadBalancerQuotas', () => {
  /** One load balancer in the app stack, and `n` service stacks each adding a rule and a target group. */
  function services(n: number) {
    const stacks: Record<string, any> = {
      app: {
        resources: {
          Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {} },
          Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Lb' }, DefaultActions: [{ Type: 'fixed-response' }] } },
        },
        outputs: { ListenerRef: { Value: { Ref: 'Listener' } } },
      },
    };
    for (let i = 0; i < n; i++) {
      stacks[`service-${i}`] = {
        resources: {
          Targets: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} },
          Rule: {
            Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
            Properties: { ListenerArn: stackOutput('app', 'ListenerRef'), Priority: i + 1, Actions: [{ Type: 'forward', TargetGroupArn: { Ref: 'Targets' } }] },
          },
        },
      };
    }
    return deployment(stacks);
  }
  test('GIVEN 100 services behind one load balancer THEN it passes', () => {
    expect(firing(LoadBalancerQuotas, services(100))).toEqual([]);
  });
  test('GIVEN 101 services THEN it fires twice on the load balancer: rules and target groups', () => {
    const found = messages(LoadBalancerQuotas, services(101));
    expect(firing(LoadBalancerQuotas, services(101))).toEqual(['app Lb', 'app Lb']);
    expect(found[0]).toMatch(/101 listener rules/);
    expect(found[1]).toMatch(/101 target groups/);
  });
});

describe('SecurityGroupRuleQuota', () => {
  const group = (ingress: unknown[]) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { SecurityGroupIngress: ingress } });
  const cidrs = (n: number) => Array.from({ length: n }, (_, i) => ({ IpProtocol: 'tcp', FromPort: i, ToPort: i, CidrIp: '10.0.0.0/16' }));
  test('GIVEN 60 IPv4 rules THEN it passes', () => {
    expect(firing(SecurityGroupRuleQuota, deployment({ app: { resources: { Sg: group(cidrs(60)) } } }))).toEqual([]);
  });
  test('GIVEN 61 IPv4 rules, some as separate resources in another stack THEN it fires on the group', () => {
    const d = deployment({
      app: { resources: { Sg: group(cidrs(59)) }, outputs: { SgId: { Value: { 'Fn::GetAtt': ['Sg', 'GroupId'] } } } },
      service: {
        resources: Object.fromEntries(
          [0, 1].map((i) => [`In${i}`, { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: stackOutput('app', 'SgId'), CidrIp: '10.1.0.0/16', IpProtocol: 'tcp' } }]),
        ),
      },
    });
    expect(firing(SecurityGroupRuleQuota, d)).toEqual(['app Sg']);
  });
  test("GIVEN two rules from CloudFront's origin-facing prefix list THEN it fires: each weighs 55", () => {
    const pl = { IpProtocol: 'tcp', SourcePrefixListId: 'pl-3b927c52' };
    expect(messages(SecurityGroupRuleQuota, deployment({ app: { resources: { Sg: group([{ ...pl, FromPort: 80 }, { ...pl, FromPort: 443 }]) } } }))).toEqual([
      expect.stringMatching(/inbound rules weigh 110 \(IPv4\)/),
    ]);
  });
  describe('GIVEN CloudFront\'s list and a rule importing a prefix list of the data stack', () => {
    // The list is in another stack; the rule reads its id through a strong export, as the origin check does.
    const withList = (maxEntries: number) =>
      deployment({
        data: {
          resources: { Nat: { Type: 'AWS::EC2::PrefixList', Properties: { AddressFamily: 'IPv4', MaxEntries: maxEntries, PrefixListName: 'nat' } } },
          outputs: { NatId: { Value: { 'Fn::GetAtt': ['Nat', 'PrefixListId'] }, Export: { Name: 'data:NatId' } } },
        },
        app: {
          resources: {
            Sg: group([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-3b927c52' }]),
            FromNat: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: { 'Fn::ImportValue': 'data:NatId' } } },
          },
        },
      });
    test('WHEN the list holds at most 5 entries THEN it passes: 55 + 5', () => {
      expect(firing(SecurityGroupRuleQuota, withList(5))).toEqual([]);
    });
    test('WHEN the list holds at most 6 entries THEN it fires: the rule weighs the list\'s MaxEntries, not 1', () => {
      expect(messages(SecurityGroupRuleQuota, withList(6))).toEqual([expect.stringMatching(/inbound rules weigh 61 \(IPv4\)/)]);
    });
  });
});

describe('StackQuotas', () => {
  const topics = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`Topic${i}`, { Type: 'AWS::SNS::Topic', Properties: {} }]));
  test('GIVEN 500 resources THEN it passes', () => {
    expect(firing(StackQuotas, deployment({ app: { resources: topics(500) } }))).toEqual([]);
  });
  test('GIVEN 501 resources THEN it fires on the stack', () => {
    expect(messages(StackQuotas, deployment({ app: { resources: topics(501) } }))).toEqual([expect.stringMatching(/501 resources \(at most 500\)/)]);
  });
  test('GIVEN 201 outputs THEN it fires', () => {
    const outputs = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`O${i}`, { Value: 'x' }]));
    expect(messages(StackQuotas, deployment({ app: { resources: topics(1), outputs } }))).toEqual([expect.stringMatching(/201 outputs/)]);
  });
  test('GIVEN a template over 1 MB THEN it fires', () => {
    const big = { Big: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'x'.repeat(1024 * 1024) } } };
    expect(messages(StackQuotas, deployment({ app: { resources: big } }))).toEqual([expect.stringMatching(/MB template \(at most 1 MB\)/)]);
  });
});

describe('EventQuotas', () => {
  /** `n` schedule stacks, each with its group and its rule on the default bus, in one region. */
  const schedules = (n: number, region = 'us-east-1') =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `schedule-${i}-${region}`,
        {
          region,
          resources: {
            Group: { Type: 'AWS::Scheduler::ScheduleGroup', Properties: { Name: `app-${i}` } },
            FailedRun: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['aws.ecs'] } } },
          },
        },
      ]),
    );
  test('GIVEN 300 schedule stacks in each of two regions THEN it passes', () => {
    expect(firing(EventQuotas, deployment({ ...schedules(300), ...schedules(300, 'us-west-2') }))).toEqual([]);
  });
  test('GIVEN 301 rules on the default bus of one region THEN it fires once, on the first rule over the quota', () => {
    expect(firing(EventQuotas, deployment(schedules(301)))).toEqual(['schedule-300-us-east-1 FailedRun']);
    expect(messages(EventQuotas, deployment(schedules(301)))).toEqual(['301 rules on the default event bus in account and region 111111111111 us-east-1: the quota is 300']);
  });
  test('GIVEN rules on a custom bus THEN they do not count against the default bus', () => {
    const custom = deployment(schedules(301));
    for (const s of Object.values(custom)) (s.template.Resources!.FailedRun!.Properties as any).EventBusName = 'jobs';
    expect(firing(EventQuotas, custom)).toEqual([]);
  });
  test('GIVEN 501 schedule groups in one region THEN it fires on the groups', () => {
    const d = deployment(schedules(501));
    for (const s of Object.values(d)) (s.template.Resources!.FailedRun!.Properties as any).EventBusName = 'jobs';
    expect(messages(EventQuotas, d)).toEqual(['501 EventBridge Scheduler schedule groups in account and region 111111111111 us-east-1: the quota is 500']);
  });
});
