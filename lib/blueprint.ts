import { App, Stack, Tags } from 'aws-cdk-lib';
import { BlueprintConfig, deploymentName, EDGE_REGION, primaryConfig, primaryGenerations, standbyConfig, standbyFailback, standbyGenerations, standbyPromoted } from '../config';
import { acknowledge } from '../constructs';
import { AppStack } from './app-stack';
import { addCompliancePlugins } from './compliance';
import { DataRole, DataStack } from './data-stack';
import { EdgeStack } from './edge-stack';
import { NotificationsStack } from './notifications-stack';
import { crossRegion } from './references';
import { RecoveryStack } from './recovery-stack';
import { MigrationStack } from './migration-stack';
import { ScheduleStack } from './schedule-stack';
import { WebServiceStack } from './web-service-stack';
import { WorkerStack } from './worker-stack';

/** One region's stacks. */
export interface Site {
  readonly data: DataStack;
  readonly app: AppStack;
  /** One stack per web service, keyed by service name. */
  readonly services: ReadonlyMap<string, WebServiceStack>;
  /** One stack per worker, keyed by worker name. */
  readonly workers: ReadonlyMap<string, WorkerStack>;
  /** One stack per scheduled task, keyed by schedule name. */
  readonly schedules: ReadonlyMap<string, ScheduleStack>;
  /** The migration task stacks of the services that have one. */
  readonly migrations: readonly MigrationStack[];
}

export interface Blueprint extends Site {
  /** The CDN and its web ACL in us-east-1, when the configuration has an edge. */
  readonly edge?: EdgeStack;
  /** The standby region's stacks, when the configuration has one. */
  readonly standby?: Site;
  /** The one Slack channel configuration for every site's alarm topics, when `alarms.slack` is set. */
  readonly notifications?: NotificationsStack;
  /** The standby region's backup vault and recovery key, deployed before the primary's data stack. */
  readonly recovery?: RecoveryStack;
}

/** Stack name: `<app>-<stage>-<role>`, never the phase, so upgrades deploy over the same stacks. */
export function stackName(config: BlueprintConfig, role: string): string {
  return `${deploymentName(config)}-${role}`;
}

interface SiteOptions {
  /** Prepended to every stack role: '' in the primary region, 'standby-' in the standby. */
  readonly rolePrefix: string;
  readonly data: DataRole;
  /** Region of the SES identity the site's tasks send through: the primary's. */
  readonly emailRegion: string;
  readonly originSecretName?: string;
  readonly originFailover?: 'PRIMARY' | 'SECONDARY';
  /** Whether scheduled tasks start: not in a standby region until a failover promotes it. */
  readonly schedulesEnabled: boolean;
}

