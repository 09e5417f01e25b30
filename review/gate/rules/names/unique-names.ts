import { GateRule, Violation } from '../../rule';
import { flatten, Located, resourcesOf } from '../../template';

/** Where a name must be unique: in the account across every region, or in one region of the account. */
type Scope = 'account' | 'region' | 'global';

interface NameRule {
  readonly types: readonly string[];
  readonly property: string;
  readonly scope: Scope | ((r: Located) => Scope);
  /** Names compared case-insensitively by the service. */
  readonly caseInsensitive?: boolean;
  readonly source: string;
}

/**
 * Custom names and the scope in which the service keeps them unique. Alarm
 * names share one namespace between metric and composite alarms.
 */
export const NAME_SCOPES: readonly NameRule[] = [
  { types: ['AWS::SES::EmailIdentity'], property: 'EmailIdentity', scope: 'region', caseInsensitive: true, source: 'Amazon SES: an identity exists once per account and region' },
  { types: ['AWS::SES::ConfigurationSet'], property: 'Name', scope: 'region', source: 'Amazon SES: configuration set names are unique per account and region' },
  { types: ['AWS::CloudWatch::Dashboard'], property: 'DashboardName', scope: 'account', source: 'CloudWatch PutDashboard: dashboards are global to the account' },
  { types: ['AWS::Chatbot::SlackChannelConfiguration'], property: 'ConfigurationName', scope: 'account', source: 'AWS Chatbot: configuration names are unique per account' },
  { types: ['AWS::IAM::Role'], property: 'RoleName', scope: 'account', caseInsensitive: true, source: 'IAM identifiers: role names are unique in the account, case-insensitive' },
  { types: ['AWS::IAM::ManagedPolicy'], property: 'ManagedPolicyName', scope: 'account', caseInsensitive: true, source: 'IAM identifiers' },
  { types: ['AWS::IAM::InstanceProfile'], property: 'InstanceProfileName', scope: 'account', caseInsensitive: true, source: 'IAM identifiers' },
  { types: ['AWS::S3::Bucket'], property: 'BucketName', scope: 'global', source: 'Amazon S3 bucket naming rules: names are unique across all accounts of the partition' },
  { types: ['AWS::CloudFront::CachePolicy'], property: 'CachePolicyConfig.Name', scope: 'account', source: 'CloudFront cache policies are global to the account' },
  { types: ['AWS::CloudFront::OriginRequestPolicy'], property: 'OriginRequestPolicyConfig.Name', scope: 'account', source: 'CloudFront origin request policies are global to the account' },
  { types: ['AWS::CloudFront::ResponseHeadersPolicy'], property: 'ResponseHeadersPolicyConfig.Name', scope: 'account', source: 'CloudFront response headers policies are global to the account' },
  { types: ['AWS::CloudFront::Function'], property: 'Name', scope: 'account', source: 'CloudFront functions are global to the account' },
  {
    types: ['AWS::CloudFront::Distribution'],
    property: 'DistributionConfig.Aliases',
    scope: 'global',
    caseInsensitive: true,
    source: 'CloudFront alternate domain names (CNAMEs) belong to one distribution across all accounts',
  },
  {
    types: ['AWS::WAFv2::WebACL', 'AWS::WAFv2::IPSet', 'AWS::WAFv2::RuleGroup', 'AWS::WAFv2::RegexPatternSet'],
    property: 'Name',
    // CLOUDFRONT-scoped entities live in us-east-1 for the account; REGIONAL ones per region.
    scope: (r) => (r.resource.Properties?.Scope === 'CLOUDFRONT' ? 'account' : 'region'),
    source: 'AWS WAF: names are unique per scope (CLOUDFRONT, or REGIONAL per region) and type',
  },
  { types: ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'], property: 'AlarmName', scope: 'region', source: 'CloudWatch PutMetricAlarm: alarm names are unique per region' },
  { types: ['AWS::Logs::LogGroup'], property: 'LogGroupName', scope: 'region', source: 'CloudWatch Logs CreateLogGroup: names are unique per region' },
  { types: ['AWS::KMS::Alias'], property: 'AliasName', scope: 'region', source: 'AWS KMS aliases are unique per region' },
  { types: ['AWS::RDS::DBInstance'], property: 'DBInstanceIdentifier', scope: 'region', caseInsensitive: true, source: 'Amazon RDS: DB instance identifiers are unique per region' },
  { types: ['AWS::RDS::DBParameterGroup'], property: 'DBParameterGroupName', scope: 'region', caseInsensitive: true, source: 'Amazon RDS naming constraints' },
  { types: ['AWS::RDS::DBSubnetGroup'], property: 'DBSubnetGroupName', scope: 'region', caseInsensitive: true, source: 'Amazon RDS naming constraints' },
  { types: ['AWS::ElastiCache::ReplicationGroup'], property: 'ReplicationGroupId', scope: 'region', caseInsensitive: true, source: 'ElastiCache: replication group ids are unique per region' },
  { types: ['AWS::ElastiCache::SubnetGroup'], property: 'CacheSubnetGroupName', scope: 'region', caseInsensitive: true, source: 'ElastiCache naming constraints' },
  { types: ['AWS::SecretsManager::Secret'], property: 'Name', scope: 'region', source: 'Secrets Manager: secret names are unique per region' },
  { types: ['AWS::SQS::Queue'], property: 'QueueName', scope: 'region', source: 'Amazon SQS: queue names are unique per region' },
  { types: ['AWS::SNS::Topic'], property: 'TopicName', scope: 'region', source: 'Amazon SNS: topic names are unique per region' },
  { types: ['AWS::Kinesis::Stream'], property: 'Name', scope: 'region', source: 'Kinesis Data Streams: stream names are unique per region' },
  { types: ['AWS::ECS::Cluster'], property: 'ClusterName', scope: 'region', source: 'Amazon ECS: cluster names are unique per region' },
  { types: ['AWS::ElasticLoadBalancingV2::LoadBalancer'], property: 'Name', scope: 'region', source: 'Elastic Load Balancing: names are unique per region' },
  { types: ['AWS::ElasticLoadBalancingV2::TargetGroup'], property: 'Name', scope: 'region', source: 'Elastic Load Balancing: names are unique per region' },
  { types: ['AWS::Backup::BackupVault'], property: 'BackupVaultName', scope: 'region', source: 'AWS Backup: vault names are unique per region' },
  { types: ['AWS::Lambda::Function'], property: 'FunctionName', scope: 'region', source: 'AWS Lambda: function names are unique per region' },
  { types: ['AWS::Events::Rule'], property: 'Name', scope: 'region', source: 'EventBridge: rule names are unique per event bus' },
  { types: ['AWS::Scheduler::ScheduleGroup'], property: 'Name', scope: 'region', source: 'EventBridge Scheduler CreateScheduleGroup: group names are unique per account and region' },
];

function valueAt(props: Readonly<Record<string, any>> | undefined, path: string): unknown {
  return path.split('.').reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), props);
}

