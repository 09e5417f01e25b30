#!/usr/bin/env node
/**
 * npm run docs
 *
 * Writes docs/phases/phase1.md, phase2.md, phase3.md and README.md from the
 * synthesized templates of each phase (stage prod): summary, diagram,
 * components, alarms, scaling, data protection, upgrade and cost.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cdkJson from '../cdk.json';
import { generatePhaseDocs } from '../review/phase-doc';

const dir = join(__dirname, '..', 'docs', 'phases');
mkdirSync(dir, { recursive: true });
for (const [name, content] of Object.entries(generatePhaseDocs(cdkJson.context).files)) {
  writeFileSync(join(dir, name), content);
  console.log(`wrote docs/phases/${name}`);
}
