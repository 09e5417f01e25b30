import { GateRule, Violation } from '../../rule';
import { resolveResource, resourcesOf } from '../../template';

/**
 * A replication group's parameter group says `cluster-enabled` as its cluster
 * mode does: ElastiCache refuses to create a cluster-mode group on a
 * parameter group without `cluster-enabled yes`, and one without cluster mode
 * on a group with it. A custom group (a store's noeviction group) must say it
 * itself; ElastiCache's defaults say it in their name (`.cluster.on`).
 */
export const ParameterGroupMatchesClusterMode: GateRule = {
  id: 'ParameterGroupMatchesClusterMode',
  summary: "A Valkey/Redis OSS replication group's parameter group has cluster-enabled yes exactly when the group has cluster mode enabled.",
  documentation:
    'Amazon ElastiCache, "Modifying cluster mode" (a cluster-mode group needs a parameter group with cluster-enabled yes) https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/modify-cluster-mode.html; "Valkey and Redis OSS parameters" https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html',
  fix: "with ClusterMode enabled, use default.<family>.cluster.on or a custom group with 'cluster-enabled': 'yes'; without cluster mode, the plain default group or a custom group without cluster-enabled yes",
  evaluate(input) {
    const violations: Violation[] = [];
    for (const group of resourcesOf(input.deployment, 'AWS::ElastiCache::ReplicationGroup')) {
      const props = group.resource.Properties ?? {};
      const clustered = props.ClusterMode === 'enabled' || (props.ClusterMode === undefined && props.NumNodeGroups !== undefined);
      const name = props.CacheParameterGroupName;
      let says: boolean | undefined;
      let which: string;
      if (typeof name === 'string') {
        if (!name.startsWith('default.')) continue;
        says = name.endsWith('.cluster.on');
        which = name;
      } else {
        const custom = resolveResource(input.deployment, group.stack, name);
        if (custom?.resource.Type !== 'AWS::ElastiCache::ParameterGroup') continue;
        says = String((custom.resource.Properties?.Properties as Record<string, unknown> | undefined)?.['cluster-enabled'] ?? 'no') === 'yes';
        which = `${custom.stack} ${custom.logicalId}`;
      }
      if (says !== clustered) {
        violations.push({
          stack: group.stack,
          logicalId: group.logicalId,
          message: `cluster mode is ${clustered ? 'enabled' : 'disabled'} but parameter group ${which} has cluster-enabled ${says ? 'yes' : 'no'}: ElastiCache refuses to create the group`,
        });
      }
    }
    return violations;
  },
};
