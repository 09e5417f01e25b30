import { RedisCache, RedisUrlSecret } from '../../../constructs';
import { dataTier } from '../../support/data-tier';

function group(clusterMode: boolean): { cache: RedisCache; encryptionKey: ReturnType<typeof dataTier>['encryptionKey']; stack: ReturnType<typeof dataTier>['stack'] } {
  const { stack, vpc, subnets, encryptionKey } = dataTier('Urls');
  const cache = new RedisCache(stack, 'Redis', { vpc, subnets, replicationGroupId: 'shop-prod-jobs', nodeType: 'cache.t4g.small', engineVersion: '8.0', replicasPerShard: 1, snapshotRetentionDays: 1, encryptionKey, clusterMode });
  return { cache, encryptionKey, stack };
}

describe('RedisUrlSecret', () => {
  test('GIVEN databases listed twice and out of order THEN one key each, in order', () => {
    const { cache, encryptionKey, stack } = group(false);
    const urls = new RedisUrlSecret(stack, 'Urls', { cache, databases: [3, 0, 3], encryptionKey });
    expect([...urls.keys]).toEqual([
      [0, 'db0'],
      [3, 'db3'],
    ]);
  });

  test('GIVEN cluster mode and database 1 THEN it is refused, naming the database', () => {
    const { cache, encryptionKey, stack } = group(true);
    expect(() => new RedisUrlSecret(stack, 'Urls', { cache, databases: [1], encryptionKey })).toThrow('RedisUrlSecret Urls: database 1 is not allowed; allowed: 0 (cluster mode has only database 0)');
  });

  test('GIVEN no database THEN it is refused', () => {
    const { cache, encryptionKey, stack } = group(false);
    expect(() => new RedisUrlSecret(stack, 'Urls', { cache, databases: [], encryptionKey })).toThrow('RedisUrlSecret Urls: databases is empty; allowed: at least one database');
  });
});
