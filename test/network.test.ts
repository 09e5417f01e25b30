import { Match } from 'aws-cdk-lib/assertions';
import { synthesize } from './support/blueprint';

// GIVEN the phase-1 blueprint, synthesized once for this file
const { data } = synthesize();

function subnets(): { cidr: string; zone: string; publicIp: unknown; id: string }[] {
  return Object.entries(data.findResources('AWS::EC2::Subnet')).map(([id, r]) => ({
    id,
    cidr: r.Properties.CidrBlock,
    zone: r.Properties.AvailabilityZone,
    publicIp: r.Properties.MapPublicIpOnLaunch,
  }));
}

describe('TieredVpc', () => {
  test('THEN one VPC holds the fixed CIDR plan: public /24, private /20, data /24 in each of three zones', () => {
    data.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    const plan = Object.fromEntries(subnets().map((s) => [s.cidr, s.zone]));
    expect(plan).toEqual({
      '10.0.0.0/24': 'us-east-1a',
      '10.0.1.0/24': 'us-east-1b',
      '10.0.2.0/24': 'us-east-1c',
      '10.0.16.0/20': 'us-east-1a',
      '10.0.32.0/20': 'us-east-1b',
      '10.0.48.0/20': 'us-east-1c',
      '10.0.64.0/24': 'us-east-1a',
      '10.0.65.0/24': 'us-east-1b',
      '10.0.66.0/24': 'us-east-1c',
    });
  });

  test('THEN no subnet hands out public IPs', () => {
    for (const s of subnets()) expect(s.publicIp).toBe(false);
  });

  test('THEN phase 1 has one NAT gateway, and private subnets route to it', () => {
    data.resourceCountIs('AWS::EC2::NatGateway', 1);
    const routes = Object.values(data.findResources('AWS::EC2::Route'));
    const natRoutes = routes.filter((r) => r.Properties.NatGatewayId);
    const igwRoutes = routes.filter((r) => r.Properties.GatewayId);
    expect(natRoutes).toHaveLength(3);
    expect(igwRoutes).toHaveLength(3);
  });

  test('THEN the NAT gateway\'s Elastic IP is the one /32 of a prefix list sized for one NAT gateway per zone', () => {
    const eips = Object.keys(data.findResources('AWS::EC2::EIP'));
    expect(eips).toHaveLength(1);
    data.resourceCountIs('AWS::EC2::PrefixList', 1);
    data.hasResourceProperties('AWS::EC2::PrefixList', {
      AddressFamily: 'IPv4',
      MaxEntries: 3,
      Entries: [{ Cidr: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [eips[0], 'PublicIp'] }, '/32']] }, Description: 'NAT gateway in us-east-1a' }],
    });
  });

  test('THEN data subnets have no route out at all', () => {
    const dataRouteTables = Object.entries(data.findResources('AWS::EC2::SubnetRouteTableAssociation'))
      .filter(([id]) => id.startsWith('NetworkVpcdata'))
      .map(([, r]) => r.Properties.RouteTableId.Ref);
    expect(dataRouteTables).toHaveLength(3);
    const routes = Object.values(data.findResources('AWS::EC2::Route'));
    for (const table of dataRouteTables) {
      expect(routes.filter((r) => r.Properties.RouteTableId.Ref === table)).toEqual([]);
    }
  });

  test('THEN every flow is logged to an encrypted, retained log group', () => {
    data.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC', LogDestinationType: 'cloud-watch-logs' });
    data.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
  });

  test('THEN the default security group is stripped of its rules', () => {
    data.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });
});

describe('DataKey', () => {
  test('THEN a rotating, retained customer-managed key that CloudWatch Logs and alarms may use', () => {
    data.hasResource('AWS::KMS::Key', {
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({ Sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups', Principal: { Service: 'logs.us-east-1.amazonaws.com' } }),
            Match.objectLike({ Sid: 'CloudWatchAlarmsPublishToEncryptedTopics', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
          ]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });
});
