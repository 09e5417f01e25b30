import {
  Change,
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateChangeSetCommandInput,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  SetStackPolicyCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { StackDeployment } from '../../review/deploy/assembly';
import { StackPolicy, PolicyStatement } from '../../review/stack-policy';

/** What CloudFormation computes for a stack's next change set. */
export type Planned = readonly Change[] | { readonly empty: true } | { readonly failed: string };

export interface FakeRegionOptions {
  /** Stacks that exist, by name, with their status. */
  readonly stacks?: Readonly<Record<string, string>>;
  /** The changes each stack's change sets hold; a function of the attempt (0, 1, ...) when they differ from one change set to the next. */
  readonly planned?: Readonly<Record<string, Planned | ((attempt: number) => Planned)>>;
  /** Composite alarms and their state. */
  readonly alarms?: Readonly<Record<string, string>>;
  /** The status a stack ends in when its change set is executed. @default CREATE_COMPLETE or UPDATE_COMPLETE */
  readonly endsIn?: Readonly<Record<string, string>>;
}

interface ChangeSet {
  readonly input: CreateChangeSetCommandInput;
}

/**
 * A region's CloudFormation and CloudWatch on aws-sdk-client-mock, with
 * just enough state to check what the guard leaves behind: stacks, their
 * policies, the change sets still present, and a journal of every call
 * that changes something, in order.
 */
export class FakeRegion {
  readonly cloudFormation: CloudFormationClient;
  readonly cloudWatch: CloudWatchClient;
  readonly cfnMock: AwsClientStub<CloudFormationClient>;
  readonly cwMock: AwsClientStub<CloudWatchClient>;
  readonly stacks = new Map<string, { status: string; policy?: StackPolicy; terminationProtection: boolean }>();
  readonly changeSets = new Map<string, ChangeSet>();
  readonly journal: string[] = [];
  private readonly attempts = new Map<string, number>();

  constructor(
    readonly region: string,
    options: FakeRegionOptions = {},
  ) {
    this.cloudFormation = new CloudFormationClient({ region });
    this.cloudWatch = new CloudWatchClient({ region });
    this.cfnMock = mockClient(this.cloudFormation);
    this.cwMock = mockClient(this.cloudWatch);
    for (const [name, status] of Object.entries(options.stacks ?? {})) this.stacks.set(name, { status, terminationProtection: false });
    const key = (stack?: string, name?: string): string => `${stack}|${name}`;
    const stack = (name: string | undefined): { status: string; policy?: StackPolicy; terminationProtection: boolean } => {
      const s = this.stacks.get(name ?? '');
      if (!s) throw Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });
      return s;
    };

    this.cfnMock.on(DescribeStacksCommand).callsFake((input) => {
      const s = stack(input.StackName);
      return { Stacks: [{ StackName: input.StackName, StackStatus: s.status, EnableTerminationProtection: s.terminationProtection, CreationTime: new Date() }] };
    });
    this.cfnMock.on(CreateChangeSetCommand).callsFake((input) => {
      this.journal.push(`CreateChangeSet ${input.StackName} ${input.ChangeSetType}`);
      if (input.ChangeSetType === 'CREATE' && !this.stacks.has(input.StackName!)) this.stacks.set(input.StackName!, { status: 'REVIEW_IN_PROGRESS', terminationProtection: false });
      this.changeSets.set(key(input.StackName, input.ChangeSetName), { input });
      this.attempts.set(input.StackName!, (this.attempts.get(input.StackName!) ?? 0) + 1);
      return { Id: `arn:aws:cloudformation:${region}:111111111111:changeSet/${input.ChangeSetName}/1`, StackId: input.StackName };
    });
    this.cfnMock.on(DescribeChangeSetCommand).callsFake((input) => {
      if (!this.changeSets.has(key(input.StackName, input.ChangeSetName))) throw Object.assign(new Error('ChangeSet does not exist'), { name: 'ChangeSetNotFoundException' });
      const given = options.planned?.[input.StackName!] ?? [];
      const planned = typeof given === 'function' ? given(this.attempts.get(input.StackName!)! - 1) : given;
      if ('empty' in planned) return { Status: 'FAILED', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set." };
      if ('failed' in planned) return { Status: 'FAILED', StatusReason: planned.failed };
      return { Status: 'CREATE_COMPLETE', Changes: [...planned] };
    });
    this.cfnMock.on(DeleteChangeSetCommand).callsFake((input) => {
      this.journal.push(`DeleteChangeSet ${input.StackName}`);
      this.changeSets.delete(key(input.StackName, input.ChangeSetName));
      return {};
    });
    this.cfnMock.on(DeleteStackCommand).callsFake((input) => {
      this.journal.push(`DeleteStack ${input.StackName}`);
      if (!['REVIEW_IN_PROGRESS', 'ROLLBACK_COMPLETE'].includes(stack(input.StackName).status)) throw new Error(`the guard deleted ${input.StackName}, a stack with resources`);
      this.stacks.delete(input.StackName!);
      return {};
    });
    this.cfnMock.on(ExecuteChangeSetCommand).callsFake((input) => {
      this.journal.push(`ExecuteChangeSet ${input.StackName}`);
      const cs = this.changeSets.get(key(input.StackName, input.ChangeSetName));
      if (!cs) throw new Error(`no change set ${input.ChangeSetName} on ${input.StackName}`);
      const s = stack(input.StackName);
      s.status = options.endsIn?.[input.StackName!] ?? (cs.input.ChangeSetType === 'CREATE' ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE');
      // CloudFormation removes a stack's change sets once one is executed.
      for (const k of [...this.changeSets.keys()]) if (k.startsWith(`${input.StackName}|`)) this.changeSets.delete(k);
      return {};
    });
    this.cfnMock.on(DescribeStackEventsCommand).resolves({
      StackEvents: [{ StackId: 'x', EventId: '1', StackName: 'x', Timestamp: new Date(), LogicalResourceId: 'Database', ResourceStatus: 'UPDATE_FAILED', ResourceStatusReason: 'Action denied by stack policy' }],
    });
    this.cfnMock.on(SetStackPolicyCommand).callsFake((input) => {
      this.journal.push(`SetStackPolicy ${input.StackName}`);
      stack(input.StackName).policy = JSON.parse(input.StackPolicyBody!);
      return {};
    });
    this.cfnMock.on(UpdateTerminationProtectionCommand).callsFake((input) => {
      this.journal.push(`UpdateTerminationProtection ${input.StackName} ${input.EnableTerminationProtection}`);
      stack(input.StackName).terminationProtection = input.EnableTerminationProtection!;
      return {};
    });
    this.cwMock.on(DescribeAlarmsCommand).callsFake((input) => ({
      CompositeAlarms: (input.AlarmNames ?? [])
        .filter((n: string) => options.alarms?.[n] !== undefined)
        .map((n: string) => ({ AlarmName: n, StateValue: options.alarms![n] })),
      MetricAlarms: [],
    }));
  }

  /** The policies set on a stack, in order. */
  policiesSet(stackName: string): StackPolicy[] {
    return this.cfnMock
      .commandCalls(SetStackPolicyCommand)
      .filter((c) => c.args[0].input.StackName === stackName)
      .map((c) => JSON.parse(c.args[0].input.StackPolicyBody!) as StackPolicy);
  }
}

/** A resource change as DescribeChangeSet returns it. */
export function change(
  logicalId: string,
  type: string,
  action: 'Add' | 'Modify' | 'Remove',
  replacement?: 'True' | 'False' | 'Conditional',
  details: readonly { name: string; recreation: 'Never' | 'Conditionally' | 'Always' }[] = [],
): Change {
  return {
    Type: 'Resource',
    ResourceChange: {
      Action: action,
      LogicalResourceId: logicalId,
      ResourceType: type,
      Replacement: replacement,
      Details: details.map((d) => ({
        Target: { Attribute: 'Properties', Name: d.name, RequiresRecreation: d.recreation },
        Evaluation: 'Static',
        ChangeSource: 'DirectModification',
      })),
    },
  };
}

/**
 * Whether a stack policy denies an update action on a resource, evaluated
 * as the AWS page describes it: a Deny wins over an Allow, and an action no
 * statement allows is denied.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html
 */
export function policyDenies(policy: StackPolicy, action: string, logicalId: string, type: string): boolean {
  const matches = (s: PolicyStatement): boolean => {
    const actions = typeof s.Action === 'string' ? [s.Action] : s.Action;
    const resources = typeof s.Resource === 'string' ? [s.Resource] : s.Resource;
    const actionOk = actions.some((a) => a === action || a === 'Update:*');
    const resourceOk = resources.some((r) => r === '*' || r === `LogicalResourceId/${logicalId}`);
    const typeOk = s.Condition === undefined || s.Condition.StringEquals.ResourceType.includes(type);
    return actionOk && resourceOk && typeOk;
  };
  const matched = policy.Statement.filter(matches);
  return matched.some((s) => s.Effect === 'Deny') || !matched.some((s) => s.Effect === 'Allow');
}

/** A synthesized stack as the guarded deploy reads it, in account 123456789012, bootstrapped with the default qualifier. */
export const fakeStack = (name: string, region: string, resources: StackDeployment['template']['Resources'], dependsOn: string[] = []): StackDeployment => ({
  name,
  account: '123456789012',
  region,
  template: { Resources: resources },
  templateUrl: `https://s3.${region}.amazonaws.com/cdk-hnb659fds-assets-123456789012-${region}/${name}.json`,
  executionRoleArn: `arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-${region}`,
  tags: { 'blueprint:stage': 'prod' },
  terminationProtection: name.endsWith('data'),
  dependsOn,
});
