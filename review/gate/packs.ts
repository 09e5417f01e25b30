import { GateRule } from './rule';
import { EcsExecLoggingPermissions } from './rules/ecs/exec-logging-permissions';
import { EcsNativeDeploymentListener } from './rules/ecs/native-deployment-listener';
import { EcsNativeDeploymentWatchesBothTargetGroups } from './rules/ecs/native-deployment-watches-both';
import { FailoverAlarmTreatsMissingAsUnhealthy } from './rules/failover/failover-alarm-reads-missing-as-unhealthy';
import { FailoverWithoutTargetHealth } from './rules/failover/failover-without-target-health';
import { UniqueNames } from './rules/names/unique-names';
import { UniqueRecordSets } from './rules/names/unique-records';
import { AlarmTopicKeyAllowsCloudWatch } from './rules/policies/alarm-topic-key-allows-cloudwatch';
import { AlarmTopicPolicyAllowsCloudWatch } from './rules/policies/alarm-topic-policy-allows-cloudwatch';
import { BackupCopyVaultExists } from './rules/policies/backup-copy-vault-exists';
import { LoadBalancerLogBucket } from './rules/policies/load-balancer-log-bucket';
import { LogGroupKeyAllowsLogs } from './rules/policies/log-group-key-allows-logs';
import { MultiUserRotationMasterSecret } from './rules/policies/multi-user-rotation-master-secret';
import { WafLogGroupName } from './rules/policies/waf-log-group-name';
import { DashboardAlarmWidgetQuota } from './rules/quotas/dashboard-alarm-widget';
import { LoadBalancerQuotas } from './rules/quotas/load-balancer-quotas';
import { SecurityGroupRuleQuota } from './rules/quotas/security-group-rules';
import { StackQuotas } from './rules/quotas/stack-quotas';
import { SecretReferencesResolve } from './rules/regions/secret-references-resolve';
import { TasksReadOwnRegion } from './rules/regions/tasks-read-own-region';
import { AllocatedStorageUnchanged } from './rules/upgrades/allocated-storage-unchanged';
import { CustomNamedReplacement } from './rules/upgrades/custom-named-replacement';
import { ReplicaMaxConnections } from './rules/upgrades/replica-max-connections';
import { StrandedConsumer } from './rules/upgrades/stranded-consumer';

/** Every resource policy a service needs to reach a resource of the deployment. */
export const RESOURCE_POLICIES: readonly GateRule[] = [
  AlarmTopicPolicyAllowsCloudWatch,
  AlarmTopicKeyAllowsCloudWatch,
  LogGroupKeyAllowsLogs,
  BackupCopyVaultExists,
  LoadBalancerLogBucket,
  WafLogGroupName,
  MultiUserRotationMasterSecret,
];

/** Names unique per account or per region, across every stack and region of the deployment. */
export const NAMES: readonly GateRule[] = [UniqueNames, UniqueRecordSets];

/** Quotas synth accepts and AWS refuses. */
export const QUOTAS: readonly GateRule[] = [DashboardAlarmWidgetQuota, LoadBalancerQuotas, SecurityGroupRuleQuota, StackQuotas];

/** What an upgrade from the previous phase does to deployed resources and their consumers. */
export const UPGRADES: readonly GateRule[] = [AllocatedStorageUnchanged, CustomNamedReplacement, StrandedConsumer, ReplicaMaxConnections];

/** Regional failover that moves on the right signal, and a region that finds what it reads in its own region. */
export const RESILIENCE: readonly GateRule[] = [FailoverWithoutTargetHealth, FailoverAlarmTreatsMissingAsUnhealthy, TasksReadOwnRegion, SecretReferencesResolve];

/** Amazon ECS features that need more than one resource to agree. */
export const ECS: readonly GateRule[] = [EcsNativeDeploymentListener, EcsNativeDeploymentWatchesBothTargetGroups, EcsExecLoggingPermissions];

/** The deployability gate: every pack. */
export const DEPLOYABILITY: readonly GateRule[] = [...RESOURCE_POLICIES, ...NAMES, ...QUOTAS, ...UPGRADES, ...RESILIENCE, ...ECS];
