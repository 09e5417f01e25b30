import { BlueprintConfig, PhaseName, PHASES, RECOVERY_OBJECTIVES, resolveConfig, workerTaskRange } from '../config';
import {
  BUDGET_PER_MONTH,
  HOURS_PER_MONTH,
  PRICE_SOURCE,
  PRICES,
  PRICES_AS_OF,
  TRAFFIC_ASSUMPTIONS,
  UNPRICED_TYPES,
} from '../config/prices';
import { Diagram, isDrawn, LEGEND, phaseDiagrams, regionOf, Res, roleOf, siteOf } from './phase-diagram';
import { stateClassOf } from './state-classes';
import { planUpgrade, synthesizeTemplates, Templates } from './plan';
import { PRODUCTION_SETTINGS } from './production-settings';


export type { Res } from './phase-diagram';

export function resourcesOf(templates: Templates): Res[] {
  return Object.entries(templates).flatMap(([stack, t]) =>
    Object.entries((t.Resources ?? {}) as Record<string, any>).map(([id, r]) => ({
      stack,
      id,
      type: r.Type,
      props: r.Properties ?? {},
      deletionPolicy: r.DeletionPolicy,
    })),
  );
}

export interface CostRow {
  readonly component: string;
  readonly type: string;
  readonly basis: string;
  readonly monthly: number;
}

