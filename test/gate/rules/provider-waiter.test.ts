import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DEPLOY_TASK_RUN_TYPE, DeployTaskRun } from '../../../constructs';
import { ProviderWaiterWithinTimeout } from '../../../review/gate/rules/quotas/provider-waiter-timeout';
import { Deployment } from '../../../review/gate/template';
import { CDK_CONTEXT } from '../../support/blueprint';
import { deployment, firing, messages } from '../support';

/** A provider framework's resources as aws-cdk-lib writes them, with the waiter's retry and the resource's ServiceTimeout given. */
function provider(retry: { IntervalSeconds: number; MaxAttempts: number; BackoffRate: number }, serviceTimeout?: number): Deployment {
  const definition = JSON.stringify({ StartAt: 'framework-isComplete-task', States: { 'framework-isComplete-task': { End: true, Retry: [{ ErrorEquals: ['States.ALL'], ...retry }], Type: 'Task', Resource: 'X' } } });
  const [head, tail] = definition.split('"X"');
  return deployment({
    app: {
      resources: {
        Waiter: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: { 'Fn::Join': ['', [`${head}"`, { 'Fn::GetAtt': ['IsComplete', 'Arn'] }, `"${tail}`]] } } },
        OnEvent: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { WAITER_STATE_MACHINE_ARN: { Ref: 'Waiter' } } } } },
        IsComplete: { Type: 'AWS::Lambda::Function', Properties: {} },
        Run: { Type: 'Custom::Run', Properties: { ServiceToken: { 'Fn::GetAtt': ['OnEvent', 'Arn'] }, ...(serviceTimeout === undefined ? {} : { ServiceTimeout: String(serviceTimeout) }) } },
      },
    },
  });
}

describe('ProviderWaiterWithinTimeout', () => {
  test('GIVEN a waiter polling 15 s × 80 (20 minutes) and the default hour THEN it passes', () => {
    expect(firing(ProviderWaiterWithinTimeout, provider({ IntervalSeconds: 15, MaxAttempts: 80, BackoffRate: 1 }))).toEqual([]);
  });

  test('GIVEN the provider framework\'s largest totalTimeout, two hours, THEN it fires on the custom resource', () => {
    expect(messages(ProviderWaiterWithinTimeout, provider({ IntervalSeconds: 5, MaxAttempts: 1440, BackoffRate: 1 }))).toEqual([
      "its provider's waiter Waiter polls for up to 7200 s, but CloudFormation fails the resource after 3600 s, without the waiter's reason",
    ]);
  });

  test('GIVEN a shorter ServiceTimeout, or a backoff that adds up past it, THEN it fires', () => {
    expect(firing(ProviderWaiterWithinTimeout, provider({ IntervalSeconds: 15, MaxAttempts: 80, BackoffRate: 1 }, 600))).toEqual(['app Run']);
    // 10 + 20 + 40 + … over 9 attempts: 5,110 s.
    expect(firing(ProviderWaiterWithinTimeout, provider({ IntervalSeconds: 10, MaxAttempts: 9, BackoffRate: 2 }))).toEqual(['app Run']);
  });

  test('GIVEN the kit\'s DeployTaskRun as synthesized THEN it passes, and with ServiceTimeout lowered under its 20 minutes THEN it fires', () => {
    const stack = new Stack(new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false }), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1 });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    const container = taskDefinition.addContainer('job', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox') });
    new DeployTaskRun(stack, 'Run', {
      cluster: new ecs.Cluster(stack, 'Cluster', { vpc }),
      taskDefinition,
      container,
      subnets: {},
      securityGroups: [],
      taskLogGroup: new logs.LogGroup(stack, 'TaskLog'),
      encryptionKey: new kms.Key(stack, 'Key'),
      logRetention: logs.RetentionDays.ONE_MONTH,
      totalTimeout: Duration.minutes(20),
    });
    const template = Template.fromStack(stack).toJSON();
    const asDeployed: Deployment = { S: { region: 'us-east-1', account: '111111111111', template } };
    expect(firing(ProviderWaiterWithinTimeout, asDeployed)).toEqual([]);
    const [id] = Object.entries<{ Type: string }>(template.Resources).find(([, r]) => r.Type === DEPLOY_TASK_RUN_TYPE)!;
    template.Resources[id].Properties.ServiceTimeout = '900';
    expect(firing(ProviderWaiterWithinTimeout, asDeployed)).toEqual([`S ${id}`]);
  });
});
