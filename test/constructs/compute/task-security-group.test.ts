import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SECURITY_GROUP_RULE_QUOTA, TaskSecurityGroup } from '../../../constructs';
import { CDK_CONTEXT } from '../../support/blueprint';

/** GIVEN a bare stack with a VPC and a load balancer's security group. */
function given() {
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const loadBalancer = new ec2.SecurityGroup(stack, 'LoadBalancer', { vpc, allowAllOutbound: false });
  return { stack, vpc, loadBalancer };
}

describe('TaskSecurityGroup', () => {
  test('GIVEN 70 services on two ports WHEN their tasks share the group THEN the load balancer needs two rules each way, not 70', () => {
    const { stack, vpc, loadBalancer } = given();
    const ports = Array.from({ length: 70 }, (_, i) => (i % 2 === 0 ? 8080 : 3000));
    new TaskSecurityGroup(stack, 'Tasks', { vpc, loadBalancer, ports });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::SecurityGroupEgress', 2);
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
    for (const port of [3000, 8080]) {
      t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LoadBalancer'), 'GroupId'] },
        DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TasksGroup'), 'GroupId'] },
        FromPort: port,
        ToPort: port,
      });
    }
    // Egress open: tasks reach AWS APIs and third parties through NAT.
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Application tasks'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }],
    });
  });

  test('GIVEN more distinct container ports than a group may hold rules THEN synth stops with one line naming the quota', () => {
    const { stack, vpc, loadBalancer } = given();
    const ports = Array.from({ length: SECURITY_GROUP_RULE_QUOTA + 1 }, (_, i) => 3000 + i);
    const build = () => new TaskSecurityGroup(stack, 'Tasks', { vpc, loadBalancer, ports });
    expect(build).toThrow(`Test/Tasks: 61 distinct container ports need 61 rules on the load balancer's security group; its quota is 60 per direction (VPC rules per security group)`);
  });
});
