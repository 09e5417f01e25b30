import { GateRule } from '../../rule';
import { resourcesOf } from '../../template';
import { sourceOf } from './replica-max-connections';

/**
 * RDS creates a read replica only from an instance with automated backups:
 * "The specified DB instance must have automatic backups enabled, that is,
 * its backup retention period must be greater than 0". A source whose
 * template leaves BackupRetentionPeriod unset or 0 (a waiting replica that
 * has just been made the source of another) fails the replica's creation.
 */
export const ReplicaSourceHasBackups: GateRule = {
  id: 'ReplicaSourceHasBackups',
  summary: "A read replica's source in the deployment keeps automated backups (BackupRetentionPeriod above 0).",
  documentation:
    'Amazon RDS API Reference, CreateDBInstanceReadReplica (SourceDBInstanceIdentifier: automatic backups enabled) https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html',
  fix: 'give the source a BackupRetentionPeriod above 0 (a promoted replica takes database.backupRetentionDays), or replicate another instance',
  evaluate(input) {
    return resourcesOf(input.deployment, 'AWS::RDS::DBInstance').flatMap((replica) => {
      const source = sourceOf(input.deployment, replica);
      // A source that is itself a replica is RDS's cascade, which keeps its own rules; only standalone sources here.
      if (!source || source.resource.Properties?.SourceDBInstanceIdentifier !== undefined) return [];
      const retention = Number(source.resource.Properties?.BackupRetentionPeriod ?? 0);
      if (retention > 0) return [];
      return [
        {
          stack: replica.stack,
          logicalId: replica.logicalId,
          message: `its source ${source.stack} ${source.logicalId} has no automated backups (BackupRetentionPeriod ${String(source.resource.Properties?.BackupRetentionPeriod ?? 'unset')}): RDS refuses to create the replica`,
        },
      ];
    });
  },
};
