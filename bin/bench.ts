#!/usr/bin/env node
/**
 * npm run bench [-- --runs N]
 *
 * Times, on this machine, in one run: `cdk synth` of every phase against an
 * empty one-stack app (same CLI, packages and cdk.json flags), with and
 * without aws-cdk-lib's built-in validation; the test suite cold and warm;
 * and phase 3 with 1, 5 and 20 web services. Prints medians, ratios and
 * resources per stack, checks the targets, writes .bench/results.json, and
 * exits 1 when a target is missed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(__dirname, '..');
const WORK = join(ROOT, '.bench');
const CDK = join(ROOT, 'node_modules', '.bin', 'cdk');
const TARGETS = { synthVsEmpty: 2.5, testsVsPhase3Synth: 6, maxResourcesPerStack: 250 };

const EMPTY_APP = `import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
const app = new App();
new Stack(app, 'Empty', { env: { account: '111111111111', region: 'us-east-1' } });
Validations.of(app).addPlugins(new AwsSolutionsChecks());
`;

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr || r.stdout}`);
  return seconds;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function times(n: number, f: () => number): number {
  return median(Array.from({ length: n }, f));
}

function synth(out: string, args: readonly string[]): number {
  rmSync(out, { recursive: true, force: true });
  return run(CDK, ['synth', '-q', '-o', out, ...args]);
}

function resourcesPerStack(out: string): Record<string, number> {
  return Object.fromEntries(
    readdirSync(out)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => [f.replace('.template.json', ''), Object.keys(JSON.parse(readFileSync(join(out, f), 'utf8')).Resources ?? {}).length]),
  );
}

function main(): number {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
  const runs = Number(values.runs);
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, 'empty-app.ts'), EMPTY_APP);
  const out = join(WORK, 'cdk.out');
  const results: Record<string, unknown> = { runs, node: process.version, date: new Date().toISOString() };
  const failures: string[] = [];
  const fmt = (s: number): string => `${s.toFixed(2)} s`;

  console.log(`Synth, median of ${runs} (all stacks, cdk-nag on, as a user runs it)`);
  const synthTable: Record<string, Record<string, number>> = {};
  for (const [mode, flags] of [
    ['validation on', []],
    ['validation off', ['--no-validation']],
  ] as const) {
    const empty = times(runs, () => synth(out, ['--app', 'npx tsx .bench/empty-app.ts', ...flags]));
    synthTable[mode] = { empty };
    console.log(`  ${mode.padEnd(15)} empty app      ${fmt(empty)}`);
    for (const phase of ['phase1', 'phase2', 'phase3']) {
      const t = times(runs, () => synth(out, ['-c', `phase=${phase}`, ...flags]));
      synthTable[mode]![phase] = t;
      const ratio = t / empty;
      console.log(`  ${mode.padEnd(15)} ${phase.padEnd(14)} ${fmt(t)}  ${ratio.toFixed(2)}x empty`);
      if (ratio > TARGETS.synthVsEmpty) failures.push(`${phase} synth (${mode}) is ${ratio.toFixed(2)}x the empty app (target ${TARGETS.synthVsEmpty}x)`);
    }
  }
  results.synth = synthTable;

  console.log(`\nTest suite (npm test: type-check + jest), median of ${runs}`);
  const cold = times(runs, () => {
    run('npx', ['jest', '--clearCache']);
    return run('npm', ['test'], { CI: 'true' });
  });
  const warm = times(runs, () => run('npm', ['test'], { CI: 'true' }));
  const phase3 = synthTable['validation on']!.phase3!;
  console.log(`  cold ${fmt(cold)}   warm ${fmt(warm)}   warm = ${(warm / phase3).toFixed(2)}x one phase-3 synth`);
  if (warm / phase3 > TARGETS.testsVsPhase3Synth) failures.push(`warm test suite is ${(warm / phase3).toFixed(2)}x a phase-3 synth (target ${TARGETS.testsVsPhase3Synth}x)`);
  results.tests = { cold, warm, warmVsPhase3Synth: warm / phase3 };

  console.log('\nScale: phase 3 with N web services (synth with validation, resources per stack)');
  const scale: Record<number, { seconds: number; stacks: Record<string, number> }> = {};
  for (const n of [1, 5, 20]) {
    const services = Array.from({ length: n }, (_, i) =>
      i === 0 ? { name: 'web' } : { name: `svc${i}`, pathPatterns: [`/svc${i}/*`], priority: i },
    );
    const settings = join(WORK, `settings-${n}.json`);
    writeFileSync(settings, JSON.stringify({ services }));
    const seconds = times(runs, () => synth(out, ['-c', 'phase=phase3', '-c', `settings=${settings}`]));
    const stacks = resourcesPerStack(out);
    scale[n] = { seconds, stacks };
    const largest = Math.max(...Object.values(stacks));
    const total = Object.values(stacks).reduce((a, b) => a + b, 0);
    console.log(`  ${String(n).padStart(2)} services  ${fmt(seconds)}  ${Object.keys(stacks).length} stacks, ${total} resources, largest stack ${largest}`);
    if (largest > TARGETS.maxResourcesPerStack) failures.push(`${n} services: a stack has ${largest} resources (target ${TARGETS.maxResourcesPerStack})`);
  }
  // Resources grow linearly when each service adds the same count; time grows at most
  // linearly when the synth time per resource does not rise as services are added.
  const total = (n: number): number => Object.values(scale[n]!.stacks).reduce((a, b) => a + b, 0);
  const perServiceEarly = (total(5) - total(1)) / 4;
  const perServiceLate = (total(20) - total(5)) / 15;
  const perResource = (n: number): number => scale[n]!.seconds / total(n);
  console.log(`  resources per added service: ${perServiceEarly} (1->5), ${perServiceLate} (5->20)`);
  console.log(`  synth time per resource: ${[1, 5, 20].map((n) => `${(perResource(n) * 1000).toFixed(1)} ms (${n})`).join(', ')}`);
  if (perServiceLate !== perServiceEarly) failures.push(`resources per service are not constant: ${perServiceEarly} then ${perServiceLate}`);
  if (perResource(20) > perResource(1) * 1.2) failures.push('synth time per resource rises with the number of services: growth is worse than linear');
  results.scale = scale;

  results.failures = failures;
  writeFileSync(join(WORK, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(failures.length === 0 ? '\nAll targets met.' : `\nMissed targets:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = main();
