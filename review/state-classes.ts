/**
 * docs/architecture.md §2: what the planner knows about a CloudFormation
 * resource type, one entry per type: its state class, what replacing it
 * costs, the property that holds a custom name, and the update rules that
 * depend on the values (in place under a condition, or failing on a
 * deployed resource).
 *
 * Durable resources hold data or everything else depends on them: an
 * upgrade that would replace or remove one is blocked. Transient ones can
 * be rebuilt: a replacement is reported as a warning, unless the resource
 * has a custom name, which CloudFormation cannot replace. Everything else
 * is stateless.
 */
import { STATE_CLASS_METADATA } from '../constructs/cache/redis-cache';
export type StateClass = 'durable' | 'transient' | 'stateless';

export type Props = Readonly<Record<string, unknown>>;

/**
 * A property the CloudFormation schema marks as "may replace" that is in
 * place under a condition the kit can check. Anything else that may
 * replace a durable resource blocks the upgrade.
 */
export interface ConditionalUpdate {
  readonly property: string;
  /** Whether this old -> new change is in place, given the resource's new (and old) properties. */
  readonly inPlace: (oldValue: unknown, newValue: unknown, properties: Props, oldProperties: Props) => boolean;
  readonly reason: string;
}

/**
 * A change that keeps the resource but changes what it is, deliberately and
 * for good: the plan prints it on a line of its own, and does not block it.
 */
export interface RoleChange {
  /** Whether this old -> new change of the resource's properties is the role change. */
  readonly when: (oldProperties: Props, newProperties: Props) => boolean;
  /** One line, e.g. `standby database promoted: irreversible`. */
  readonly summary: string;
  readonly detail: string;
}

/** An in-place update that CloudFormation accepts but the service can refuse on a deployed, grown resource. */
export interface FailingUpdate {
  readonly property: string;
  /** Whether this old -> new change fails on the deployed resource. */
  readonly fails: (oldValue: unknown, newValue: unknown, oldProperties: Props, newProperties: Props) => boolean;
  readonly reason: string;
}

export interface ResourceTypeFacts {
  readonly stateClass: StateClass;
  /** What replacing or removing it costs: docs/architecture.md §2 calls it the blast radius. */
  readonly blastRadius?: string;
  /**
   * The property that holds the resource's name when the template sets
   * one. CloudFormation cannot replace a custom-named resource: it creates
   * the new one before deleting the old, and the name is taken.
   */
  readonly nameProperty?: string;
  readonly conditionalUpdates?: readonly ConditionalUpdate[];
  readonly failingUpdates?: readonly FailingUpdate[];
  readonly roleChanges?: readonly RoleChange[];
  /** A resource whose creation with these properties fails. */
  readonly failingCreate?: { readonly fails: (properties: Props) => boolean; readonly reason: string };
  /** A resource whose removal, with these last deployed properties, fails or leaves it behind. */
  readonly failingRemoval?: { readonly fails: (properties: Props) => boolean; readonly reason: string };
  /**
   * What a durable resource left in the account (DeletionPolicy Retain, the
   * planner's "orphaned") keeps, when that loses nothing an application
   * reads: the upgrade then goes on with this as its note.
   */
  readonly whenOrphaned?: string;
  /**
   * A durable resource that holds no data itself but that resources of
   * `type` use: its removal is safe when every one of them goes with it.
   */
  readonly heldBy?: { readonly type: string; readonly reason: string };
}

const positive = (v: unknown): boolean => Number(v) > 0;

/**
 * RDS refuses a storage modification once storage autoscaling has grown
 * the volume past the requested size, within 10% of it, or within six
 * hours of the last storage change; CloudFormation sends AllocatedStorage
 * whenever the template value changes, and the update fails (possibly
 * into UPDATE_ROLLBACK_FAILED). Amazon RDS User Guide, "Working with
 * storage for Amazon RDS DB instances" and "Managing capacity
 * automatically with Amazon RDS storage autoscaling".
 */
const ALLOCATED_STORAGE: FailingUpdate = {
  property: 'AllocatedStorage',
  fails: (o, n, oldProps) => o !== undefined && n !== undefined && String(o) !== String(n) && oldProps.SourceDBInstanceIdentifier === undefined,
  reason:
    'AllocatedStorage changes on a deployed instance: once storage autoscaling has grown the volume (or within 10% of it, or 6 hours after a storage change) RDS rejects the modification and the stack update fails; raise only MaxAllocatedStorage between phases',
};

/**
 * A read replica whose template loses `SourceDBInstanceIdentifier`: "If you
 * remove the SourceDBInstanceIdentifier property from your template and then
 * update your stack, AWS CloudFormation promotes the read replica to a
 * standalone DB instance" (AWS::RDS::DBInstance, SourceDBInstanceIdentifier:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-sourcedbinstanceidentifier).
 * The same instance, its identifier and endpoint kept.
 */
const promotion = (oldProps: Props, newProps: Props): boolean => oldProps.SourceDBInstanceIdentifier !== undefined && newProps.SourceDBInstanceIdentifier === undefined;

