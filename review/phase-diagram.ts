import { BlueprintConfig, EDGE_REGION } from '../config';
import { StateClass, stateClassOf } from './state-classes';

/** One resource of the synthesized templates. */
export interface Res {
  readonly stack: string;
  readonly id: string;
  readonly type: string;
  readonly props: Record<string, any>;
  readonly deletionPolicy?: string;
}

/** Where a stack runs: the global edge (us-east-1), the standby region, or the primary region. */
export type Site = 'edge' | 'primary' | 'standby';

/** A stack's role: its name without `<app>-<stage>-`. */
export const roleOf = (stack: string): string => stack.split('-').slice(2).join('-');

export function siteOf(stack: string): Site {
  const role = roleOf(stack);
  return role === 'edge' ? 'edge' : role.startsWith('standby-') ? 'standby' : 'primary';
}

/** The region a site's stacks deploy to. */
export function regionOf(site: Site, config: BlueprintConfig): string {
  return site === 'edge' ? EDGE_REGION : site === 'standby' ? (config.standby?.region ?? 'standby') : config.env.region;
}

/**
 * Mermaid's classic shapes (rendered the same by every Mermaid since 9, so
 * by GitHub too): a cylinder is a store, a subroutine box a queue, a
 * parallelogram a stream, a hexagon a key or secret.
 */
export type Shape = 'box' | 'cylinder' | 'queue' | 'stream' | 'hexagon' | 'circle' | 'stadium';

const SHAPES: Readonly<Record<Shape, readonly [string, string]>> = {
  box: ['["', '"]'],
  cylinder: ['[("', '")]'],
  queue: ['[["', '"]]'],
  stream: ['[/"', '"/]'],
  hexagon: ['{{"', '"}}'],
  circle: ['(("', '"))'],
  stadium: ['(["', '"])'],
};

/** Which group of a region diagram a node sits in, top to bottom. */
type Tier = 'edge' | 'public' | 'private' | 'data' | 'messaging' | 'apart';

const TIER_TITLES: Readonly<Record<Tier, string>> = {
  edge: 'edge',
  public: 'public subnets',
  private: 'private subnets',
  data: 'data subnets',
  messaging: 'queues and streams',
  apart: 'keys, secrets and stores with no request flow',
};

/** One box: one resource, or several of the same shape collapsed into one with a count. */
export interface DiagramNode {
  readonly id: string;
  readonly label: string;
  readonly shape: Shape;
  readonly stateClass: StateClass;
  readonly tier: Tier;
  /** The resources the box stands for (their logical ids stay in the tables, never in the box). */
  readonly members: readonly Res[];
}

export interface Diagram {
  readonly title: string;
  readonly nodes: readonly DiagramNode[];
  /** The diagram as a fenced Mermaid block. */
  readonly mermaid: string;
}

/**
 * How the diagram draws each resource type it knows. A type neither here
 * nor in NOT_DRAWN is drawn as a generic box (a cylinder when it holds
 * state) beside the keys and secrets, so no new resource is ever missing.
 */
interface Drawn {
  readonly shape: Shape;
  readonly tier: Tier;
}

const DRAWN: Readonly<Record<string, Drawn>> = {
  'AWS::CloudFront::Distribution': { shape: 'box', tier: 'edge' },
  'AWS::WAFv2::WebACL': { shape: 'box', tier: 'edge' },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { shape: 'box', tier: 'public' },
  'AWS::EC2::NatGateway': { shape: 'box', tier: 'public' },
  'AWS::ECS::Service': { shape: 'box', tier: 'private' },
  'AWS::RDS::DBInstance': { shape: 'cylinder', tier: 'data' },
  'AWS::ElastiCache::ReplicationGroup': { shape: 'cylinder', tier: 'data' },
  'AWS::SQS::Queue': { shape: 'queue', tier: 'messaging' },
  'AWS::Kinesis::Stream': { shape: 'stream', tier: 'messaging' },
  'AWS::S3::Bucket': { shape: 'cylinder', tier: 'apart' },
  'AWS::Backup::BackupVault': { shape: 'cylinder', tier: 'apart' },
  'AWS::KMS::Key': { shape: 'hexagon', tier: 'apart' },
  'AWS::SecretsManager::Secret': { shape: 'hexagon', tier: 'apart' },
};

