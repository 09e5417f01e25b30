import { App, PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { COMPLIANCE_PACK_NAMES, CompliancePack } from '../config';

/** The rule packs the kit knows, by the name config uses. */
export const COMPLIANCE_PACKS: Readonly<Record<CompliancePack, () => NagPack>> = {
  AwsSolutions: () => new AwsSolutionsChecks(),
  'NIST.800.53.R5': () => new NIST80053R5Checks(),
  'HIPAA.Security': () => new HIPAASecurityChecks(),
  'PCI.DSS.321': () => new PCIDSS321Checks(),
};

/** The rule packs every stack is checked against: all four unless config narrows them. */
export function compliancePacks(names: readonly CompliancePack[] = COMPLIANCE_PACK_NAMES): NagPack[] {
  return names.map((n) => COMPLIANCE_PACKS[n]());
}

/** Registers the packs on the app: a finding fails synthesis. */
export function addCompliancePlugins(app: App, names: readonly CompliancePack[]): void {
  Validations.of(app).addPlugins(...compliancePacks(names));
}

export interface Acknowledgement {
  /** Construct path the acknowledgement was made on; it covers everything below. */
  readonly path: string;
  /** Rule id, e.g. `AwsSolutions-RDS11` or `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  readonly reason: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: string;
  readonly path: string;
  readonly description: string;
}

/** Every acknowledgement in the tree, with the path it sits on. */
export function acknowledgements(scope: IConstruct): Acknowledgement[] {
  const out: Acknowledgement[] = [];
  for (const c of scope.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) {
        out.push({ path: c.node.path, id: key.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return out;
}

function findings(report: PolicyValidationPluginReport): Finding[] {
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => ({ ruleId: v.ruleName, severity: v.severity ?? 'error', path: r.constructPath ?? '', description: v.description })),
  );
}

/** Findings left after acknowledgements: what would fail synthesis. */
export function openFindings(pack: NagPack, scope: IConstruct): Finding[] {
  return findings(pack.validateScope(scope));
}

/**
 * Findings as if nothing were acknowledged. Used to prove that every
 * acknowledgement still matches a finding: a stale one would hide the next
 * real finding on its resource.
 */
export function rawFindings(pack: NagPack, scope: IConstruct): Finding[] {
  // The pack's own acknowledgement check, switched off on this instance only.
  Object.defineProperty(pack, 'isAcknowledged', { value: () => false });
  return findings(pack.validateScope(scope));
}

/** Whether an acknowledgement covers a finding: same rule, on its construct or below. */
export function covers(ack: Acknowledgement, finding: Finding): boolean {
  return ack.id === finding.ruleId && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`));
}
