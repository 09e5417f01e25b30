import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LintException {
  readonly rule: string;
  /** The type of the resource the finding is on, or `Outputs` for a finding on an output. */
  readonly resourceType: string;
  /** Text the finding's message must contain. */
  readonly message: string;
  /** Optional start of the logical id (of the resource or output), to narrow the exception to one family. */
  readonly pathPrefix?: string;
  readonly reason: string;
}

export interface LintFinding {
  readonly file: string;
  readonly rule: string;
  readonly level: string;
  readonly message: string;
  readonly logicalId?: string;
  readonly resourceType?: string;
  /** The exception that covers it, if any. */
  readonly exception?: LintException;
}

const EXCEPTIONS_FILE = join(__dirname, '..', 'cfn-lint-exceptions.json');

export function lintExceptions(): LintException[] {
  return JSON.parse(readFileSync(EXCEPTIONS_FILE, 'utf8')).exceptions;
}

/** Whether cfn-lint is on the PATH; it is a Python tool, not an npm package. */
export function cfnLintAvailable(): boolean {
  return spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** How to install cfn-lint, said once wherever it was skipped. */
export const CFN_LINT_INSTALL = 'pipx install cfn-lint';

export const CFN_LINT_MISSING = `cfn-lint is not installed: it is an optional Python tool, not an npm package; install it with \`${CFN_LINT_INSTALL}\` to lint the synthesized templates.`;

/** Runs cfn-lint on the templates and marks each finding an exception covers. */
export function lintTemplates(files: readonly string[]): LintFinding[] {
  if (files.length === 0) return [];
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error(CFN_LINT_MISSING);
  // cfn-lint exits non-zero when it finds something; only unparseable output is a failure to run.
  let raw: any[];
  try {
    raw = JSON.parse(run.stdout || '[]');
  } catch {
    throw new Error(`cfn-lint failed to run: ${run.stderr || run.stdout}`);
  }
  const exceptions = lintExceptions();
  const templates = new Map<string, any>();
  return raw.map((m) => {
    const file: string = m.Filename;
    if (!templates.has(file)) templates.set(file, JSON.parse(readFileSync(file, 'utf8')));
    const path: unknown[] = m.Location?.Path ?? [];
    const logicalId = path[0] === 'Resources' || path[0] === 'Outputs' ? String(path[1]) : undefined;
    const resourceType: string | undefined =
      path[0] === 'Outputs' ? 'Outputs' : logicalId ? templates.get(file).Resources?.[logicalId]?.Type : undefined;
    const finding = { file, rule: m.Rule.Id, level: m.Level, message: m.Message, logicalId, resourceType };
    const exception = exceptions.find(
      (e) =>
        e.rule === finding.rule &&
        e.resourceType === resourceType &&
        finding.message.includes(e.message) &&
        (e.pathPrefix === undefined || (logicalId ?? '').startsWith(e.pathPrefix)),
    );
    return { ...finding, exception };
  });
}
