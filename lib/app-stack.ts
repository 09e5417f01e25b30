import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { BlueprintConfig, DB_INSTANCE_MEMORY_GIB, deploymentName, HostedZoneConfig, originPrefixListId, standbyPromoted } from '../config';
import {
  acknowledge,
  acknowledgeLogGroup,
  admitFrom,
  POSTGRES_PORT,
  REDIS_PORT,
  TaskSecurityGroup,
  AlarmTopics,
  inCompliancePacks,
  LoginSetup,
  WebFirewall,
  BurnRateAlarms,
  cacheNodeIds,
  cacheSaturationSpecs,
  databaseSaturationSpecs,
  deploymentAlarmSpecs,
  FailoverRecord,
  ORIGIN_HEADER,
  OriginSecret,
  originFailoverSpecs,
  OriginCheck,
  originCheckAlarmName,
  originCheckSpec,
  routedProbes,
  SendingDomain,
  GoldenSignalsDashboard,
  PublicLoadBalancer,
  QUEUE_SIGNALS,
  SCHEDULE_SIGNALS,
  SATURATION_SIGNALS,
  SERVICE_SIGNALS,
  serviceAlarmName,
  SlaAlarms,
  streamSpecs,
} from '../constructs';
import { BlueprintStack, BlueprintStackProps } from './blueprint-stack';
import { DataStack } from './data-stack';
import { crossRegion } from './references';

export interface AppStackProps extends BlueprintStackProps {
  readonly config: BlueprintConfig;
  readonly data: DataStack;
  /** With an edge: the name of the secret (replicated into this region) holding the origin header's value. */
  readonly originSecretName?: string;
  /**
   * This region's half of the Route 53 failover pair on the CDN's origin
   * name, when the CDN and a hosted zone are configured. The primary's half
   * exists from the first CDN deploy, so a standby only adds the secondary.
   * @default - no origin record
   */
  readonly originFailover?: 'PRIMARY' | 'SECONDARY';
  /**
   * Which site of the deployment this is. Names that are global per
   * account (the dashboard's) carry `-standby` in the standby's site.
   * @default 'primary'
   */
  readonly site?: 'primary' | 'standby';
}

/** The email configuration set's name: SES keeps names unique per account and region. */
export function mailConfigurationSetName(c: BlueprintConfig): string {
  return `${deploymentName(c)}-mail`;
}

/** Where a deployment's runbooks are published; alarm descriptions link to their entries. */
export const RUNBOOK_URL = 'docs/runbooks.md';

/**
 * The shared stateless tier: the ECS cluster, the load balancer, the alarm
 * topics, deployment-wide alarms and the dashboard. Each service and worker
 * has a stack of its own on top of it.
 */
export class AppStack extends BlueprintStack {
  public readonly cluster: ecs.Cluster;
  /** Where ECS Exec sessions are recorded when operators may open them (`operatorAccess.ecsExec`). */
  public readonly execLogGroup: logs.LogGroup;
  public readonly ingress: PublicLoadBalancer;
  /** The security group of every application task: what the load balancer and the data tier admit. */
  public readonly tasks: TaskSecurityGroup;
  /** A regional web ACL on the load balancer, when there is a firewall and no CDN. */
  public readonly firewall?: WebFirewall;
  /** The header every listener rule requires, with the values it accepts, when the load balancer sits behind the CDN. */
  public readonly originHeader?: { readonly name: string; readonly values: readonly string[] };
  /** The synthetic check of this region's origin that its failover record follows, when there is one. */
  public readonly originCheck?: OriginCheck;
  public readonly topics: AlarmTopics;
  public readonly alarms: SlaAlarms;
  public readonly burnRates: BurnRateAlarms;
  public readonly dashboard: GoldenSignalsDashboard;
  /** The SES identity the services with `sendsEmail` send through, in the primary site when `email` is set. */
  public readonly email?: SendingDomain;
  /**
   * Creates the application login during this stack's deploy, in the primary
   * site when `database.applicationLogin` is set: every stack whose tasks log
   * in with it depends on this one (ADR 0032). A standby's database is a
   * read-only replica that receives the logins by replication.
   */
  public readonly loginSetup?: LoginSetup;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const c = props.config;
    const { network, database, cache, redis, dataKey, logBucket, eventStream, queues } = props.data;
    const prefix = deploymentName(c);

