import { GateRule } from '../../rule';
import { resourcesOf } from '../../template';

/**
 * Properties a promoted read replica must not gain. CloudFormation promotes
 * a replica in place when SourceDBInstanceIdentifier is removed, but
 * MasterUsername and DBName are create-only: set on the same instance, even
 * to the values the replica inherited, they make CloudFormation replace it
 * with a new, empty database. The password is not one of them:
 * MasterUserPassword is applied by ModifyDBInstance after the promotion.
 */
const CREATE_ONLY = ['MasterUsername', 'DBName'] as const;

export const PromotionKeepsCreateOnlyProperties: GateRule = {
  id: 'PromotionKeepsCreateOnlyProperties',
  summary: 'A read replica promoted in place gains no create-only property (MasterUsername, DBName) it did not have.',
  documentation:
    'AWS CloudFormation, AWS::RDS::DBInstance (SourceDBInstanceIdentifier: removing it promotes the replica; MasterUsername and DBName: Update requires Replacement) https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html',
  fix: 'leave MasterUsername and DBName unset on the promoted instance: it keeps its source\'s; give a secret of its own the inherited user name and set only MasterUserPassword',
  evaluate(input) {
    if (!input.previous) return [];
    const before = new Map(resourcesOf(input.previous, 'AWS::RDS::DBInstance').map((d) => [`${d.stack} ${d.logicalId}`, d.resource.Properties ?? {}]));
    return resourcesOf(input.deployment, 'AWS::RDS::DBInstance').flatMap((d) => {
      const was = before.get(`${d.stack} ${d.logicalId}`);
      const now = d.resource.Properties ?? {};
      if (was?.SourceDBInstanceIdentifier === undefined || now.SourceDBInstanceIdentifier !== undefined) return [];
      const gained = CREATE_ONLY.filter((p) => was[p] === undefined && now[p] !== undefined);
      if (gained.length === 0) return [];
      return [{ stack: d.stack, logicalId: d.logicalId, message: `the promotion also sets ${gained.join(' and ')}, create-only: CloudFormation replaces the promoted database with an empty one` }];
    });
  },
};
