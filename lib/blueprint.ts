import { App, Tags } from 'aws-cdk-lib';
import { BlueprintConfig } from '../config';
import { AppStack } from './app-stack';
import { addCompliancePlugins } from './compliance';
import { DataStack } from './data-stack';

export interface Blueprint {
  readonly data: DataStack;
  readonly app: AppStack;
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
    description: `${config.appName} ${config.stage}: services, load balancer, alarms (stateless)`,
  });

  Tags.of(app).add('blueprint:app', config.appName);
  Tags.of(app).add('blueprint:stage', config.stage);
  addCompliancePlugins(app);
  return { data, app: appStack };
}
