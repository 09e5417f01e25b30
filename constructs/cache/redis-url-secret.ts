import { createHash } from 'crypto';
import { Fn, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, inCompliancePacks } from '../security/acknowledge';
import { RedisCache, STATE_CLASS_METADATA } from './redis-cache';

/** One URL of a group: a database, and the parameters its query carries. */
export interface RedisUrl {
  /** Redis database in the URL path; cluster mode has only 0. */
  readonly database: number;
  /**
   * Parameters appended as the URL's query, URL-encoded, e.g.
   * `{ "ssl_cert_reqs": "required" }`, which Celery's broker (kombu) needs
   * to verify the server on a `rediss://` URL.
   * @default - no query
   */
  readonly query?: Readonly<Record<string, string>>;
}

/** Parameter names that need no encoding, so a URL stays readable and parseable. */
const QUERY_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** The URL's query, parameters sorted by name and URL-encoded; empty for none. */
function queryString(query: Readonly<Record<string, string>> = {}): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${k}=${encodeURIComponent(query[k]!)}`)
    .join('&');
}

/**
 * The JSON key of a URL in its group's secret: `db<n>` without a query,
 * `db<n>-<first 8 hex digits of the SHA-256 of the sorted query>` with one.
 * The same URL keeps its key whatever order the settings list parameters
 * in, and two queries on one database get two keys.
 */
export function redisUrlKey(url: RedisUrl): string {
  const query = queryString(url.query);
  return query === '' ? `db${url.database}` : `db${url.database}-${createHash('sha256').update(query).digest('hex').slice(0, 8)}`;
}

export interface RedisUrlSecretProps {
  /** The group the URLs point at: its AUTH token secret and endpoint. */
  readonly cache: RedisCache;
  /**
   * The URLs, each under the JSON key `redisUrlKey(url)`: only those an
   * application reads, since every URL is one dynamic reference and a
   * template may hold at most 60. Duplicates are kept once.
   */
  readonly urls: readonly RedisUrl[];
  /** Encrypts the secret: the key that encrypts the token. */
  readonly encryptionKey: kms.IKey;
}

/**
 * One Secrets Manager secret holding a Redis group's connection URLs as
 * JSON, `{ "db<n>": "rediss://:<token>@<endpoint>:<port>/<n>", "db<n>-<hash>": "...?<query>" }`, for
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
  /** The secret's JSON keys (see `redisUrlKey`), sorted. */
  public readonly keys: readonly string[];

  constructor(scope: Construct, id: string, props: RedisUrlSecretProps) {
    super(scope, id);
    const { cache } = props;
    const invalid = props.urls.find((u) => !Number.isInteger(u.database) || u.database < 0 || u.database > 15 || (cache.clusterMode && u.database !== 0));
    if (invalid !== undefined) {
      throw new Error(`RedisUrlSecret ${id}: database ${invalid.database} is not allowed; allowed: ${cache.clusterMode ? '0 (cluster mode has only database 0)' : '0 to 15'}`);
    }
    const badName = props.urls.flatMap((u) => Object.keys(u.query ?? {})).find((k) => !QUERY_NAME.test(k));
    if (badName !== undefined) {
      throw new Error(`RedisUrlSecret ${id}: query parameter name ${JSON.stringify(badName)} is not allowed; allowed: letters, digits, _ . - starting with a letter or _, at most 64 characters`);
    }
    if (props.urls.length === 0) throw new Error(`RedisUrlSecret ${id}: urls is empty; allowed: at least one URL`);
    const urls = new Map(props.urls.map((u) => [redisUrlKey(u), u]));
    this.keys = [...urls.keys()].sort();
    const token = cache.authToken.secretValue.unsafeUnwrap();
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `Connection URLs of the ${cache.replicationGroupId} group (a copy of its AUTH token and endpoint)`,
      encryptionKey: props.encryptionKey,
      secretObjectValue: Object.fromEntries(
        this.keys.map((key) => {
          const { database, query } = urls.get(key)!;
          const q = queryString(query);
          return [key, SecretValue.unsafePlainText(Fn.join('', ['rediss://:', token, '@', cache.endpointAddress, ':', cache.endpointPort, `/${database}${q === '' ? '' : `?${q}`}`]))];
        }),
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
