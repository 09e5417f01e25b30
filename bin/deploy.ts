#!/usr/bin/env node
/**
 * npm run deploy -- --phase <phase> --stage <stage> [--settings file.json]
 *                   [--region primary|standby]
 *                   [--plan-only] [--markdown] [--force "reason"]
 *                   [--allow-replace <stack>/<logicalId> ... --reason "why"]
 *
 * The guarded deploy (ADR 0024): synthesizes the configuration, publishes
 * its assets, plans every stack against what is deployed (change sets),
 * refuses a replacement or removal of a durable resource and a deploy while
 * the SLO burn-rate page alarm is in ALARM, executes the reviewed change
 * sets and sets each stack's protective stack policy. `--region` does all
 * of that for one region's stacks only, reading nothing in any other region
 * (a regional failover, ADR 0029). The plan goes to
 * stdout, progress to stderr. Exits 1 when a guard refuses or a deploy
 * fails, 2 on bad arguments or configuration.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { App } from 'aws-cdk-lib';
import * as cdkJson from '../cdk.json';
import { BlueprintConfig, readSettingsFile, resolveConfig } from '../config';
import { buildBlueprint } from '../lib/blueprint';
import { deploymentIn, deploymentOf } from '../review/deploy/assembly';
import { formatDeploymentPlan } from '../review/deploy/format';
import { GuardedDeploy, GuardError } from '../review/deploy/guard';
import { runCommand } from '../review/cli';

const usage =
  'usage: npm run deploy -- --phase <phase> --stage <stage> [--settings <file.json>] [--region primary|standby] [--plan-only] [--markdown] [--force "reason"] [--allow-replace <stack>/<logicalId> --reason "why"]';

/**
 * `cdk publish-assets` of the pinned CLI: it builds and uploads file and image
 * assets and the templates, through the bootstrap roles. The command is marked
 * unstable in CLI 2.1148 (hence the opt-in); the CLI is pinned (ADR 0024).
 */
function publishAssets(assemblyDir: string, stacks: readonly string[] | 'all'): () => Promise<void> {
  // Named stacks only, without their dependencies (--exclusively): a one-region deploy publishes nothing to another region's bucket.
  const selection = stacks === 'all' ? ['--all'] : ['--exclusively', ...stacks];
  return () =>
    new Promise((resolve, reject) => {
      const cli = spawn(join('node_modules', '.bin', 'cdk'), ['publish-assets', '--unstable=publish-assets', ...selection, '--app', assemblyDir], { stdio: ['ignore', 2, 2] });
      cli.on('error', reject);
      cli.on('exit', (code) => (code === 0 ? resolve() : reject(new GuardError(`cdk publish-assets exited ${code}`))));
    });
}

/**
 * The region `--region` names: `primary` is env.region, `standby` is
 * standby.region; unset, every region. A site, not a stack pattern: the
 * guards then cover exactly the stacks a region's failover needs, and
 * a pattern cannot leave out one of them, or take in one of the lost
 * region's.
 */
function siteRegion(site: string | undefined, config: BlueprintConfig): string | undefined {
  if (site === undefined) return undefined;
  if (site === 'primary') return config.env.region;
  if (site === 'standby' && config.standby !== null) return config.standby.region;
  const allowed = config.standby === null ? '"primary" (the configuration has no standby)' : '"primary" or "standby"';
  throw new GuardError(`--region ${JSON.stringify(site)} is not allowed; allowed: ${allowed}`, 'usage');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      phase: { type: 'string' },
      stage: { type: 'string' },
      settings: { type: 'string' },
      region: { type: 'string' },
      'plan-only': { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      force: { type: 'string' },
      'allow-replace': { type: 'string', multiple: true, default: [] },
      reason: { type: 'string' },
    },
  });
  if (!values.phase || !values.stage) {
    console.error(usage);
    return 2;
  }
  const settings = readSettingsFile(values.settings ?? 'blueprint.settings.json', values.settings !== undefined);
  const config = resolveConfig({ phase: values.phase, stage: values.stage, settings });
  // Refused before anything is synthesized.
  const region = siteRegion(values.region, config);

  const outdir = join('cdk.out', `deploy-${config.appName}-${config.stage}`);
  const app = new App({ context: cdkJson.context, outdir });
  buildBlueprint(app, config);
  const whole = deploymentOf(app.synth(), config);
  const deployment = region === undefined ? whole : deploymentIn(whole, region);
  for (const o of deployment.outside ?? []) console.error(`Not deployed by this run: ${o.stack} (${o.region}), which ${o.neededBy.join(', ')} depend(s) on; it must be deployed already.`);

  const guard = new GuardedDeploy(deployment, {
    clients: (r) => ({ cloudFormation: new CloudFormationClient({ region: r }), cloudWatch: new CloudWatchClient({ region: r }) }),
    publishAssets: publishAssets(outdir, region === undefined ? 'all' : deployment.stacks.map((s) => s.name)),
    log: (line) => console.error(line),
  });
  const where = region === undefined ? '' : `, ${values.region} region ${region} only,`;
  const title = `${values['plan-only'] ? 'Plan' : 'Deploy'} ${config.appName} ${config.stage} (${config.phase})${where} against what is deployed`;
  const allowReplace = values['allow-replace'];

  if (values['plan-only']) {
    const plan = await guard.plan(allowReplace);
    const alarms = await guard.errorBudget();
    console.log(formatDeploymentPlan(plan, title, { markdown: values.markdown, alarms }));
    return plan.refused.length > 0 ? 1 : 0;
  }
  const outcome = await guard.deploy({ force: values.force, allowReplace, reason: values.reason });
  console.log(formatDeploymentPlan(outcome.plan, title, { markdown: values.markdown, alarms: outcome.alarms }));
  if (outcome.result === 'refused') {
    console.error(`Refused by the ${outcome.guard === 'plan' ? 'plan' : 'error-budget'} guard${outcome.deployed.length > 0 ? ` after deploying ${outcome.deployed.join(', ')}` : '; nothing was deployed'}.`);
    return 1;
  }
  console.error(`Deployed ${outcome.deployed.length} stack(s); every stack has its protective stack policy.`);
  return 0;
}

runCommand({
  usage,
  verb: 'deployed',
  main,
  onError: (e) => {
    if (e instanceof GuardError) {
      console.error(e.message);
      return e.kind === 'usage' ? 2 : 1;
    }
    // An AWS error (credentials, permissions, throttling) says enough in one line.
    if (e instanceof Error) {
      console.error(`${e.name}: ${e.message}`);
      return 1;
    }
    return undefined;
  },
});
