import { GateRule, Violation } from '../../rule';
import { asArray, crossStackReferences, flatten, parseArn, resourcesOf } from '../../template';

/**
 * ECS resolves a task's secrets every time it starts a task. A task that
 * reads a secret or parameter in another region cannot start while that
 * region is down: the standby must not depend on the primary at run time.
 */
export const TasksReadOwnRegion: GateRule = {
  id: 'TasksReadOwnRegion',
  summary: "A task definition's secrets (and private registry credentials) are in the task's own region.",
  documentation:
    'Amazon ECS, "Pass sensitive data to an Amazon ECS container" https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html; AWS Well-Architected Reliability Pillar, REL11-BP04 "Rely on the data plane and not the control plane during recovery" (static stability) https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_withstand_component_failures_static_stability.html',
  fix: 'read a copy kept in the task\'s own region (a replica secret, or IAM database authentication) instead of the other region\'s secret',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const td of resourcesOf(input.deployment, 'AWS::ECS::TaskDefinition')) {
      for (const container of asArray(td.resource.Properties?.ContainerDefinitions) as any[]) {
        const refs = [
          ...(asArray(container.Secrets) as any[]).map((s) => [s.Name, s.ValueFrom] as const),
          ...(container.RepositoryCredentials ? [['repository credentials', container.RepositoryCredentials.CredentialsParameter] as const] : []),
        ];
        const elsewhere = new Map<string, string[]>();
        for (const [name, value] of refs) {
          const regions = new Set<string>();
          for (const ref of crossStackReferences(value)) {
            const region = ref.region ?? (ref.stackName ? input.deployment[ref.stackName]?.region : undefined);
            if (region) regions.add(region);
          }
          const literal = parseArn(flatten(value));
          if (literal && literal.region !== '' && literal.region !== 'TOKEN') regions.add(literal.region);
          regions.delete(td.region);
          for (const region of regions) elsewhere.set(region, [...(elsewhere.get(region) ?? []), name]);
        }
        for (const [region, names] of elsewhere) {
          violations.push({
            stack: td.stack,
            logicalId: td.logicalId,
            message: `container ${container.Name} reads ${names.join(', ')} from ${region} while it runs in ${td.region}: no task starts here while that region is down`,
          });
        }
      }
    }
    return violations;
  },
};
