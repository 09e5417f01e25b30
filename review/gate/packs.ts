import { GateRule } from './rule';
import { ParameterGroupMatchesClusterMode } from './rules/cache/parameter-group-cluster-mode';
import { CdnAliasCertificate } from './rules/cdn/alias-certificate';
import { CdnAliasRecordServed } from './rules/cdn/alias-record-served';
import { EcsExecLoggingPermissions } from './rules/ecs/exec-logging-permissions';
import { FargateStopTimeout } from './rules/ecs/fargate-stop-timeout';
import { WritableVolumesOwned } from './rules/ecs/writable-volumes-owned';
import { EcsNativeDeploymentListener } from './rules/ecs/native-deployment-listener';
import { EcsNativeDeploymentWatchesBothTargetGroups } from './rules/ecs/native-deployment-watches-both';
import { SesIdentityRecordsPublished } from './rules/email/identity-records-published';
import { SingletonNeverRunsTwo } from './rules/ecs/singleton-never-runs-two';
import { RuleQueueAdmitsEventBridge } from './rules/events/rule-queue-admits-eventbridge';
import { FailoverAlarmTreatsMissingAsUnhealthy } from './rules/failover/failover-alarm-reads-missing-as-unhealthy';
import { FailoverCalculatedCheckCanFail } from './rules/failover/failover-calculated-check-can-fail';
import { FailoverWithoutTargetHealth } from './rules/failover/failover-without-target-health';
import { UniqueNames } from './rules/names/unique-names';
import { UniqueRecordSets } from './rules/names/unique-records';
import { AlarmTopicKeyAllowsCloudWatch } from './rules/policies/alarm-topic-key-allows-cloudwatch';
import { AlarmTopicPolicyAllowsCloudWatch } from './rules/policies/alarm-topic-policy-allows-cloudwatch';
import { AlarmNameAdmittedByTopic } from './rules/policies/alarm-name-admitted-by-topic';
import { BackupCopyVaultExists } from './rules/policies/backup-copy-vault-exists';
import { LoadBalancerLogBucket } from './rules/policies/load-balancer-log-bucket';
import { LogGroupKeyAllowsLogs } from './rules/policies/log-group-key-allows-logs';
import { MultiUserRotationMasterSecret } from './rules/policies/multi-user-rotation-master-secret';
import { WafLogGroupName } from './rules/policies/waf-log-group-name';
import { DashboardAlarmWidgetQuota } from './rules/quotas/dashboard-alarm-widget';
import { EventQuotas } from './rules/quotas/event-quotas';
import { LoadBalancerQuotas } from './rules/quotas/load-balancer-quotas';
import { ProviderWaiterWithinTimeout } from './rules/quotas/provider-waiter-timeout';
import { SecurityGroupRuleQuota } from './rules/quotas/security-group-rules';
import { DynamicReferenceQuota } from './rules/quotas/dynamic-references';
import { StackQuotas } from './rules/quotas/stack-quotas';
import { WebAclCapacity } from './rules/quotas/web-acl-capacity';
import { DeadLetterKeyAllowsScheduler } from './rules/schedules/dead-letter-key-allows-scheduler';
import { SchedulerPassesTaskRoles } from './rules/schedules/scheduler-passes-task-roles';
import { CrossRegionReplicaKey } from './rules/regions/cross-region-replica-key';
import { SecretReferencesResolve } from './rules/regions/secret-references-resolve';
import { TasksReadOwnRegion } from './rules/regions/tasks-read-own-region';
import { AllocatedStorageUnchanged } from './rules/upgrades/allocated-storage-unchanged';
import { PromotionKeepsCreateOnlyProperties } from './rules/upgrades/promotion-keeps-create-only';
import { RemovedInstanceUnprotected } from './rules/upgrades/removed-instance-unprotected';
import { ReplicaSourceHasBackups } from './rules/upgrades/replica-source-backups';
import { CustomNamedReplacement } from './rules/upgrades/custom-named-replacement';
import { ReplicaMaxConnections } from './rules/upgrades/replica-max-connections';
import { StrandedConsumer } from './rules/upgrades/stranded-consumer';
import { BucketNameRules } from './rules/storage/bucket-name-rules';
import { BucketReplicationPrerequisites } from './rules/storage/bucket-replication-prerequisites';
import { CdnBucketOriginReadable } from './rules/storage/cdn-bucket-origin-readable';

/** Every resource policy a service needs to reach a resource of the deployment. */
export const RESOURCE_POLICIES: readonly GateRule[] = [
  AlarmTopicPolicyAllowsCloudWatch,
  AlarmNameAdmittedByTopic,
  AlarmTopicKeyAllowsCloudWatch,
  LogGroupKeyAllowsLogs,
  BackupCopyVaultExists,
  LoadBalancerLogBucket,
  WafLogGroupName,
  DeadLetterKeyAllowsScheduler,
  SchedulerPassesTaskRoles,
  RuleQueueAdmitsEventBridge,
  MultiUserRotationMasterSecret,
];

/** What Amazon SES needs before a domain identity can send. */
export const EMAIL: readonly GateRule[] = [SesIdentityRecordsPublished];

/** Names unique per account or per region, across every stack and region of the deployment. */
export const NAMES: readonly GateRule[] = [UniqueNames, UniqueRecordSets];

/** Quotas synth accepts and AWS refuses. */
export const QUOTAS: readonly GateRule[] = [DashboardAlarmWidgetQuota, DynamicReferenceQuota, EventQuotas, LoadBalancerQuotas, ProviderWaiterWithinTimeout, SecurityGroupRuleQuota, StackQuotas, WebAclCapacity];

/** What an upgrade from the previous phase does to deployed resources and their consumers. */
export const UPGRADES: readonly GateRule[] = [AllocatedStorageUnchanged, CustomNamedReplacement, StrandedConsumer, ReplicaMaxConnections, RemovedInstanceUnprotected, PromotionKeepsCreateOnlyProperties, ReplicaSourceHasBackups];

/** Regional failover that moves on the right signal, and a region that finds what it reads in its own region. */
export const RESILIENCE: readonly GateRule[] = [FailoverWithoutTargetHealth, FailoverAlarmTreatsMissingAsUnhealthy, FailoverCalculatedCheckCanFail, TasksReadOwnRegion, SecretReferencesResolve, CrossRegionReplicaKey];

/** Amazon ECS features that need more than one resource to agree. */
export const ECS: readonly GateRule[] = [EcsNativeDeploymentListener, EcsNativeDeploymentWatchesBothTargetGroups, EcsExecLoggingPermissions, FargateStopTimeout, SingletonNeverRunsTwo, WritableVolumesOwned];

/** Buckets the CDN can read, replication S3 accepts and replicates every object with, names S3 accepts. */
export const STORAGE: readonly GateRule[] = [CdnBucketOriginReadable, BucketReplicationPrerequisites, BucketNameRules];

/** Alternate domain names CloudFront accepts and answers (ADR 0033). */
export const CDN: readonly GateRule[] = [CdnAliasCertificate, CdnAliasRecordServed];

/** Settings of one resource that the service refuses together. */
export const CONSISTENCY: readonly GateRule[] = [ParameterGroupMatchesClusterMode];

/** The deployability gate: every pack. */
export const DEPLOYABILITY: readonly GateRule[] = [...RESOURCE_POLICIES, ...NAMES, ...QUOTAS, ...UPGRADES, ...RESILIENCE, ...ECS, ...STORAGE, ...CDN, ...CONSISTENCY, ...EMAIL];
