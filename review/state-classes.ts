/**
 * docs/architecture.md §2: what an upgrade may do to a resource, by CloudFormation type.
 * Durable resources hold data or everything else depends on them: an
 * upgrade that would replace or remove one is blocked. Transient ones can
 * be rebuilt: a replacement is reported as a warning. Everything else is
 * stateless.
 */
export type StateClass = 'durable' | 'transient' | 'stateless';

export const DURABLE_TYPES: readonly string[] = [
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBSubnetGroup',
  'AWS::RDS::DBParameterGroup',
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
  'AWS::SecretsManager::Secret',
  'AWS::SQS::Queue',
  'AWS::Kinesis::Stream',
  'AWS::Backup::BackupVault',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::Logs::LogGroup',
];

export const TRANSIENT_TYPES: readonly string[] = [
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::SubnetGroup',
  'AWS::ElastiCache::ParameterGroup',
  'AWS::CloudFront::Distribution',
];

/** What a resource type's replacement or removal costs: what docs/architecture.md §2 calls its blast radius. */
export const BLAST_RADIUS: Readonly<Record<string, string>> = {
  'AWS::ElastiCache::ReplicationGroup': 'the cache starts empty: sessions are lost and the database takes the cold-cache read load until it warms',
  'AWS::ElastiCache::SubnetGroup': 'forces the cache replication group to be replaced with it',
  'AWS::ElastiCache::ParameterGroup': 'forces the cache replication group to be replaced with it',
  'AWS::CloudFront::Distribution': 'a new distribution domain and an empty edge cache; DNS must follow',
};

export function stateClassOf(type: string): StateClass {
  if (DURABLE_TYPES.includes(type)) return 'durable';
  if (TRANSIENT_TYPES.includes(type)) return 'transient';
  return 'stateless';
}

/**
 * Properties the CloudFormation schema marks as "may replace" that are in
 * place under a condition the kit can check. Anything else that may replace
 * a durable resource blocks the upgrade.
 */
export interface ConditionalUpdate {
  readonly type: string;
  readonly property: string;
  /** Whether this old -> new change is in place, given the resource's new properties. */
  readonly inPlace: (oldValue: unknown, newValue: unknown, properties: Readonly<Record<string, unknown>>) => boolean;
  readonly reason: string;
}

const positive = (v: unknown): boolean => Number(v) > 0;

export const CONDITIONAL_UPDATES: readonly ConditionalUpdate[] = [
  {
    type: 'AWS::RDS::DBInstance',
    property: 'BackupRetentionPeriod',
    inPlace: (o, n) => positive(o) && positive(n),
    reason: 'changing a non-zero retention to another non-zero value is an in-place modification; only turning backups on or off restarts the instance',
  },
  {
    type: 'AWS::RDS::DBInstance',
    property: 'AvailabilityZone',
    inPlace: (o, n) => o === n,
    reason: 'unchanged zone',
  },
  {
    type: 'AWS::ElastiCache::ReplicationGroup',
    property: 'NumNodeGroups',
    inPlace: (_o, _n, props) => props.ClusterMode === 'enabled',
    reason: 'with cluster mode enabled, ElastiCache adds or removes shards by online resharding (ADR 0003)',
  },
  {
    type: 'AWS::RDS::DBInstance',
    property: 'DBParameterGroupName',
    inPlace: () => true,
    reason:
      'another parameter group is a ModifyDBInstance (static parameters apply at the next reboot); the RDS resource provider does not list it among the changes that replace an instance (aws-cloudformation-resource-providers-rds, ImmutabilityHelper.isChangeMutable)',
  },
  {
    type: 'AWS::RDS::DBInstance',
    property: 'MultiAZ',
    inPlace: (o, n) => o === n || n === true,
    reason: 'converting a single-AZ instance to Multi-AZ is an in-place modification',
  },
];
