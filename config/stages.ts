import { ProtectionConfig, StageName } from './types';

/**
 * What a stage changes, whatever the phase. Durable resources are retained
 * or snapshotted in every stage; prod adds deletion protection on top.
 */
export const STAGE_DEFAULTS: Readonly<Record<StageName, { readonly protection: ProtectionConfig }>> = {
  dev: { protection: { deletionProtection: false, terminationProtection: true, logRetentionDays: 30 } },
  staging: { protection: { deletionProtection: false, terminationProtection: true, logRetentionDays: 30 } },
  prod: { protection: { deletionProtection: true, terminationProtection: true, logRetentionDays: 30 } },
};
