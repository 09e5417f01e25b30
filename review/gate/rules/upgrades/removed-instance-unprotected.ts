import { GateRule } from '../../rule';
import { resourcesOf } from '../../template';

/**
 * CloudFormation deletes a resource an update removes during the update's
 * cleanup, after it has succeeded. RDS refuses to delete an instance with
 * deletion protection on; CloudFormation retries three times, then drops the
 * instance from the stack and reports the update complete, "One or more
 * resources could not be deleted": the instance keeps running, and is
 * billed, outside every stack, and no final snapshot is taken, since the
 * snapshot is part of the delete call that failed.
 */
export const RemovedInstanceUnprotected: GateRule = {
  id: 'RemovedInstanceUnprotected',
  summary: 'A DB instance is removed only after a deploy has turned its deletion protection off.',
  documentation:
    'AWS CloudFormation User Guide, "Troubleshooting: Resource removed from stack but not deleted" https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html; Amazon RDS User Guide, "Deleting a DB instance" (deletion protection) https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html',
  fix: 'deploy once with the instance still in the template and DeletionProtection false (standby.previousDatabases "unprotect" for a retired generation), then remove it',
  evaluate(input) {
    if (!input.previous) return [];
    const now = new Set(resourcesOf(input.deployment, 'AWS::RDS::DBInstance').map((d) => `${d.stack} ${d.logicalId}`));
    return resourcesOf(input.previous, 'AWS::RDS::DBInstance')
      .filter((d) => !now.has(`${d.stack} ${d.logicalId}`) && d.resource.Properties?.DeletionProtection === true)
      .map((d) => ({
        stack: d.stack,
        logicalId: d.logicalId,
        message: `${String(d.resource.Properties?.DBInstanceIdentifier ?? d.logicalId)} is removed while its deletion protection is on: RDS refuses the delete, and CloudFormation drops the instance from the stack and leaves it running, without a final snapshot`,
      }));
  },
};