const month = (hourly: number): number => hourly * HOURS_PER_MONTH;
const usd = (n: number): string => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Fixed monthly cost of each priced resource, at minimum capacity. */
export function fixedCosts(res: readonly Res[]): { rows: CostRow[]; unpriced: string[] } {
  const rows: CostRow[] = [];
  const unpriced = new Set<string>();
  let alarmMetrics = 0;
  let compositeAlarms = 0;
  const primary = res.find((r) => r.type === 'AWS::RDS::DBInstance' && !r.props.SourceDBInstanceIdentifier);
  for (const r of res) {
    const p = r.props;
    const role = roleOf(r.stack);
    const where = role.startsWith('standby-') ? 'Standby region: ' : '';
    const add = (component: string, basis: string, monthly: number): void => {
      rows.push({ component: `${where}${component}`, type: r.type, basis, monthly });
    };
    switch (r.type) {
      case 'AWS::EC2::NatGateway':
        add(`NAT gateway ${r.id}`, 'hours + public IPv4', month(PRICES.natGatewayHour + PRICES.publicIpv4Hour));
        break;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const zones = (p.Subnets ?? []).length;
        add('Application Load Balancer', `hours + ${zones} public IPv4`, month(PRICES.albHour + zones * PRICES.publicIpv4Hour));
        break;
      }
      case 'AWS::ECS::Service': {
        const task = res.find((t) => t.stack === r.stack && t.type === 'AWS::ECS::TaskDefinition');
        if (!task) {
          unpriced.add(r.type);
          break;
        }
        const target = res.find((t) => t.stack === r.stack && t.type === 'AWS::ApplicationAutoScaling::ScalableTarget');
        const tasks = target?.props.MinCapacity ?? 1;
        const vcpu = Number(task.props.Cpu) / 1024;
        const gb = Number(task.props.Memory) / 1024;
        add(`${role.replace(/^standby-/, '')} (Fargate)`, `${tasks} tasks × ${vcpu} vCPU, ${gb} GB`, tasks * month(vcpu * PRICES.fargateVcpuHour + gb * PRICES.fargateGbHour));
        break;
      }
      case 'AWS::RDS::DBInstance': {
        const cls = String(p.DBInstanceClass).replace(/^db\./, '');
        const copies = p.MultiAZ ? 2 : 1;
        const storage = Number(p.AllocatedStorage ?? primary?.props.AllocatedStorage ?? 0);
        const replica = p.SourceDBInstanceIdentifier !== undefined;
        add(
          // A cross-region source is an ARN string; a same-region one, a reference.
          replica ? (typeof p.SourceDBInstanceIdentifier === 'string' ? 'PostgreSQL cross-region replica' : `PostgreSQL read replica ${r.id}`) : 'PostgreSQL primary',
          `${p.DBInstanceClass}${copies === 2 ? ' Multi-AZ' : ''}, ${storage} GB gp3`,
          copies * (month(PRICES.rdsPostgresHour[cls] ?? NaN) + storage * PRICES.rdsGp3GbMonth),
        );
        break;
      }
      case 'AWS::ElastiCache::ReplicationGroup': {
        const nodes = p.NumNodeGroups * (p.ReplicasPerNodeGroup + 1);
        add('Valkey cache', `${nodes} × ${p.CacheNodeType}`, nodes * month(PRICES.valkeyNodeHour[p.CacheNodeType] ?? NaN));
        break;
      }
      case 'AWS::KMS::Key':
        add('KMS key', 'key-month', PRICES.kmsKeyMonth);
        break;
      case 'AWS::SecretsManager::Secret': {
        // Each replica region is billed as a secret of its own.
        const copies = 1 + (p.ReplicaRegions ?? []).length;
        add(`Secret ${r.id}`, copies > 1 ? `${copies} regions × secret-month` : 'secret-month', copies * PRICES.secretMonth);
        break;
      }
      case 'AWS::Synthetics::Canary': {
        const minutes = Number(/^rate\((\d+) minutes?\)$/.exec(String(p.Schedule?.Expression))?.[1] ?? NaN);
        // A canary without a readable rate is drawn but not priced.
        if (Number.isFinite(minutes)) add('Origin check (Synthetics canary)', `a run every ${minutes} min`, (month(1) * 60 * PRICES.canaryRun) / minutes);
        break;
      }
      case 'AWS::Route53::HealthCheck':
        add('Route 53 health check', 'health-check-month', PRICES.route53HealthCheckMonth);
        break;
      case 'AWS::Route53::HostedZone':
        add('Route 53 hosted zone', 'zone-month', PRICES.route53HostedZoneMonth);
        break;
      case 'AWS::CloudWatch::Alarm':
        // Priced per metric an alarm reads; summed into one row below.
        alarmMetrics += (p.Metrics ?? []).filter((m: { MetricStat?: unknown }) => m.MetricStat).length || 1;
        break;
      case 'AWS::CloudWatch::CompositeAlarm':
        compositeAlarms += 1;
        break;
      case 'AWS::CloudWatch::Dashboard':
        add('CloudWatch dashboard', 'dashboard-month', PRICES.dashboardMonth);
        break;
      case 'AWS::WAFv2::WebACL':
        add('AWS WAF web ACL', `ACL + ${(p.Rules ?? []).length} rules`, PRICES.wafWebAclMonth + (p.Rules ?? []).length * PRICES.wafRuleMonth);
        break;
      case 'AWS::Kinesis::Stream':
        add(
          'Kinesis event stream',
          p.StreamModeDetails?.StreamMode === 'ON_DEMAND' ? 'on-demand stream hours' : `${p.ShardCount} shards`,
          p.StreamModeDetails?.StreamMode === 'ON_DEMAND' ? month(PRICES.kinesisOnDemandStreamHour) : p.ShardCount * month(PRICES.kinesisShardHour),
        );
        break;
      case 'AWS::Backup::BackupPlan': {
        const gb = Number(primary?.props.AllocatedStorage ?? 0);
        add('AWS Backup (database)', `~${gb} GB of snapshots`, gb * PRICES.backupGbMonth);
        if ((p.BackupPlan?.BackupPlanRule ?? []).some((rule: { CopyActions?: unknown[] }) => (rule.CopyActions ?? []).length > 0)) {
          add('AWS Backup copies (standby region)', `~${gb} GB of snapshots`, gb * PRICES.backupGbMonth);
        }
        break;
      }
      default:
        if (!(r.type in UNPRICED_TYPES)) unpriced.add(r.type);
    }
  }
  // The RDS-managed master secret is billed like any other secret.
  if (primary?.props.ManageMasterUserPassword) rows.push({ component: 'Secret (RDS-managed master password)', type: 'AWS::RDS::DBInstance', basis: 'secret-month', monthly: PRICES.secretMonth });
  if (alarmMetrics > 0) rows.push({ component: 'CloudWatch alarms', type: 'AWS::CloudWatch::Alarm', basis: `${alarmMetrics} metric(s)`, monthly: alarmMetrics * PRICES.alarmMetricMonth });
  if (compositeAlarms > 0) {
    rows.push({ component: 'CloudWatch composite alarms', type: 'AWS::CloudWatch::CompositeAlarm', basis: `${compositeAlarms} alarm(s)`, monthly: compositeAlarms * PRICES.compositeAlarmMonth });
  }
  return { rows, unpriced: [...unpriced].sort() };
}

