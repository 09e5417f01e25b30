import { PhaseName } from './types';

/**
 * us-east-1 on-demand list prices, as data. Source: the AWS pricing pages of
 * each service (aws.amazon.com/<service>/pricing), read November 2026;
 * Valkey node prices are ElastiCache's Redis OSS prices less its published
 * 20% Valkey discount. Re-check before relying on a figure: prices change.
 */
export const PRICES_AS_OF = '2026-11';
export const PRICE_SOURCE = 'AWS public pricing pages, us-east-1, on-demand';

export const HOURS_PER_MONTH = 730;

export const PRICES = {
  natGatewayHour: 0.045,
  publicIpv4Hour: 0.005,
  albHour: 0.0225,
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  /** Single-AZ instance hour; Multi-AZ doubles it. */
  rdsPostgresHour: {
    't4g.medium': 0.065,
    't4g.large': 0.129,
    't4g.xlarge': 0.258,
    't4g.2xlarge': 0.517,
    'm7g.large': 0.168,
    'm7g.xlarge': 0.337,
    'm7g.2xlarge': 0.674,
    'm7g.4xlarge': 1.348,
    'm7g.8xlarge': 2.696,
    'r7g.large': 0.239,
    'r7g.xlarge': 0.478,
    'r7g.2xlarge': 0.957,
    'r7g.4xlarge': 1.914,
    'r7g.8xlarge': 3.828,
    'r7g.12xlarge': 5.742,
    'r7g.16xlarge': 7.656,
  } as Readonly<Record<string, number>>,
  /** gp3 GB-month, single-AZ; Multi-AZ doubles it. */
  rdsGp3GbMonth: 0.115,
  /** Valkey node hour. */
  valkeyNodeHour: {
    'cache.t4g.micro': 0.0128,
    'cache.t4g.small': 0.0256,
    'cache.t4g.medium': 0.0512,
    'cache.r7g.large': 0.1752,
    'cache.r7g.xlarge': 0.3496,
    'cache.r7g.2xlarge': 0.6992,
    'cache.m7g.large': 0.1264,
    'cache.m7g.xlarge': 0.2528,
  } as Readonly<Record<string, number>>,
  kmsKeyMonth: 1,
  secretMonth: 0.4,
  /** Per metric in a standard-resolution alarm. */
  alarmMetricMonth: 0.1,
  compositeAlarmMonth: 0.5,
  dashboardMonth: 3,
  wafWebAclMonth: 5,
  wafRuleMonth: 1,
  kinesisOnDemandStreamHour: 0.04,
  kinesisShardHour: 0.015,
  /** AWS Backup warm storage of RDS snapshots, GB-month (a cross-region copy is stored again at this rate). */
  backupGbMonth: 0.095,
  /** A Route 53 health check of an AWS endpoint or a CloudWatch alarm. */
  route53HealthCheckMonth: 0.5,
  /** A Route 53 hosted zone, public or private, of the first 25 (https://aws.amazon.com/route53/pricing/). */
  route53HostedZoneMonth: 0.5,
  /** A CloudWatch Synthetics canary run (https://aws.amazon.com/cloudwatch/pricing/); the origin check runs once a minute. */
  canaryRun: 0.0012,
} as const;

/**
 * Resource types with no fixed monthly price: free, or billed only by use
 * (shown under traffic-dependent costs), or covered by another row.
 */
