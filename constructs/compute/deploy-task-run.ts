import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeLogGroup, controlTower, inCompliancePacks } from '../security/acknowledge';
import { DEPLOY_TASK_RUN_HANDLER } from './deploy-task-run-handler';
import { runTaskGrant } from './run-task-grant';

/** CloudFormation's own limit on one custom resource operation: `ServiceTimeout`, at most and by default 3,600 seconds. */
export const CUSTOM_RESOURCE_TIMEOUT = Duration.hours(1);

/** The custom resource type: the gate finds the runs by it. */
export const DEPLOY_TASK_RUN_TYPE = 'Custom::DeployTaskRun';

export interface DeployTaskRunProps {
  readonly cluster: ecs.ICluster;
  /** Run as it is, with its essential container's exit code deciding the deploy. */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The container whose exit code counts. */
  readonly container: ecs.ContainerDefinition;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroups: readonly ec2.ISecurityGroup[];
  /** Where the task's container logs, named in the failure message. */
  readonly taskLogGroup: logs.ILogGroup;
  /**
   * Values that run the task again when they change, besides the task
   * definition's revision (which changes with any of its properties).
   * @default - none
   */
  readonly runWhenChanged?: Readonly<Record<string, string>>;
  /** Encrypts the handlers' and the waiter's logs. */
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /**
   * How long the task may take before the deploy fails; below CloudFormation's
   * one-hour limit on a custom resource, which would otherwise fail it first
   * with no reason.
   * @default Duration.minutes(20)
   */
  readonly totalTimeout?: Duration;
}

/**
 * Runs a Fargate task once during a deploy, on create and whenever its task
 * definition or `runWhenChanged` changes, never on delete, and fails the
 * deploy when the task's container exits other than 0: a CloudFormation
 * custom resource on the provider framework (onEvent starts the task,
 * isComplete polls until it STOPPED). Resources that depend on it, or
 * stacks that depend on its stack, deploy only after the task succeeded.
 * On a rollback of an update CloudFormation sends an update back to the
 * previous properties, which runs the previous revision once more, so the
 * task must be idempotent (AWS CloudFormation User Guide, "Custom resources":
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-custom-resources.html).
 */