/** Traffic-dependent monthly costs at the stated share of the design load. */
export function trafficCosts(config: BlueprintConfig): CostRow[] {
  const a = TRAFFIC_ASSUMPTIONS;
  const rps = config.sla.designRequestsPerSecond * a.averageLoadShare;
  const requests = rps * HOURS_PER_MONTH * 3600;
  const gbOut = (requests * a.responseKb) / 1e6;
  const rows: CostRow[] = [
    config.edge
      ? { component: 'Data transfer out (CDN)', type: 'traffic', basis: `${Math.round(gbOut).toLocaleString('en-US')} GB`, monthly: gbOut * a.cdnDataTransferOutPerGb }
      : { component: 'Data transfer out', type: 'traffic', basis: `${Math.round(gbOut).toLocaleString('en-US')} GB`, monthly: gbOut * a.dataTransferOutPerGb },
    { component: 'NAT data processing', type: 'traffic', basis: `${Math.round(gbOut * a.natShare).toLocaleString('en-US')} GB`, monthly: gbOut * a.natShare * a.natProcessingPerGb },
    { component: 'Load balancer LCUs', type: 'traffic', basis: `${Math.round((rps / 1000) * a.lcuPerThousandRps)} LCU`, monthly: month((rps / 1000) * a.lcuPerThousandRps * a.albLcuHour) },
    { component: 'Log ingestion', type: 'traffic', basis: `${Math.round((requests * a.logBytesPerRequest) / 1e9).toLocaleString('en-US')} GB`, monthly: ((requests * a.logBytesPerRequest) / 1e9) * a.logIngestPerGb },
  ];
  if (config.edge) {
    rows.push({ component: 'CDN requests', type: 'traffic', basis: `${Math.round(requests / 1e6).toLocaleString('en-US')} M requests`, monthly: (requests / 1e6) * a.cdnPerMillionRequests });
  }
  if (config.firewall) {
    rows.push({ component: 'AWS WAF requests', type: 'traffic', basis: `${Math.round(requests / 1e6).toLocaleString('en-US')} M requests`, monthly: (requests / 1e6) * a.wafPerMillionRequests });
  }
  return rows;
}

/** The region a resource deploys to. */
const regionFor = (r: Res, config: BlueprintConfig): string => regionOf(siteOf(r.stack), config);

/** Whether the phase deploys to more than one region: its tables then say which region each row is in. */
export function multiRegion(res: readonly Res[], config: BlueprintConfig): boolean {
  return new Set(res.map((r) => regionFor(r, config))).size > 1;
}