/**
 * Names that AWS keeps unique per account or per region, made unique
 * across every stack of a deployment: two stacks that set the same one
 * make the second stack's create fail ("already exists").
 */
export const UniqueNames: GateRule = {
  id: 'UniqueNames',
  summary: 'Custom names that AWS keeps unique across all accounts (S3 buckets), per account (dashboards, Chatbot configurations, IAM roles, CLOUDFRONT-scoped WAF entities, ...) or per region (alarms, log groups, aliases, ...) appear once in the deployment, and a Slack channel is configured once per account.',
  documentation:
    'Amazon CloudWatch API Reference, PutDashboard https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html; AWS Chatbot, "Configuring a Slack client" https://docs.aws.amazon.com/chatbot/latest/adminguide/slack-setup.html; IAM identifiers https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html',
  fix: 'derive the name from the site (region or role) as well as the deployment, or create the account-wide resource once (in the primary region or a small global stack) and give it every region\'s inputs',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const rule of NAME_SCOPES) {
      const seen = new Map<string, Located>();
      for (const type of rule.types) {
        for (const r of resourcesOf(input.deployment, type)) {
          const value = valueAt(r.resource.Properties, rule.property);
          for (const raw of Array.isArray(value) ? value : [value]) {
            if (typeof raw !== 'string') continue;
            const name = rule.caseInsensitive ? raw.toLowerCase() : raw;
            const scope = typeof rule.scope === 'function' ? rule.scope(r) : rule.scope;
            const where = scope === 'global' ? 'partition' : scope === 'account' ? `account ${r.account}` : `${r.account} ${r.region}`;
            const key = `${where}|${name}`;
            const first = seen.get(key);
            if (first) {
              violations.push({
                stack: r.stack,
                logicalId: r.logicalId,
                message: `${rule.property} "${raw}" is already used by ${first.stack} ${first.logicalId} (${first.region}); ${rule.source}, so this create fails`,
              });
            } else {
              seen.set(key, r);
            }
          }
        }
      }
    }
    const channels = new Map<string, Located>();
    for (const r of resourcesOf(input.deployment, 'AWS::Chatbot::SlackChannelConfiguration')) {
      const p = r.resource.Properties ?? {};
      const key = `${r.account}|${flatten(p.SlackWorkspaceId)}|${flatten(p.SlackChannelId)}`;
      const first = channels.get(key);
      if (first) {
        violations.push({
          stack: r.stack,
          logicalId: r.logicalId,
          message: `Slack channel ${flatten(p.SlackChannelId)} is already configured by ${first.stack} ${first.logicalId}; AWS Chatbot allows one configuration per Slack channel in an account: give that one every region's topics`,
        });
      } else {
        channels.set(key, r);
      }
    }
    return violations;
  },
};
