import { constructPath, Deployment, locate } from './template';

/** What a rule reads: a whole deployment, and for upgrade rules the deployment of the phase before. */
export interface GateInput {
  readonly deployment: Deployment;
  /** The previous phase's deployment of the same stage, when the rule is checking an upgrade. */
  readonly previous?: Deployment;
}

/** One resource a rule objects to, and why. */
export interface Violation {
  readonly stack: string;
  readonly logicalId: string;
  readonly message: string;
}

/**
 * One deploy-time or run-time fact from AWS's documentation, as code. A
 * rule is a small object in a file of its own (cdk-nag's shape): its id,
 * the AWS page it encodes, the fix, and a function from templates to
 * violations.
 */
export interface GateRule {
  readonly id: string;
  /** What must hold, in one sentence. */
  readonly summary: string;
  /** The AWS page the rule encodes: title and address. */
  readonly documentation: string;
  /** What to change when the rule fires. */
  readonly fix: string;
  evaluate(input: GateInput): Violation[];
}

export interface GateFinding extends Violation {
  readonly rule: string;
  /** The construct path from `aws:cdk:path` metadata, when the templates carry it. */
  readonly path?: string;
  readonly fix: string;
  readonly documentation: string;
}

/** Runs every rule of a pack on one deployment. */
export function runGate(pack: readonly GateRule[], input: GateInput): GateFinding[] {
  return pack.flatMap((rule) =>
    rule.evaluate(input).map((v) => {
      const located = locate(input.deployment, v.stack, v.logicalId) ?? (input.previous ? locate(input.previous, v.stack, v.logicalId) : undefined);
      const path = located ? constructPath(located) : undefined;
      return { ...v, rule: rule.id, fix: rule.fix, documentation: rule.documentation, ...(path ? { path } : {}) };
    }),
  );
}

/** One finding as text: the rule, the stack and resource, what is wrong, the fix and the AWS page. */
export function formatFinding(f: GateFinding): string {
  return [
    `${f.rule}: ${f.stack} ${f.logicalId}${f.path ? ` (${f.path})` : ''}`,
    `    ${f.message}`,
    `    fix: ${f.fix}`,
    `    see: ${f.documentation}`,
  ].join('\n');
}

/**
 * Findings as text, grouped by rule: each rule's fix and AWS page once,
 * then every resource it fires on.
 */
export function formatFindings(findings: readonly GateFinding[]): string {
  const rules = [...new Set(findings.map((f) => f.rule))];
  return rules
    .map((rule) => {
      const of = findings.filter((f) => f.rule === rule);
      return [
        `${rule} (${of.length})`,
        `  fix: ${of[0]!.fix}`,
        `  see: ${of[0]!.documentation}`,
        ...of.map((f) => `  - ${f.stack} ${f.logicalId}${f.path ? ` (${f.path})` : ''}: ${f.message}`),
      ].join('\n');
    })
    .join('\n');
}
