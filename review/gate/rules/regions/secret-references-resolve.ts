import { GateRule, Violation } from '../../rule';
import { asArray, Located, resourcesOf } from '../../template';

const REFERENCE = /\{\{resolve:secretsmanager:([^:}]+)/g;

/** Every `{{resolve:secretsmanager:NAME...}}` inside a value. */
function namesReferenced(value: unknown): string[] {
  const json = JSON.stringify(value ?? null);
  return [...json.matchAll(REFERENCE)].map((m) => m[1]!).filter((name) => !name.startsWith('arn:'));
}

/**
 * A dynamic reference by name is resolved in the stack's own region. When
 * the deployment creates that secret, it must exist there: created in that
 * region or replicated to it, or the stack fails to resolve it.
 */
export const SecretReferencesResolve: GateRule = {
  id: 'SecretReferencesResolve',
  summary: "A secret the deployment creates and a stack reads by name through a dynamic reference exists in that stack's region (created or replicated there).",
  documentation:
    'AWS CloudFormation, "Get a secret or secret value from Secrets Manager" (dynamic references) https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html; AWS Secrets Manager, "Replicate secrets across Regions" https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html',
  fix: "add the stack's region to the secret's ReplicaRegions, or create the secret in that region, and deploy it first",
  evaluate(input) {
    const violations: Violation[] = [];
    const secrets = resourcesOf(input.deployment, 'AWS::SecretsManager::Secret').filter((s) => typeof s.resource.Properties?.Name === 'string');
    const byName = new Map<string, Located[]>();
    for (const s of secrets) byName.set(s.resource.Properties!.Name, [...(byName.get(s.resource.Properties!.Name) ?? []), s]);
    for (const r of resourcesOf(input.deployment)) {
      for (const name of new Set(namesReferenced(r.resource.Properties))) {
        const created = byName.get(name);
        if (!created) continue;
        const regions = new Set(created.flatMap((s) => [s.region, ...(asArray(s.resource.Properties?.ReplicaRegions) as any[]).map((x) => x.Region)]));
        if (!regions.has(r.region)) {
          violations.push({
            stack: r.stack,
            logicalId: r.logicalId,
            message: `reads secret ${name} by name in ${r.region}, but the deployment creates it only in ${[...regions].join(', ')}: the reference cannot resolve`,
          });
        }
      }
    }
    return violations;
  },
};