    // ECS Exec sessions are encrypted with the data key and every session is logged to one
    // encrypted log group. Naming the group here (OVERRIDE) is what makes each service's task
    // role get the logs permissions the SSM agent needs (CreateLogStream, DescribeLogStreams,
    // PutLogEvents on this group, DescribeLogGroups) and kms:Decrypt on the key: with DEFAULT
    // logging the agent would write to the task's awslogs group with no permission to, and the
    // session would go unrecorded. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
    // The group has a fixed name (regional, unique per deployment) that the cluster names by
    // value, so every service stack's task-role statement reads a plain ARN, not a cross-stack
    // reference, and operators can `aws logs tail` it by name. It exists whether or not Exec is
    // on: a retained group that came and went with the setting would block turning it on again.
    this.execLogGroup = new logs.LogGroup(this, 'ExecSessionLogs', {
      logGroupName: `/ecs-exec/${prefix}`,
      retention: c.protection.logRetentionDays as logs.RetentionDays,
      encryptionKey: dataKey.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeLogGroup(this.execLogGroup, dataKey.key);
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: network.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      executeCommandConfiguration: c.operatorAccess.ecsExec
        ? {
            kmsKey: dataKey.key,
            logging: ecs.ExecuteCommandLogging.OVERRIDE,
            logConfiguration: {
              cloudWatchLogGroup: logs.LogGroup.fromLogGroupName(this, 'ExecSessionLogsByName', `/ecs-exec/${prefix}`),
              cloudWatchEncryptionEnabled: true,
            },
          }
        : undefined,
    });
    this.cluster.node.addDependency(this.execLogGroup);

    this.ingress = new PublicLoadBalancer(this, 'Ingress', {
      vpc: network.vpc,
      subnets: network.subnets('public'),
      certificateArn: c.ingress.certificateArn,
      accessLogBucket: logBucket.bucket,
      deletionProtection: c.protection.deletionProtection,
      idleTimeout: Duration.seconds(c.ingress.idleTimeoutSeconds),
      onlyFromPrefixListId: c.edge ? originPrefixListId(c.edge, this.region) : undefined,
    });

    // Every task of the deployment shares one security group, which the load balancer and the
    // data tier each admit once: a group per service would cost one rule per service on each of
    // them, and the 61st service would exceed the 60-rule quota.
    this.tasks = new TaskSecurityGroup(this, 'Tasks', {
      vpc: network.vpc,
      loadBalancer: this.ingress.securityGroup,
      ports: c.services.map((s) => s.containerPort),
    });
    admitFrom(database.securityGroup, ec2.Port.tcp(POSTGRES_PORT), this.tasks.securityGroup, 'Application tasks to PostgreSQL');
    if (cache) admitFrom(cache.securityGroup, ec2.Port.tcp(REDIS_PORT), this.tasks.securityGroup, 'Application tasks to Valkey');
    for (const group of redis.values()) admitFrom(group.securityGroup, ec2.Port.tcp(REDIS_PORT), this.tasks.securityGroup, `Application tasks to Valkey ${group.replicationGroupId}`);

    const login = props.data.applicationLogin;
    if (login) {
      // The login belongs to this region's writable database: during a failback, the one before, left as it was
      // (ADR 0029), not the read-only replica of the promoted region, which receives its logins by replication.
      const own = props.data.loginDatabase!;
      this.loginSetup = new LoginSetup(this, 'LoginSetup', {
        cluster: this.cluster,
        database: { address: own.instance.dbInstanceEndpointAddress, port: POSTGRES_PORT, name: own.databaseName, securityGroup: own.securityGroup },
        masterSecret: own.secret,
        loginSecret: login.secret,
        username: login.username,
        subnets: network.subnets('private'),
        encryptionKey: dataKey.key,
        logRetention: c.protection.logRetentionDays as logs.RetentionDays,
      });
    }

    if (props.originSecretName !== undefined) {
      this.originHeader = { name: ORIGIN_HEADER, values: OriginSecret.acceptedValues(props.originSecretName, c.edge?.originHeaderVersions ?? []) };
    }