/** Every alarm: metric, statistic, threshold, window, route and runbook; with two regions, the region of each. */
export function alarmRows(res: readonly Res[], config: BlueprintConfig): string[] {
  const regional = multiRegion(res, config);
  const route = (actions: unknown): string => {
    const t = JSON.stringify(actions ?? '');
    return t.includes('AlarmTopicsPage') ? 'page' : t.includes('AlarmTopicsNotify') ? 'notify' : 'composite input';
  };
  const runbook = (d: unknown): string => {
    const anchor = /#([a-z0-9-]+)$/.exec(String(d ?? ''))?.[1];
    return anchor ? `[${anchor}](../runbooks.md#${anchor})` : '';
  };
  return res
    .filter((r) => r.type === 'AWS::CloudWatch::Alarm' || r.type === 'AWS::CloudWatch::CompositeAlarm')
    .map((r) => {
      const p = r.props;
      const name = `| ${p.AlarmName ?? r.id} |${regional ? ` ${regionFor(r, config)} |` : ''}`;
      if (r.type === 'AWS::CloudWatch::CompositeAlarm') {
        return `${name} composite of burn-rate windows | | | | ${route(p.AlarmActions)} | ${runbook(p.AlarmDescription)} |`;
      }
      const expr = (p.Metrics ?? []).find((m: { Expression?: string }) => m.Expression);
      const stats = (p.Metrics ?? []).filter((m: any) => m.MetricStat).map((m: any) => `${m.MetricStat.Metric.MetricName} ${m.MetricStat.Stat}`);
      const metric = expr ? `\`${expr.Expression}\` over ${stats.join(', ')}` : p.MetricName;
      const stat = expr ? 'math' : (p.ExtendedStatistic ?? p.Statistic);
      const period = p.Period ?? (p.Metrics ?? []).find((m: any) => m.MetricStat)?.MetricStat.Period;
      const op = /Greater/.test(p.ComparisonOperator) ? '>' : '<';
      return `${name} ${metric} | ${stat} | ${op} ${+Number(p.Threshold).toPrecision(6)} | ${p.EvaluationPeriods} × ${period} s | ${route(p.AlarmActions)} | ${runbook(p.AlarmDescription)} |`;
    })
    .sort();
}

function scalingRows(res: readonly Res[]): string[] {
  return res
    .filter((r) => r.type === 'AWS::ApplicationAutoScaling::ScalableTarget')
    .map((t) => {
      const policies = res
        .filter((p) => p.stack === t.stack && p.type === 'AWS::ApplicationAutoScaling::ScalingPolicy')
        .map((p) => {
          const c = p.props.TargetTrackingScalingPolicyConfiguration;
          const metric = c.PredefinedMetricSpecification?.PredefinedMetricType ?? 'visible messages per running task';
          return `${metric} → ${c.TargetValue}`;
        });
      return `| ${roleOf(t.stack)} | ${t.props.MinCapacity} | ${t.props.MaxCapacity} | ${policies.join('; ')} |`;
    });
}

