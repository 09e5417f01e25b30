import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { CredentialReplica } from './postgres-database';

/** Suffix the Secrets Manager multi-user rotation function appends to the login's name for its twin. */
export const CLONE_SUFFIX = '_clone';

export interface ApplicationLoginProps {
  /** The primary the login is created in and whose master secret rotates it. */
  readonly instance: rds.IDatabaseInstance;
  readonly databaseName: string;
  /** The master secret: the rotation function logs in with it. */
  readonly masterSecret: secretsmanager.ISecret;
  /** The database's security group, which admits the rotation function. */
  readonly databaseSecurityGroup: ec2.ISecurityGroup;
  readonly port: number;
  readonly vpc: ec2.IVpc;
  /** Where the rotation function runs: it reaches Secrets Manager. */
  readonly subnets: ec2.SubnetSelection;
  /** Encrypts the secret. */
  readonly encryptionKey: kms.IKey;
  /**
   * The login's name; the rotation alternates it with `<username>_clone`.
   * @default 'app'
   */
  readonly username?: string;
  /**
   * Other regions where Secrets Manager keeps the secret current.
   * @default - no copies
   */
  readonly credentialReplicas?: readonly CredentialReplica[];
  /**
   * How often the password rotates; the previous login stays valid until the next rotation.
   * @default Duration.days(30)
   */
  readonly rotateEvery?: Duration;
}

/**
 * The login applications use, apart from the master user: a secret the kit
 * owns, rotated by the Secrets Manager hosted rotation function for
 * PostgreSQL with alternating users. Each rotation sets a new password on
 * the login the secret does not name and switches the secret to it, so the
 * credentials a running task read at start stay valid for one more full
 * rotation period (AWS Secrets Manager, "Rotation by Lambda function
 * strategies": https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-strategy.html).
 * The function needs the login to exist: `LoginSetup` creates it (and its
 * twin) during the deploy, before anything logs in with it.
 */
export class ApplicationLogin extends Construct {
  public readonly secret: secretsmanager.ISecret;
  public readonly rotation: secretsmanager.RotationSchedule;
  public readonly username: string;

  constructor(scope: Construct, id: string, props: ApplicationLoginProps) {
    super(scope, id);
    this.username = props.username ?? 'app';
    const every = props.rotateEvery ?? Duration.days(30);

    // `masterarn` in the value tells the multi-user rotation function which secret logs in to set passwords.
    const secret = new rds.DatabaseSecret(this, 'Secret', {
      username: this.username,
      masterSecret: props.masterSecret,
      encryptionKey: props.encryptionKey,
      dbname: props.databaseName,
    });
    const cfnSecret = secret.node.defaultChild as secretsmanager.CfnSecret;
    cfnSecret.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // On the L1, as for the master secret: an alias ARN names another region's key without reading it.
    if (props.credentialReplicas?.length) cfnSecret.replicaRegions = props.credentialReplicas.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyId }));
    this.secret = secret.attach(props.instance);

    const rotationGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc: props.vpc,
      description: 'Application login rotation: reaches the database and Secrets Manager only',
      allowAllOutbound: false,
    });
    rotationGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Secrets Manager API');
    rotationGroup.connections.allowTo(props.databaseSecurityGroup, ec2.Port.tcp(props.port), 'Application login rotation');
    this.rotation = this.secret.addRotationSchedule('Rotation', {
      hostedRotation: secretsmanager.HostedRotation.postgreSqlMultiUser({
        masterSecret: props.masterSecret,
        vpc: props.vpc,
        vpcSubnets: props.subnets,
        securityGroups: [rotationGroup],
      }),
      automaticallyAfter: every,
      // Not at creation: the login exists only once LoginSetup has run.
      rotateImmediatelyOnUpdate: false,
    });
  }
}
