import { CrossRegionReplicaKey } from '../../../review/gate/rules/regions/cross-region-replica-key';
import { deployment, firing, messages } from '../support';

// GIVEN a promoted database in us-west-2 and, in us-east-1, a data stack with its own key and a replica of it.
const SOURCE_ARN = 'arn:aws:rds:us-west-2:111111111111:db:shop-prod-postgres';
const withReplica = (replica: Record<string, unknown>) =>
  deployment({
    standby: { region: 'us-west-2', resources: { Promoted: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceIdentifier: 'shop-prod-postgres' } }, StandbyKey: { Type: 'AWS::KMS::Key', Properties: {} } } },
    data: {
      resources: {
        DataKey: { Type: 'AWS::KMS::Key', Properties: {} },
        First: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceIdentifier: 'shop-prod-postgres' } },
        Replica: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceIdentifier: 'shop-prod-postgres-2', ...replica } },
      },
    },
  });

describe('CrossRegionReplicaKey', () => {
  test('GIVEN a cross-region replica with its own region\'s key and its source\'s ARN THEN it passes', () => {
    expect(firing(CrossRegionReplicaKey, withReplica({ SourceDBInstanceIdentifier: SOURCE_ARN, KmsKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] } }))).toEqual([]);
    expect(firing(CrossRegionReplicaKey, withReplica({ SourceDBInstanceIdentifier: SOURCE_ARN, KmsKeyId: 'arn:aws:kms:us-east-1:111111111111:alias/shop-prod-data' }))).toEqual([]);
  });

  test('GIVEN a same-region replica without a key (it inherits its source\'s) THEN it passes', () => {
    expect(firing(CrossRegionReplicaKey, withReplica({ SourceDBInstanceIdentifier: { Ref: 'First' } }))).toEqual([]);
    expect(firing(CrossRegionReplicaKey, withReplica({ SourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:shop-prod-postgres' }))).toEqual([]);
  });

  test('GIVEN a cross-region replica without KmsKeyId THEN it fires', () => {
    expect(messages(CrossRegionReplicaKey, withReplica({ SourceDBInstanceIdentifier: SOURCE_ARN }))).toEqual([
      'the replica in us-east-1 of a source in us-west-2 names no KmsKeyId: RDS needs a key of us-east-1',
    ]);
  });

  test('GIVEN a cross-region replica encrypted with the source region\'s key THEN it fires', () => {
    expect(firing(CrossRegionReplicaKey, withReplica({ SourceDBInstanceIdentifier: SOURCE_ARN, KmsKeyId: 'arn:aws:kms:us-west-2:111111111111:key/1234' }))).toEqual(['data Replica']);
  });

  test('GIVEN a replica whose source is a bare identifier of no instance in its region\'s stack THEN it fires', () => {
    expect(messages(CrossRegionReplicaKey, withReplica({ SourceDBInstanceIdentifier: 'shop-prod-postgres', KmsKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] } }))).toEqual([
      'the replica\'s source shop-prod-postgres is not an ARN: RDS looks a bare identifier up in us-east-1',
    ]);
  });
});