export class DeployTaskRun extends Construct {
  public readonly resource: CustomResource;
  public readonly provider: cr.Provider;
  /** Starts the task: ecs:RunTask on its family, on this cluster; iam:PassRole on its two roles. */
  public readonly onEventFunction: lambda.Function;
  /** Polls the task: ecs:DescribeTasks on this cluster's tasks. */
  public readonly isCompleteFunction: lambda.Function;
  /** Every log line of the handlers and the provider framework's functions. */
  public readonly logGroup: logs.LogGroup;
  /** The waiter state machine's execution history. */
  public readonly waiterLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DeployTaskRunProps) {
    super(scope, id);
    const totalTimeout = props.totalTimeout ?? Duration.minutes(20);
    if (totalTimeout.toSeconds() >= CUSTOM_RESOURCE_TIMEOUT.toSeconds()) {
      throw new Error(`DeployTaskRun totalTimeout must be under ${CUSTOM_RESOURCE_TIMEOUT.toHumanString()}, CloudFormation's limit on a custom resource (got ${totalTimeout.toHumanString()})`);
    }
    const { partition, region, account } = Stack.of(this);
    const definition = props.taskDefinition;

    this.logGroup = new logs.LogGroup(this, 'Log', {
      retention: props.logRetention,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeLogGroup(this.logGroup, props.encryptionKey);
    // Step Functions writes through CloudWatch Logs vended delivery, which adds every group it writes to to one
    // account-wide resource policy unless the name starts with /aws/vendedlogs/ (AWS Step Functions Developer Guide,
    // "Using CloudWatch Logs to log execution history": https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
    // Named per construct path (stack name included); deleted with the stack, so recreating it finds the name free.
    this.waiterLogGroup = new logs.LogGroup(this, 'WaiterLog', {
      logGroupName: `/aws/vendedlogs/states/${this.node.addr}`,
      retention: props.logRetention,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeLogGroup(this.waiterLogGroup, props.encryptionKey);

    // Roles of their own with exactly what each function calls, rather than AWSLambdaBasicExecutionRole on every log group.
    const logStreams = `${this.logGroup.logGroupArn}:*`;
    const role = (name: string, statements: iam.PolicyStatement[] = []): iam.Role => {
      const r = new iam.Role(this, `${name}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      r.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logStreams] }));
      for (const s of statements) r.addToPrincipalPolicy(s);
      return r;
    };
    const handler = (name: 'onEvent' | 'isComplete', statements: iam.PolicyStatement[]): lambda.Function =>
      new lambda.Function(this, name, {
        runtime: lambda.Runtime.NODEJS_24_X,
        code: lambda.Code.fromInline(DEPLOY_TASK_RUN_HANDLER),
        handler: `index.${name}`,
        timeout: Duration.seconds(30),
        role: role(name, statements),
        logGroup: this.logGroup,
      });

    // DescribeTasks takes the `task` resource, whose ARN names the cluster (Service Authorization Reference, as in runTaskGrant).
    const { family, statements: runTask } = runTaskGrant(definition, props.cluster);
    const tasks = `arn:${partition}:ecs:${region}:${account}:task/${props.cluster.clusterName}/*`;
    this.onEventFunction = handler('onEvent', runTask);
    acknowledge(
      this.onEventFunction.role!,
      'ecs:RunTask on every revision of this one task definition family (`family:*`), on this cluster only: the resource runs the revision it names, which is new on every change.',
      `AwsSolutions-IAM5[Resource::${nagName(this, family)}]`,
    );
    this.isCompleteFunction = handler('isComplete', [
      new iam.PolicyStatement({ actions: ['ecs:DescribeTasks'], resources: [tasks], conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } } }),
    ]);
    acknowledge(
      this.isCompleteFunction.role!,
      'ecs:DescribeTasks on the tasks of this one cluster (`task/<cluster>/*`): a task\'s id is known only once it runs.',
      `AwsSolutions-IAM5[Resource::${nagName(this, tasks)}]`,
    );

    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEventFunction,
      isCompleteHandler: this.isCompleteFunction,
      queryInterval: Duration.seconds(15),
      totalTimeout,
      logGroup: this.logGroup,
      waiterStateMachineLogOptions: { destination: this.waiterLogGroup, level: sfn.LogLevel.ALL },
      disableWaiterStateMachineLogging: false,
      // The framework's default, FATAL, would hide why a run failed; the properties hold no secret.
      frameworkLambdaLoggingLevel: lambda.ApplicationLogLevel.INFO,
      frameworkOnEventRole: role('FrameworkOnEvent'),
      frameworkCompleteAndTimeoutRole: role('FrameworkWaiter'),
    });
    this.acknowledgeFindings([this.onEventFunction, this.isCompleteFunction], logStreams);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.serviceToken,
      resourceType: DEPLOY_TASK_RUN_TYPE,
      // Explicit, so the gate reads the limit the provider's waiter must stay under.
      serviceTimeout: CUSTOM_RESOURCE_TIMEOUT,
      properties: {
        Cluster: props.cluster.clusterArn,
        TaskDefinition: definition.taskDefinitionArn,
        Container: props.container.containerName,
        Subnets: props.cluster.vpc.selectSubnets(props.subnets).subnetIds,
        SecurityGroups: props.securityGroups.map((g) => g.securityGroupId),
        LogGroup: props.taskLogGroup.logGroupName,
        ...props.runWhenChanged,
      },
    });
    // The policies exist before the first call.
    this.resource.node.addDependency(this.onEventFunction.role!, this.isCompleteFunction.role!);
  }

  /** What the compliance packs report on the provider framework and the handlers, each with its reason. */
  private acknowledgeFindings(handlers: lambda.IFunction[], logStreams: string): void {
    acknowledge(
      this,
      'Each function may write log streams of this run\'s own log group only (`:*` is its streams).',
      `AwsSolutions-IAM5[Resource::${nagName(this, logStreams)}]`,
    );
    const framework = ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout'].map((id) => this.provider.node.findChild(id) as lambda.Function);
    acknowledge(
      this,
      'The provider framework grants lambda:InvokeFunction on each handler and its versions (`<function>:*`), one function each, never another.',
      ...[...handlers, ...framework].map((f) => `AwsSolutions-IAM5[Resource::${nagName(this, `${f.functionArn}:*`)}]`),
    );
    acknowledge(
      this,
      'Each role gets exactly one policy, the one CDK attaches with its least-privilege statements; it lives and dies with the role.',
      ...inCompliancePacks('IAMNoInlinePolicy'),
    );
    acknowledge(
      this,
      'The functions call AWS APIs only (ECS, Lambda, Step Functions, CloudWatch Logs) and carry no data; inside the VPC they would reach the same APIs through the NAT gateways, and their network interfaces would hold up every delete of the stack.',
      ...inCompliancePacks('LambdaInsideVPC'),
      controlTower('lambda_inside_vpc_check'),
    );
    acknowledge(
      this,
      'Invoked once per deploy by CloudFormation and then every 15 seconds by the waiter; reserved concurrency would come out of the account\'s unreserved pool, which Lambda refuses to take below 100.',
      ...inCompliancePacks('LambdaConcurrency', 'PCI.DSS.321'),
    );
    acknowledge(
      this,
      'A failure is reported to CloudFormation, which fails the deploy with its reason, and an event that is never handled ends in the custom resource\'s timeout: nothing is lost silently for a dead-letter queue to keep.',
      ...inCompliancePacks('LambdaDLQ', 'PCI.DSS.321'),
    );
    acknowledge(
      this.provider,
      'The waiter calls one function every 15 seconds; each call and its result are in its execution history and, at level ALL, in its log group. Tracing would add nothing to find.',
      'AwsSolutions-SF2',
      controlTower('step_functions_state_machine_tracing_enabled_check'),
    );
    acknowledge(
      this.provider,
      'Step Functions log delivery (logs:CreateLogDelivery and the rest of the statement the provider framework writes) supports no resource-level permissions: the resource must be `*` (AWS Step Functions Developer Guide, "IAM policies for logging to CloudWatch Logs").',
      'AwsSolutions-IAM5[Resource::*]',
    );
  }
}

/** A policy resource as cdk-nag names it in a finding id: references as `<LogicalId>` or `<LogicalId.Attribute>`. */
function nagName(scope: Construct, value: string): string {
  const part = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as Record<string, unknown>;
    if ('Ref' in o) return `<${o.Ref as string}>`;
    if ('Fn::GetAtt' in o) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in o) return (o['Fn::Join'] as [string, unknown[]])[1].map(part).join((o['Fn::Join'] as [string, unknown[]])[0]);
    throw new Error(`cannot name ${JSON.stringify(v)} as cdk-nag does`);
  };
  return part(Stack.of(scope).resolve(value));
}