/** Every resource the diagrams draw, one row each, by logical id; with two regions, the region of each. */
function componentRows(res: readonly Res[], config: BlueprintConfig): string[] {
  const regional = multiRegion(res, config);
  const describe = (r: Res): [string, string, string] => {
    const p = r.props;
    switch (r.type) {
      case 'AWS::RDS::DBInstance':
        return [
          `${p.DBInstanceClass}, ${p.AllocatedStorage ?? 'source\'s'} GB ${p.StorageType ?? ''}`.trim(),
          p.MultiAZ ? 'Multi-AZ' : (p.AvailabilityZone ?? 'one zone'),
          p.KmsKeyId || p.SourceDBInstanceIdentifier ? 'KMS (data key)' : 'none',
        ];
      case 'AWS::ElastiCache::ReplicationGroup':
        return [`${p.NumNodeGroups} shard(s) × ${p.ReplicasPerNodeGroup + 1} ${p.CacheNodeType}`, p.MultiAZEnabled ? 'Multi-AZ' : 'one zone', p.AtRestEncryptionEnabled ? 'KMS + TLS' : 'none'];
      case 'AWS::ECS::Service': {
        const task = res.find((t) => t.stack === r.stack && t.type === 'AWS::ECS::TaskDefinition');
        return [task ? `${Number(task.props.Cpu) / 1024} vCPU, ${Number(task.props.Memory) / 1024} GB per task` : 'Fargate service', '3 zones', 'n/a (stateless)'];
      }
      case 'AWS::EC2::NatGateway':
        return ['NAT gateway', 'one zone', 'n/a'];
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        return ['Application Load Balancer', `${(p.Subnets ?? []).length} zones`, 'TLS at the listener'];
      case 'AWS::SQS::Queue':
        return [p.RedrivePolicy ? 'queue with redrive' : 'dead-letter queue', 'regional', p.KmsMasterKeyId ? 'KMS (data key)' : 'SQS-managed'];
      case 'AWS::Kinesis::Stream':
        return [p.StreamModeDetails?.StreamMode ?? `${p.ShardCount} shards`, 'regional', p.StreamEncryption ? 'KMS (data key)' : 'none'];
      case 'AWS::S3::Bucket':
        return ['bucket', 'regional', p.BucketEncryption ? 'SSE' : 'S3 default'];
      case 'AWS::KMS::Key':
        return [`customer-managed key${p.EnableKeyRotation ? ', rotated yearly' : ''}`, 'regional', 'n/a'];
      case 'AWS::SecretsManager::Secret':
        return [
          (p.ReplicaRegions ?? []).length > 0 ? `generated secret, replicated to ${p.ReplicaRegions.map((x: { Region: string }) => x.Region).join(', ')}` : 'generated secret',
          'regional',
          p.KmsKeyId ? 'KMS (data key)' : 'aws/secretsmanager',
        ];
      case 'AWS::Backup::BackupVault':
        return ['backup vault', 'regional', 'KMS (data key)'];
      case 'AWS::WAFv2::WebACL':
        return [`${(p.Rules ?? []).length} rules`, String(p.Scope ?? '').toLowerCase(), 'n/a'];
      case 'AWS::CloudFront::Distribution': {
        const d = p.DistributionConfig ?? {};
        return [`${d.PriceClass ?? 'PriceClass_All'}, ${(d.CacheBehaviors ?? []).length} cached path(s)`, 'global (edge locations)', d.ViewerCertificate?.MinimumProtocolVersion ? `TLS to viewers (${d.ViewerCertificate.MinimumProtocolVersion})` : 'TLS to viewers'];
      }
      case 'AWS::Route53::RecordSet':
        return [`${p.Failover ? `${String(p.Failover).toLowerCase()} failover record` : 'alias record'} ${String(p.Name ?? '').replace(/\.$/, '')}`, 'global', 'n/a'];
      default:
        return ['', '', ''];
    }
  };
  const boxed = new Set(phaseDiagrams(res, config).flatMap((d) => d.nodes.flatMap((n) => n.members)));
  return res.filter((r) => isDrawn(r.type) || boxed.has(r)).map((r) => {
    const d = describe(r);
    return `| ${r.type.replace('AWS::', '')} | ${r.id} |${regional ? ` ${regionFor(r, config)} |` : ''} ${roleOf(r.stack)} | ${d[0]} | ${d[1]} | ${d[2]} | ${stateClassOf(r.type)} |`;
  });
}

function protectionRows(res: readonly Res[]): string[] {
  return res
    .filter((r) => stateClassOf(r.type) !== 'stateless' && !['AWS::EC2::Subnet', 'AWS::KMS::Alias', 'AWS::Logs::LogGroup'].includes(r.type))
    .map((r) => `| ${r.type.replace('AWS::', '')} | ${r.id} | ${roleOf(r.stack)} | ${r.deletionPolicy ?? 'Delete'} | ${stateClassOf(r.type)} |`);
}

