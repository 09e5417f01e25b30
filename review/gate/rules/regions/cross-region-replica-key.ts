import { GateRule, Violation } from '../../rule';
import { flatten, parseArn, resolveResource, resourcesOf } from '../../template';

/**
 * An encrypted read replica in another region than its source must name its
 * source by ARN (a bare identifier is looked up in the replica's own region)
 * and a KMS key of the replica's region: KMS keys are regional, RDS does not
 * carry the source's key across, and the create fails without one.
 */
export const CrossRegionReplicaKey: GateRule = {
  id: 'CrossRegionReplicaKey',
  summary: 'A cross-region read replica names its source by ARN and a KMS key of its own region.',
  documentation:
    'Amazon RDS API Reference, CreateDBInstanceReadReplica, KmsKeyId ("If you create an encrypted read replica in a different AWS Region, then you must specify a KMS key identifier for the destination AWS Region. KMS keys are specific to the AWS Region that they are created in") and SourceDBInstanceIdentifier (an ARN for a source in another region) https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html; Amazon RDS User Guide, "Creating a read replica in a different AWS Region" https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html',
  fix: 'give the replica KmsKeyId from a key (or alias ARN) in the replica\'s region, such as the region\'s data key, and its source\'s full ARN',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const replica of resourcesOf(input.deployment, 'AWS::RDS::DBInstance')) {
      const source = replica.resource.Properties?.SourceDBInstanceIdentifier;
      if (source === undefined) continue;
      const arn = parseArn(flatten(source));
      const local = resolveResource(input.deployment, replica.stack, source);
      // A Ref or an ARN of this region: a same-region replica, which inherits its source's key.
      if (local !== undefined && local.region === replica.region) continue;
      if (arn === undefined) {
        if (local === undefined) violations.push({ stack: replica.stack, logicalId: replica.logicalId, message: `the replica's source ${flatten(source)} is not an ARN: RDS looks a bare identifier up in ${replica.region}` });
        continue;
      }
      if (arn.region === replica.region || arn.region === 'TOKEN') continue;
      const key = replica.resource.Properties?.KmsKeyId;
      if (key === undefined) {
        violations.push({ stack: replica.stack, logicalId: replica.logicalId, message: `the replica in ${replica.region} of a source in ${arn.region} names no KmsKeyId: RDS needs a key of ${replica.region}` });
        continue;
      }
      const keyResource = resolveResource(input.deployment, replica.stack, key);
      const keyRegion = keyResource?.region ?? parseArn(flatten(key))?.region;
      if (keyRegion !== undefined && keyRegion !== 'TOKEN' && keyRegion !== replica.region) {
        violations.push({ stack: replica.stack, logicalId: replica.logicalId, message: `the replica in ${replica.region} is encrypted with a key of ${keyRegion}: a KMS key is usable only in its own region` });
      }
    }
    return violations;
  },
};
