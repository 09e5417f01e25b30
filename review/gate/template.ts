/**
 * What the gate's rules read: the synthesized templates of a whole
 * deployment (every stack, every region), and helpers that follow
 * references between resources across stacks.
 */

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, any>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly DeletionPolicy?: string;
}

export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResource>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value: unknown; readonly Export?: { readonly Name: unknown } }>>;
  readonly [key: string]: unknown;
}

export interface StackTemplate {
  readonly template: CfnTemplate;
  readonly region: string;
  readonly account: string;
}

/** Every stack of one deployment by stack name. */
export type Deployment = Readonly<Record<string, StackTemplate>>;

/** One resource of a deployment. */
export interface Located {
  readonly stack: string;
  readonly logicalId: string;
  readonly resource: CfnResource;
  readonly region: string;
  readonly account: string;
}

/** Every resource of the deployment, optionally of one type. */
export function resourcesOf(deployment: Deployment, type?: string): Located[] {
  return Object.entries(deployment).flatMap(([stack, s]) =>
    Object.entries(s.template.Resources ?? {})
      .filter(([, r]) => type === undefined || r.Type === type)
      .map(([logicalId, resource]) => ({ stack, logicalId, resource, region: s.region, account: s.account })),
  );
}

export function locate(deployment: Deployment, stack: string, logicalId: string): Located | undefined {
  const s = deployment[stack];
  const resource = s?.template.Resources?.[logicalId];
  return s && resource ? { stack, logicalId, resource, region: s.region, account: s.account } : undefined;
}

/** The construct path aws-cdk-lib records in `aws:cdk:path` metadata, when path metadata is on. */
export function constructPath(r: Located): string | undefined {
  const path = r.resource.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path : undefined;
}

export function asArray<T>(v: T | readonly T[] | undefined): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? [...v] : [v as T];
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The resource a value points at, following `Ref`, `Fn::GetAtt`,
 * `Fn::GetStackOutput` (weak cross-stack and cross-region references) and
 * `Fn::ImportValue` (strong references) to the resource that produces it.
 */
export function resolveResource(deployment: Deployment, stack: string, value: unknown, depth = 0): Located | undefined {
  if (!isObject(value) || depth > 5) return undefined;
  if (typeof value.Ref === 'string') return locate(deployment, stack, value.Ref);
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return locate(deployment, stack, getAtt[0].split('.')[0]!);
  if (typeof getAtt === 'string') return locate(deployment, stack, getAtt.split('.')[0]!);
  const output = outputReferenced(deployment, stack, value);
  if (output) return resolveResource(deployment, output.stack, output.value, depth + 1);
  return undefined;
}

/** The producing stack and output of a `Fn::GetStackOutput` or `Fn::ImportValue`, when the deployment holds it. */
export function outputReferenced(deployment: Deployment, stack: string, value: unknown): { stack: string; output: string; value: unknown } | undefined {
  if (!isObject(value)) return undefined;
  const weak = value['Fn::GetStackOutput'];
  if (isObject(weak) && typeof weak.StackName === 'string' && typeof weak.OutputName === 'string') {
    const out = deployment[weak.StackName]?.template.Outputs?.[weak.OutputName];
    return out ? { stack: weak.StackName, output: weak.OutputName, value: out.Value } : undefined;
  }
  const strong = value['Fn::ImportValue'];
  if (typeof strong === 'string') {
    const region = deployment[stack]?.region;
    for (const [name, s] of Object.entries(deployment)) {
      if (s.region !== region) continue;
      for (const [id, out] of Object.entries(s.template.Outputs ?? {})) {
        if (out.Export?.Name === strong) return { stack: name, output: id, value: out.Value };
      }
    }
  }
  return undefined;
}

/** Every `Fn::GetStackOutput` and `Fn::ImportValue` inside a value, with where it points. */
export function crossStackReferences(value: unknown): Array<{ kind: 'GetStackOutput' | 'ImportValue'; stackName?: string; region?: string; output: string }> {
  const found: Array<{ kind: 'GetStackOutput' | 'ImportValue'; stackName?: string; region?: string; output: string }> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isObject(v)) return;
    const weak = v['Fn::GetStackOutput'];
    if (isObject(weak) && typeof weak.OutputName === 'string') {
      found.push({ kind: 'GetStackOutput', stackName: weak.StackName, region: weak.Region, output: weak.OutputName });
      return;
    }
    if (typeof v['Fn::ImportValue'] === 'string') {
      found.push({ kind: 'ImportValue', output: v['Fn::ImportValue'] });
      return;
    }
    Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}

/**
 * A string with every intrinsic that cannot be resolved offline replaced by
 * `placeholder`: enough to parse a dashboard body built with `Fn::Join`.
 */
export function flatten(value: unknown, placeholder = 'TOKEN'): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isObject(value) && Array.isArray(value['Fn::Join'])) {
    const [sep, parts] = value['Fn::Join'] as [string, unknown[]];
    return asArray(parts).map((p) => flatten(p, placeholder)).join(sep);
  }
  return placeholder;
}

export interface PolicyStatement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly Resource?: unknown;
}

export function statementsOf(document: unknown): PolicyStatement[] {
  return isObject(document) ? asArray(document.Statement as PolicyStatement | PolicyStatement[]) : [];
}

/** Whether a statement's actions (with IAM wildcards, case-insensitive) grant `action`. */
export function grantsAction(statement: PolicyStatement, action: string): boolean {
  return asArray(statement.Action).some((pattern) => {
    if (typeof pattern !== 'string') return false;
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    return regex.test(action);
  });
}

/** Whether a statement names the service principal (e.g. `cloudwatch.amazonaws.com`). */
export function hasServicePrincipal(statement: PolicyStatement, service: string): boolean {
  const p = statement.Principal;
  return isObject(p) && asArray(p.Service as string | string[]).includes(service);
}

/** The condition keys a statement tests, lower-cased, whatever the operator. */
export function conditionKeys(statement: PolicyStatement): string[] {
  return Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block ?? {}).map((k) => k.toLowerCase()));
}

/** The region and account of a literal ARN, or undefined for anything else. */
export function parseArn(value: unknown): { service: string; region: string; account: string; resource: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^arn:aws[a-z-]*:([^:]+):([^:]*):([^:]*):(.+)$/.exec(value);
  return m ? { service: m[1]!, region: m[2]!, account: m[3]!, resource: m[4]! } : undefined;
}

/** Every resource of the deployment that a value refers to anywhere inside it, across stacks. */
export function referencedResources(deployment: Deployment, stack: string, value: unknown, depth = 0): Located[] {
  const found: Located[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isObject(v)) return;
    const direct = typeof v.Ref === 'string' || v['Fn::GetAtt'] !== undefined ? resolveResource(deployment, stack, v) : undefined;
    if (direct) {
      found.push(direct);
      return;
    }
    const output = depth < 5 ? outputReferenced(deployment, stack, v) : undefined;
    if (output) {
      found.push(...referencedResources(deployment, output.stack, output.value, depth + 1));
      return;
    }
    Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}
