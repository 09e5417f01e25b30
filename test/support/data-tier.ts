import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CDK_CONTEXT } from './blueprint';

/** A stack with what a data-tier construct stands on: a VPC whose isolated subnets are named `data`, and a key. */
export interface DataTier {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly subnets: ec2.SubnetSelection;
  readonly encryptionKey: kms.Key;
}

/** One per construct under test, in us-east-1 of account 111111111111 across two zones. */
export function dataTier(stackId: string): DataTier {
  const stack = new Stack(new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false }), stackId, { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return { stack, vpc, subnets: { subnetGroupName: 'data' }, encryptionKey: new kms.Key(stack, 'Key') };
}