    if (c.edge) {
      acknowledge(
        this.ingress.loadBalancer,
        'The load balancer sits behind the CDN: its security group admits only CloudFront\'s origin-facing addresses, every listener rule requires the CDN\'s secret origin header, and the CDN\'s web ACL filters every request first.',
        ...inCompliancePacks('ALBWAFEnabled', 'HIPAA.Security'),
      );
    } else if (c.firewall) {
      this.firewall = new WebFirewall(this, 'Firewall', {
        name: prefix,
        scope: 'REGIONAL',
        rateLimitPer5Minutes: c.firewall.rateLimitPer5Minutes,
        countRules: c.firewall.countRules,
        pathExceptions: c.firewall.pathExceptions,
        logRetention: c.protection.logRetentionDays as logs.RetentionDays,
        logEncryptionKey: dataKey.key,
      });
      new wafv2.CfnWebACLAssociation(this, 'FirewallAssociation', {
        resourceArn: this.ingress.loadBalancer.loadBalancerArn,
        webAclArn: this.firewall.webAcl.attrArn,
      });
    } else {
      acknowledge(
        this.ingress.loadBalancer,
        'This phase has no AWS WAF by design (docs/architecture.md §5: WAF from phase 2, when load and budget justify it); the load balancer drops invalid headers and admits only its listener ports.',
        ...inCompliancePacks('ALBWAFEnabled', 'HIPAA.Security'),
      );
    }

    const zone = c.ingress.hostedZone;
    const failover = props.originFailover && zone !== null && c.ingress.originDomainName !== undefined ? { role: props.originFailover, zone, name: c.ingress.originDomainName } : undefined;
    if (failover && props.originSecretName !== undefined) {
      // Validation guarantees one service whose rule routes its own health path.
      const probes = routedProbes(c.services, c.ingress.domainName ?? failover.name);
      this.originCheck = new OriginCheck(this, 'OriginCheck', {
        loadBalancer: this.ingress.loadBalancer,
        loadBalancerSecurityGroup: this.ingress.securityGroup,
        protocol: this.ingress.https ? 'https' : 'http',
        serverName: failover.name,
        vpc: network.vpc,
        subnets: network.subnets('private'),
        egressPrefixListId: network.natAddresses.attrPrefixListId,
        probes,
        originHeader: { name: ORIGIN_HEADER, secretName: props.originSecretName, versionId: c.edge?.originHeaderVersions[0] },
        artifactRetentionDays: c.protection.logRetentionDays,
      });
    }

    // Slack takes both topics through the deployment's one channel configuration (NotificationsStack).
    this.topics = new AlarmTopics(this, 'AlarmTopics', {
      encryptionKey: dataKey.key,
      alarmNamePrefix: prefix,
      pageEmails: c.alarms.pageEmails,
      notifyEmails: c.alarms.notifyEmails,
      pageHttpsEndpoints: c.alarms.pageHttpsEndpoints,
    });

    const db = { instance: database.instance, maxConnections: database.maxConnections };
    const sat = c.sla.saturation;
    const monitoredCache = cache && c.cache ? [{ replicationGroupId: cache.replicationGroupId, shards: c.cache.shards, replicasPerShard: c.cache.replicasPerShard, clusterMode: c.cache.clusterMode }] : [];
    const monitoredRedis = c.redis.map((r) => ({ replicationGroupId: redis.get(r.name)!.replicationGroupId, shards: r.shards, replicasPerShard: r.replicasPerShard, clusterMode: r.clusterMode, role: r.role, label: r.name }));
    this.alarms = new SlaAlarms(this, 'SlaAlarms', {
      specs: [
        ...deploymentAlarmSpecs(prefix, c.sla, this.ingress.loadBalancer, db),
        ...(props.originFailover ? originFailoverSpecs(prefix, c.sla.originFailover, this.ingress.loadBalancer) : []),
        ...(this.originCheck ? [originCheckSpec(prefix, c.sla.originFailover, this.originCheck)] : []),
        ...databaseSaturationSpecs(prefix, sat, {
          instance: database.instance,
          replicas: database.replicas,
          instanceIsReplica: database.isReplica,
          maxAllocatedStorageGiB: c.database.maxAllocatedStorageGiB,
          memoryGiB: DB_INSTANCE_MEMORY_GIB[c.database.instanceClass]!,
        }),
        ...[...monitoredCache, ...monitoredRedis].flatMap((m) => cacheSaturationSpecs(prefix, sat, m)),
        ...(eventStream ? streamSpecs(prefix, sat.streamIteratorAgeSeconds, eventStream.stream) : []),
      ],
      topics: this.topics,
      runbookUrl: RUNBOOK_URL,
    });
    this.burnRates = new BurnRateAlarms(this, 'BurnRate', {
      prefix,
      availabilityPercent: c.sla.availabilityPercent,
      rules: c.sla.burnRates,
      loadBalancer: this.ingress.loadBalancer,
      topics: this.topics,
      runbookUrl: RUNBOOK_URL,
    });