/** The diagrams with their titles, then the legend; every box's logical ids are in the components table below. */
function architectureSection(diagrams: readonly Diagram[]): string {
  const intro = [
    'Drawn from the synthesized templates. A solid line is the request path, a connection a security-group rule allows (with its port), or a grant to produce to or consume from a queue or stream;',
    'a dotted line is replication, backup copies, redrive to a dead-letter queue or failover. Resources of the same shape are one box with a count; their logical ids are in the tables below.',
    'Rendered and measured with `npm run diagrams` ([ADR 0023](../adr/0023-phase-diagrams.md)).',
  ].join(' ');
  return [
    intro,
    '',
    ...diagrams.flatMap((d) => (diagrams.length > 1 ? [`### ${d.title}`, '', d.mermaid, ''] : [d.mermaid, ''])),
    ...(diagrams.length > 1 ? ['### Legend', ''] : ['Legend:', '']),
    LEGEND.mermaid,
    '',
  ].join('\n');
}

const PHASE_TITLES: Readonly<Record<PhaseName, string>> = { phase1: 'simple', phase2: 'scaled', phase3: 'distributed' };

export interface PhaseDocInput {
  readonly config: BlueprintConfig;
  readonly templates: Templates;
  /** The previous phase's templates, for the upgrade section. */
  readonly previous?: { readonly phase: PhaseName; readonly templates: Templates };
}

export interface PhaseFacts {
  readonly fixedMonthly: number;
  readonly trafficMonthly: number;
  readonly unpriced: readonly string[];
  readonly alarms: number;
  readonly resources: number;
}