export const RESOURCE_TYPES: Readonly<Record<string, ResourceTypeFacts>> = {
  'AWS::RDS::DBInstance': {
    stateClass: 'durable',
    nameProperty: 'DBInstanceIdentifier',
    // Gate rule RemovedInstanceUnprotected: CloudFormation's troubleshooting guide, "Resource removed from stack but not deleted".
    failingRemoval: {
      fails: (p) => p.DeletionProtection === true,
      reason: 'deletion protection is on: RDS refuses the delete, and CloudFormation drops the instance from the stack and leaves it running, without a final snapshot; turn protection off in a deploy first',
    },
    conditionalUpdates: [
      {
        property: 'SourceDBInstanceIdentifier',
        inPlace: (o, n) => o !== undefined && n === undefined,
        reason: 'removing SourceDBInstanceIdentifier promotes the read replica in place (CloudFormation, AWS::RDS::DBInstance SourceDBInstanceIdentifier)',
      },
      {
        property: 'BackupRetentionPeriod',
        inPlace: (o, n, props, oldProps) => (positive(o) && positive(n)) || (promotion(oldProps, props) && positive(n)),
        reason:
          'changing a non-zero retention to another non-zero value is an in-place modification, and a promotion sends the retention with the promotion (RDS PromoteReadReplica BackupRetentionPeriod); only turning backups on or off otherwise restarts the instance',
      },
      { property: 'AvailabilityZone', inPlace: (o, n) => o === n, reason: 'unchanged zone' },
      {
        property: 'MultiAZ',
        inPlace: (o, n) => o === n || n === true,
        reason: 'converting a single-AZ instance to Multi-AZ is an in-place modification',
      },
      {
        property: 'DBParameterGroupName',
        inPlace: () => true,
        reason:
          'another parameter group is a ModifyDBInstance (static parameters apply at the next reboot); the RDS resource provider does not list it among the changes that replace an instance (aws-cloudformation-resource-providers-rds, ImmutabilityHelper.isChangeMutable)',
      },
    ],
    failingUpdates: [ALLOCATED_STORAGE],
    // MasterUsername is required unless the instance is restored or replicated (AWS::RDS::DBInstance MasterUsername,
    // "Required: Conditional"): a promoted template creating the instance fails.
    failingCreate: {
      fails: (p) => ['SourceDBInstanceIdentifier', 'MasterUsername', 'DBSnapshotIdentifier', 'DBClusterIdentifier', 'SourceDBInstanceAutomatedBackupsArn', 'SourceDbiResourceId'].every((k) => p[k] === undefined),
      reason:
        'a DB instance created with neither a source, a snapshot nor a master user: a standby promoted before its replica was ever deployed (standby.role "promoted" needs a standby deployed as "standby" first); the create fails',
    },
    roleChanges: [
      {
        when: promotion,
        summary: 'standby database promoted: irreversible',
        detail: 'the replica stops replicating and accepts writes; it never becomes a replica of its old source again, and the way back is a new replica (ADR 0029)',
      },
    ],
  },
  'AWS::RDS::DBSubnetGroup': {
    stateClass: 'durable',
    nameProperty: 'DBSubnetGroupName',
    heldBy: { type: 'AWS::RDS::DBInstance', reason: 'a subnet group holds no data, and RDS deletes none an instance still uses' },
  },
  'AWS::RDS::DBParameterGroup': {
    stateClass: 'durable',
    nameProperty: 'DBParameterGroupName',
    heldBy: { type: 'AWS::RDS::DBInstance', reason: 'a parameter group holds no data, and RDS deletes none an instance still uses' },
  },
  'AWS::S3::Bucket': { stateClass: 'durable', nameProperty: 'BucketName' },
  'AWS::KMS::Key': { stateClass: 'durable' },
  'AWS::KMS::Alias': { stateClass: 'durable', nameProperty: 'AliasName' },
  'AWS::SecretsManager::Secret': {
    stateClass: 'durable',
    nameProperty: 'Name',
    // Retained with its value, e.g. a cache's AUTH token when `cache` turns null; a stack that still reads it is a stranded consumer, reported apart.
    whenOrphaned: 'kept in the account with its value, no longer managed by the stack (a monthly secret charge until deleted); a later secret of the same custom name would fail to create until it is deleted',
  },
  'AWS::SQS::Queue': { stateClass: 'durable', nameProperty: 'QueueName' },
  'AWS::Kinesis::Stream': { stateClass: 'durable', nameProperty: 'Name' },
  'AWS::Backup::BackupVault': { stateClass: 'durable', nameProperty: 'BackupVaultName' },
  'AWS::EC2::VPC': { stateClass: 'durable' },
  'AWS::EC2::Subnet': { stateClass: 'durable' },
  'AWS::Logs::LogGroup': {
    stateClass: 'durable',
    nameProperty: 'LogGroupName',
    // No application reads its logs back; they stay searchable until their retention ends.
    whenOrphaned: 'kept in the account with its logs until their retention ends, no longer written; a later resource of the same custom name would fail to create until it is deleted',
  },
  'AWS::ElastiCache::ReplicationGroup': {
    stateClass: 'transient',
    nameProperty: 'ReplicationGroupId',
    blastRadius: 'the cache starts empty: sessions are lost and the database takes the cold-cache read load until it warms',
    conditionalUpdates: [
      {
        property: 'NumNodeGroups',
        inPlace: (_o, _n, props) => props.ClusterMode === 'enabled',
        reason: 'with cluster mode enabled, ElastiCache adds or removes shards by online resharding (ADR 0003)',
      },
    ],
  },
  'AWS::ElastiCache::SubnetGroup': {
    stateClass: 'transient',
    nameProperty: 'CacheSubnetGroupName',
    blastRadius: 'forces the cache replication group to be replaced with it',
  },
  'AWS::ElastiCache::ParameterGroup': { stateClass: 'transient', blastRadius: 'forces the cache replication group to be replaced with it' },
  'AWS::CloudFront::Distribution': {
    stateClass: 'transient',
    // Aliases are CNAMEs unique across all of CloudFront: a replacement cannot take them while the old distribution holds them.
    nameProperty: 'DistributionConfig.Aliases',
    blastRadius: 'a new distribution domain and an empty edge cache; DNS must follow',
  },
  // Stateless resources that carry a custom name: cheap to rebuild, impossible to replace in one update.
  'AWS::CloudWatch::Dashboard': { stateClass: 'stateless', nameProperty: 'DashboardName' },
  'AWS::CloudWatch::Alarm': { stateClass: 'stateless', nameProperty: 'AlarmName' },
  'AWS::CloudWatch::CompositeAlarm': { stateClass: 'stateless', nameProperty: 'AlarmName' },
  'AWS::SNS::Topic': { stateClass: 'stateless', nameProperty: 'TopicName' },
  'AWS::IAM::Role': { stateClass: 'stateless', nameProperty: 'RoleName' },
  'AWS::IAM::ManagedPolicy': { stateClass: 'stateless', nameProperty: 'ManagedPolicyName' },
  'AWS::ECS::Cluster': { stateClass: 'stateless', nameProperty: 'ClusterName' },
  'AWS::ECS::Service': { stateClass: 'stateless', nameProperty: 'ServiceName' },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { stateClass: 'stateless', nameProperty: 'Name' },
  'AWS::ElasticLoadBalancingV2::TargetGroup': { stateClass: 'stateless', nameProperty: 'Name' },
  'AWS::WAFv2::WebACL': { stateClass: 'stateless', nameProperty: 'Name' },
  'AWS::Chatbot::SlackChannelConfiguration': { stateClass: 'stateless', nameProperty: 'ConfigurationName' },
  'AWS::Lambda::Function': { stateClass: 'stateless', nameProperty: 'FunctionName' },
  'AWS::CloudFront::CachePolicy': { stateClass: 'stateless', nameProperty: 'CachePolicyConfig.Name' },
  'AWS::Events::Rule': { stateClass: 'stateless', nameProperty: 'Name' },
  // The identity's name is its domain; DKIM tokens are new when it is recreated, and the kit rewrites their records.
  'AWS::SES::EmailIdentity': { stateClass: 'stateless', nameProperty: 'EmailIdentity' },
  'AWS::SES::ConfigurationSet': { stateClass: 'stateless', nameProperty: 'Name' },
  'AWS::Scheduler::ScheduleGroup': { stateClass: 'stateless', nameProperty: 'Name' },
  'AWS::Scheduler::Schedule': { stateClass: 'stateless', nameProperty: 'Name' },
};

