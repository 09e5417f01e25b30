import { DeadLetterKeyAllowsScheduler } from '../../../review/gate/rules/schedules/dead-letter-key-allows-scheduler';
import { SchedulerPassesTaskRoles } from '../../../review/gate/rules/schedules/scheduler-passes-task-roles';
import { deployment, firing, messages, stackOutput } from '../support';

interface JobOptions {
  readonly passRoles?: unknown[];
  readonly passCondition?: boolean;
  readonly runTask?: boolean;
  readonly sendMessage?: boolean;
  readonly keyActions?: string[];
  readonly keyPolicyRoot?: boolean;
}

/** A schedule stack like the kit's: the DLQ's key lives in the data stack, the rest beside the schedule. */
function job(o: JobOptions = {}) {
  const statements = [
    ...(o.runTask === false ? [] : [{ Effect: 'Allow', Action: 'ecs:RunTask', Resource: 'arn:aws:ecs:us-east-1:111111111111:task-definition/job:*' }]),
    {
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: o.passRoles ?? [{ 'Fn::GetAtt': ['TaskRole', 'Arn'] }, { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] }],
      ...(o.passCondition === false ? {} : { Condition: { StringLike: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } }),
    },
    ...(o.sendMessage === false ? [] : [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] } }]),
    { Effect: 'Allow', Action: o.keyActions ?? ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: stackOutput('data', 'KeyArn') },
  ];
  return deployment({
    data: {
      resources: {
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: {
            KeyPolicy: {
              Statement:
                o.keyPolicyRoot === false
                  ? [{ Effect: 'Allow', Principal: { Service: 'logs.us-east-1.amazonaws.com' }, Action: 'kms:*', Resource: '*' }]
                  : [{ Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } }, Action: 'kms:*', Resource: '*' }],
            },
          },
        },
      },
      outputs: { KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
    },
    job: {
      resources: {
        TaskRole: { Type: 'AWS::IAM::Role', Properties: {} },
        ExecutionRole: { Type: 'AWS::IAM::Role', Properties: {} },
        OtherRole: { Type: 'AWS::IAM::Role', Properties: {} },
        Definition: { Type: 'AWS::ECS::TaskDefinition', Properties: { TaskRoleArn: { 'Fn::GetAtt': ['TaskRole', 'Arn'] }, ExecutionRoleArn: { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] } } },
        DeadLetters: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: stackOutput('data', 'KeyArn') } },
        SchedulerRole: { Type: 'AWS::IAM::Role', Properties: {} },
        SchedulerPolicy: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'SchedulerRole' }], PolicyDocument: { Statement: statements } } },
        Schedule: {
          Type: 'AWS::Scheduler::Schedule',
          Properties: {
            Target: {
              Arn: 'arn:aws:ecs:us-east-1:111111111111:cluster/app',
              RoleArn: { 'Fn::GetAtt': ['SchedulerRole', 'Arn'] },
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] } },
              EcsParameters: { TaskDefinitionArn: { Ref: 'Definition' } },
            },
          },
        },
      },
    },
  });
}

describe('SchedulerPassesTaskRoles', () => {
  test('GIVEN RunTask and PassRole on exactly the task and execution roles, to ECS tasks THEN it passes', () => {
    expect(firing(SchedulerPassesTaskRoles, job())).toEqual([]);
  });
  test('GIVEN PassRole on the task role only THEN it fires: ECS refuses a task whose execution role cannot be passed', () => {
    expect(messages(SchedulerPassesTaskRoles, job({ passRoles: [{ 'Fn::GetAtt': ['TaskRole', 'Arn'] }] }))).toEqual([expect.stringMatching(/may not pass ExecutionRole/)]);
  });
  test('GIVEN PassRole on a third role, or on every role THEN it fires', () => {
    const third = [{ 'Fn::GetAtt': ['TaskRole', 'Arn'] }, { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] }, { 'Fn::GetAtt': ['OtherRole', 'Arn'] }];
    expect(messages(SchedulerPassesTaskRoles, job({ passRoles: third }))).toEqual([expect.stringMatching(/roles the task does not use: job\/OtherRole/)]);
    expect(messages(SchedulerPassesTaskRoles, job({ passRoles: ['*'] }))).toEqual(expect.arrayContaining([expect.stringMatching(/may pass any role/)]));
  });
  test('GIVEN PassRole without iam:PassedToService, or no RunTask THEN it fires on the schedule', () => {
    expect(messages(SchedulerPassesTaskRoles, job({ passCondition: false }))).toEqual([expect.stringMatching(/not conditioned on iam:PassedToService/)]);
    expect(firing(SchedulerPassesTaskRoles, job({ runTask: false }))).toEqual(['job Schedule']);
  });
});

describe('DeadLetterKeyAllowsScheduler', () => {
  test('GIVEN SendMessage on the queue, the key\'s actions on the role and a key policy delegating to IAM THEN it passes', () => {
    expect(firing(DeadLetterKeyAllowsScheduler, job())).toEqual([]);
  });
  test('GIVEN no SendMessage THEN it fires', () => {
    expect(messages(DeadLetterKeyAllowsScheduler, job({ sendMessage: false }))).toEqual([expect.stringMatching(/may not send to its dead-letter queue/)]);
  });
  test('GIVEN the role without kms:GenerateDataKey THEN it fires', () => {
    expect(messages(DeadLetterKeyAllowsScheduler, job({ keyActions: ['kms:Decrypt'] }))).toEqual([expect.stringMatching(/may not use the dead-letter queue's key data Key \(kms:GenerateDataKey\)/)]);
  });
  test('GIVEN a key policy that neither delegates to IAM nor names the role THEN it fires', () => {
    expect(messages(DeadLetterKeyAllowsScheduler, job({ keyPolicyRoot: false }))).toEqual([expect.stringMatching(/neither delegates to IAM/)]);
  });
});