/** The design document of one phase, and the figures the side-by-side page uses. */
export function phaseDoc(input: PhaseDocInput): { markdown: string; facts: PhaseFacts } {
  const { config: c, templates } = input;
  const res = resourcesOf(templates);
  const fixed = fixedCosts(res);
  const traffic = trafficCosts(c);
  const fixedTotal = fixed.rows.reduce((a, r) => a + r.monthly, 0);
  const trafficTotal = traffic.reduce((a, r) => a + r.monthly, 0);
  const budget = BUDGET_PER_MONTH[c.phase];
  const alarms = alarmRows(res, c);
  const regional = multiRegion(res, c);
  const diagrams = phaseDiagrams(res, c);
  const plan = input.previous ? planUpgrade(input.previous.templates, templates) : undefined;
  const added = plan
    ? Object.entries(
        plan.changes
          .filter((x) => x.impact === 'added')
          .reduce<Record<string, number>>((acc, x) => ({ ...acc, [x.type]: (acc[x.type] ?? 0) + 1 }), {}),
      )
        .filter(([type]) => !(type in UNPRICED_TYPES) || ['AWS::SQS::Queue', 'AWS::RDS::DBSubnetGroup'].includes(type))
        .map(([type, n]) => `${n} × ${type.replace('AWS::', '')}`)
    : [];
  const count = (impact: string): number => plan?.changes.filter((x) => x.impact === impact).length ?? 0;

  const md = [
    `# ${c.phase}: ${PHASE_TITLES[c.phase]}`,
    '',
    '<!-- Generated by `npm run docs` from the synthesized templates (stage prod, with a certificate). Do not edit. -->',
    '',
    '## Summary',
    '',
    `| | |`,
    `|---|---|`,
    `| design load | ${c.sla.designRequestsPerSecond.toLocaleString('en-US')} req/s |`,
    `| budget (fixed infrastructure) | ${usd(budget)} a month |`,
    `| estimated fixed cost | ${usd(fixedTotal)} a month (${Math.round((100 * fixedTotal) / budget)}% of budget) |`,
    `| availability target | ${c.sla.availabilityPercent}% |`,
    `| stacks | ${Object.keys(templates).join(', ')} |`,
    `| resources | ${res.length} |`,
    `| adds over ${input.previous?.phase ?? 'nothing'} | ${added.length > 0 ? added.join(', ') : input.previous ? 'sizes only' : 'the whole blueprint'} |`,
    '',
    '## Architecture',
    '',
    architectureSection(diagrams),
    '## Components',
    '',
    `| type | logical id |${regional ? ' region |' : ''} stack | size | zones | encryption | state class |`,
    `|---|---|${regional ? '---|' : ''}---|---|---|---|---|`,
    ...componentRows(res, c),
    '',
    '## SLA and alarms',
    '',
    `${alarms.length} alarms. Thresholds and windows come from \`config/sla.ts\`.`,
    '',
    `| alarm |${regional ? ' region |' : ''} metric | statistic | threshold | window | route | runbook |`,
    `|---|${regional ? '---|' : ''}---|---|---|---|---|---|`,
    ...alarms,
    '',
    '## Scaling',
    '',
    '| component | min | max | target tracking |',
    '|---|---|---|---|',
    ...scalingRows(res),
    `| database read replicas | ${c.database.readReplicas} | ${c.database.readReplicas} | planned, not automatic (config) |`,
    '',
    '## Data protection',
    '',
    `- PostgreSQL: point-in-time recovery over ${c.database.backupRetentionDays} days (RPO ${RECOVERY_OBJECTIVES.rpoMinutes} minutes), AWS Backup daily recovery points kept ${c.database.backupPlanRetentionDays} days, final snapshot on delete${c.protection.deletionProtection ? ', deletion protection on' : ''}.`,
    ...(c.cache ? [`- Cache: daily snapshots kept ${c.cache.snapshotRetentionDays} days; a final snapshot on delete.`] : []),
    `- RTO ${RECOVERY_OBJECTIVES.rtoMinutes} minutes: Multi-AZ failover for the database${c.cache ? ' and cache' : ''}, tasks in three zones.`,
    ...(c.standby
      ? [
          `- A region lost: every recovery point is copied to ${c.standby.region}, where a cross-region replica (its lag alarmed against the RPO) is promoted by the [regional failover runbook](../runbooks.md#regional-failover) within the RTO.`,
        ]
      : []),
    '',
    '| type | logical id | stack | on stack deletion | state class |',
    '|---|---|---|---|---|',
    ...protectionRows(res),
    '',
    '## Upgrade',
    '',
    plan
      ? `From ${input.previous!.phase} (\`npm run plan -- --from ${input.previous!.phase} --to ${c.phase} --stage prod\`): ${count('added')} added, ${count('updated in place')} updated in place, ${count('replaced') + count('may be replaced')} replaced or possibly replaced, ${count('removed') + count('orphaned')} removed; ${plan.blocked.length === 0 ? 'no durable resource is replaced or removed' : `**${plan.blocked.length} durable resource(s) blocked**`}.`
      : 'The first phase: deployed from scratch.',
    '',
    '## Cost estimate',
    '',
    `Fixed infrastructure at minimum capacity, ${PRICE_SOURCE}, prices of ${PRICES_AS_OF} (\`config/prices.ts\`).`,
    '',
    '| component | basis | per month |',
    '|---|---|---|',
    ...fixed.rows.map((r) => `| ${r.component} | ${r.basis} | ${usd(r.monthly)} |`),
    `| **total** | | **${usd(fixedTotal)}** |`,
    '',
    `Traffic-dependent, at ${TRAFFIC_ASSUMPTIONS.averageLoadShare * 100}% of the design load on average, ${TRAFFIC_ASSUMPTIONS.responseKb} KB per response, ${TRAFFIC_ASSUMPTIONS.natShare * 100}% of bytes through NAT, ${TRAFFIC_ASSUMPTIONS.logBytesPerRequest} bytes of logs per request; autoscaling above the minimum is extra:`,
    '',
    '| component | basis | per month |',
    '|---|---|---|',
    ...traffic.map((r) => `| ${r.component} | ${r.basis} | ${usd(r.monthly)} |`),
    `| **total** | | **${usd(trafficTotal)}** |`,
    '',
  ].join('\n');
  return { markdown: md, facts: { fixedMonthly: fixedTotal, trafficMonthly: trafficTotal, unpriced: fixed.unpriced, alarms: alarms.length, resources: res.length } };
}

