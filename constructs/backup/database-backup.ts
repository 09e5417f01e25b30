import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { acknowledge, inCompliancePacks } from '../security/acknowledge';

/**
 * A vault in another region that receives a copy of every recovery point,
 * and the alias of the key encrypting it, both by name: the plan's stack
 * never reads the other region, even to deploy.
 */
export interface BackupCopyTarget {
  /** Must exist before the plan's first copy job: a copy into a missing vault fails. */
  readonly vaultArn: string;
  readonly keyAlias: { readonly region: string; readonly aliasName: string };
}

export interface DatabaseBackupProps {
  /** The instances backed up: one, or during a switch back the new primary and the database it leaves behind. */
  readonly databases: readonly rds.IDatabaseInstance[];
  /** Encrypts the vault's recovery points. */
  readonly encryptionKey: kms.IKey;
  /** Days each daily recovery point is kept. */
  readonly retentionDays: number;
  /**
   * A vault in another region that receives a copy of every recovery point,
   * kept as long as the original.
   * @default - no copy
   */
  readonly copyTo?: BackupCopyTarget;
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
  public readonly selection: backup.BackupSelection;

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
        copyActions: props.copyTo
          ? [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', props.copyTo.vaultArn), deleteAfter: Duration.days(props.retentionDays) }]
          : undefined,
      }),
    );
    this.selection = this.plan.addSelection('Database', { resources: props.databases.map((d) => backup.BackupResource.fromRdsDatabaseInstance(d)) });
    if (props.copyTo) {
      // The copy job runs as the selection's role; RDS copies the snapshot into the other region under the
      // destination vault's key, creating a grant on it for itself. The managed policy allows this for any key
      // today; stated here for the one key the copies need, so a change to the managed policy cannot break it
      // ("Encryption for backups in AWS Backup": https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html).
      // The key is named by its alias (kms:ResourceAliases): its id is the other region's to know.
      const { partition, account } = Stack.of(this);
      const keys = `arn:${partition}:kms:${props.copyTo.keyAlias.region}:${account}:key/*`;
      const alias = { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': props.copyTo.keyAlias.aliasName } };
      this.selection.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'DescribeTheCopyKey', actions: ['kms:DescribeKey'], resources: [keys], conditions: alias }));
      this.selection.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'GrantTheCopyKeyToAwsServices',
          actions: ['kms:CreateGrant'],
          resources: [keys],
          conditions: { ...alias, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      );
      acknowledge(
        this.selection,
        'The copy key is in another region and named by its alias: the statements cover that region\'s keys only where kms:ResourceAliases is that alias.',
        `AwsSolutions-IAM5[Resource::arn:${findingText(partition, '<AWS::Partition>')}:kms:${props.copyTo.keyAlias.region}:${findingText(account, '<AWS::AccountId>')}:key/*]`,
      );
      acknowledge(
        this.selection,
        'The backup role\'s only inline policy is the one CDK attaches to it, naming the one key the cross-region copies are encrypted with; it lives and dies with the role.',
        ...inCompliancePacks('IAMNoInlinePolicy'),
      );
    }
    acknowledge(
      this.selection,
      'The AWS Backup service role uses AWSBackupServiceRolePolicyForBackup, the managed policy AWS maintains for exactly this role; it is assumable only by backup.amazonaws.com.',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    );
  }
}

/** How a finding id spells a value: the literal, or its pseudo parameter when it is a token. */
function findingText(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? pseudo : value;
}
