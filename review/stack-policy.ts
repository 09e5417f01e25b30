import { resourceStateClass } from './state-classes';

/**
 * CloudFormation stack policies generated from the state classes, so that
 * CloudFormation itself refuses to replace or remove a durable resource,
 * whoever deploys and with whichever tool.
 *
 * Grammar: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html
 * - once a stack has a policy, every update not explicitly allowed is
 *   denied, so the policy starts with an Allow of `Update:*` on `*`;
 * - a Deny always overrides an Allow;
 * - resource types are matched with `Condition: { StringEquals: { ResourceType: [...] } }`;
 * - the body is at most 16,384 bytes (SetStackPolicy's StackPolicyBody limit).
 */

export const STACK_POLICY_MAX_BYTES = 16_384;

/** What a stack policy denies on a durable resource: replacing it, or removing it from the template. */
export const DENIED_ACTIONS: readonly string[] = ['Update:Replace', 'Update:Delete'];

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Principal: '*';
  readonly Resource: string | readonly string[];
  readonly Condition?: { readonly StringEquals: { readonly ResourceType: readonly string[] } };
}

export interface StackPolicy {
  readonly Statement: readonly PolicyStatement[];
}

/** The part of a synthesized template a policy reads. */
export interface PolicyTemplate {
  readonly Resources?: Readonly<Record<string, { readonly Type: string; readonly Metadata?: Readonly<Record<string, unknown>> }>>;
}

export interface StackPolicyOptions {
  /**
   * Logical ids whose replacement or removal a deliberate migration allows
   * for one update: they are left out of the deny, while every other
   * durable resource stays frozen. Ids of resources that are not durable
   * are not frozen in the first place.
   * @default none
   */
  readonly allow?: readonly string[];
}

/** Every durable resource of a template, by logical id. */
export function durableResources(template: PolicyTemplate): ReadonlyMap<string, string> {
  return new Map(Object.entries(template.Resources ?? {}).filter(([, r]) => resourceStateClass(r) === 'durable').map(([id, r]) => [id, r.Type]));
}

/**
 * The stack policy of one template: allow every update, deny
 * `Update:Replace` and `Update:Delete` on its durable resources. Durable
 * types are denied by type (one short statement, whatever the stack's
 * size, and a durable resource added later by another tool is covered
 * too); a type with an allowed resource, or with a resource its metadata
 * makes not durable (review/state-classes.ts), is denied by the logical ids
 * of its durable resources instead. Stateless and transient resources are
 * never frozen.
 */
export function stackPolicyFor(template: PolicyTemplate, options: StackPolicyOptions = {}): StackPolicy {
  const allow = new Set(options.allow ?? []);
  const durable = durableResources(template);
  const types = [...new Set(durable.values())].sort();
  // A type is denied as a whole only when every resource of it is durable: a
  // store's replication group is durable by its own metadata where a cache's is not.
  const mixed = new Set(Object.entries(template.Resources ?? {}).filter(([id]) => !durable.has(id)).map(([, r]) => r.Type));
  const byType = types.filter((t) => !mixed.has(t) && ![...allow].some((id) => durable.get(id) === t));
  const byId = [...durable].filter(([id, t]) => !byType.includes(t) && !allow.has(id)).map(([id]) => `LogicalResourceId/${id}`).sort();

  const statements: PolicyStatement[] = [{ Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }];
  if (byType.length > 0) {
    statements.push({ Effect: 'Deny', Action: DENIED_ACTIONS, Principal: '*', Resource: '*', Condition: { StringEquals: { ResourceType: byType } } });
  }
  if (byId.length > 0) statements.push({ Effect: 'Deny', Action: DENIED_ACTIONS, Principal: '*', Resource: byId });
  const policy: StackPolicy = { Statement: statements };
  const bytes = Buffer.byteLength(JSON.stringify(policy));
  if (bytes > STACK_POLICY_MAX_BYTES) {
    throw new Error(`The stack policy is ${bytes} bytes; CloudFormation accepts at most ${STACK_POLICY_MAX_BYTES}: allow fewer resources in one migration`);
  }
  return policy;
}