/** The phases side by side. */
export function phasesIndex(entries: readonly { readonly config: BlueprintConfig; readonly facts: PhaseFacts }[]): string {
  const col = (f: (e: (typeof entries)[number]) => string): string => entries.map(f).join(' | ');
  const web = (e: (typeof entries)[number]): string => {
    const s = e.config.services[0]!;
    return `${s.cpu / 1024} vCPU × ${s.scaling.minTasks}-${s.scaling.maxTasks}`;
  };
  return [
    '# Phases side by side',
    '',
    '<!-- Generated by `npm run docs`. Do not edit. -->',
    '',
    `| | ${col((e) => `[${e.config.phase}](${e.config.phase}.md)`)} |`,
    `|---|${entries.map(() => '---').join('|')}|`,
    `| design load | ${col((e) => `${e.config.sla.designRequestsPerSecond.toLocaleString('en-US')} req/s`)} |`,
    `| availability | ${col((e) => `${e.config.sla.availabilityPercent}%`)} |`,
    `| budget | ${col((e) => usd(BUDGET_PER_MONTH[e.config.phase]))} |`,
    `| fixed cost (estimate) | ${col((e) => usd(e.facts.fixedMonthly))} |`,
    `| traffic cost (estimate) | ${col((e) => usd(e.facts.trafficMonthly))} |`,
    `| NAT gateways | ${col((e) => String(e.config.network.natGateways))} |`,
    `| web service | ${col(web)} |`,
    `| workers | ${col((e) => (e.config.workers.length ? e.config.workers.map((w) => `${w.name} ${workerTaskRange(w.scaling).min}-${workerTaskRange(w.scaling).max}`).join(', ') : 'none'))} |`,
    `| PostgreSQL | ${col((e) => `db.${e.config.database.instanceClass} Multi-AZ + ${e.config.database.readReplicas} replicas`)} |`,
    `| Valkey | ${col((e) => (e.config.cache ? `${e.config.cache.shards} × ${e.config.cache.replicasPerShard + 1} ${e.config.cache.nodeType}` : 'no cache'))} |`,
    `| event stream | ${col((e) => (e.config.eventStream ? e.config.eventStream.mode : 'none'))} |`,
    `| WAF | ${col((e) => (e.config.firewall ? `${e.config.firewall.rateLimitPer5Minutes} req / 5 min / IP` : 'none'))} |`,
    `| CDN | ${col((e) => (e.config.edge ? `CloudFront ${e.config.edge.priceClass}, ${e.config.edge.staticPaths.length} cached paths` : 'none'))} |`,
    `| standby region | ${col((e) => (e.config.standby ? `${e.config.standby.region}: replica, ${e.config.cache ? `${e.config.standby.cache.shards} cache shard(s)` : 'no cache'}, ${e.config.standby.minTasks} tasks per service` : 'none'))} |`,
    `| alarms | ${col((e) => String(e.facts.alarms))} |`,
    `| resources | ${col((e) => String(e.facts.resources))} |`,
    '',
  ].join('\n');
}


/** Every generated page, by path under docs/phases/, and the templates each phase was read from. */
export function generatePhaseDocs(context: Record<string, unknown>): { files: Record<string, string>; templates: Record<PhaseName, Templates> } {
  const files: Record<string, string> = {};
  const all = {} as Record<PhaseName, Templates>;
  const entries: { config: BlueprintConfig; facts: PhaseFacts }[] = [];
  let previous: PhaseDocInput['previous'];
  for (const phase of PHASES) {
    const config = resolveConfig({ phase, stage: 'prod', settings: PRODUCTION_SETTINGS });
    const templates = synthesizeTemplates(config, context);
    all[phase] = templates;
    const { markdown, facts } = phaseDoc({ config, templates, previous });
    files[`${phase}.md`] = markdown;
    entries.push({ config, facts });
    previous = { phase, templates };
  }
  files['README.md'] = phasesIndex(entries);
  return { files, templates: all };
}
