#!/usr/bin/env node
/**
 * npm run check [-- --phase phase1 --stage prod] [-- --settings blueprint.settings.json]
 *
 * Every compliance and validation gate on every phase and stage (prod with
 * a certificate, as production runs): the cdk-nag packs, AWS Control Tower
 * proactive controls (cdk-validator-cfnguard), aws-cdk-lib's built-in
 * CloudFormation validation, cfn-lint (when installed) and the
 * deployability gate (review/gate, ADR 0021), which also runs on a large
 * configuration. Reads blueprint.settings.json when it exists, as synth and
 * plan do. Prints progress and a table, writes docs/compliance.md (for the
 * kit's own defaults), and exits 1 on any unacknowledged finding.
 *
 * cfn-lint is optional for a user with only Node.js; CI sets
 * BLUEPRINT_REQUIRE_CFN_LINT=1 so that a missing cfn-lint fails there.
 */
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Validations } from 'aws-cdk-lib';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as cdkJson from '../cdk.json';
import { COMPLIANCE_PACK_NAMES, ConfigError, deploymentName, PHASES, readSettingsFile, resolveConfig, STAGES, UserSettings } from '../config';
import { buildBlueprint } from '../lib/blueprint';
import { CFN_LINT_INSTALL, CFN_LINT_MISSING, cfnLintAvailable, lintTemplates } from '../review/cfn-lint';
import { DEPLOYABILITY, formatFindings, runGate } from '../review/gate';
import { deploymentFromAssembly } from '../review/gate/assembly';
import { Deployment } from '../review/gate/template';
import { LARGE_SERVICES, LARGE_SETTINGS, LARGE_WORKERS } from '../review/large-settings';
import { synthesizeDeployment } from '../review/plan';
import { Acknowledgement, acknowledgements, compliancePacks, covers, openFindings, rawFindings } from '../lib/compliance';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { runCommand } from '../review/cli';

const usage = 'usage: npm run check -- [--phase <phase>] [--stage <stage>] [--settings <file.json>]';

const GUARD = 'Control Tower (cfn-guard)';
const BUILTIN = 'CloudFormation validation';
const LINT = 'cfn-lint';
const GATE = 'deployability';
const GATES = [...COMPLIANCE_PACK_NAMES, GUARD, BUILTIN, LINT, GATE];
const DEFAULT_SETTINGS_FILE = 'blueprint.settings.json';
/** Set by CI (.ci/run): a missing cfn-lint fails the check instead of being skipped. */
const REQUIRE_CFN_LINT = process.env.BLUEPRINT_REQUIRE_CFN_LINT === '1';

interface Row {
  readonly variant: string;
  readonly gate: string;
  acknowledged: number;
  failing: string[];
  /** Why the gate did not run on this variant. */
  skipped?: string;
  /** Findings printed in full, when the one-line list would lose the fix. */
  details?: string;
}

/** Progress on stderr: which variant and gate is running, and how many variants remain. */
class Progress {
  private index = 0;
  private started = Date.now();
  constructor(private readonly total: number) {}
  variant(name: string): void {
    this.index += 1;
    this.started = Date.now();
    const left = this.total - this.index;
    console.error(`[${this.index}/${this.total}] ${name} (${left === 0 ? 'last variant' : `${left} more after this`})`);
  }
  gate(name: string): void {
    console.error(`    ${name}...`);
  }
  done(): void {
    console.error(`    done in ${((Date.now() - this.started) / 1000).toFixed(1)} s`);
  }
}

interface AckLine {
  readonly gate: string;
  readonly rule: string;
  readonly path: string;
  readonly reason: string;
}

interface VariantResult {
  readonly rows: Row[];
  readonly deployment: Deployment;
}

