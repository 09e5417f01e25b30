import { GateRule } from '../../rule';
import { planOf } from './plan-of';

export const AllocatedStorageUnchanged: GateRule = {
  id: 'AllocatedStorageUnchanged',
  summary: "An upgrade does not change a deployed DB instance's AllocatedStorage (storage autoscaling owns the size; phases raise MaxAllocatedStorage).",
  documentation:
    'Amazon RDS User Guide, "Managing capacity automatically with Amazon RDS storage autoscaling" https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html and ModifyDBInstance (AllocatedStorage) https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html',
  fix: 'keep AllocatedStorage at its first value in every phase and raise only MaxAllocatedStorage',
  evaluate(input) {
    return (planOf(input)?.changes ?? [])
      .filter((c) => c.blocked && c.causes.includes('AllocatedStorage') && c.impact === 'updated in place')
      .map((c) => ({ stack: c.stack, logicalId: c.logicalId, message: c.note!.split(';')[0]! }));
  },
};
