import { ConfigError } from '../config';

/** A bad argument or setting: the kit's ConfigError, or node's parseArgs TypeError (it carries a code). */
export function isUsageError(e: unknown): e is Error {
  return e instanceof ConfigError || (e instanceof Error && e.name === 'TypeError' && 'code' in e);
}

/** Synth stopped on compliance findings, which it has already printed. */
export function isComplianceFailure(e: unknown): boolean {
  return e instanceof Error && /ValidationFailed|Validation failed/.test(`${e.name} ${e.message}`);
}

export interface CommandOptions {
  /** The command's usage line, printed after a bad argument or setting. */
  readonly usage: string;
  /** What the command does to a configuration, for the compliance message: 'planned', 'deployed', ... */
  readonly verb: string;
  readonly main: () => number | Promise<number>;
  /** The command's own errors, after usage and compliance errors: an exit code, or undefined for a defect. */
  readonly onError?: (e: unknown) => number | undefined;
}

/**
 * Runs a command's main and turns what a user can cause into one line and
 * an exit code (2 for a bad argument, setting or compliance finding); any
 * other error is a defect and keeps its stack trace.
 */
export function runCommand(options: CommandOptions): void {
  const fail = (e: unknown): void => {
    if (isUsageError(e)) {
      console.error(e.message);
      console.error(options.usage);
      process.exitCode = 2;
      return;
    }
    if (isComplianceFailure(e)) {
      // The findings were printed above by the synth; a stack trace would only hide them.
      console.error(`The configuration does not pass the compliance checks, so it cannot be ${options.verb}: fix or acknowledge the findings listed above.`);
      process.exitCode = 2;
      return;
    }
    const code = options.onError?.(e);
    if (code === undefined) throw e;
    process.exitCode = code;
  };
  try {
    Promise.resolve(options.main()).then((code) => {
      process.exitCode = code;
    }, fail);
  } catch (e) {
    fail(e);
  }
}
