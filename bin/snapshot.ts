#!/usr/bin/env node
/**
 * npm run snapshot [-- --update] [--settings blueprint.settings.json] [--phase phase1,phase2] [--stage dev,prod] [--dir snapshots]
 *
 * Snapshots of your own deployment, for review in a pull request: every
 * stack of every phase and stage you deploy, normalized so that asset
 * hashes and library version stamps never churn (review/snapshot.ts), in
 * `snapshots/<phase>-<stage>/<stack>.json`.
 *
 * Without --update: compares and exits 1 when a template changed (so does
 * `npm test`, through test/snapshot.test.ts). With --update: writes them.
 * Phases and stages default to those already in snapshots/snapshot.json,
 * else every phase and stage; the settings file likewise.
 */
import { parseArgs } from 'node:util';
import * as cdkJson from '../cdk.json';
import { ConfigError, PHASES, readSettingsFile, STAGES } from '../config';
import {
  ALL_VARIANTS,
  compareSnapshots,
  formatDifferences,
  parseVariant,
  readManifest,
  snapshotTemplates,
  Variant,
  variantName,
  writeManifest,
  writeSnapshots,
} from '../review/snapshot';
import { runCommand } from '../review/cli';

const usage = 'usage: npm run snapshot -- [--update] [--settings <file.json>] [--phase <phase>[,<phase>…]] [--stage <stage>[,<stage>…]] [--dir <folder>]';

function list(value: string | undefined, allowed: readonly string[], name: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((i) => !allowed.includes(i));
  if (bad.length > 0 || items.length === 0) throw new ConfigError([`--${name}: ${JSON.stringify(value)} is not allowed; allowed: a comma-separated list of ${allowed.join(', ')}`]);
  return items;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      update: { type: 'boolean', default: false },
      settings: { type: 'string' },
      phase: { type: 'string' },
      stage: { type: 'string' },
      dir: { type: 'string', default: 'snapshots' },
    },
  });
  const dir = values.dir!;
  const manifest = readManifest(dir);
  const settingsPath = values.settings ?? manifest?.settings ?? 'blueprint.settings.json';
  const settings = readSettingsFile(settingsPath, values.settings !== undefined);
  const phases = list(values.phase, PHASES, 'phase');
  const stages = list(values.stage, STAGES, 'stage');
  const known = manifest?.variants.map(parseVariant) ?? ALL_VARIANTS;
  const variants: Variant[] =
    phases || stages
      ? (phases ?? [...new Set(known.map((v) => v.phase))]).flatMap((phase) => (stages ?? [...new Set(known.map((v) => v.stage))]).map((stage) => ({ phase, stage })))
      : [...known];

  let changed = 0;
  variants.forEach((variant, i) => {
    const name = variantName(variant);
    process.stdout.write(`[${i + 1}/${variants.length}] ${name}: `);
    const templates = snapshotTemplates(variant, settings, cdkJson.context);
    if (values.update) {
      writeSnapshots(dir, variant, templates);
      console.log(`wrote ${Object.keys(templates).length} stack(s) to ${dir}/${name}/`);
      return;
    }
    const diffs = compareSnapshots(dir, variant, templates);
    changed += diffs.length;
    console.log(diffs.length === 0 ? 'unchanged' : `${diffs.length} stack(s) differ\n${formatDifferences(diffs).replace(/^/gm, '  ')}`);
  });
  if (values.update) {
    const all = [...new Set([...(phases || stages ? (manifest?.variants ?? []) : []), ...variants.map(variantName)])].sort();
    writeManifest(dir, { settings: settingsPath, variants: all });
    console.log(`wrote ${dir}/snapshot.json (settings ${settingsPath}; ${all.join(', ')})`);
    return 0;
  }
  if (changed > 0) console.log(`\nReview the changes, then record them: npm run snapshot -- --update`);
  return changed > 0 ? 1 : 0;
}

runCommand({ usage, verb: 'snapshot', main });
