import { Fn, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, inCompliancePacks } from '../security/acknowledge';
import { RedisCache, STATE_CLASS_METADATA } from './redis-cache';

export interface RedisUrlSecretProps {
  /** The group the URLs point at: its AUTH token secret and endpoint. */
  readonly cache: RedisCache;
  /**
   * Redis databases that get a URL, each under the JSON key `db<n>`: only
   * those an application reads, since every URL is one dynamic reference
   * and a template may hold at most 60. Cluster mode has only database 0.
   */
  readonly databases: readonly number[];
  /** Encrypts the secret: the key that encrypts the token. */
  readonly encryptionKey: kms.IKey;
}

/**
 * One Secrets Manager secret holding a Redis group's connection URLs as
 * JSON, `{ "db<n>": "rediss://:<token>@<endpoint>:<port>/<n>" }`, for
 * applications that read one URL (REDIS_URL, CELERY_BROKER_URL). The URL
 * contains the AUTH token, so it is a secret; ECS injects one key of it.
 *
 * Composed by CloudFormation from the token secret's dynamic reference and
 * the endpoint attribute: CloudFormation resolves a `secretsmanager`
 * dynamic reference in any resource property, also inside a longer string,
 * after the intrinsic functions (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html).
 * The token is re-read only when this resource is updated, so this is a
 * copy: the token's rotation runbook rewrites it (docs/runbooks.md), and
 * the kit never rotates the token itself. The token is alphanumeric, so it
 * needs no URL-encoding.
 */
export class RedisUrlSecret extends Construct {
  public readonly secret: secretsmanager.Secret;
  /** The JSON key of each database's URL, by database number. */
  public readonly keys: ReadonlyMap<number, string>;

  constructor(scope: Construct, id: string, props: RedisUrlSecretProps) {
    super(scope, id);
    const { cache } = props;
    const databases = [...new Set(props.databases)].sort((a, b) => a - b);
    const invalid = databases.find((n) => !Number.isInteger(n) || n < 0 || n > 15 || (cache.clusterMode && n !== 0));
    if (invalid !== undefined) {
      throw new Error(`RedisUrlSecret ${id}: database ${invalid} is not allowed; allowed: ${cache.clusterMode ? '0 (cluster mode has only database 0)' : '0 to 15'}`);
    }
    if (databases.length === 0) throw new Error(`RedisUrlSecret ${id}: databases is empty; allowed: at least one database`);
    this.keys = new Map(databases.map((n) => [n, `db${n}`]));
    const token = cache.authToken.secretValue.unsafeUnwrap();
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `Connection URLs of the ${cache.replicationGroupId} group (a copy of its AUTH token and endpoint)`,
      encryptionKey: props.encryptionKey,
      secretObjectValue: Object.fromEntries(
        databases.map((n) => [`db${n}`, SecretValue.unsafePlainText(Fn.join('', ['rediss://:', token, '@', cache.endpointAddress, ':', cache.endpointPort, `/${n}`]))]),
      ),
      // A copy, made again from the token and the endpoint: nothing is lost when it goes.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const resource = this.secret.node.defaultChild as secretsmanager.CfnSecret;
    resource.cfnOptions.metadata = { ...resource.cfnOptions.metadata, [STATE_CLASS_METADATA]: 'stateless' };
    acknowledge(
      this.secret,
      'A copy of the AUTH token composed at deploy: it changes only with the token, whose rotation (ElastiCache ROTATE strategy) is an operator runbook step that rewrites this secret too (docs/runbooks.md#cache-auth-token-rotation); rotating the copy alone would break every client.',
      'AwsSolutions-SMG4',
      ...inCompliancePacks('SecretsManagerRotationEnabled', 'PCI.DSS.321'),
    );
  }
}