    if (failover) {
      new FailoverRecord(this, 'OriginRecord', {
        zone: failover.zone,
        recordName: failover.name,
        role: failover.role,
        loadBalancer: this.ingress.loadBalancer,
        alarm: this.alarms.entries.find((e) => e.spec.alarmName === originCheckAlarmName(prefix))!.alarm,
        // The standby region's database is promoted: traffic never comes back here by itself (ADR 0029).
        forceUnhealthy: failover.role === 'PRIMARY' && standbyPromoted(c),
      });
    }

    // Stateless enough for this stack: the identity holds no data, and the account's sending
    // quota, reputation and suppression list do not belong to it. One identity, in the primary
    // region: a standby's MAIL FROM MX record would have the same name (ADR 0026).
    if (c.email !== null && props.site !== 'standby') {
      this.email = new SendingDomain(this, 'Email', {
        domain: c.email.domain,
        mailFromSubdomain: c.email.mailFromSubdomain,
        hostedZone: zone ? route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'EmailZone', { hostedZoneId: zone.id, zoneName: zone.name }) : undefined,
        configurationSetName: c.email.configurationSet ? mailConfigurationSetName(c) : undefined,
      });
    }

    new CfnOutput(this, 'Url', {
      description: c.edge
        ? 'The load balancer, which answers only the CDN (point ingress.originDomainName here); users go through the edge stack\'s Url'
        : 'Where the services answer (point your DNS name here)',
      value: `${this.ingress.https ? 'https' : 'http'}://${this.ingress.loadBalancer.loadBalancerDnsName}`,
    });
    // Dashboard names are global per account: the standby's carries its site.
    this.dashboard = new GoldenSignalsDashboard(this, 'Dashboard', {
      dashboardName: props.site === 'standby' ? `${prefix}-standby` : prefix,
      loadBalancer: this.ingress.loadBalancer,
      clusterName: this.cluster.clusterName,
      database: db,
      cacheNodeIds: [...monitoredCache, ...monitoredRedis].flatMap(cacheNodeIds),
      queues: [...queues].map(([name, q]) => ({ name, queue: q.queue })),
      thresholds: {
        latencyP95Ms: c.sla.latencyP95.alertAboveMs,
        errorRatePercent: c.sla.errorRate.alertAbovePercent,
        dbConnectionsPercent: c.sla.dbConnections.alertAbovePercent,
        ecsCpuPercent: sat.ecsCpuPercent.threshold,
        cacheEngineCpuPercent: sat.cacheEngineCpuPercent.threshold,
        queueOldestMessageSeconds: sat.queueOldestMessageSeconds.threshold,
      },
      // Service alarms live in the service stacks; their names are known from config, so no reference is needed.
      alarmNames: [
        ...[...this.burnRates.composites.values()].map((a) => a.alarmName),
        ...this.alarms.entries.map((e) => e.spec.alarmName),
        ...c.services.flatMap((s) => [...SERVICE_SIGNALS, ...SATURATION_SIGNALS].map((signal) => serviceAlarmName(prefix, s.name, signal))),
        ...c.workers.flatMap((w) => [...(w.queue ? QUEUE_SIGNALS : []), ...SATURATION_SIGNALS].map((signal) => serviceAlarmName(prefix, w.name, signal))),
        ...c.schedules.flatMap((s) => SCHEDULE_SIGNALS.map((signal) => serviceAlarmName(prefix, s.name, signal))),
      ],
    });
    new CfnOutput(this, 'DashboardUrl', { description: 'The golden-signals dashboard of this region', value: this.dashboard.consoleUrl });
  }

  /**
   * The domain's alias records in the hosted zone: to the CDN's distribution
   * (IPv4 and IPv6) when there is one, else to this load balancer. One
   * logical id either way, so adding the CDN repoints the name in place.
   */
  addDomainAlias(zone: HostedZoneConfig, domainName: string, distribution?: cloudfront.IDistribution): void {
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: zone.id, zoneName: zone.name });
    // CloudFrontTarget would put its zone-id mapping in the distribution's stack, where nothing reads it.
    const cdn: route53.IAliasRecordTarget | undefined = distribution && {
      bind: () => ({ dnsName: crossRegion(distribution.distributionDomainName), hostedZoneId: targets.CloudFrontTarget.getHostedZoneId(this) }),
    };
    const target = route53.RecordTarget.fromAlias(cdn ?? new targets.LoadBalancerTarget(this.ingress.loadBalancer));
    new route53.ARecord(this, 'DomainAlias', { zone: hostedZone, recordName: domainName, target });
    if (distribution) new route53.AaaaRecord(this, 'DomainAliasIpv6', { zone: hostedZone, recordName: domainName, target });
  }
}
