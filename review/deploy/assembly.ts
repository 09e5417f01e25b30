import { CloudAssembly, CloudFormationStackArtifact, EnvironmentPlaceholders } from 'aws-cdk-lib/cx-api';
import { BlueprintConfig, deploymentName } from '../../config';
import { TemplateResource } from './review';

/** One stack as the guarded deploy creates its change set. */
export interface StackDeployment {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly template: { readonly Resources?: Readonly<Record<string, TemplateResource>> };
  /** The template as published by `cdk publish-assets` to the bootstrap bucket. */
  readonly templateUrl: string;
  /** The bootstrap's CloudFormation execution role, passed to the change set. */
  readonly executionRoleArn?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly terminationProtection: boolean;
  /** Stacks of this deployment that must be deployed first. */
  readonly dependsOn: readonly string[];
}

/** Where one SLO burn-rate page alarm lives. */
export interface AlarmLocation {
  readonly region: string;
  readonly alarmName: string;
}

export interface Deployment {
  /** In dependency order. */
  readonly stacks: readonly StackDeployment[];
  readonly pageAlarms: readonly AlarmLocation[];
  /**
   * Stacks of the whole deployment that this one leaves alone although its
   * stacks depend on them (a one-region deploy): they must be deployed
   * already, and nothing here reads their region.
   */
  readonly outside?: readonly { readonly stack: string; readonly region: string; readonly neededBy: readonly string[] }[];
}

/**
 * The name of the composite alarm that pages when the availability SLO's
 * error budget burns fast: constructs/monitoring/burn-rate-alarms.ts names
 * it `<prefix>-availability-burn-page`, and lib/app-stack.ts passes the
 * deployment name (config/names.ts) as the prefix, in each region.
 */
export function pageAlarmName(config: Pick<BlueprintConfig, 'appName' | 'stage'>): string {
  return `${deploymentName(config)}-availability-burn-page`;
}

function partitionOf(region: string): { partition: string; urlSuffix: string } {
  if (region.startsWith('cn-')) return { partition: 'aws-cn', urlSuffix: 'amazonaws.com.cn' };
  if (region.startsWith('us-gov-')) return { partition: 'aws-us-gov', urlSuffix: 'amazonaws.com' };
  return { partition: 'aws', urlSuffix: 'amazonaws.com' };
}

/** `s3://bucket/key` as the https URL CloudFormation's TemplateURL takes. */
export function templateUrlOf(s3Url: string, region: string): string {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(s3Url);
  if (!match) throw new Error(`Cannot read the template location ${s3Url}: expected s3://bucket/key`);
  return `https://s3.${region}.${partitionOf(region).urlSuffix}/${match[1]}/${match[2]}`;
}

/** Stacks ordered so that each comes after the stacks it depends on. */
function inDependencyOrder(stacks: readonly StackDeployment[]): StackDeployment[] {
  const done = new Set<string>();
  const ordered: StackDeployment[] = [];
  const visit = (s: StackDeployment, path: readonly string[]): void => {
    if (done.has(s.name)) return;
    if (path.includes(s.name)) throw new Error(`Stacks depend on each other in a cycle: ${[...path, s.name].join(' -> ')}`);
    for (const dep of s.dependsOn) {
      const d = stacks.find((x) => x.name === dep);
      if (d) visit(d, [...path, s.name]);
    }
    done.add(s.name);
    ordered.push(s);
  };
  for (const s of stacks) visit(s, []);
  return ordered;
}

/** What the guarded deploy needs from a synthesized cloud assembly. */
export function deploymentOf(assembly: CloudAssembly, config: Pick<BlueprintConfig, 'appName' | 'stage'>): Deployment {
  const artifacts = assembly.stacks;
  const names = new Set(artifacts.map((a) => a.stackName));
  const stacks = artifacts.map((a: CloudFormationStackArtifact): StackDeployment => {
    const { account, region } = a.environment;
    const values = { accountId: account, region, partition: partitionOf(region).partition };
    if (a.stackTemplateAssetObjectUrl === undefined) throw new Error(`Stack ${a.stackName} has no published template location; synthesize with the default stack synthesizer`);
    return {
      name: a.stackName,
      account,
      region,
      template: a.template,
      templateUrl: templateUrlOf(EnvironmentPlaceholders.replace(a.stackTemplateAssetObjectUrl, values), region),
      executionRoleArn: a.cloudFormationExecutionRoleArn === undefined ? undefined : EnvironmentPlaceholders.replace(a.cloudFormationExecutionRoleArn, values),
      tags: a.tags,
      terminationProtection: a.terminationProtection ?? false,
      dependsOn: a.dependencies.map((d) => d.id).filter((id) => names.has(id)),
    };
  });
  const alarmName = pageAlarmName(config);
  const pageAlarms = stacks.flatMap((s) =>
    Object.values(s.template.Resources ?? {})
      .filter((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm' && r.Properties?.AlarmName === alarmName)
      .map(() => ({ region: s.region, alarmName })),
  );
  return { stacks: inDependencyOrder(stacks), pageAlarms };
}

/**
 * The part of a deployment in one region: its stacks, in the same order, and
 * the page alarms of that region only. A failover deploys the standby region
 * while the primary's APIs may not answer, so nothing of another region is
 * planned, deployed, protected or read, not even its alarms; the stacks it
 * depends on there are listed in `outside`, since they must already exist.
 */
export function deploymentIn(deployment: Deployment, region: string): Deployment {
  const stacks = deployment.stacks.filter((s) => s.region === region);
  if (stacks.length === 0) throw new Error(`The deployment has no stack in ${region}`);
  const chosen = new Set(stacks.map((s) => s.name));
  const outside = deployment.stacks
    .filter((s) => !chosen.has(s.name))
    .map((s) => ({ stack: s.name, region: s.region, neededBy: stacks.filter((c) => c.dependsOn.includes(s.name)).map((c) => c.name) }))
    .filter((o) => o.neededBy.length > 0);
  return { stacks, pageAlarms: deployment.pageAlarms.filter((a) => a.region === region), outside };
}
