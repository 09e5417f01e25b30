import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DEPLOY_TASK_RUN_HANDLER, DEPLOY_TASK_RUN_TYPE, DeployTaskRun, DeployTaskRunProps } from '../../../constructs';
import { CDK_CONTEXT } from '../../support/blueprint';

function fixture(extra: Partial<DeployTaskRunProps> = {}): { stack: Stack; template: Template; run: DeployTaskRun } {
  const stack = new Stack(new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false }), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task', { family: 'setup' });
  const container = taskDefinition.addContainer('job', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox') });
  const run = new DeployTaskRun(stack, 'Run', {
    cluster,
    taskDefinition,
    container,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [new ec2.SecurityGroup(stack, 'Group', { vpc })],
    taskLogGroup: new logs.LogGroup(stack, 'TaskLog'),
    runWhenChanged: { Login: 'app' },
    encryptionKey: new kms.Key(stack, 'Key'),
    logRetention: logs.RetentionDays.ONE_MONTH,
    ...extra,
  });
  return { stack, template: Template.fromStack(stack), run };
}

/** The statements of the policy attached to the role whose logical id starts with `role`. */
function statementsOf(template: Template, role: string): Record<string, unknown>[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${role}`) }] } });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('DeployTaskRun', () => {
  const { template, stack, run } = fixture();

  test('THEN one custom resource runs the task definition by its revision, on the cluster, in the given subnets, and again when runWhenChanged changes', () => {
    template.hasResourceProperties(DEPLOY_TASK_RUN_TYPE, {
      Cluster: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Cluster'), 'Arn'] },
      TaskDefinition: { Ref: Match.stringLikeRegexp('^Task') },
      Container: 'job',
      Subnets: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
      SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Group'), 'GroupId'] }],
      Login: 'app',
      ServiceTimeout: '3600',
    });
  });

  test('THEN starting the task may run only this family on this cluster and pass only its two roles, to ECS tasks', () => {
    const statements = statementsOf(template, 'RunonEventRole');
    expect(statements).toHaveLength(3);
    expect(statements).toContainEqual({
      Action: 'ecs:RunTask',
      Effect: 'Allow',
      Resource: 'arn:aws:ecs:us-east-1:111111111111:task-definition/setup:*',
      Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] } } },
    });
    expect(statements).toContainEqual({
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: expect.arrayContaining([{ 'Fn::GetAtt': [expect.stringMatching(/^TaskTaskRole/), 'Arn'] }, { 'Fn::GetAtt': [expect.stringMatching(/^TaskExecutionRole/), 'Arn'] }]),
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }));
    expect(statements.find((st) => st.Action === 'iam:PassRole')!.Resource).toHaveLength(2);
  });

  test('THEN polling may describe only the tasks of this cluster', () => {
    const statements = statementsOf(template, 'RunisCompleteRole');
    expect(statements).toHaveLength(2);
    expect(statements).toContainEqual({
      Action: 'ecs:DescribeTasks',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:aws:ecs:us-east-1:111111111111:task/', { Ref: expect.stringMatching(/^Cluster/) }, '/*']] },
      Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] } } },
    });
  });

  test('THEN no function carries a managed policy, and every one logs to an encrypted group with retention', () => {
    // (The VPC's own default-group custom resource aside.)
    const ours = <T>(found: Record<string, T>): T[] => Object.entries(found).filter(([id]) => id.startsWith('Run')).map(([, r]) => r);
    const roles = ours(template.findResources('AWS::IAM::Role'));
    // Two handlers, the framework's onEvent, its isComplete and onTimeout (one role), the waiter.
    expect(roles).toHaveLength(5);
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const functions = ours(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const f of functions) expect(f.Properties.LoggingConfig).toMatchObject({ LogGroup: { Ref: expect.stringMatching(/^RunLog/) } });
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.absent() } })).filter((g) => g.Properties.KmsKeyId)) {
      expect(group.Properties).toMatchObject({ RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } });
    }
    // The waiter's group is named under /aws/vendedlogs/, per construct path, and deleted with the stack so the name is free again.
    const waiter = template.toJSON().Resources[stack.getLogicalId(run.waiterLogGroup.node.defaultChild as logs.CfnLogGroup)];
    expect(waiter).toMatchObject({ DeletionPolicy: 'Delete', Properties: { LogGroupName: `/aws/vendedlogs/states/${run.node.addr}`, RetentionInDays: 30, KmsKeyId: expect.anything() } });
  });

  test('THEN the waiter polls every 15 seconds for 20 minutes, under CloudFormation\'s hour, and logs every event', () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.stringify(machine!.Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":15,\\"MaxAttempts\\":80,\\"BackoffRate\\":1');
    expect(machine!.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL' });
  });

  test('GIVEN a total timeout of an hour or more THEN construction fails naming the limit', () => {
    expect(() => fixture({ totalTimeout: Duration.hours(2) })).toThrow("DeployTaskRun totalTimeout must be under 1 hour, CloudFormation's limit on a custom resource (got 2 hours)");
  });
});

// A stand-in for the runtime's @aws-sdk/client-ecs: records each command and answers from a queue.
function loadHandler(answers: unknown[]): { handler: Record<string, (event: unknown) => Promise<unknown>>; sent: { command: string; input: unknown }[] } {
  const sent: { command: string; input: unknown }[] = [];
  const command = (name: string) =>
    class {
      constructor(public readonly input: unknown) {
        sent.push({ command: name, input });
      }
    };
  const sdk = { ECSClient: class { send = async (): Promise<unknown> => answers.shift(); }, RunTaskCommand: command('RunTask'), DescribeTasksCommand: command('DescribeTasks') };
  const module = { exports: {} as Record<string, (event: unknown) => Promise<unknown>> };
  const fakeRequire = (id: string): unknown => {
    if (id !== '@aws-sdk/client-ecs') throw new Error(`unexpected require ${id}`);
    return sdk;
  };
  new Function('exports', 'require', 'module', DEPLOY_TASK_RUN_HANDLER)(module.exports, fakeRequire, module);
  return { handler: module.exports, sent };
}

const PROPS = { Cluster: 'arn:aws:ecs:us-east-1:111111111111:cluster/c', TaskDefinition: 'arn:aws:ecs:us-east-1:111111111111:task-definition/setup:3', Container: 'psql', Subnets: ['subnet-1'], SecurityGroups: ['sg-1'], LogGroup: 'setup-log' };
const TASK = 'arn:aws:ecs:us-east-1:111111111111:task/c/abc';

describe('the inline handler', () => {
  test('GIVEN Create or Update THEN it starts the task in the private subnets and returns its ARN as the physical id', async () => {
    for (const RequestType of ['Create', 'Update']) {
      const { handler, sent } = loadHandler([{ tasks: [{ taskArn: TASK }], failures: [] }]);
      await expect(handler.onEvent!({ RequestType, ResourceProperties: PROPS })).resolves.toEqual({ PhysicalResourceId: TASK });
      expect(sent).toEqual([
        {
          command: 'RunTask',
          input: expect.objectContaining({
            cluster: PROPS.Cluster,
            taskDefinition: PROPS.TaskDefinition,
            launchType: 'FARGATE',
            count: 1,
            networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
          }),
        },
      ]);
    }
  });

  test('GIVEN Delete THEN it starts nothing and is complete at once', async () => {
    const { handler, sent } = loadHandler([]);
    await expect(handler.onEvent!({ RequestType: 'Delete', PhysicalResourceId: TASK, ResourceProperties: PROPS })).resolves.toEqual({ PhysicalResourceId: TASK });
    await expect(handler.isComplete!({ RequestType: 'Delete', PhysicalResourceId: TASK, ResourceProperties: PROPS })).resolves.toEqual({ IsComplete: true });
    expect(sent).toEqual([]);
  });

  test('GIVEN ECS cannot place the task THEN the deploy fails with ECS\'s reason', async () => {
    const { handler } = loadHandler([{ tasks: [], failures: [{ reason: 'RESOURCE:ENI' }] }]);
    await expect(handler.onEvent!({ RequestType: 'Create', ResourceProperties: PROPS })).rejects.toThrow('RunTask started no task: [{"reason":"RESOURCE:ENI"}]');
  });

  test('GIVEN the task is still running THEN it is not complete; GIVEN it stopped with 0 THEN it is', async () => {
    const { handler, sent } = loadHandler([
      { tasks: [{ taskArn: TASK, lastStatus: 'RUNNING', containers: [{ name: 'psql' }] }] },
      { tasks: [{ taskArn: TASK, lastStatus: 'STOPPED', containers: [{ name: 'psql', exitCode: 0 }] }] },
    ]);
    const event = { RequestType: 'Create', PhysicalResourceId: TASK, ResourceProperties: PROPS };
    await expect(handler.isComplete!(event)).resolves.toEqual({ IsComplete: false });
    await expect(handler.isComplete!(event)).resolves.toEqual({ IsComplete: true });
    expect(sent[0]).toEqual({ command: 'DescribeTasks', input: { cluster: PROPS.Cluster, tasks: [TASK] } });
  });

  test('GIVEN the container exited other than 0, or never started THEN the deploy fails with the exit code, the reason and the log group', async () => {
    const { handler } = loadHandler([
      { tasks: [{ taskArn: TASK, lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: [{ name: 'psql', exitCode: 3 }] }] },
      { tasks: [{ taskArn: TASK, lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError', containers: [{ name: 'psql', reason: 'CannotPullContainerError: timeout' }] }] },
    ]);
    const event = { RequestType: 'Update', PhysicalResourceId: TASK, ResourceProperties: PROPS };
    await expect(handler.isComplete!(event)).rejects.toThrow(`task ${TASK} stopped with exit code 3: EssentialContainerExited, Essential container in task exited; its log: setup-log`);
    await expect(handler.isComplete!(event)).rejects.toThrow(`task ${TASK} stopped with exit code undefined (CannotPullContainerError: timeout): TaskFailedToStart, CannotPullContainerError; its log: setup-log`);
  });
});