/** Types a reviewer does not need as boxes: wiring, permissions, monitoring, and parts of a drawn resource. */
export const NOT_DRAWN: readonly string[] = [
  'AWS::KMS::Alias',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::Route',
  'AWS::EC2::EIP',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::FlowLog',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::PrefixList',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::VPCEndpoint',
  'AWS::Lambda::Function',
  // The waiter of a deploy-time task run (the application login's setup): machinery of the deploy, like its functions.
  'AWS::StepFunctions::StateMachine',
  'AWS::Lambda::Permission',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Version',
  'AWS::Lambda::Alias',
  'AWS::RDS::DBParameterGroup',
  'AWS::RDS::DBSubnetGroup',
  'AWS::ElastiCache::SubnetGroup',
  'AWS::ElastiCache::ParameterGroup',
  'AWS::Backup::BackupPlan',
  'AWS::SecretsManager::SecretTargetAttachment',
  'AWS::SecretsManager::RotationSchedule',
  'AWS::SecretsManager::ResourcePolicy',
  'AWS::Backup::BackupSelection',
  'AWS::S3::BucketPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::WAFv2::LoggingConfiguration',
  'AWS::WAFv2::WebACLAssociation',
  'AWS::CloudFront::CachePolicy',
  'AWS::CloudFront::OriginRequestPolicy',
  'AWS::CloudFront::ResponseHeadersPolicy',
  'AWS::ECS::Cluster',
  'AWS::ECS::TaskDefinition',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::CDK::Metadata',
];

/** Types drawn as stores: each must be a cylinder, queue, stream or hexagon, never a plain box. */
export const STORE_SHAPES: readonly Shape[] = ['cylinder', 'queue', 'stream', 'hexagon'];

/** Whole families that are wiring, permissions or monitoring, whatever new type they add; custom resources are deploy-time helpers. */
export const NOT_DRAWN_PREFIXES: readonly string[] = ['AWS::IAM::', 'AWS::CloudWatch::', 'AWS::Logs::', 'AWS::ApplicationAutoScaling::', 'AWS::Route53::', 'Custom::'];

/** Whether a resource gets a box: known and drawn, or unknown (drawn generically). */
export function isDrawn(type: string): boolean {
  return type in DRAWN || (!NOT_DRAWN.includes(type) && !NOT_DRAWN_PREFIXES.some((p) => type.startsWith(p)));
}

/** Whether a type holds data the kit must keep or rebuild: drawn as a store whatever its kind. */
export function isStore(type: string): boolean {
  const shape = DRAWN[type]?.shape;
  return shape !== undefined ? STORE_SHAPES.includes(shape) : isDrawn(type) && stateClassOf(type) !== 'stateless';
}

/** `CacheAuthToken04672416` → `cache auth token`: a readable name from a construct id, never the id itself. */
export function humanize(logicalId: string): string {
  const words = logicalId
    // aws-cdk-lib's hash suffix; some constructs override the id with a longer, mixed-case one.
    .replace(/[0-9A-Fa-f]{8,}$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => (/^[A-Z0-9]+$/.test(w) && w.length > 1 ? w : w.toLowerCase()));
  return words.join(' ') || 'resource';
}

