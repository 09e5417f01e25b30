import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { GateRule } from '../../rule';
import { resourcesOf } from '../../template';

const DB_INSTANCE = 'AWS::RDS::DBInstance';

let createOnly: readonly string[] | undefined;

/** AWS::RDS::DBInstance's properties whose change replaces the instance, from the CloudFormation resource specification. */
function replacingProperties(): readonly string[] {
  if (!createOnly) {
    const resource = loadAwsServiceSpecSync().lookup('resource', 'cloudFormationType', 'equals', DB_INSTANCE).only();
    createOnly = Object.entries(resource.properties)
      .filter(([, p]) => p.causesReplacement === 'yes')
      .map(([name]) => name);
  }
  return createOnly;
}

/**
 * A read replica promoted in place keeps every create-only property as it
 * was. CloudFormation promotes a replica when SourceDBInstanceIdentifier is
 * removed, but a change to a create-only property in the same update (for
 * example MasterUsername or DBName, which the replica inherited, or
 * StorageEncrypted, which a replica's template must leave out) replaces it
 * with a new, empty database. The password is not one of them:
 * MasterUserPassword is applied by ModifyDBInstance after the promotion.
 */
export const PromotionKeepsCreateOnlyProperties: GateRule = {
  id: 'PromotionKeepsCreateOnlyProperties',
  summary: 'A read replica promoted in place changes no create-only property (MasterUsername, DBName, StorageEncrypted, ...).',
  documentation:
    'AWS CloudFormation, AWS::RDS::DBInstance (SourceDBInstanceIdentifier: removing it promotes the replica; MasterUsername, DBName, StorageEncrypted: Update requires Replacement) https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html',
  fix: "leave the promoted instance's create-only properties as the replica had them: it keeps its source's user, database and encryption; give a secret of its own the inherited user name and set only MasterUserPassword",
  evaluate(input) {
    if (!input.previous) return [];
    const before = new Map(resourcesOf(input.previous, DB_INSTANCE).map((d) => [`${d.stack} ${d.logicalId}`, d.resource.Properties ?? {}]));
    const promotions = resourcesOf(input.deployment, DB_INSTANCE).filter((d) => {
      const was = before.get(`${d.stack} ${d.logicalId}`);
      return was?.SourceDBInstanceIdentifier !== undefined && d.resource.Properties?.SourceDBInstanceIdentifier === undefined;
    });
    return promotions.flatMap((d) => {
      const was = before.get(`${d.stack} ${d.logicalId}`)!;
      const now = d.resource.Properties ?? {};
      const changed = replacingProperties().filter((p) => JSON.stringify(was[p]) !== JSON.stringify(now[p]));
      if (changed.length === 0) return [];
      return [{ stack: d.stack, logicalId: d.logicalId, message: `the promotion also changes ${changed.join(', ')}, create-only: CloudFormation replaces the promoted database with an empty one` }];
    });
  },
};
