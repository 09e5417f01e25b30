#!/usr/bin/env node
/**
 * npm run check [-- --phase phase1 --stage prod] [-- --settings blueprint.settings.json]
 *
 * Every compliance and validation gate on every phase and stage (prod with
 * a certificate, as production runs): the cdk-nag packs, AWS Control Tower
 * proactive controls (cdk-validator-cfnguard), aws-cdk-lib's built-in
 * CloudFormation validation and cfn-lint. Prints a table, writes
 * docs/compliance.md, and exits 1 on any unacknowledged finding.
 */
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Validations } from 'aws-cdk-lib';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as cdkJson from '../cdk.json';
import { COMPLIANCE_PACK_NAMES, ConfigError, deploymentName, PHASES, readSettingsFile, resolveConfig, STAGES } from '../config';
import { buildBlueprint } from '../lib/blueprint';
import { CFN_LINT_MISSING, cfnLintAvailable, lintTemplates } from '../review/cfn-lint';
import { Acknowledgement, acknowledgements, compliancePacks, covers, openFindings, rawFindings } from '../lib/compliance';
import { PRODUCTION_SETTINGS } from '../review/production-settings';

const GUARD = 'Control Tower (cfn-guard)';
const BUILTIN = 'CloudFormation validation';
const LINT = 'cfn-lint';

interface Row {
  readonly variant: string;
  readonly gate: string;
  acknowledged: number;
  failing: string[];
}

interface AckLine {
  readonly gate: string;
  readonly rule: string;
  readonly path: string;
  readonly reason: string;
}

function checkVariant(phase: string, stage: string, acks: Map<string, AckLine>, userSettings?: Record<string, unknown>): Row[] {
  const variant = `${phase} ${stage}`;
  const settings = userSettings ?? (stage === 'prod' ? PRODUCTION_SETTINGS : undefined);
  const config = resolveConfig({ phase, stage, settings });
  const outdir = mkdtempSync(join(tmpdir(), 'blueprint-check-'));
  const app = new App({ outdir, context: cdkJson.context, builtinCloudFormationValidation: true });
  buildBlueprint(app, config);
  Validations.of(app).addPlugins(new CfnGuardValidator());
  const rows: Row[] = [];
  const normalize = (path: string): string => path.replace(`${deploymentName(config)}-`, '<app>-<stage>-');

  // cdk-nag: each pack's findings with and without acknowledgements.
  const allAcks = acknowledgements(app);
  for (const [i, pack] of compliancePacks().entries()) {
    const name = COMPLIANCE_PACK_NAMES[i]!;
    const raw = rawFindings(pack, app);
    const open = openFindings(compliancePacks([name])[0]!, app);
    const used = allAcks.filter((a) => raw.some((f) => covers(a, f)));
    for (const a of used) addAck(acks, name, a, normalize);
    rows.push({ variant, gate: name, acknowledged: raw.length - open.length, failing: open.map((f) => `${f.ruleId} ${f.path}`) });
  }

  // Control Tower rules and the built-in validator run as plugins of synth; their report says what was acknowledged.
  let synthError: string | undefined;
  try {
    app.synth();
  } catch (e) {
    synthError = (e as Error).message;
  }
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  for (const [gate, plugin] of [
    [GUARD, 'cdk-validator-cfnguard'],
    [BUILTIN, 'CloudFormation Validate'],
  ] as const) {
    const rep = report.pluginReports.find((r: { pluginName: string }) => r.pluginName.startsWith(plugin));
    const failing = (rep?.violations ?? []).flatMap((v: any) => v.violatingConstructs.map((c: any) => `${v.ruleName} ${c.constructPath}`));
    const suppressed = rep?.suppressedViolations ?? [];
    for (const v of suppressed) {
      for (const c of v.violatingConstructs) addAck(acks, gate, { id: v.ruleName, path: c.constructPath, reason: v.reason ?? '' }, normalize);
    }
    // An acknowledgement that suppressed nothing would hide the next real finding on its resource.
    const stale = allAcks
      .filter((a) => a.id.startsWith(`${plugin}::`))
      .filter((a) => !suppressed.some((v: any) => a.id.endsWith(`::${v.ruleName}`) && v.violatingConstructs.some((c: any) => c.constructPath === a.path || c.constructPath.startsWith(`${a.path}/`))))
      .map((a) => `stale acknowledgement ${a.id} on ${a.path}`);
    rows.push({ variant, gate, acknowledged: suppressed.length, failing: [...failing, ...stale] });
  }
  const pluginsFailed = rows.some((r) => (r.gate === GUARD || r.gate === BUILTIN) && r.failing.length > 0);
  if (synthError && !pluginsFailed && !rows.some((r) => r.failing.length > 0)) {
    throw new Error(`synth of ${variant} failed: ${synthError}`);
  }

  const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json')).map((f) => join(outdir, f));
  const lint = lintTemplates(templates);
  for (const f of lint.filter((x) => x.exception)) {
    addAck(acks, LINT, { id: f.rule, path: `${f.resourceType}`, reason: f.exception!.reason }, normalize);
  }
  rows.push({
    variant,
    gate: LINT,
    acknowledged: lint.filter((f) => f.exception).length,
    failing: lint.filter((f) => !f.exception).map((f) => `${f.rule} ${f.resourceType ?? ''} ${f.logicalId ?? ''}: ${f.message}`),
  });
  rmSync(outdir, { recursive: true, force: true });
  return rows;
}

