import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { acknowledge } from '../security/acknowledge';

export interface DatabaseBackupProps {
  readonly database: rds.IDatabaseInstance;
  /** Encrypts the vault's recovery points. */
  readonly encryptionKey: kms.IKey;
  /** Days each daily recovery point is kept. */
  readonly retentionDays: number;
  /**
   * ARN of a vault in another region that receives a copy of every recovery
   * point, kept as long as the original.
   * @default - no copy
   */
  readonly copyToVaultArn?: string;
  /**
   * When the daily backup starts (UTC), clear of the database's own backup window.
   * @default events.Schedule.cron({ hour: '5', minute: '0' })
   */
  readonly schedule?: events.Schedule;
}

/**
 * AWS Backup for the database, beside RDS's own automated backups (which
 * give point-in-time recovery but die with the instance): a daily recovery
 * point in an encrypted, retained vault, kept for the configured days, and
 * optionally copied to a vault in another region.
 */
export class DatabaseBackup extends Construct {
  public readonly vault: backup.BackupVault;
  public readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: DatabaseBackupProps) {
    super(scope, id);
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault });
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: props.schedule ?? events.Schedule.cron({ hour: '5', minute: '0' }),
        deleteAfter: Duration.days(props.retentionDays),
        copyActions: props.copyToVaultArn
          ? [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', props.copyToVaultArn), deleteAfter: Duration.days(props.retentionDays) }]
          : undefined,
      }),
    );
    const selection = this.plan.addSelection('Database', { resources: [backup.BackupResource.fromRdsDatabaseInstance(props.database)] });
    acknowledge(
      selection,
      'The AWS Backup service role uses AWSBackupServiceRolePolicyForBackup, the managed policy AWS maintains for exactly this role; it is assumable only by backup.amazonaws.com.',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    );
  }
}