/** The data, app, service and worker stacks of one region. */
function buildSite(app: App, config: BlueprintConfig, options: SiteOptions): Site {
  const env = { account: config.env.account, region: config.env.region };
  const zones = config.env.availabilityZones;
  const name = (role: string): string => stackName(config, `${options.rolePrefix}${role}`);
  const where = options.rolePrefix === '' ? '' : ` (standby region ${config.env.region})`;

  const data = new DataStack(app, name('data'), {
    env,
    zones,
    config,
    role: options.data,
    terminationProtection: config.protection.terminationProtection,
    description: `${config.appName} ${config.stage}${where}: network, keys, database, cache (stateful)`,
  });
  const appStack = new AppStack(app, name('app'), {
    env,
    zones,
    config,
    data,
    originSecretName: options.originSecretName,
    originFailover: options.originFailover,
    site: options.rolePrefix === '' ? 'primary' : 'standby',
    description: `${config.appName} ${config.stage}${where}: cluster, load balancer, alarm topics, dashboard (stateless)`,
  });
  const runtime = { env, zones, config, data, app: appStack, emailRegion: options.emailRegion };
  // Every task logs in with the application login, which the app stack creates during its deploy (ADR 0032).
  const afterLoginSetup = <T extends Stack>(stack: T): T => {
    if (appStack.loginSetup) stack.addStackDependency(appStack);
    return stack;
  };
  // A stack per service and per worker, keyed by name: each deploys on its own, and
  // no stack nears CloudFormation's resource limit as services are added.
  const migrations: MigrationStack[] = [];
  const services = new Map(
    config.services.map((s) => {
      const stack = afterLoginSetup(new WebServiceStack(app, name(`service-${s.name}`), {
        ...runtime,
        service: s,
        description: `${config.appName} ${config.stage}${where}: web service ${s.name} (stateless)`,
      }));
      if (s.migrationCommand.length > 0) {
        const migration = afterLoginSetup(new MigrationStack(app, name(`migrate-${s.name}`), {
          ...runtime,
          service: s,
          description: `${config.appName} ${config.stage}${where}: database migration task of ${s.name}`,
        }));
        // Deployed (and run) before the service rolls out the same image.
        stack.addStackDependency(migration);
        migrations.push(migration);
      }
      return [s.name, stack] as const;
    }),
  );
  const workers = new Map(
    config.workers.map((w) => [
      w.name,
      afterLoginSetup(
        new WorkerStack(app, name(`worker-${w.name}`), {
          ...runtime,
          worker: w,
          description: `${config.appName} ${config.stage}${where}: worker ${w.name} (stateless)`,
        }),
      ),
    ]),
  );
  // Disabled in a standby until a failover promotes it: its database is a read-only replica.
  const schedules = new Map(
    config.schedules.map((s) => [
      s.name,
      afterLoginSetup(
        new ScheduleStack(app, name(`schedule-${s.name}`), {
          ...runtime,
          schedule: s,
          enabled: options.schedulesEnabled,
          description: `${config.appName} ${config.stage}${where}: scheduled task ${s.name} (its dead-letter queue is retained)`,
        }),
      ),
    ]),
  );
  return { data, app: appStack, services, workers, schedules, migrations };
}

/**
 * During a failback the primary region's tasks read the promoted database's
 * secret in the standby region, whose key the promotion's operator chose
 * (docs/runbooks.md): their execution roles may decrypt with any key of that
 * region, only through Secrets Manager there (kms:ViaService), which
 * decrypts only a secret the role may already read.
 */
function acknowledgeFailbackSecretKey(site: Site): void {
  const key = site.data.database.sourceSecretKey;
  if (key === undefined) return;
  const arn = site.data.resolve(key.keyArn) as unknown;
  if (typeof arn !== 'string') return;
  const stacks = [...site.services.values(), ...site.workers.values(), ...site.schedules.values(), ...site.migrations];
  for (const stack of stacks) {
    acknowledge(
      stack,
      `During a failback the tasks read the promoted database's secret in ${key.region}, encrypted with a key the promotion chose: kms:Decrypt on that region's keys only through Secrets Manager there (kms:ViaService), which decrypts only the one secret the role may read.`,
      `AwsSolutions-IAM5[Resource::${arn}]`,
    );
  }
}

/**
 * Builds the whole blueprint for one validated configuration into `app`,
 * with the compliance packs registered as validation plugins: the primary
 * region, then the standby region and the edge when the configuration has them.
 */
