import { App, Tags } from 'aws-cdk-lib';
import { BlueprintConfig } from '../config';
import { AppStack } from './app-stack';
import { addCompliancePlugins } from './compliance';
import { DataStack } from './data-stack';
import { MigrationStack, WebServiceStack, WorkerStack } from './service-stacks';

export interface Blueprint {
  readonly data: DataStack;
  readonly app: AppStack;
  /** One stack per web service, keyed by service name. */
  readonly services: ReadonlyMap<string, WebServiceStack>;
  /** One stack per worker, keyed by worker name. */
  readonly workers: ReadonlyMap<string, WorkerStack>;
}

/** Stack name: `<app>-<stage>-<role>`, never the phase, so upgrades deploy over the same stacks. */
export function stackName(config: BlueprintConfig, role: string): string {
  return `${config.appName}-${config.stage}-${role}`;
}

/**
 * Builds the whole blueprint for one validated configuration into `app`,
 * with the compliance packs registered as validation plugins.
 */
export function buildBlueprint(app: App, config: BlueprintConfig): Blueprint {
  const env = { account: config.env.account, region: config.env.region };
  const zones = config.env.availabilityZones;

  const data = new DataStack(app, stackName(config, 'data'), {
    env,
    zones,
    config,
    terminationProtection: config.protection.terminationProtection,
    description: `${config.appName} ${config.stage}: network, keys, database, cache (stateful)`,
  });
  const appStack = new AppStack(app, stackName(config, 'app'), {
    env,
    zones,
    config,
    data,
    description: `${config.appName} ${config.stage}: cluster, load balancer, alarm topics, dashboard (stateless)`,
  });
  const runtime = { env, zones, config, data, app: appStack };
  // A stack per service and per worker, keyed by name: each deploys on its own, and
  // no stack nears CloudFormation's resource limit as services are added.
  const services = new Map(
    config.services.map((s) => {
      const stack = new WebServiceStack(app, stackName(config, `service-${s.name}`), {
        ...runtime,
        service: s,
        description: `${config.appName} ${config.stage}: web service ${s.name} (stateless)`,
      });
      if (s.migrationCommand.length > 0) {
        const migration = new MigrationStack(app, stackName(config, `migrate-${s.name}`), {
          ...runtime,
          service: s,
          description: `${config.appName} ${config.stage}: database migration task of ${s.name}`,
        });
        // Deployed (and run) before the service rolls out the same image.
        stack.addStackDependency(migration);
      }
      return [s.name, stack] as const;
    }),
  );
  const workers = new Map(
    config.workers.map((w) => [
      w.name,
      new WorkerStack(app, stackName(config, `worker-${w.name}`), {
        ...runtime,
        worker: w,
        description: `${config.appName} ${config.stage}: queue worker ${w.name} (stateless)`,
      }),
    ]),
  );

  Tags.of(app).add('blueprint:app', config.appName);
  Tags.of(app).add('blueprint:stage', config.stage);
  addCompliancePlugins(app, config.compliancePacks);
  return { data, app: appStack, services, workers };
}
