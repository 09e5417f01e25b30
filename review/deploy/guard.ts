import {
  Change,
  ChangeSetType,
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  SetStackPolicyCommand,
  Stack,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { stackPolicyFor } from '../stack-policy';
import { Deployment, StackDeployment } from './assembly';
import { ReviewedChange, reviewChanges, TemplateResource } from './review';

/** The AWS clients of one region; one pair per region the deployment spans (primary, us-east-1 for the edge, standby). */
export interface RegionClients {
  readonly cloudFormation: CloudFormationClient;
  readonly cloudWatch: CloudWatchClient;
}

export interface GuardOptions {
  /** The clients of a region, created once per region (the SDK's default credential chain in bin/deploy.ts; mocks in tests). */
  readonly clients: (region: string) => RegionClients;
  /** Publishes the templates and assets to the bootstrap buckets, so a change set can name its template by URL. */
  readonly publishAssets: () => Promise<void>;
  readonly log: (line: string) => void;
  /** How long to wait between two polls of a change set or a stack. @default 5000 */
  readonly pollIntervalMs?: number;
  /** Name of every change set this run creates. @default `blueprint-guard-<epoch ms>` */
  readonly changeSetName?: string;
}

export interface StackPlan {
  readonly stack: string;
  readonly region: string;
  /**
   * `changes`: reviewed; `no changes`: CloudFormation found nothing to do;
   * `new`: not deployed yet, every resource is added; `not planned`: the
   * change set could not be created (see note).
   */
  readonly status: 'changes' | 'no changes' | 'new' | 'not planned';
  readonly note?: string;
  readonly changes: readonly ReviewedChange[];
}

export interface DeploymentPlan {
  readonly stacks: readonly StackPlan[];
  readonly refused: readonly ReviewedChange[];
  readonly warnings: readonly ReviewedChange[];
  readonly overridden: readonly ReviewedChange[];
}

export interface AlarmState {
  readonly region: string;
  readonly alarmName: string;
  /** OK, ALARM or INSUFFICIENT_DATA; `missing` when the alarm does not exist yet (a first deploy). */
  readonly state: string;
}

export interface DeployRequest {
  /** Deploy even while a page alarm is in ALARM; the reason is logged. */
  readonly force?: string;
  /** `<stack>/<logicalId>` whose replacement or removal is a deliberate migration. */
  readonly allowReplace?: readonly string[];
  /** Why the migration is deliberate; required with allowReplace. */
  readonly reason?: string;
}

export type Outcome =
  | { readonly result: 'deployed'; readonly plan: DeploymentPlan; readonly alarms: readonly AlarmState[]; readonly deployed: readonly string[] }
  | { readonly result: 'refused'; readonly guard: 'plan' | 'error budget'; readonly plan: DeploymentPlan; readonly alarms: readonly AlarmState[]; readonly deployed: readonly string[] };

interface Prepared {
  readonly type: ChangeSetType;
  readonly status: 'ready' | 'empty' | 'failed';
  readonly reason?: string;
  readonly changes: readonly Change[];
}

/** A change set with nothing to do ends FAILED with one of these reasons. */
const NO_CHANGES = /didn't contain changes|No updates are to be performed/;
/**
 * Statuses of a stack that holds no resource and cannot be updated: a change
 * set's empty stack, and a first create that rolled back. CloudFormation
 * accepts only DeleteStack on ROLLBACK_COMPLETE, so the guard deletes it and
 * creates the stack again.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html (stack status codes)
 */
const NOT_DEPLOYED = new Set(['REVIEW_IN_PROGRESS', 'ROLLBACK_COMPLETE']);
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

export class GuardError extends Error {
  /** `usage`: the request itself is wrong (exit 2); `failure`: AWS refused or failed (exit 1). */
  constructor(
    message: string,
    readonly kind: 'usage' | 'failure' = 'failure',
  ) {
    super(message);
    this.name = 'GuardError';
  }
}

/**
 * The kit's deploy: plans each stack against what is deployed (a
 * CloudFormation change set), refuses a replacement or removal of a durable
 * resource and a deploy while the SLO burn-rate page alarm is in ALARM,
 * executes exactly the change sets it reviewed, and leaves every stack with
 * a stack policy that freezes its durable resources (review/stack-policy.ts).
 * Docs: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets.html
 */
export class GuardedDeploy {
  private readonly clientsByRegion = new Map<string, RegionClients>();
  private readonly pollIntervalMs: number;
  private readonly changeSetName: string;
  private published = false;

  constructor(
    private readonly deployment: Deployment,
    private readonly options: GuardOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 5000;
    this.changeSetName = options.changeSetName ?? `blueprint-guard-${Date.now()}`;
  }

  /**
   * Every stack's reviewed change set; each change set is deleted once read.
   * A stack not deployed yet has nothing to compare with: its plan is its
   * template, all added, and planning it creates nothing (no empty
   * REVIEW_IN_PROGRESS stack to clean up, no DeleteStack for the plan role).
   */
  async plan(allowReplace: readonly string[] = []): Promise<DeploymentPlan> {
    const allow = this.checkAllow(allowReplace);
    await this.publishOnce();
    const stacks: StackPlan[] = [];
    for (const stack of this.deployment.stacks) {
      const existing = await this.describeStack(stack);
      if (existing === undefined || NOT_DEPLOYED.has(existing.StackStatus ?? '')) {
        stacks.push(newStackPlan(stack));
        continue;
      }
      const prepared = await this.prepare(stack);
      await this.discard(stack, prepared);
      stacks.push(this.stackPlan(stack, prepared, allow));
    }
    return summarize(stacks);
  }

  /** The state of every SLO burn-rate page alarm of the deployment. */
  async errorBudget(): Promise<AlarmState[]> {
    const states: AlarmState[] = [];
    for (const region of [...new Set(this.deployment.pageAlarms.map((a) => a.region))]) {
      const names = this.deployment.pageAlarms.filter((a) => a.region === region).map((a) => a.alarmName);
      const found = await this.clients(region).cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['CompositeAlarm'] }));
      for (const alarmName of names) {
        const alarm = (found.CompositeAlarms ?? []).find((a) => a.AlarmName === alarmName);
        states.push({ region, alarmName, state: alarm?.StateValue ?? 'missing' });
      }
    }
    return states;
  }

  /** The four steps: plan, error-budget gate, deploy, stack policies. */
  async deploy(request: DeployRequest = {}): Promise<Outcome> {
    const allowReplace = request.allowReplace ?? [];
    if (allowReplace.length > 0 && !request.reason?.trim()) throw new GuardError('--allow-replace needs --reason "why this migration replaces or removes a durable resource"', 'usage');
    if (request.force !== undefined && !request.force.trim()) throw new GuardError('--force needs a reason: --force "why deploying while the error budget burns is right"', 'usage');
    const allow = this.checkAllow(allowReplace);

    const plan = await this.plan(allowReplace);
    if (plan.refused.length > 0) return { result: 'refused', guard: 'plan', plan, alarms: [], deployed: [] };

    const alarms = await this.errorBudget();
    const burning = alarms.filter((a) => a.state === 'ALARM');
    if (burning.length > 0) {
      if (request.force === undefined) return { result: 'refused', guard: 'error budget', plan, alarms, deployed: [] };
      for (const a of burning) this.options.log(`FORCED past ${a.alarmName} in ALARM (${a.region}): ${request.force}`);
    }

    const deployed: string[] = [];
    // The plan reported at the end is what was executed: each stack's second review replaces its first.
    const final = new Map(plan.stacks.map((s) => [s.stack, s]));
    const outcomePlan = (): DeploymentPlan => summarize([...final.values()]);
    for (const stack of this.deployment.stacks) {
      // Planned again now that the stacks before it are deployed: the change set executed is the one reviewed here.
      const prepared = await this.prepare(stack);
      const reviewed = this.stackPlan(stack, prepared, allow);
      final.set(stack.name, reviewed);
      if (reviewed.changes.some((c) => c.verdict === 'refused') || prepared.status === 'failed') {
        await this.discard(stack, prepared);
        if (prepared.status === 'failed') throw new GuardError(`${stack.name}: the change set could not be created: ${prepared.reason}`);
        return { result: 'refused', guard: 'plan', plan: outcomePlan(), alarms, deployed };
      }
      if (prepared.status === 'empty') {
        await this.discard(stack, prepared);
        this.options.log(`${stack.name}: no changes`);
      } else {
        await this.execute(stack, reviewed.changes, request.reason ?? '');
        deployed.push(stack.name);
      }
      await this.protect(stack);
    }
    return { result: 'deployed', plan: outcomePlan(), alarms, deployed };
  }

  private clients(region: string): RegionClients {
    let clients = this.clientsByRegion.get(region);
    if (!clients) {
      clients = this.options.clients(region);
      this.clientsByRegion.set(region, clients);
    }
    return clients;
  }

  private cfn(stack: StackDeployment): CloudFormationClient {
    return this.clients(stack.region).cloudFormation;
  }

  private checkAllow(allowReplace: readonly string[]): ReadonlySet<string> {
    for (const entry of allowReplace) {
      const [stack, logicalId, ...rest] = entry.split('/');
      if (!stack || !logicalId || rest.length > 0 || !this.deployment.stacks.some((s) => s.name === stack)) {
        throw new GuardError(
          `--allow-replace ${entry} is not allowed; allowed: <stack>/<logicalId> with a stack of this deployment (${this.deployment.stacks.map((s) => s.name).join(', ')})`,
          'usage',
        );
      }
    }
    return new Set(allowReplace);
  }

  private async publishOnce(): Promise<void> {
    if (this.published) return;
    await this.options.publishAssets();
    this.published = true;
  }

  private async sleep(): Promise<void> {
    if (this.pollIntervalMs > 0) await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs));
  }

  private async describeStack(stack: StackDeployment): Promise<Stack | undefined> {
    try {
      const out = await this.cfn(stack).send(new DescribeStacksCommand({ StackName: stack.name }));
      return out.Stacks?.[0];
    } catch (e) {
      if (e instanceof Error && /does not exist/.test(e.message)) return undefined;
      throw e;
    }
  }

  /** Creates the stack's change set from the published template and waits for CloudFormation to compute it. */
  private async prepare(stack: StackDeployment): Promise<Prepared> {
    const existing = await this.describeStack(stack);
    const type: ChangeSetType = existing === undefined || NOT_DEPLOYED.has(existing.StackStatus ?? '') ? 'CREATE' : 'UPDATE';
    const cfn = this.cfn(stack);
    if (existing?.StackStatus === 'ROLLBACK_COMPLETE') {
      this.options.log(`${stack.name}: its first create rolled back; deleting the empty stack before creating it again`);
      await cfn.send(new DeleteStackCommand({ StackName: stack.name }));
      while ((await this.describeStack(stack))?.StackStatus === 'DELETE_IN_PROGRESS') await this.sleep();
    }
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: stack.name,
        ChangeSetName: this.changeSetName,
        ChangeSetType: type,
        TemplateURL: stack.templateUrl,
        RoleARN: stack.executionRoleArn,
        Capabilities: [...CAPABILITIES],
        Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
        Description: 'Reviewed by the guarded deploy (npm run deploy)',
      }),
    );
    for (;;) {
      const head = await cfn.send(new DescribeChangeSetCommand({ StackName: stack.name, ChangeSetName: this.changeSetName }));
      if (head.Status === 'CREATE_COMPLETE') {
        const changes = [...(head.Changes ?? [])];
        let next = head.NextToken;
        while (next) {
          const page = await cfn.send(new DescribeChangeSetCommand({ StackName: stack.name, ChangeSetName: this.changeSetName, NextToken: next }));
          changes.push(...(page.Changes ?? []));
          next = page.NextToken;
        }
        return { type, status: 'ready', changes };
      }
      if (head.Status === 'FAILED') {
        const reason = head.StatusReason ?? 'no reason given';
        return { type, status: NO_CHANGES.test(reason) ? 'empty' : 'failed', reason, changes: [] };
      }
      await this.sleep();
    }
  }

  /** Deletes a change set this run created, and the empty stack a CREATE change set leaves (REVIEW_IN_PROGRESS). */
  private async discard(stack: StackDeployment, prepared: Prepared): Promise<void> {
    const cfn = this.cfn(stack);
    await cfn.send(new DeleteChangeSetCommand({ StackName: stack.name, ChangeSetName: this.changeSetName }));
    if (prepared.type === 'CREATE') await cfn.send(new DeleteStackCommand({ StackName: stack.name }));
  }

  private stackPlan(stack: StackDeployment, prepared: Prepared, allow: ReadonlySet<string>): StackPlan {
    const base = { stack: stack.name, region: stack.region };
    if (prepared.status === 'empty') return { ...base, status: 'no changes', changes: [] };
    if (prepared.status === 'failed') return { ...base, status: 'not planned', note: prepared.reason, changes: [] };
    const changes = reviewChanges({ stack: stack.name, changes: prepared.changes, resources: stack.template.Resources ?? {}, allow });
    return { ...base, status: 'changes', changes };
  }

  /** Executes the reviewed change set under a stack policy that lets exactly the overridden resources go, then waits. */
  private async execute(stack: StackDeployment, changes: readonly ReviewedChange[], reason: string): Promise<void> {
    const cfn = this.cfn(stack);
    const overridden = changes.filter((c) => c.verdict === 'allowed by override');
    for (const c of overridden) this.options.log(`OVERRIDE ${c.stack}/${c.logicalId} (${c.type}) may be ${c.action === 'Remove' ? 'removed' : 'replaced'}: ${reason}`);
    // The protective policy denies removing any durable resource, also those the review let go without an
    // override: one CloudFormation retains, a database's group removed with its instances.
    const letGo = changes.filter((c) => c.verdict === 'allowed by override' || (c.stateClass === 'durable' && c.action === 'Remove' && c.verdict !== 'refused'));
    if (letGo.length > 0) {
      // ExecuteChangeSet takes no StackPolicyDuringUpdateBody: the override is set before and replaced after.
      const removed = Object.fromEntries(changes.filter((c) => c.action === 'Remove').map((c): [string, TemplateResource] => [c.logicalId, { Type: c.type }]));
      const policy = stackPolicyFor({ Resources: { ...removed, ...stack.template.Resources } }, { allow: letGo.map((c) => c.logicalId) });
      this.options.log(`${stack.name}: override stack policy for this update lets ${letGo.map((c) => c.logicalId).join(', ')} go`);
      await cfn.send(new SetStackPolicyCommand({ StackName: stack.name, StackPolicyBody: JSON.stringify(policy) }));
    }
    try {
      await this.executeAndWait(stack, changes.length);
    } catch (e) {
      // On success protect() sets the protective policy; on failure it is restored here before the error surfaces.
      if (letGo.length > 0) {
        await cfn.send(new SetStackPolicyCommand({ StackName: stack.name, StackPolicyBody: JSON.stringify(stackPolicyFor(stack.template)) }));
        this.options.log(`${stack.name}: override stack policy replaced by the protective one`);
      }
      throw e;
    }
  }

  private async executeAndWait(stack: StackDeployment, count: number): Promise<void> {
    const cfn = this.cfn(stack);
    this.options.log(`${stack.name}: executing change set ${this.changeSetName} (${count} change(s))`);
    await cfn.send(new ExecuteChangeSetCommand({ StackName: stack.name, ChangeSetName: this.changeSetName }));
    let status: string | undefined;
    for (;;) {
      status = (await this.describeStack(stack))?.StackStatus;
      if (status !== undefined && !status.endsWith('_IN_PROGRESS')) break;
      await this.sleep();
    }
    if (status !== 'CREATE_COMPLETE' && status !== 'UPDATE_COMPLETE') {
      const events = await cfn.send(new DescribeStackEventsCommand({ StackName: stack.name }));
      const failures = (events.StackEvents ?? []).filter((e) => e.ResourceStatus?.endsWith('_FAILED')).slice(0, 5);
      for (const e of failures) this.options.log(`  ${e.LogicalResourceId} ${e.ResourceStatus}: ${e.ResourceStatusReason}`);
      throw new GuardError(`${stack.name}: deploy ended ${status}`);
    }
    this.options.log(`${stack.name}: ${status}`);
  }

  /** Leaves the stack with its protective stack policy and the termination protection its manifest asks for. */
  private async protect(stack: StackDeployment): Promise<void> {
    const cfn = this.cfn(stack);
    await cfn.send(new SetStackPolicyCommand({ StackName: stack.name, StackPolicyBody: JSON.stringify(stackPolicyFor(stack.template)) }));
    const described = await this.describeStack(stack);
    if (described !== undefined && (described.EnableTerminationProtection ?? false) !== stack.terminationProtection) {
      await cfn.send(new UpdateTerminationProtectionCommand({ StackName: stack.name, EnableTerminationProtection: stack.terminationProtection }));
    }
    this.options.log(`${stack.name}: stack policy freezes its durable resources`);
  }
}

function newStackPlan(stack: StackDeployment): StackPlan {
  const changes: Change[] = Object.entries(stack.template.Resources ?? {}).map(([id, r]) => ({
    Type: 'Resource',
    ResourceChange: { Action: 'Add', LogicalResourceId: id, ResourceType: r.Type },
  }));
  return { stack: stack.name, region: stack.region, status: 'new', changes: reviewChanges({ stack: stack.name, changes, resources: stack.template.Resources ?? {}, allow: new Set() }) };
}

function summarize(stacks: readonly StackPlan[]): DeploymentPlan {
  const all = stacks.flatMap((s) => s.changes);
  return {
    stacks,
    refused: all.filter((c) => c.verdict === 'refused'),
    warnings: all.filter((c) => c.verdict === 'warning'),
    overridden: all.filter((c) => c.verdict === 'allowed by override'),
  };
}
