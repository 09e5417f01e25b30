#!/usr/bin/env node
/**
 * npm run plan -- --from phase1 --to phase2 [--stage prod] [--settings file.json] [--to-settings next.json]
 *
 * `--to-settings` plans a change of settings rather than of phase, e.g. a
 * regional failover (`standby.role` "promoted", docs/runbooks.md).
 *
 * Synthesizes both configurations and prints what upgrading from one to the
 * other changes, per stack, with the rule that decides each. Exits 1 when
 * the upgrade is blocked (a durable or custom-named resource replaced or
 * removed, an update that fails on a grown resource, a stranded consumer
 * of a cross-stack output), 2 on bad arguments or configuration.
 */
import { parseArgs } from 'node:util';
import * as cdkJson from '../cdk.json';
import { readSettingsFile, resolveConfig } from '../config';
import { formatPlan, isBlocked, planUpgrade, synthesizeTemplates } from '../review/plan';
import { runCommand } from '../review/cli';

const usage = 'usage: npm run plan -- --from <phase> --to <phase> [--stage <stage>] [--settings <file.json>] [--to-settings <file.json>] [--json]';

function main(): number {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      stage: { type: 'string' },
      settings: { type: 'string' },
      'to-settings': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.from || !values.to) {
    console.error(usage);
    return 2;
  }
  const settings = readSettingsFile(values.settings ?? 'blueprint.settings.json', values.settings !== undefined);
  const from = resolveConfig({ phase: values.from, stage: values.stage, settings });
  const toSettings = values['to-settings'] === undefined ? settings : readSettingsFile(values['to-settings'], true);
  const to = resolveConfig({ phase: values.to, stage: values.stage, settings: toSettings });
  const plan = planUpgrade(synthesizeTemplates(from, cdkJson.context), synthesizeTemplates(to, cdkJson.context));
  console.log(values.json ? JSON.stringify(plan, null, 2) : formatPlan(plan, `Upgrade ${from.appName} ${from.stage}: ${from.phase} -> ${to.phase}`));
  return isBlocked(plan) ? 1 : 0;
}

runCommand({ usage, verb: 'planned', main });
