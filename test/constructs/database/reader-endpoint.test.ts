import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ReaderEndpoint } from '../../../constructs';
import { CDK_CONTEXT } from '../../support/blueprint';

function fixture(replicaAddresses: string[]): { stack: Stack; vpc: ec2.Vpc } {
  const stack = new Stack(new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false }), 'Db', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'] });
  if (replicaAddresses.length) new ReaderEndpoint(stack, 'Reader', { vpc, zoneName: 'shop-prod.internal', replicaAddresses });
  return { stack, vpc };
}

describe('ReaderEndpoint', () => {
  const { stack, vpc } = fixture(['r1.example.rds.amazonaws.com', 'r2.example.rds.amazonaws.com', 'r3.example.rds.amazonaws.com']);
  const template = Template.fromStack(stack);

  test('THEN a private zone in the VPC holds one equally weighted CNAME per replica under one name', () => {
    template.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'shop-prod.internal.', VPCs: [{ VPCId: { Ref: stack.getLogicalId(vpc.node.defaultChild as ec2.CfnVPC) }, VPCRegion: 'us-east-1' }] });
    const records = Object.values(template.findResources('AWS::Route53::RecordSet')).map((r) => r.Properties);
    expect(records.map((r) => [r.Name, r.Type, r.Weight, r.SetIdentifier, r.ResourceRecords])).toEqual([
      ['db-read.shop-prod.internal.', 'CNAME', 1, 'replica-1', ['r1.example.rds.amazonaws.com']],
      ['db-read.shop-prod.internal.', 'CNAME', 1, 'replica-2', ['r2.example.rds.amazonaws.com']],
      ['db-read.shop-prod.internal.', 'CNAME', 1, 'replica-3', ['r3.example.rds.amazonaws.com']],
    ]);
    expect(records.every((r) => r.TTL === '30')).toBe(true);
  });

  test('THEN replica n keeps its record id whatever the count, so adding one never rewrites another', () => {
    const fewer = Template.fromStack(fixture(['r1.example.rds.amazonaws.com']).stack);
    const ids = (t: Template) => Object.keys(t.findResources('AWS::Route53::RecordSet'));
    expect(ids(template).slice(0, 1)).toEqual(ids(fewer));
  });

  test('GIVEN no replica THEN it refuses, naming the prop', () => {
    const { stack: s, vpc } = fixture([]);
    expect(() => new ReaderEndpoint(s, 'Reader', { vpc, zoneName: 'x.internal', replicaAddresses: [] })).toThrow(/ReaderEndpoint Reader: replicaAddresses is empty/);
  });
});
