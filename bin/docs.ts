#!/usr/bin/env node
/**
 * npm run docs
 *
 * Writes docs/phases/phase1.md, phase2.md, phase3.md and README.md from the
 * synthesized templates of each phase (stage prod): summary, diagram,
 * components, alarms, scaling, data protection, upgrade and cost; and
 * docs/settings.md and blueprint.settings.schema.json from config/schema.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cdkJson from '../cdk.json';
import { generatePhaseDocs } from '../review/phase-doc';
import { settingsFiles } from '../review/settings-doc';

const dir = join(__dirname, '..', 'docs', 'phases');
mkdirSync(dir, { recursive: true });
for (const [name, content] of Object.entries(generatePhaseDocs(cdkJson.context).files)) {
  writeFileSync(join(dir, name), content);
  console.log(`wrote docs/phases/${name}`);
}
for (const [path, content] of Object.entries(settingsFiles())) {
  writeFileSync(join(__dirname, '..', path), content);
  console.log(`wrote ${path}`);
}