function checkVariant(
  phase: string,
  stage: string,
  acks: Map<string, AckLine>,
  options: { userSettings?: UserSettings; previous?: Deployment; lint: boolean; progress: Progress },
): VariantResult {
  const variant = `${phase} ${stage}`;
  const { progress } = options;
  const settings = options.userSettings ?? (stage === 'prod' ? PRODUCTION_SETTINGS : undefined);
  const config = resolveConfig({ phase, stage, settings });
  const outdir = mkdtempSync(join(tmpdir(), 'blueprint-check-'));
  // Path metadata lets a gate finding name the construct as well as the logical id.
  const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:enable-path-metadata': true }, builtinCloudFormationValidation: true });
  buildBlueprint(app, config);
  Validations.of(app).addPlugins(new CfnGuardValidator());
  const rows: Row[] = [];
  const normalize = (path: string): string => path.replace(`${deploymentName(config)}-`, '<app>-<stage>-');

  // cdk-nag: each pack's findings with and without acknowledgements.
  progress.gate(`cdk-nag (${COMPLIANCE_PACK_NAMES.join(', ')})`);
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
  progress.gate(`synth with ${GUARD} and ${BUILTIN}`);
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
  if (options.lint) {
    progress.gate(LINT);
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
  } else {
    rows.push({ variant, gate: LINT, acknowledged: 0, failing: [], skipped: 'not installed' });
  }

  progress.gate(`${GATE} gate (${DEPLOYABILITY.length} rules${options.previous ? ', with the upgrade from the phase before' : ''})`);
  let deployment: Deployment = {};
  try {
    deployment = deploymentFromAssembly(outdir);
    rows.push(gateRow(variant, { deployment, previous: options.previous }));
  } catch (e) {
    // Synth stopped before writing the assembly; the gates above say why.
    rows.push({ variant, gate: GATE, acknowledged: 0, failing: [], skipped: `no assembly: ${(e as Error).message.split('\n')[0]}` });
  }
  rmSync(outdir, { recursive: true, force: true });
  progress.done();
  return { rows, deployment };
}

function gateRow(variant: string, input: { deployment: Deployment; previous?: Deployment }): Row {
  const findings = runGate(DEPLOYABILITY, input);
  // One entry per finding (the table counts them); the report prints them grouped by rule.
  return { variant, gate: GATE, acknowledged: 0, failing: findings.map((f) => `${f.rule} ${f.stack} ${f.logicalId}`), details: findings.length > 0 ? formatFindings(findings) : undefined };
}

/**
 * The large configuration: the deployability gate only, on phase 3 upgraded
 * from phase 2 (the other gates check resources one by one, which the
 * presets already exercise).
 */
function checkLarge(progress: Progress): Row[] {
  const variant = `phase3 prod, ${LARGE_SERVICES} services and ${LARGE_WORKERS} workers`;
  progress.variant(variant);
  let row: Row;
  try {
    const synth = (phase: string, pathMetadata: boolean): Deployment => {
      progress.gate(`synth ${phase} (cdk-nag on)`);
      return synthesizeDeployment(resolveConfig({ phase, stage: 'prod', settings: LARGE_SETTINGS }), cdkJson.context, { pathMetadata });
    };
    const previous = synth('phase2', false);
    const deployment = synth('phase3', true);
    progress.gate(`${GATE} gate (${DEPLOYABILITY.length} rules, with the upgrade from phase2)`);
    row = gateRow(variant, { deployment, previous });
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    row = { variant, gate: GATE, acknowledged: 0, failing: [`synth failed: ${(e as Error).message.split('\n')[0]}`] };
  }
  progress.done();
  const notRun = 'presets only';
  return [...GATES.filter((g) => g !== GATE).map((gate) => ({ variant, gate, acknowledged: 0, failing: [], skipped: notRun })), row];
}

function addAck(acks: Map<string, AckLine>, gate: string, a: Pick<Acknowledgement, 'id' | 'path' | 'reason'>, normalize: (p: string) => string): void {
  const line = { gate, rule: a.id, path: normalize(a.path), reason: a.reason };
  acks.set(`${line.gate}|${line.rule}|${line.path}`, line);
}

