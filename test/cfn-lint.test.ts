import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { App } from 'aws-cdk-lib';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../config';
import { buildBlueprint } from '../lib/blueprint';
import { CFN_LINT_INSTALL, cfnLintAvailable, lintExceptions, lintTemplates } from '../review/cfn-lint';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { CDK_CONTEXT } from './support/blueprint';

const available = cfnLintAvailable();
// Without cfn-lint, one skipped test says why, and test/support/skipped-reporter.js lists it under the summary;
// where it is required (CI sets BLUEPRINT_REQUIRE_CFN_LINT=1), its absence fails instead.
const required = process.env.BLUEPRINT_REQUIRE_CFN_LINT === '1';
const lintedOrSkipped = available
  ? describe
  : required
    ? (name: string, _body: () => void): void =>
        test(`${name}: cfn-lint is required here (BLUEPRINT_REQUIRE_CFN_LINT=1) and not installed`, () => {
          throw new Error(`cfn-lint is not installed; install it with \`${CFN_LINT_INSTALL}\``);
        })
    : (name: string, _body: () => void): void => test.skip(`${name}: skipped, cfn-lint is not installed (an optional Python tool: ${CFN_LINT_INSTALL})`, () => undefined);

lintedOrSkipped('cfn-lint on the synthesized templates', () => {
  // GIVEN phase 1 and phase 3 in prod, HTTPS, written to disk once.
  // (`npm run check` lints every phase and stage and runs aws-cdk-lib's built-in validation as well.)
  // In beforeAll, not the describe body: jest runs a skipped describe's body too.
  const outdirs: string[] = [];
  let templates: string[] = [];
  let findings: ReturnType<typeof lintTemplates> = [];
  beforeAll(() => {
    // Phase 1 once more with a migration command: its stack's MigrationCommand output is linted too.
    const withMigration = { ...PRODUCTION_SETTINGS, services: [{ name: 'web', migrationCommand: ['npm', 'run', 'migrate'] }] };
    // Phase 3 also as a failback and a switch back leave it (ADR 0029): a replica promoted with a password of its own.
    const failback = { ...PRODUCTION_SETTINGS, standby: { role: 'failback', databaseGeneration: 2, databaseSecretArn: 'arn:aws:secretsmanager:us-west-2:111111111111:secret:blueprint-prod/database-AbCdEf' } };
    const switchedBack = { ...PRODUCTION_SETTINGS, standby: { role: 'standby', databaseGeneration: 2 } };
    const variants: [string, object][] = [['phase1', PRODUCTION_SETTINGS], ['phase3', PRODUCTION_SETTINGS], ['phase1', withMigration], ['phase3', failback], ['phase3', switchedBack]];
    templates = variants.flatMap(([phase, settings], i) => {
      const outdir = mkdtempSync(join(tmpdir(), `blueprint-lint-${phase}-${i}-`));
      outdirs.push(outdir);
      const app = new App({ outdir, context: CDK_CONTEXT, builtinCloudFormationValidation: false });
      buildBlueprint(app, resolveConfig({ phase, stage: 'prod', settings } as never));
      app.synth();
      return readdirSync(outdir).filter((f) => f.endsWith('.template.json')).map((f) => join(outdir, f));
    });
    findings = lintTemplates(templates);
  });
  afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('THEN there are templates to lint', () => {
    // phase 1: data, app, web; phase 3: those, a worker, the standby region's recovery stack and four, and the edge;
    // phase 1 with a migration: data, app, web and its migration; phase 3 again as a failback and as a switch back.
    expect(templates).toHaveLength(37);
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