export const UNPRICED_TYPES: Readonly<Record<string, string>> = {
  'AWS::EC2::VPC': 'free',
  'AWS::EC2::Subnet': 'free',
  'AWS::EC2::RouteTable': 'free',
  'AWS::EC2::SubnetRouteTableAssociation': 'free',
  'AWS::EC2::Route': 'free',
  'AWS::EC2::InternetGateway': 'free',
  'AWS::EC2::VPCGatewayAttachment': 'free',
  'AWS::EC2::EIP': 'priced with its NAT gateway (public IPv4 hours)',
  'AWS::EC2::SecurityGroup': 'free',
  'AWS::EC2::SecurityGroupIngress': 'free',
  'AWS::EC2::PrefixList': 'free (Amazon VPC pricing lists no charge for customer-managed prefix lists)',
  'AWS::EC2::SecurityGroupEgress': 'free',
  'AWS::EC2::FlowLog': 'by use: log ingestion (traffic)',
  'AWS::IAM::Role': 'free',
  'AWS::IAM::Policy': 'free',
  'AWS::IAM::ManagedPolicy': 'free',
  'AWS::KMS::Alias': 'free',
  'AWS::Logs::LogGroup': 'by use: ingestion and storage (traffic)',
  'AWS::Lambda::Function': 'by use: one invocation per deployment',
  'Custom::VpcRestrictDefaultSG': 'free',
  'AWS::StepFunctions::StateMachine': 'by use: state transitions while a deploy waits for the login setup (ADR 0032)',
  'Custom::DeployTaskRun': 'by use: one Fargate task of a few minutes per change of the login setup',
  'AWS::RDS::DBParameterGroup': 'free',
  'AWS::RDS::DBSubnetGroup': 'free',
  'AWS::ElastiCache::SubnetGroup': 'free',
  'AWS::S3::Bucket': 'by use: storage of access logs (traffic)',
  'AWS::S3::BucketPolicy': 'free',
  'AWS::SQS::Queue': 'by use: requests (traffic)',
  'AWS::SQS::QueuePolicy': 'free',
  'AWS::Backup::BackupVault': 'priced with the backup plan (storage)',
  'AWS::Backup::BackupSelection': 'free',
  'AWS::SecretsManager::SecretTargetAttachment': 'free',
  'AWS::SecretsManager::ResourcePolicy': 'free',
  'AWS::SecretsManager::RotationSchedule': 'by use: the hosted rotation function runs seconds a month',
  'AWS::SSM::Parameter': 'free (standard tier)',
  'AWS::ECS::Cluster': 'free (Container Insights by use)',
  'AWS::ECS::TaskDefinition': 'free',
  'AWS::ElasticLoadBalancingV2::Listener': 'free',
  'AWS::ElasticLoadBalancingV2::ListenerRule': 'free',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'free',
  'AWS::ApplicationAutoScaling::ScalableTarget': 'free',
  'AWS::ApplicationAutoScaling::ScalingPolicy': 'free',
  'AWS::SNS::Topic': 'by use: notifications',
  'AWS::SNS::TopicPolicy': 'free',
  'AWS::SNS::Subscription': 'free',
  'AWS::Chatbot::SlackChannelConfiguration': 'free',
  'AWS::WAFv2::WebACLAssociation': 'free',
  'AWS::WAFv2::LoggingConfiguration': 'by use: log ingestion (traffic)',
  'AWS::CDK::Metadata': 'free',
  'AWS::CloudFront::Distribution': 'by use: requests and data transfer out (traffic)',
  'AWS::CloudFront::CachePolicy': 'free',
  'AWS::Route53::RecordSet': 'by use: queries (alias queries to AWS resources are free)',
};

/** Fixed-infrastructure budget per phase, USD a month (docs/architecture.md §5). */
export const BUDGET_PER_MONTH: Readonly<Record<PhaseName, number>> = {
  phase1: 500,
  phase2: 5_000,
  phase3: 50_000,
};

/** Assumptions behind the traffic-dependent estimate, per phase: the design load, all month. */
export const TRAFFIC_ASSUMPTIONS = {
  /** Average response size through the load balancer and NAT, KB. */
  responseKb: 10,
  /** Share of the design load sustained on average over a month. */
  averageLoadShare: 0.3,
  dataTransferOutPerGb: 0.09,
  natProcessingPerGb: 0.045,
  /** Share of response bytes that cross a NAT gateway (calls to outside APIs). */
  natShare: 0.1,
  albLcuHour: 0.008,
  /** New connections, active connections, bytes: LCUs per 1,000 req/s. */
  lcuPerThousandRps: 40,
  wafPerMillionRequests: 0.6,
  /** CloudFront HTTPS requests (North America and Europe), per million. */
  cdnPerMillionRequests: 1,
  /** CloudFront data transfer out, first 10 TB, per GB; origin-to-CloudFront transfer is free. */
  cdnDataTransferOutPerGb: 0.085,
  logIngestPerGb: 0.5,
  /** Log bytes written per request. */
  logBytesPerRequest: 500,
} as const;