function table(rows: readonly Row[]): string {
  const gates = GATES;
  const variants = [...new Set(rows.map((r) => r.variant))];
  const cell = (variant: string, gate: string): string => {
    const r = rows.find((x) => x.variant === variant && x.gate === gate)!;
    if (r.skipped) return `skipped (${r.skipped})`;
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
  // Like synth and plan: blueprint.settings.json when it exists, or the file named.
  const userSettings = readSettingsFile(values.settings ?? DEFAULT_SETTINGS_FILE, values.settings !== undefined) as UserSettings | undefined;
  if (userSettings && values.settings === undefined) console.error(`Checking with the settings in ${DEFAULT_SETTINGS_FILE}.`);
  const lint = cfnLintAvailable();
  if (!lint && REQUIRE_CFN_LINT) {
    console.error(`${CFN_LINT_MISSING} BLUEPRINT_REQUIRE_CFN_LINT=1 makes it required here.`);
    return 2;
  }
  const phases = values.phase ? [values.phase] : [...PHASES];
  const stages = values.stage ? [values.stage] : [...STAGES];
  // The large configuration checks the kit's own code at scale; a user's settings are checked as they are.
  const large = userSettings === undefined && !values.phase && !values.stage;
  const progress = new Progress(phases.length * stages.length + (large ? 1 : 0));
  const acks = new Map<string, AckLine>();
  const rows: Row[] = [];
  const previous = new Map<string, Deployment>();
  for (const phase of phases) {
    for (const stage of stages) {
      progress.variant(`${phase} ${stage}`);
      let before = previous.get(stage);
      const index = PHASES.indexOf(phase as (typeof PHASES)[number]);
      if (!before && index > 0) {
        // Checking one phase alone: the phase before it is synthesized for the upgrade rules.
        progress.gate(`synth ${PHASES[index - 1]} ${stage} for the upgrade rules`);
        const settings = userSettings ?? (stage === 'prod' ? PRODUCTION_SETTINGS : undefined);
        before = synthesizeDeployment(resolveConfig({ phase: PHASES[index - 1], stage, settings }), cdkJson.context);
      }
      const result = checkVariant(phase, stage, acks, { userSettings, previous: before, lint, progress });
      rows.push(...result.rows);
      previous.set(stage, result.deployment);
    }
  }
  if (large) rows.push(...checkLarge(progress));
  const failing = rows.flatMap((r) => r.failing.map((f) => `${r.variant} ${r.gate}: ${f}`));
  const summary = table(rows);
  console.log(`\n${summary}\n`);
  const plain = rows.filter((r) => r.details === undefined).flatMap((r) => r.failing.map((f) => `${r.variant} ${r.gate}: ${f}`));
  if (plain.length > 0) console.log(`Failing:\n${plain.map((f) => `  - ${f}`).join('\n')}`);
  for (const r of rows.filter((x) => x.details !== undefined)) console.log(`\n${r.variant}, ${r.gate} gate:\n${r.details!.replace(/^/gm, '  ')}`);
  // Said once, at the end where the results are.
  if (!lint) console.log(`\ncfn-lint was skipped: it is not installed (an optional Python tool). Install it with \`${CFN_LINT_INSTALL}\` to lint the templates too.`);

  // The committed report is the kit's own defaults, with every gate run; a user's settings are checked, not recorded.
  if (!values.phase && !values.stage && userSettings === undefined && lint) {
    const lines = [...acks.values()].sort((a, b) => `${a.gate}${a.rule}${a.path}`.localeCompare(`${b.gate}${b.rule}${b.path}`));
    const doc = [
      '# Compliance',
      '',
      'Written by `npm run check`, which synthesizes every phase and stage (prod with a',
      'certificate) and runs every gate: the cdk-nag packs (AwsSolutions, NIST 800-53',
      'rev 5, HIPAA Security, PCI DSS 3.2.1), AWS Control Tower proactive controls',
      '(cdk-validator-cfnguard), aws-cdk-lib\'s built-in CloudFormation validation,',
      'cfn-lint and the deployability gate (ADR 0021: AWS\'s deploy-time and run-time',
      'rules across stacks, regions and upgrades, also run on a configuration of',
      `${LARGE_SERVICES} services and ${LARGE_WORKERS} workers). Findings are fixed in the constructs; what is left is acknowledged`,
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
  } else if (userSettings !== undefined) {
    console.log('docs/compliance.md reports the kit\'s own defaults: not rewritten for your settings.');
  } else if (!lint && !values.phase && !values.stage) {
    console.log('docs/compliance.md not rewritten: its report needs every gate, and cfn-lint was skipped.');
  }
  return failing.length > 0 ? 1 : 0;
}

runCommand({ usage, verb: 'checked', main });
