import { GateRule, Violation } from '../../rule';
import { asArray, flatten, parseArn, resolveResource, resourcesOf } from '../../template';

/**
 * A copy rule names its destination vault by ARN. AWS Backup starts the
 * copy job after every backup; the job fails when the vault does not
 * exist in that region and account, or its key is not usable there.
 */
export const BackupCopyVaultExists: GateRule = {
  id: 'BackupCopyVaultExists',
  summary: "Every backup plan's copy destination is a vault of the deployment in the ARN's region and account, encrypted with a key of that region.",
  documentation: 'AWS Backup, "Creating backup copies across AWS Regions" https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html',
  fix: "create the destination vault (with a KMS key in the vault's region) in a stack of the deployment, deployed before the plan's first copy",
  evaluate(input) {
    const violations: Violation[] = [];
    const vaults = resourcesOf(input.deployment, 'AWS::Backup::BackupVault');
    for (const plan of resourcesOf(input.deployment, 'AWS::Backup::BackupPlan')) {
      for (const rule of asArray(plan.resource.Properties?.BackupPlan?.BackupPlanRule) as any[]) {
        for (const copy of asArray(rule.CopyActions) as any[]) {
          const target = copy.DestinationBackupVaultArn;
          const literal = parseArn(flatten(target));
          const vault = literal
            ? vaults.find(
                (v) =>
                  v.region === literal.region &&
                  v.account === literal.account &&
                  `backup-vault:${v.resource.Properties?.BackupVaultName}` === literal.resource,
              )
            : resolveResource(input.deployment, plan.stack, target);
          if (vault?.resource.Type !== 'AWS::Backup::BackupVault') {
            violations.push({
              stack: plan.stack,
              logicalId: plan.logicalId,
              message: `rule ${rule.RuleName} copies every recovery point to ${flatten(target)}, which no stack of the deployment creates: every copy job fails`,
            });
            continue;
          }
          const keyRef = vault.resource.Properties?.EncryptionKeyArn;
          if (keyRef === undefined) continue;
          const key = resolveResource(input.deployment, vault.stack, keyRef);
          const keyRegion = key ? key.region : parseArn(flatten(keyRef))?.region;
          if (keyRegion !== undefined && keyRegion !== 'TOKEN' && keyRegion !== vault.region) {
            violations.push({
              stack: vault.stack,
              logicalId: vault.logicalId,
              message: `the copy destination vault in ${vault.region} is encrypted with a key in ${keyRegion}; a vault's key must be in its region`,
            });
          }
        }
      }
    }
    return violations;
  },
};
