import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CDK_CONTEXT } from './blueprint';

/** A bare stack with a two-zone VPC without NAT, an ECS cluster and a key: what a compute construct is placed in. */
export function computeStack(region = 'us-east-1') {
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const key = new kms.Key(stack, 'Key');
  return { stack, vpc, cluster, key };
}

/** The task settings every app task takes: the smallest Fargate size, a month of logs encrypted with `key`, no ECS Exec, isolated subnets. */
export function taskBasics(key: kms.IKey, image: string, user: string) {
  return {
    image,
    user,
    cpu: 256,
    memoryMiB: 512,
    logRetention: logs.RetentionDays.ONE_MONTH,
    logEncryptionKey: key,
    ecsExec: false,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  };
}