function addAck(acks: Map<string, AckLine>, gate: string, a: Pick<Acknowledgement, 'id' | 'path' | 'reason'>, normalize: (p: string) => string): void {
  const line = { gate, rule: a.id, path: normalize(a.path), reason: a.reason };
  acks.set(`${line.gate}|${line.rule}|${line.path}`, line);
}

function table(rows: readonly Row[]): string {
  const gates = [...COMPLIANCE_PACK_NAMES, GUARD, BUILTIN, LINT];
  const variants = [...new Set(rows.map((r) => r.variant))];
  const cell = (variant: string, gate: string): string => {
    const r = rows.find((x) => x.variant === variant && x.gate === gate)!;
    return r.failing.length > 0 ? `**${r.failing.length} failing**, ${r.acknowledged} ack.` : `pass, ${r.acknowledged} ack.`;
  };
  return [
    `| variant | ${gates.join(' | ')} |`,
    `|---|${gates.map(() => '---').join('|')}|`,
    ...variants.map((v) => `| ${v} | ${gates.map((g) => cell(v, g)).join(' | ')} |`),
  ].join('\n');
}

function main(): number {
  const { values } = parseArgs({ options: { phase: { type: 'string' }, stage: { type: 'string' }, settings: { type: 'string' } } });
  const userSettings = values.settings ? (readSettingsFile(values.settings, true) as Record<string, unknown>) : undefined;
  if (!cfnLintAvailable()) {
    console.error(CFN_LINT_MISSING);
    return 2;
  }
  const phases = values.phase ? [values.phase] : [...PHASES];
  const stages = values.stage ? [values.stage] : [...STAGES];
  const acks = new Map<string, AckLine>();
  const rows: Row[] = [];
  for (const phase of phases) {
    for (const stage of stages) {
      const started = Date.now();
      rows.push(...checkVariant(phase, stage, acks, userSettings));
      console.log(`checked ${phase} ${stage} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  const failing = rows.flatMap((r) => r.failing.map((f) => `${r.variant} ${r.gate}: ${f}`));
  const summary = table(rows);
  console.log(`\n${summary}\n`);
  if (failing.length > 0) console.log(`Failing:\n${failing.map((f) => `  - ${f}`).join('\n')}`);

  // The committed report is the kit's own defaults; a user's settings are checked, not recorded.
  if (!values.phase && !values.stage && !values.settings) {
    const lines = [...acks.values()].sort((a, b) => `${a.gate}${a.rule}${a.path}`.localeCompare(`${b.gate}${b.rule}${b.path}`));
    const doc = [
      '# Compliance',
      '',
      'Written by `npm run check`, which synthesizes every phase and stage (prod with a',
      'certificate) and runs every gate: the cdk-nag packs (AwsSolutions, NIST 800-53',
      'rev 5, HIPAA Security, PCI DSS 3.2.1), AWS Control Tower proactive controls',
      '(cdk-validator-cfnguard), aws-cdk-lib\'s built-in CloudFormation validation and',
      'cfn-lint. Findings are fixed in the constructs; what is left is acknowledged',
      'beside its resource, with the reason below. A test fails when an',
      'acknowledgement has no reason or no longer matches a finding.',
      '',
      '## Results',
      '',
      summary,
      '',
      '## Acknowledgements',
      '',
      '| gate | rule | resource | reason |',
      '|---|---|---|---|',
      ...lines.map((l) => `| ${l.gate} | \`${l.rule}\` | \`${l.path}\` | ${l.reason.replace(/\|/g, '\\|')} |`),
      '',
    ].join('\n');
    writeFileSync(join(__dirname, '..', 'docs', 'compliance.md'), doc);
    console.log('Wrote docs/compliance.md');
  }
  return failing.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
