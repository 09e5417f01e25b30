import { Template } from 'aws-cdk-lib/assertions';
import { RedisCache, RedisUrlSecret, redisUrlKey } from '../../../constructs';
import { dataTier } from '../../support/data-tier';

function group(clusterMode: boolean): { cache: RedisCache; encryptionKey: ReturnType<typeof dataTier>['encryptionKey']; stack: ReturnType<typeof dataTier>['stack'] } {
  const { stack, vpc, subnets, encryptionKey } = dataTier('Urls');
  const cache = new RedisCache(stack, 'Redis', { vpc, subnets, replicationGroupId: 'shop-prod-jobs', nodeType: 'cache.t4g.small', engineVersion: '8.0', replicasPerShard: 1, snapshotRetentionDays: 1, encryptionKey, clusterMode });
  return { cache, encryptionKey, stack };
}

/** The secret's JSON value as CloudFormation composes it: the join's literal parts, tokens as `<token>`. */
function secretValue(stack: ReturnType<typeof dataTier>['stack']): string {
  const secret = Object.values(Template.fromStack(stack).findResources('AWS::SecretsManager::Secret')).find((r) => r.Properties.SecretString !== undefined)!;
  const [, parts] = secret.Properties.SecretString['Fn::Join'] as [string, unknown[]];
  return parts.map((p) => (typeof p === 'string' ? p : '<token>')).join('');
}

describe('RedisUrlSecret', () => {
  test('GIVEN databases listed twice and out of order THEN one key each, in order', () => {
    const { cache, encryptionKey, stack } = group(false);
    const urls = new RedisUrlSecret(stack, 'Urls', { cache, urls: [{ database: 3 }, { database: 0 }, { database: 3 }], encryptionKey });
    expect(urls.keys).toEqual(['db0', 'db3']);
  });

  test('GIVEN a query THEN its own key beside the bare URL, the query appended URL-encoded, the same key in any parameter order', () => {
    const { cache, encryptionKey, stack } = group(false);
    const query = { ssl_cert_reqs: 'required', client_name: 'a b&c' };
    const urls = new RedisUrlSecret(stack, 'Urls', { cache, urls: [{ database: 1 }, { database: 1, query }, { database: 1, query: { client_name: 'a b&c', ssl_cert_reqs: 'required' } }], encryptionKey });
    const key = redisUrlKey({ database: 1, query });
    expect(key).toMatch(/^db1-[0-9a-f]{8}$/);
    expect(urls.keys).toEqual(['db1', key]);
    const value = secretValue(stack);
    const token = '{{resolve:secretsmanager:<token>:SecretString:::}}';
    expect(JSON.parse(value)).toEqual({
      db1: `rediss://:${token}@<token>:<token>/1`,
      [key]: `rediss://:${token}@<token>:<token>/1?client_name=a%20b%26c&ssl_cert_reqs=required`,
    });
  });

  test('GIVEN two queries on one database THEN two keys', () => {
    expect(redisUrlKey({ database: 0, query: { ssl_cert_reqs: 'required' } })).not.toEqual(redisUrlKey({ database: 0, query: { ssl_cert_reqs: 'none' } }));
    expect(redisUrlKey({ database: 0, query: {} })).toEqual('db0');
  });

  test('GIVEN a parameter name that would break the URL THEN it is refused, naming it', () => {
    const { cache, encryptionKey, stack } = group(false);
    expect(() => new RedisUrlSecret(stack, 'Urls', { cache, urls: [{ database: 0, query: { 'a=b': 'c' } }], encryptionKey })).toThrow('RedisUrlSecret Urls: query parameter name "a=b" is not allowed');
  });

  test('GIVEN cluster mode and database 1 THEN it is refused, naming the database', () => {
    const { cache, encryptionKey, stack } = group(true);
    expect(() => new RedisUrlSecret(stack, 'Urls', { cache, urls: [{ database: 1 }], encryptionKey })).toThrow('RedisUrlSecret Urls: database 1 is not allowed; allowed: 0 (cluster mode has only database 0)');
  });

  test('GIVEN no URL THEN it is refused', () => {
    const { cache, encryptionKey, stack } = group(false);
    expect(() => new RedisUrlSecret(stack, 'Urls', { cache, urls: [], encryptionKey })).toThrow('RedisUrlSecret Urls: urls is empty; allowed: at least one URL');
  });
});
