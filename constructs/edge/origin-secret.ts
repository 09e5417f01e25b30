import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, inCompliancePacks } from '../security/acknowledge';

/** The header the CDN adds to every origin request and the load balancer's rules require. */
export const ORIGIN_HEADER = 'X-Origin-Verify';

export interface OriginSecretProps {
  /** Secret name, e.g. `shop-prod/cdn-origin`; the same in every region it is replicated to. */
  readonly secretName: string;
  /** Other regions that resolve the value: the CDN's and a standby's. */
  readonly replicaRegions: readonly string[];
}

/**
 * A random value shared by the CDN (which sends it as `X-Origin-Verify`)
 * and the load balancers (whose rules require it), so a request that
 * reaches a load balancer around the CDN finds no route. Stacks read it by
 * name as a CloudFormation dynamic reference: the value never appears in a
 * template.
 */
export class OriginSecret extends Construct {
  public readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: OriginSecretProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: props.secretName,
      description: `Value of the ${ORIGIN_HEADER} header the CDN sends and the load balancers require`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      replicaRegions: props.replicaRegions.map((region) => ({ region })),
      // A new value would fail every request until the CDN and all rules are deployed with it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.secret,
      'The value only proves a request came through the CDN; CloudFormation resolves it into the distribution and the listener rules at deploy time, so a scheduled rotation would break traffic until the next deploy. It is rotated by deploys that name the new version (edge.originHeaderVersions), the listener rules accepting old and new meanwhile (docs/runbooks.md, origin-header rotation).',
      'AwsSolutions-SMG4',
      ...inCompliancePacks('SecretsManagerRotationEnabled', 'PCI.DSS.321'),
    );
    acknowledge(
      this.secret,
      'Replicated to the CDN\'s region and the standby region, where no key of this deployment exists when the secret is created; the AWS managed key of each region encrypts it. It guards no data: it is an origin check, shown in the distribution\'s configuration to whoever may read that.',
      ...inCompliancePacks('SecretsManagerUsingKMSKey'),
    );
  }

  /**
   * The value as a dynamic reference, resolved in the consuming stack's
   * region: of version `versionId`, else of the version staged AWSCURRENT.
   * CloudFormation resolves a dynamic reference again only when its text
   * changes, so a rotation names the new version rather than moving a stage
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html).
   */
  static valueOf(secretName: string, versionId?: string): string {
    return SecretValue.secretsManager(secretName, { versionId }).unsafeUnwrap();
  }

  /**
   * The values the load balancers accept, one per version in `versionIds`
   * (the current one alone when empty): during a rotation, the old and the new.
   * In a fixed order, so the rules do not change when only the CDN's version does.
   */
  static acceptedValues(secretName: string, versionIds: readonly string[]): string[] {
    return versionIds.length === 0 ? [OriginSecret.valueOf(secretName)] : [...versionIds].sort().map((v) => OriginSecret.valueOf(secretName, v));
  }
}