export function buildBlueprint(app: App, config: BlueprintConfig): Blueprint {
  const standbyCfg = config.standby ? standbyConfig(config) : undefined;
  // The CDN's origin name is a failover pair whenever there is a hosted zone, so a standby only adds its half.
  const originRecords = config.edge !== null && config.ingress.hostedZone !== null;
  const originSecretName = config.edge ? `${deploymentName(config)}/cdn-origin-header` : undefined;

  const recovery = standbyCfg
    ? new RecoveryStack(app, stackName(config, 'standby-recovery'), {
        env: { account: standbyCfg.env.account, region: standbyCfg.env.region },
        zones: standbyCfg.env.availabilityZones,
        config,
        terminationProtection: config.protection.terminationProtection,
        description: `${config.appName} ${config.stage} (standby region ${standbyCfg.env.region}): backup copy vault and recovery key (stateful, deployed first)`,
      })
    : undefined;
  // A failback rebuilds the primary region as the promoted region's standby (ADR 0029).
  const failback = standbyFailback(config) && standbyCfg ? config.standby! : undefined;
  const primary = buildSite(app, primaryConfig(config), {
    rolePrefix: '',
    emailRegion: config.env.region,
    data: {
      kind: 'primary',
      standby: recovery ? { region: recovery.region, vaultArn: recovery.vaultArn, keyAliasName: recovery.keyAliasName, keyAliasArn: recovery.keyAliasArn } : undefined,
      generations: primaryGenerations(config),
      sourceRegion: config.standby?.region,
      failback: failback && { secretArn: failback.databaseSecretArn! },
    },
    originSecretName,
    originFailover: originRecords ? 'PRIMARY' : undefined,
    // Off while the region waits as a standby: its database is a read-only replica.
    schedulesEnabled: !failback,
  });

  if (failback) acknowledgeFailbackSecretKey(primary);

  // The copy vault and the secret's replica key exist before anything points at them.
  if (recovery) primary.data.addStackDependency(recovery);

  let standby: Site | undefined;
  if (standbyCfg && recovery) {
    standby = buildSite(app, standbyCfg, {
      rolePrefix: 'standby-',
      emailRegion: config.env.region,
      data: {
        kind: 'standby',
        source: { instances: new Map([...primary.data.databases].map(([g, d]) => [g, d.instance])), primaryDataStack: primary.data, secretKey: recovery.key },
        generations: standbyGenerations(config),
        promoted: standbyPromoted(config),
        promotedSecretArn: config.standby!.databaseSecretArn,
        buckets: recovery.buckets,
      },
      originSecretName,
      originFailover: originRecords ? 'SECONDARY' : undefined,
      schedulesEnabled: standbyPromoted(config),
    });
    // The replica names its source by ARN, not by reference: order the stacks explicitly. A failback reverses
    // the pair: the primary region's new replica is created after the promoted database it copies.
    if (failback) primary.data.addStackDependency(standby.data);
    else standby.data.addStackDependency(primary.data);
  }

  let edge: EdgeStack | undefined;
  if (config.edge && config.firewall && originSecretName !== undefined) {
    edge = new EdgeStack(app, stackName(config, 'edge'), {
      env: { account: config.env.account, region: EDGE_REGION },
      config,
      edge: config.edge,
      firewall: config.firewall,
      originDomainName: config.ingress.originDomainName ?? crossRegion(primary.app.ingress.loadBalancer.loadBalancerDnsName),
      originSecretName,
      originRegions: [config.env.region, ...(standbyCfg ? [standbyCfg.env.region] : [])],
      description: `${config.appName} ${config.stage}: CDN, web ACL and origin secret (us-east-1, global)`,
    });
    // The buckets it serves, and their policies letting it read them, exist first.
    if (config.buckets.some((b) => b.public !== null)) edge.addStackDependency(primary.data);
    // Listener rules read the origin secret's replica in their region, which the edge stack creates.
    for (const site of [primary, ...(standby ? [standby] : [])]) {
      for (const stack of site.services.values()) stack.addStackDependency(edge);
    }
  }

  const slack = config.alarms.slack;
  const notifications =
    slack === null
      ? undefined
      : new NotificationsStack(app, stackName(config, 'notifications'), {
          env: { account: config.env.account, region: config.env.region },
          slack,
          configurationName: deploymentName(config),
          // The standby's topics are in another region: read weakly (ADR 0018).
          topicArns: [...primary.app.topics.topicArns, ...(standby ? standby.app.topics.topicArns.map(crossRegion) : [])],
          description: `${config.appName} ${config.stage}: Slack channel for every region's alarm topics (account-wide)`,
        });

  const { hostedZone, domainName } = config.ingress;
  if (hostedZone !== null && domainName !== undefined) primary.app.addDomainAlias(hostedZone, domainName, edge?.cdn.distribution);

  Tags.of(app).add('blueprint:app', config.appName);
  Tags.of(app).add('blueprint:stage', config.stage);
  addCompliancePlugins(app, config.compliancePacks);
  return { ...primary, edge, standby, recovery, notifications };
}
