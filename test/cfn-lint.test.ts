import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { App } from 'aws-cdk-lib';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../config';
import { buildBlueprint } from '../lib/blueprint';
import { CFN_LINT_MISSING, cfnLintAvailable, lintExceptions, lintTemplates } from '../review/cfn-lint';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { CDK_CONTEXT } from './support/blueprint';

const available = cfnLintAvailable();
if (!available) {
  // Said out loud rather than skipped in silence.
  console.warn(`Skipping the cfn-lint test: ${CFN_LINT_MISSING}`);
}

(available ? describe : describe.skip)('cfn-lint on the synthesized templates', () => {
  // GIVEN phase 1 in prod and phase 3 in prod with a canary deployment, HTTPS, written to disk once.
  // (`npm run check` lints every phase and stage and runs aws-cdk-lib's built-in validation as well.)
  // In beforeAll, not the describe body: jest runs a skipped describe's body too.
  const outdirs: string[] = [];
  let templates: string[] = [];
  let findings: ReturnType<typeof lintTemplates> = [];
  beforeAll(() => {
    templates = ['phase1', 'phase3'].flatMap((phase) => {
      const outdir = mkdtempSync(join(tmpdir(), `blueprint-lint-${phase}-`));
      outdirs.push(outdir);
      const app = new App({ outdir, context: CDK_CONTEXT, builtinCloudFormationValidation: false });
      const services = phase === 'phase3' ? [{ name: 'web', deployment: { strategy: 'canary', stepPercent: 10, bakeMinutes: 10 } }] : undefined;
      buildBlueprint(app, resolveConfig({ phase, stage: 'prod', settings: { ...PRODUCTION_SETTINGS, services } } as never));
      app.synth();
      return readdirSync(outdir).filter((f) => f.endsWith('.template.json')).map((f) => join(outdir, f));
    });
    findings = lintTemplates(templates);
  });
  afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('THEN there are templates to lint', () => {
    // phase 1: data, app, web; phase 3: those, a worker, the standby region's recovery stack and four, and the edge.
    expect(templates).toHaveLength(13);
  });

  test('THEN every finding is a documented exception', () => {
    expect(findings.filter((f) => !f.exception)).toEqual([]);
  });

  test('THEN every exception carries a reason', () => {
    for (const e of lintExceptions()) expect(e.reason.length).toBeGreaterThan(40);
  });

  test('THEN every "Tags was unexpected" exception is schema lag: CloudFormation\'s own schema has Tags', () => {
    const db = loadAwsServiceSpecSync();
    const tagExceptions = lintExceptions().filter((e) => e.message.includes("'Tags' was unexpected"));
    expect(tagExceptions.length).toBeGreaterThan(0);
    for (const e of tagExceptions) {
      const resource = db.lookup('resource', 'cloudFormationType', 'equals', e.resourceType).only();
      expect(Object.keys(resource.properties)).toContain('Tags');
    }
  });

  test('THEN every exception is still needed', () => {
    const used = new Set(findings.map((f) => f.exception).filter((e) => e !== undefined));
    expect(lintExceptions().filter((e) => ![...used].some((u) => u.rule === e.rule && u.resourceType === e.resourceType))).toEqual([]);
  });
});
