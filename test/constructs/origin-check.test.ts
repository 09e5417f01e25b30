import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { OriginCheck, OriginCheckProps, routedProbes } from '../../constructs/health/origin-check';

const service = (healthCheckPath: string, pathPatterns: string[], hostHeaders: string[] = []) => ({ healthCheckPath, pathPatterns, hostHeaders });

describe('routedProbes', () => {
  test('GIVEN services whose rules route their health path THEN each is probed with its literal host or the default', () => {
    expect(routedProbes([service('/', ['/*']), service('/api/health', ['/api/*'], ['*.example.com', 'api.example.com'])], 'app.example.com')).toEqual([
      { path: '/', host: 'app.example.com' },
      { path: '/api/health', host: 'api.example.com' },
    ]);
  });

  test('GIVEN a health path no pattern of its own rule matches, or only wildcard hosts THEN the service is left out', () => {
    expect(routedProbes([service('/health', ['/api/*']), service('/h', ['/h'], ['*.example.com']), service('/A', ['/a'])], 'x')).toEqual([]);
    expect(routedProbes([service('/v1/ok', ['/v?/*'])], 'x')).toEqual([{ path: '/v1/ok', host: 'x' }]);
  });
});

describe('OriginCheck', () => {
  // GIVEN a VPC whose NAT addresses are in a prefix list, and a load balancer behind the CDN
  const stack = new Stack(new App(), 'Check', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 2 });
  const lbGroup = new ec2.SecurityGroup(stack, 'LbGroup', { vpc, allowAllOutbound: false });
  const natList = new ec2.CfnPrefixList(stack, 'NatAddresses', { addressFamily: 'IPv4', maxEntries: 2, prefixListName: 'nat-addresses' });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc, internetFacing: true, securityGroup: lbGroup });
  const props: OriginCheckProps = {
    loadBalancer,
    loadBalancerSecurityGroup: lbGroup,
    protocol: 'https',
    serverName: 'origin.example.com',
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    egressPrefixListId: natList.attrPrefixListId,
    probes: [{ path: '/', host: 'app.example.com' }],
    originHeader: { name: 'X-Origin-Verify', secretName: 'shop-prod/cdn-origin-header' },
  };
  // WHEN
  new OriginCheck(stack, 'OriginCheck', props);
  const t = Template.fromStack(stack);

  test('THEN the load balancer admits the NAT prefix list on 443 in one rule, and nothing else is added to it', () => {
    const rules = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(rules).toEqual([
      {
        GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^LbGroup/), 'GroupId'] },
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourcePrefixListId: { 'Fn::GetAtt': ['NatAddresses', 'PrefixListId'] },
        Description: 'Origin check through the NAT gateways',
      },
    ]);
  });

  test('THEN the canary may read the origin-header secret of its region only', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'secretsmanager:GetSecretValue',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111111111111:secret:shop-prod/cdn-origin-header-??????']] },
          }),
        ]),
      },
    });
  });

  test('THEN its artifacts go to a private, TLS-only bucket of its own that expires them', () => {
    t.hasResourceProperties('AWS::Synthetics::Canary', { ArtifactS3Location: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^OriginCheckArtifacts') }]] } });
    t.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] } });
  });

  test('THEN the canary runs in the private subnets, its role may manage its network interfaces there, and its name fits Synthetics\' rules', () => {
    const canary = Object.values(t.findResources('AWS::Synthetics::Canary'))[0]!.Properties;
    expect(canary.RuntimeVersion).toBe('syn-nodejs-puppeteer-13.0');
    expect(canary.VPCConfig.SubnetIds.map((s: { Ref: string }) => s.Ref)).toEqual([expect.stringMatching(/^VpcPrivateSubnet1/), expect.stringMatching(/^VpcPrivateSubnet2/)]);
    // Lambda creates the VPC function's network interfaces with the execution role's permissions.
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.arrayWith([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']] }]),
    });
    // Unique per account and region, lowercase, at most 255 characters (aws-cdk-lib generates at most 21).
    expect(canary.Name).toMatch(/^[0-9a-z_-]{1,21}$/);
  });

  test('GIVEN no probe THEN the construct refuses, naming the prop', () => {
    expect(() => new OriginCheck(stack, 'NoProbe', { ...props, probes: [] })).toThrow(/probes is empty/);
  });
});