export function factsOf(type: string): ResourceTypeFacts {
  return RESOURCE_TYPES[type] ?? { stateClass: 'stateless' };
}

export function stateClassOf(type: string): StateClass {
  return factsOf(type).stateClass;
}

/**
 * Template metadata with which one resource overrides its type's class: a
 * Valkey group that is a store (constructs/cache, which owns the key) holds
 * jobs and sessions nothing rebuilds, so it is durable where a cache is transient.
 */
export { STATE_CLASS_METADATA };

const STATE_CLASSES: readonly StateClass[] = ['durable', 'transient', 'stateless'];

/** A resource's class: its own metadata entry when it has a valid one, else its type's. */
export function resourceStateClass(resource: { readonly Type?: string; readonly Metadata?: Props } | undefined, type = resource?.Type ?? 'unknown'): StateClass {
  const own = resource?.Metadata?.[STATE_CLASS_METADATA];
  return STATE_CLASSES.find((c) => c === own) ?? stateClassOf(type);
}

/** The custom name a resource's properties set, or undefined when CloudFormation generates it. */
export function customNameOf(type: string, properties: Props | undefined): string | undefined {
  const path = factsOf(type).nameProperty;
  if (path === undefined || properties === undefined) return undefined;
  const value = path.split('.').reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), properties);
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return undefined;
  return `${path} ${typeof value === 'string' ? `"${value}"` : JSON.stringify(value)}`;
}