/** `AWS::Synthetics::Canary` → `Synthetics canary`. */
const typeName = (type: string): string => {
  const [, service = type, kind = ''] = type.split('::');
  return `${service} ${humanize(kind)}`.trim();
};

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
/** ` × 3` after a box that stands for three resources (the label describes the first). */
const times = (n: number): string => (n > 1 ? ` × ${n}` : '');
const text = (s: string): string => s.replace(/"/g, '#quot;');
const camel = (...parts: string[]): string =>
  parts
    .flatMap((p) => p.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((p, i) => (i === 0 ? p.charAt(0).toLowerCase() + p.slice(1) : p.charAt(0).toUpperCase() + p.slice(1)))
    .join('');

/** Everything a box's label needs to know about the other resources. */
interface Ctx {
  readonly res: readonly Res[];
  readonly config: BlueprintConfig;
}

/** The service's name (its stack role), its task size and its task range. */
function serviceShape(r: Res, ctx: Ctx): { readonly name: string; readonly worker: boolean; readonly size: string } {
  const role = roleOf(r.stack).replace(/^standby-/, '');
  const task = ctx.res.find((t) => t.stack === r.stack && t.type === 'AWS::ECS::TaskDefinition');
  const target = ctx.res.find((t) => t.stack === r.stack && t.type === 'AWS::ApplicationAutoScaling::ScalableTarget');
  const cpu = task ? `${Number(task.props.Cpu) / 1024} vCPU, ${Number(task.props.Memory) / 1024} GB` : 'Fargate';
  const tasks = target ? `${target.props.MinCapacity}–${target.props.MaxCapacity} tasks` : `${r.props.DesiredCount ?? 1} tasks`;
  return { name: role.replace(/^(service|worker)-/, ''), worker: role.startsWith('worker-'), size: `${cpu} · ${tasks}` };
}

/** The services (by name) whose task role may receive from a queue. */
function consumersOf(queue: Res, ctx: Ctx): string[] {
  return ctx.res
    .filter((p) => p.type === 'AWS::IAM::Policy' && siteOf(p.stack) === siteOf(queue.stack))
    .filter((p) =>
      ((p.props.PolicyDocument?.Statement ?? []) as { Action?: string | string[]; Resource?: unknown }[]).some(
        (st) => ([] as string[]).concat(st.Action ?? []).includes('sqs:ReceiveMessage') && JSON.stringify(st.Resource ?? '').includes(queue.id),
      ),
    )
    .map((p) => roleOf(p.stack).replace(/^standby-/, '').replace(/^(service|worker)-/, ''))
    .filter((name, i, all) => all.indexOf(name) === i);
}

/** Boxes of one site, with resources of the same shape collapsed. */
function siteNodes(site: Site, ctx: Ctx, prefix: string): DiagramNode[] {
  const here = ctx.res.filter((r) => siteOf(r.stack) === site && isDrawn(r.type));
  const nodes: DiagramNode[] = [];
  const add = (key: string, label: string, members: readonly Res[], drawn?: Drawn): void => {
    const type = members[0]!.type;
    const d = drawn ?? DRAWN[type] ?? { shape: isStore(type) ? 'cylinder' : 'box', tier: 'apart' };
    nodes.push({ id: camel(prefix, key), label, shape: d.shape, stateClass: stateClassOf(type), tier: d.tier, members });
  };
  const groups = new Map<string, Res[]>();
  const group = (key: string, r: Res): void => {
    groups.set(key, [...(groups.get(key) ?? []), r]);
  };
  for (const r of here) {
    const p = r.props;
    switch (r.type) {
      case 'AWS::RDS::DBInstance':
        // Same-region replicas point at their source by reference; a cross-region one, by ARN.
        group(p.SourceDBInstanceIdentifier === undefined ? 'db' : typeof p.SourceDBInstanceIdentifier === 'string' ? 'dbRegionReplica' : `dbReplicas ${p.DBInstanceClass}`, r);
        break;
      case 'AWS::ECS::Service': {
        const s = serviceShape(r, ctx);
        group(`${s.worker ? 'workers' : 'services'} ${s.size}`, r);
        break;
      }
      case 'AWS::SQS::Queue':
        group(`queue ${r.id.replace(/[0-9A-F]{8}$/, '')}`, r);
        break;
      default:
        group(DRAWN[r.type] ? r.type.split('::').pop()! : `other ${r.type.split('::').slice(1).join(' ')}`, r);
    }
  }
  for (const [key, members] of groups) {
    const r = members[0]!;
    const p = r.props;
    const n = members.length;
    switch (r.type) {
      case 'AWS::CloudFront::Distribution':
        add('cdn', `CloudFront distribution${times(n)}<br/>${p.DistributionConfig?.PriceClass ?? ''}`.replace(/<br\/>$/, ''), members);
        break;
      case 'AWS::WAFv2::WebACL':
        add('waf', `AWS WAF web ACL${times(n)}<br/>${plural((p.Rules ?? []).length, 'rule')}`, members, { shape: 'box', tier: site === 'edge' ? 'edge' : 'public' });
        break;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        add('alb', `Application Load Balancer${times(n)}<br/>${(p.Subnets ?? []).length} zones`, members);
        break;
      case 'AWS::EC2::NatGateway':
        add('nat', n > 1 ? `NAT gateway × ${n}<br/>one per zone` : 'NAT gateway', members);
        break;
      case 'AWS::ECS::Service': {
        const shapes = members.map((m) => serviceShape(m, ctx));
        const s = shapes[0]!;
        const names = shapes.map((x) => x.name).join(', ');
        const what = s.worker ? 'worker' : 'web service';
        add(`${s.worker ? 'worker' : 'service'} ${s.name}`, `${n > 1 ? `${n} ${what}s: ${names}` : s.name === what ? what : `${s.name}: ${what}`}<br/>${s.size}${n > 1 ? ' each' : ''}`, members);
        break;
      }
      case 'AWS::RDS::DBInstance':
        if (key === 'db') add('db', `PostgreSQL primary<br/>${p.DBInstanceClass}${p.MultiAZ ? ', Multi-AZ' : ''}`, members);
        else if (key === 'dbRegionReplica') add('db', `PostgreSQL cross-region replica<br/>${p.DBInstanceClass}`, members);
        else add('dbReplicas', `PostgreSQL read replica${n > 1 ? `s × ${n}` : ''}<br/>${p.DBInstanceClass}, same port`, members);
        break;
      case 'AWS::ElastiCache::ReplicationGroup':
        add('cache', `Valkey cache${times(n)}<br/>${plural(p.NumNodeGroups, 'shard')} × ${p.ReplicasPerNodeGroup + 1} ${p.CacheNodeType}`, members);
        break;
      case 'AWS::SQS::Queue': {
        const source = ctx.res.find((q) => q.stack === r.stack && q.type === 'AWS::SQS::Queue' && JSON.stringify(q.props.RedrivePolicy ?? '').includes(`"${r.id}"`));
        const consumers = consumersOf(source ?? r, ctx);
        const what = source ? 'dead-letter queue' : 'SQS queue';
        add(key, consumers.length > 0 ? `${what}<br/>of ${consumers.join(', ')}` : `${what}<br/>${humanize(r.id)}`, members);
        break;
      }
      case 'AWS::Kinesis::Stream':
        add('stream', `Kinesis event stream${times(n)}<br/>${p.StreamModeDetails?.StreamMode === 'ON_DEMAND' ? 'on demand' : plural(p.ShardCount ?? 1, 'shard')}`, members);
        break;
      default: {
        // A replicated secret says where its copies are: they cross regions.
        // Some overridden ids start with the stack's name run together: it says nothing in its own region's box.
        const names = members.map((m) => humanize(m.id.replace(new RegExp(`^${m.stack.replace(/-/g, '')}`), '')) + ((m.props.ReplicaRegions ?? []).length > 0 ? `<br/>replicated to ${m.props.ReplicaRegions.map((x: { Region: string }) => x.Region).join(', ')}` : ''));
        const label = r.type in DRAWN ? names.join('<br/>') : n > 1 ? `${typeName(r.type)} × ${n}` : `${names[0]}<br/>${typeName(r.type)}`;
        add(key, label, members);
      }
    }
  }
  return nodes;
}

/** The edges between boxes that security-group rules, IAM grants, redrive policies and replication allow. */
function siteEdges(nodes: readonly DiagramNode[], site: Site, ctx: Ctx): string[] {
  const here = ctx.res.filter((r) => siteOf(r.stack) === site);
  const nodeOf = (r: Res): DiagramNode | undefined => nodes.find((n) => n.members.includes(r));
  const edges = new Set<string>();
  const link = (from: DiagramNode | undefined, arrow: string, to: DiagramNode | undefined): void => {
    if (from && to && from !== to) edges.add(`  ${from.id} ${arrow} ${to.id}`);
  };
  // Replicas share the primary's security group: one line to the primary stands for both, the replicas' label says so.
  const isReplica = (n: DiagramNode): boolean => n.members.every((m) => m.type === 'AWS::RDS::DBInstance' && typeof m.props.SourceDBInstanceIdentifier === 'object');
  // Security-group rules: the boxes attached to the source group may open connections to those attached to the target group.
  const groups = here.filter((r) => r.type === 'AWS::EC2::SecurityGroup');
  const attached = (ref: unknown): DiagramNode[] => {
    const refText = JSON.stringify(ref ?? '');
    const sg = groups.find((g) => refText.includes(g.id));
    if (!sg) return [];
    return nodes.filter((n) => n.members.some((m) => JSON.stringify(m.props).includes(`${sg.id}`)));
  };
  for (const rule of here.filter((r) => r.type === 'AWS::EC2::SecurityGroupIngress')) {
    const port = rule.props.FromPort === rule.props.ToPort ? `:${rule.props.FromPort}` : `:${rule.props.FromPort}-${rule.props.ToPort}`;
    const targets = attached(rule.props.GroupId);
    const reached = targets.some((n) => !isReplica(n) && n.members[0]!.type === 'AWS::RDS::DBInstance') ? targets.filter((n) => !isReplica(n)) : targets;
    // The tasks share one group (ADR 0020): the load balancer reaches only the services registered behind it.
    const behind = (n: DiagramNode): boolean => n.members.some((m) => m.type === 'AWS::ECS::Service' && (m.props.LoadBalancers ?? []).length > 0);
    for (const from of attached(rule.props.SourceSecurityGroupId)) {
      const fromLoadBalancer = from.members.some((m) => m.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer');
      for (const to of reached) if (!fromLoadBalancer || behind(to)) link(from, `-->|"${port}"|`, to);
    }
  }
  // IAM grants: who may send to, consume from, or write to which queue or stream.
  for (const policy of here.filter((r) => r.type === 'AWS::IAM::Policy')) {
    const service = nodes.find((n) => n.members.some((m) => m.stack === policy.stack && m.type === 'AWS::ECS::Service'));
    if (!service) continue;
    for (const st of (policy.props.PolicyDocument?.Statement ?? []) as { Action?: string | string[]; Resource?: unknown }[]) {
      const actions = ([] as string[]).concat(st.Action ?? []);
      const target = JSON.stringify(st.Resource ?? '');
      for (const store of nodes.filter((n) => n.shape === 'queue' || n.shape === 'stream')) {
        if (!store.members.some((m) => target.includes(m.id))) continue;
        if (actions.includes('sqs:ReceiveMessage')) link(store, '-->|consume|', service);
        else if (actions.some((a) => a === 'sqs:SendMessage' || a.startsWith('kinesis:PutRecord'))) link(service, '-->|produce|', store);
      }
    }
  }
  // Redrive: a message received too often moves to the dead-letter queue.
  for (const q of here.filter((r) => r.type === 'AWS::SQS::Queue' && r.props.RedrivePolicy)) {
    const dlq = here.find((d) => d.stack === q.stack && d.type === 'AWS::SQS::Queue' && JSON.stringify(q.props.RedrivePolicy).includes(`"${d.id}"`));
    if (dlq) link(nodeOf(q), `-.->|"after ${q.props.RedrivePolicy.maxReceiveCount} receives"|`, nodeOf(dlq));
  }
  // Same-region replicas follow the primary.
  const primary = here.find((r) => r.type === 'AWS::RDS::DBInstance' && r.props.SourceDBInstanceIdentifier === undefined);
  for (const replica of here.filter((r) => r.type === 'AWS::RDS::DBInstance' && typeof r.props.SourceDBInstanceIdentifier === 'object')) {
    if (primary) link(nodeOf(primary), '-.->|replicates|', nodeOf(replica));
  }
  return [...edges].sort();
}

const CLASS_DEFS = [
  '  classDef durable fill:#dbeafe,stroke:#1e3a8a,color:#0b1220,stroke-width:2px',
  '  classDef transient fill:#fef3c7,stroke:#92400e,color:#0b1220',
  '  classDef stateless fill:#f3f4f6,stroke:#4b5563,color:#0b1220',
  '  classDef outside fill:#ffffff,stroke:#4b5563,color:#0b1220,stroke-dasharray:4',
];

const declare = (n: Pick<DiagramNode, 'id' | 'label' | 'shape'>, indent: string): string => `${indent}${n.id}${SHAPES[n.shape][0]}${text(n.label)}${SHAPES[n.shape][1]}`;

function classLines(nodes: readonly Pick<DiagramNode, 'id' | 'stateClass'>[], outside: readonly string[] = []): string[] {
  const by = (c: StateClass): string[] => nodes.filter((n) => n.stateClass === c).map((n) => n.id);
  return [
    ...CLASS_DEFS,
    ...(['durable', 'transient', 'stateless'] as const).filter((c) => by(c).length > 0).map((c) => `  class ${by(c).join(',')} ${c}`),
    ...(outside.length > 0 ? [`  class ${outside.join(',')} outside`] : []),
  ];
}

/**
 * Tighter spacing than Mermaid's 50 px between boxes and ranks: the width
 * GitHub scales the diagram down from decides the text size a reader sees.
 */
const INIT = '%%{init: {"flowchart": {"nodeSpacing": 20, "rankSpacing": 50, "padding": 10}}}%%';

function fence(lines: readonly string[]): string {
  return ['```mermaid', INIT, ...lines, '```'].join('\n');
}

/** Boxes no line reaches, laid out in rows of at most four below `anchor` (invisible links fix their rank). */
const ROW = 4;
function rows(anchor: string, boxes: readonly DiagramNode[]): string[] {
  return boxes.map((n, i) => `  ${i < ROW ? anchor : boxes[i - ROW]!.id} ~~~ ${n.id}`);
}

/**
 * One region as a reviewer reads it, top to bottom: what enters, the public,
 * private and data tiers, queues and streams, and the keys, secrets and
 * stores no request touches set apart below.
 */
function regionDiagram(site: 'primary' | 'standby', ctx: Ctx, entry: { readonly withEdge: boolean; readonly title: string }): Diagram {
  const region = regionOf(site, ctx.config);
  const regionTitle = `${site === 'primary' ? 'Primary' : 'Standby'} region: ${region}`;
  const nodes = siteNodes(site, ctx, site);
  const edgeNodes = entry.withEdge ? siteNodes('edge', ctx, 'edge') : [];
  const lines = ['flowchart TB'];
  const outside: string[] = [];
  const of = (ns: readonly DiagramNode[], tier: Tier): DiagramNode[] => ns.filter((n) => n.tier === tier);
  const first = (ns: readonly DiagramNode[], type: string): DiagramNode | undefined => ns.find((n) => n.members[0]!.type === type);
  const edges: string[] = [];

  const cdn = first(edgeNodes, 'AWS::CloudFront::Distribution');
  const edgeWaf = first(edgeNodes, 'AWS::WAFv2::WebACL');
  const cdnIsElsewhere = !entry.withEdge && ctx.res.some((r) => siteOf(r.stack) === 'edge' && r.type === 'AWS::CloudFront::Distribution');
  const entryId = camel(site, 'from');
  if (cdnIsElsewhere) {
    const dnsFailover = ctx.res.some((r) => r.type === 'AWS::Route53::RecordSet' && r.props.Failover);
    const label = site === 'primary' ? 'from CloudFront' : `from CloudFront, after ${dnsFailover ? 'DNS failover' : 'the failover runbook'}`;
    lines.push(declare({ id: entryId, label, shape: 'stadium' }, '  '));
    outside.push(entryId);
  } else {
    lines.push('  users(("users"))');
    outside.push('users');
  }
  if (edgeNodes.length > 0) {
    const edgeApart = of(edgeNodes, 'apart');
    lines.push(
      `  subgraph edge["Edge: CloudFront, global (stack in ${EDGE_REGION})"]`,
      ...of(edgeNodes, 'edge').map((n) => declare(n, '    ')),
      ...(edgeApart.length > 0 ? ['    subgraph edgeApart["keys and secrets"]', ...edgeApart.map((n) => declare(n, '      ')), '    end'] : []),
      '  end',
    );
  }
  lines.push(`  subgraph ${site}["${regionTitle}"]`);
  for (const tier of ['public', 'private', 'data', 'messaging', 'apart'] as const) {
    const inTier = of(nodes, tier);
    if (inTier.length === 0) continue;
    lines.push(`    subgraph ${camel(site, tier)}["${TIER_TITLES[tier]}"]`, ...inTier.map((n) => declare(n, '      ')), '    end');
  }
  lines.push('  end');

  const alb = first(nodes, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const regionalWaf = nodes.find((n) => n.members[0]!.type === 'AWS::WAFv2::WebACL');
  const front = regionalWaf ?? alb;
  if (cdn) {
    edges.push(edgeWaf ? `  users --> ${edgeWaf.id} --> ${cdn.id}` : `  users --> ${cdn.id}`);
    if (front) edges.push(`  ${cdn.id} -->|origin| ${front.id}`);
  } else if (front) {
    edges.push(`  ${cdnIsElsewhere ? entryId : 'users'} --> ${front.id}`);
  }
  if (regionalWaf && alb) edges.push(`  ${regionalWaf.id} --> ${alb.id}`);
  edges.push(...siteEdges(nodes, site, ctx));

  // Boxes no line reaches are placed by invisible links: NAT gateways beside the load balancer, the set-apart group at the bottom.
  const layout: string[] = [];
  const above = cdn?.id ?? (cdnIsElsewhere ? entryId : 'users');
  for (const n of of(nodes, 'public').filter((x) => x !== front && x !== alb)) layout.push(`  ${above} ~~~ ${n.id}`);
  // One anchor for every box of a group puts them on one rank, side by side, below the anchor.
  // The deepest data box: replicas below their primary, else the first store a service reaches.
  const data = of(nodes, 'data');
  const anchor = (data.find((n) => n.id.endsWith('Replicas')) ?? data[0])?.id ?? front?.id ?? above;
  layout.push(...rows(anchor, of(nodes, 'apart')));
  if (edgeWaf) layout.push(...rows(edgeWaf.id, of(edgeNodes, 'apart')));

  lines.push(...edges, ...layout, ...classLines([...edgeNodes, ...nodes], outside));
  return { title: entry.title, nodes: [...edgeNodes, ...nodes], mermaid: fence(lines) };
}

/** Phase 3's overview: only what crosses regions (the CDN and its DNS failover, database replication, backup copies, replicated secrets). */
function overviewDiagram(ctx: Ctx): Diagram {
  const at = (site: Site, type: string): Res[] => ctx.res.filter((r) => siteOf(r.stack) === site && r.type === type);
  const primaryTitle = `Primary region: ${regionOf('primary', ctx.config)}`;
  const standbyTitle = `Standby region: ${regionOf('standby', ctx.config)}`;
  const nodes: DiagramNode[] = [];
  const add = (id: string, label: string, members: Res[], shape: Shape): DiagramNode | undefined => {
    if (members.length === 0) return undefined;
    const n: DiagramNode = { id, label, shape, stateClass: stateClassOf(members[0]!.type), tier: 'edge', members };
    nodes.push(n);
    return n;
  };
  // The edge is drawn whole here: it is in no region diagram.
  const edgeNodes = siteNodes('edge', ctx, 'edge');
  nodes.push(...edgeNodes);
  const waf = edgeNodes.find((n) => n.members[0]!.type === 'AWS::WAFv2::WebACL');
  const cdn = edgeNodes.find((n) => n.members[0]!.type === 'AWS::CloudFront::Distribution');
  const failover = ctx.res.filter((r) => r.type === 'AWS::Route53::RecordSet' && r.props.Failover);
  const dns = add('dns', `Route 53 failover<br/>${String(failover[0]?.props.Name ?? '').replace(/\.$/, '')}`, failover, 'box');
  const primaryDb = at('primary', 'AWS::RDS::DBInstance').filter((r) => r.props.SourceDBInstanceIdentifier === undefined);
  const standbyDb = at('standby', 'AWS::RDS::DBInstance').filter((r) => typeof r.props.SourceDBInstanceIdentifier === 'string');
  const vaults = (site: Site): Res[] => at(site, 'AWS::Backup::BackupVault');
  const pAlb = add('primaryAlb', 'Application Load Balancer', at('primary', 'AWS::ElasticLoadBalancingV2::LoadBalancer'), 'box');
  const pDb = add('primaryDb', 'PostgreSQL primary', primaryDb, 'cylinder');
  const pVault = add('primaryVault', humanize(vaults('primary')[0]?.id ?? 'vault'), vaults('primary'), 'cylinder');
  const sAlb = add('standbyAlb', 'Application Load Balancer', at('standby', 'AWS::ElasticLoadBalancingV2::LoadBalancer'), 'box');
  const sDb = add('standbyDb', 'PostgreSQL cross-region replica', standbyDb, 'cylinder');
  const sVault = add('standbyVault', humanize(vaults('standby')[0]?.id ?? 'vault'), vaults('standby'), 'cylinder');

  const lines = ['flowchart TB', '  users(("users"))'];
  if (edgeNodes.length > 0) lines.push(`  subgraph edge["Edge: CloudFront, global (stack in ${EDGE_REGION})"]`, ...edgeNodes.map((n) => declare(n, '    ')), '  end');
  if (dns) lines.push(declare(dns, '  '));
  lines.push(`  subgraph primary["${primaryTitle}"]`, ...[pAlb, pDb, pVault].flatMap((n) => (n ? [declare(n, '    ')] : [])), '  end');
  lines.push(`  subgraph standby["${standbyTitle}"]`, ...[sAlb, sDb, sVault].flatMap((n) => (n ? [declare(n, '    ')] : [])), '  end');
  const edges: string[] = [];
  const e = (from: DiagramNode | undefined, arrow: string, to: DiagramNode | undefined): void => {
    if (from && to) edges.push(`  ${from.id} ${arrow} ${to.id}`);
  };
  if (waf && cdn) edges.push(`  users --> ${waf.id} --> ${cdn.id}`);
  else if (cdn) edges.push(`  users --> ${cdn.id}`);
  if (dns) {
    e(cdn, '-->|origin|', dns);
    e(dns, '-->|"healthy: primary"|', pAlb);
    e(dns, '-.->|"primary unhealthy"|', sAlb);
  } else {
    e(cdn, '-->|origin|', pAlb);
    e(cdn, '-.->|"after failover runbook"|', sAlb);
  }
  e(pDb, '-.->|"replicates (async)"|', sDb);
  e(pVault, '-.->|"daily copies"|', sVault);
  lines.push(...edges);
  // Keys and secrets sit beside the CDN: invisible links keep them off the request path.
  lines.push(...rows(waf?.id ?? 'users', edgeNodes.filter((n) => n.tier === 'apart')));
  lines.push(...classLines(nodes, ['users']));
  return { title: 'What crosses regions', nodes, mermaid: fence(lines) };
}

/** Shapes and colours used by every diagram. */
export const LEGEND: Diagram = (() => {
  const items: DiagramNode[] = [
    { id: 'legendDurable', label: 'durable store<br/>kept on delete', shape: 'cylinder', stateClass: 'durable', tier: 'data', members: [] },
    { id: 'legendTransient', label: 'transient store<br/>rebuilt if replaced', shape: 'cylinder', stateClass: 'transient', tier: 'data', members: [] },
    { id: 'legendStateless', label: 'stateless', shape: 'box', stateClass: 'stateless', tier: 'private', members: [] },
    { id: 'legendOutside', label: 'outside the region', shape: 'stadium', stateClass: 'stateless', tier: 'edge', members: [] },
    { id: 'legendQueue', label: 'queue', shape: 'queue', stateClass: 'durable', tier: 'messaging', members: [] },
    { id: 'legendStream', label: 'stream', shape: 'stream', stateClass: 'durable', tier: 'messaging', members: [] },
    { id: 'legendKey', label: 'key or secret', shape: 'hexagon', stateClass: 'durable', tier: 'apart', members: [] },
  ];
  const lines = [
    'flowchart LR',
    ...items.map((n) => declare(n, '  ')),
    `  ${items[0]!.id} ~~~ ${items[1]!.id} ~~~ ${items[2]!.id} ~~~ ${items[3]!.id}`,
    `  ${items[4]!.id} ~~~ ${items[5]!.id} ~~~ ${items[6]!.id}`,
    ...classLines(items.filter((n) => n.id !== 'legendOutside'), ['legendOutside']),
  ];
  return { title: 'Legend', nodes: items, mermaid: fence(lines) };
})();

/**
 * The diagrams of one phase: one per region (phase 1 and 2 have one; the
 * edge is drawn in front of the primary region), and with a standby region
 * an overview of what crosses regions first.
 */
export function phaseDiagrams(res: readonly Res[], config: BlueprintConfig): Diagram[] {
  const ctx: Ctx = { res, config };
  const hasStandby = res.some((r) => siteOf(r.stack) === 'standby');
  if (!hasStandby) return [regionDiagram('primary', ctx, { withEdge: true, title: `Primary region: ${config.env.region}` })];
  return [
    overviewDiagram(ctx),
    regionDiagram('primary', ctx, { withEdge: false, title: `Primary region: ${config.env.region}` }),
    regionDiagram('standby', ctx, { withEdge: false, title: `Standby region: ${regionOf('standby', config)}` }),
  ];
}
