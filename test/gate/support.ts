import { GateInput, GateRule, runGate } from '../../review/gate';
import { CfnResource, Deployment } from '../../review/gate/template';

export interface StackSpec {
  readonly region?: string;
  readonly account?: string;
  readonly resources: Record<string, CfnResource>;
  readonly outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/** A hand-written deployment: stacks in us-east-1, account 111111111111, unless they say otherwise. */
export function deployment(stacks: Record<string, StackSpec>): Deployment {
  return Object.fromEntries(
    Object.entries(stacks).map(([name, s]) => [
      name,
      { region: s.region ?? 'us-east-1', account: s.account ?? '111111111111', template: { Resources: s.resources, ...(s.outputs ? { Outputs: s.outputs } : {}) } },
    ]),
  );
}

/** The `stack logicalId` of every resource the rule fires on. */
export function firing(rule: GateRule, input: GateInput | Deployment): string[] {
  const i: GateInput = 'deployment' in input ? (input as GateInput) : { deployment: input as Deployment };
  return runGate([rule], i).map((f) => `${f.stack} ${f.logicalId}`);
}

/** The messages of the rule's findings. */
export function messages(rule: GateRule, input: GateInput | Deployment): string[] {
  const i: GateInput = 'deployment' in input ? (input as GateInput) : { deployment: input as Deployment };
  return runGate([rule], i).map((f) => f.message);
}

/** A weak cross-stack reference, as aws-cdk-lib writes it. */
export function stackOutput(stack: string, output: string, region = 'us-east-1'): unknown {
  return { 'Fn::GetStackOutput': { StackName: stack, Region: region, OutputName: output } };
}
