import { ArnFormat, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BlueprintConfig, deploymentName, bucketName, standbyVaultName } from '../config';
import { AppBucket, DataKey, LogBucket } from '../constructs';
import { BlueprintStack, BlueprintStackProps } from './blueprint-stack';

export interface RecoveryStackProps extends BlueprintStackProps {
  /** The primary's configuration: names are the deployment's. */
  readonly config: BlueprintConfig;
}

/**
 * What the standby region holds for the primary before the primary's data
 * stack points at it: the vault receiving copies of the primary's recovery
 * points, the key encrypting those copies and the standby's replica of
 * the database master secret, and the replica of each bucket (ADR 0025). Deployed before the primary's data stack, so
 * neither a backup copy job nor the secret's replication ever targets
 * something that does not exist yet; it needs nothing from the primary, so
 * it stands while the primary region is down. Termination-protected like
 * every stateful stack, and everything in it is retained.
 */
export class RecoveryStack extends BlueprintStack {
  public readonly key: kms.Key;
  public readonly vault: backup.BackupVault;
  /** The vault's ARN built from its name, for stacks of other regions, which must not read this one to deploy. */
  public readonly vaultArn: string;
  /** The key's alias (`alias/<app>-<stage>-recovery`) and its ARN, likewise. */
  public readonly keyAliasName: string;
  public readonly keyAliasArn: string;
  /** The replica of each of the primary's buckets, keyed by bucket name, named by bucketName(). */
  public readonly buckets: ReadonlyMap<string, AppBucket>;

  constructor(scope: Construct, id: string, props: RecoveryStackProps) {
    super(scope, id, props);
    const prefix = deploymentName(props.config);
    this.keyAliasName = `alias/${prefix}-recovery`;
    this.key = new DataKey(this, 'RecoveryKey', { alias: `${prefix}-recovery` }).key;
    this.keyAliasArn = this.formatArn({ service: 'kms', resource: this.keyAliasName, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    // Secrets Manager encrypts each new value of the replica with this key as whoever wrote the primary
    // (CloudFormation, the rotation function, an operator), who needs kms:GenerateDataKey and kms:Encrypt here
    // ("Troubleshoot AWS Secrets Manager replication":
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets_troubleshoot.html).
    // As AWS's own aws/secretsmanager key does: this account's principals, through Secrets Manager only; reading
    // the secret still needs secretsmanager:GetSecretValue on it.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SecretsManagerReplicatesTheDatabaseSecret',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:CallerAccount': this.account,
            'kms:ViaService': [`secretsmanager.${this.region}.amazonaws.com`, `secretsmanager.${props.config.env.region}.amazonaws.com`],
          },
        },
      }),
    );
    // The copy job's role reaches this key through the account's key policy statement (IAM decides),
    // and a copy within one account needs no vault access policy (AWS Backup, "Creating backup copies
    // across AWS Regions": https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html).
    this.vault = new backup.BackupVault(this, 'CopyVault', {
      backupVaultName: standbyVaultName(props.config),
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Replicas exist, versioned, before the primary's buckets replicate to them; the standby's tasks use them.
    const accessLogs = props.config.buckets.length > 0 ? new LogBucket(this, 'AccessLogs').bucket : undefined;
    this.buckets = new Map(
      props.config.buckets.map((b) => [
        b.name,
        new AppBucket(this, `Replica-${b.name}`, {
          bucketName: bucketName(props.config, b.name, this.region),
          encryptionKey: this.key,
          accessLogs: accessLogs!,
          noncurrentVersionExpiration: Duration.days(b.noncurrentVersionExpirationDays),
          abortIncompleteUploadAfter: Duration.days(b.abortIncompleteUploadDays),
          corsOrigins: b.corsOrigins,
          // A bucket on a host of its own fails over to its replica through the CDN (ADR 0033).
          cdnReadable: b.public?.host !== undefined,
        }),
      ]),
    );
    this.vaultArn = this.formatArn({ service: 'backup', resource: 'backup-vault', resourceName: standbyVaultName(props.config), arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }
}
