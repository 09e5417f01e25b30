import * as rds from 'aws-cdk-lib/aws-rds';

/**
 * What AWS offers, as tables the settings are checked against, so a value
 * AWS would refuse at deploy time fails at synth with the list of choices.
 */

/** PostgreSQL major versions the kit supports (a current major with years of standard support). */
export const POSTGRES_MAJOR_VERSIONS = ['16', '17', '18'] as const;

/** PostgreSQL versions of those majors, as aws-cdk-lib knows RDS offers them (rds.PostgresEngineVersion.VER_*). */
export const POSTGRES_VERSIONS = Object.keys(rds.PostgresEngineVersion)
  .map((k) => /^VER_(\d+)_(\d+)$/.exec(k))
  .filter((m): m is RegExpExecArray => m !== null && (POSTGRES_MAJOR_VERSIONS as readonly string[]).includes(m[1]!))
  .map((m) => `${m[1]}.${m[2]}`) as [string, ...string[]];

/** "16.1-16.13, 17.1-17.9, ...": the versions in one short line. */
export function versionRanges(versions: readonly string[]): string {
  const byMajor = new Map<string, number[]>();
  for (const v of versions) {
    const [major, minor] = v.split('.');
    byMajor.set(major!, [...(byMajor.get(major!) ?? []), Number(minor)]);
  }
  return [...byMajor].map(([major, minors]) => `${major}.${Math.min(...minors)}-${major}.${Math.max(...minors)}`).join(', ');
}

/** Valkey engine versions ElastiCache offers. */
export const VALKEY_VERSIONS = ['7.2', '8.0', '8.1'] as const;

/**
 * ElastiCache node types of the current generations that run Valkey
 * (ElastiCache supported node types, docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html).
 */
const LARGE_UP = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'];
const CACHE_FAMILIES: readonly (readonly [readonly string[], readonly string[]])[] = [
  [['t4g', 't3'], ['micro', 'small', 'medium']],
  [['m7g', 'm6g', 'r7g', 'r6g', 'c7gn'], LARGE_UP],
  [['m5', 'r5'], ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge']],
  [['r6gd'], LARGE_UP.slice(1)],
];
export const CACHE_NODE_TYPES = CACHE_FAMILIES.flatMap(([families, sizes]) => families.flatMap((f) => sizes.map((size) => `cache.${f}.${size}`))) as [string, ...string[]];
/** The table in one line: cache.{t4g,t3}.{micro,small,medium}, ... */
export const CACHE_NODE_TYPES_TEXT = CACHE_FAMILIES.map(([families, sizes]) => `cache.{${families.join(',')}}.{${sizes.join(',')}}`).join(', ');

/**
 * ElastiCache's limit on nodes in one cluster-mode-enabled replication group
 * (shards x (1 + replicas per shard)), the quota "Nodes per cluster (cluster
 * mode enabled)" of ElastiCache quotas.
 */
export const MAX_CACHE_NODES = 500;
