import { BlueprintConfig } from './types';

/**
 * `<app>-<stage>`: the prefix of every stack and named resource of one
 * deployment. Never the phase, so an upgrade deploys over the same names.
 */
export function deploymentName(c: Pick<BlueprintConfig, 'appName' | 'stage'>): string {
  return `${c.appName}-${c.stage}`;
}
