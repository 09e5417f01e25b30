import { GateRule, Violation } from '../../rule';
import { Deployment, flatten, Located, parseArn, resolveResource, resourcesOf } from '../../template';

/** The pinned max_connections of an instance's parameter group, or undefined when the engine derives it. */
function maxConnections(deployment: Deployment, db: Located): number | undefined {
  const group = resolveResource(deployment, db.stack, db.resource.Properties?.DBParameterGroupName);
  const value = group?.resource.Properties?.Parameters?.max_connections;
  return value === undefined || Number.isNaN(Number(value)) ? undefined : Number(value);
}

/** The source of a read replica, named by a Ref inside an ARN or by a literal ARN. */
export function sourceOf(deployment: Deployment, replica: Located): Located | undefined {
  const ref = replica.resource.Properties?.SourceDBInstanceIdentifier;
  if (ref === undefined) return undefined;
  const parts = ref?.['Fn::Join']?.[1] as unknown[] | undefined;
  for (const part of parts ?? [ref]) {
    const found = resolveResource(deployment, replica.stack, part);
    if (found?.resource.Type === 'AWS::RDS::DBInstance') return found;
  }
  const arn = parseArn(flatten(ref));
  const id = arn?.resource.replace(/^db:/, '').toLowerCase();
  return resourcesOf(deployment, 'AWS::RDS::DBInstance').find(
    (d) => d.region === arn?.region && String(d.resource.Properties?.DBInstanceIdentifier ?? '').toLowerCase() === id,
  );
}

const same = (a: Located, b: Located): boolean => a.stack === b.stack && a.logicalId === b.logicalId;

/**
 * A PostgreSQL hot standby pauses replay while its max_connections is
 * below the primary's. A replica must never run below its source; and a
 * pinned max_connections raised between phases on a parameter group that
 * primary and replicas share reaches them in whatever order they reboot,
 * so a replica that reboots last pauses until it does.
 */
export const ReplicaMaxConnections: GateRule = {
  id: 'ReplicaMaxConnections',
  summary: "A read replica's max_connections is never below its source's, neither in a phase nor while an upgrade raises it.",
  documentation:
    'Amazon RDS User Guide, "Working with read replicas for Amazon RDS for PostgreSQL" https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PostgreSQL.Replication.ReadReplicas.html; PostgreSQL, "Hot Standby" (max_connections on the standby at least the primary\'s) https://www.postgresql.org/docs/current/hot-standby.html',
  fix: 'give replicas their own parameter group and raise it one deploy before the primary\'s, or stop pinning max_connections and let RDS derive it from each instance\'s memory',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const replica of resourcesOf(input.deployment, 'AWS::RDS::DBInstance')) {
      const source = sourceOf(input.deployment, replica);
      if (!source) continue;
      const mine = maxConnections(input.deployment, replica);
      const theirs = maxConnections(input.deployment, source);
      if (mine !== undefined && theirs !== undefined && mine < theirs) {
        violations.push({
          stack: replica.stack,
          logicalId: replica.logicalId,
          message: `the replica's max_connections (${mine}) is below its source ${source.stack} ${source.logicalId}'s (${theirs}): PostgreSQL pauses replay`,
        });
        continue;
      }
      if (!input.previous) continue;
      const before = resourcesOf(input.previous, 'AWS::RDS::DBInstance').find((d) => same(d, replica));
      const sourceBefore = resourcesOf(input.previous, 'AWS::RDS::DBInstance').find((d) => same(d, source));
      if (!before || !sourceBefore) continue;
      const sharedGroup = JSON.stringify(replica.resource.Properties?.DBParameterGroupName) === JSON.stringify(source.resource.Properties?.DBParameterGroupName);
      const was = maxConnections(input.previous, sourceBefore);
      if (sharedGroup && theirs !== undefined && was !== undefined && theirs > was) {
        violations.push({
          stack: replica.stack,
          logicalId: replica.logicalId,
          message: `the upgrade raises max_connections ${was} -> ${theirs} on the parameter group this replica shares with its source ${source.stack} ${source.logicalId}: whichever reboots first, a replica still at ${was} behind a primary at ${theirs} pauses replay`,
        });
      }
    }
    return violations;
  },
};
