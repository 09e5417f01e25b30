import { Match } from 'aws-cdk-lib/assertions';
import { PHASE_PRESETS } from '../config';
import { synthesize } from './support/blueprint';

// GIVEN phases 1 and 2 in prod, each synthesized once
const p1 = synthesize({ stage: 'prod' });
const p2 = synthesize({ phase: 'phase2', stage: 'prod' });

describe('DatabaseBackup', () => {
  test('THEN a KMS-encrypted, retained vault and a daily rule kept for the phase\'s days', () => {
    p1.data.hasResource('AWS::Backup::BackupVault', {
      Properties: { EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    p1.data.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'Daily',
            ScheduleExpression: 'cron(0 5 * * ? *)',
            Lifecycle: { DeleteAfterDays: PHASE_PRESETS.phase1.database.backupPlanRetentionDays },
          }),
        ],
      },
    });
  });

  test('THEN the selection is the primary database', () => {
    const selection = Object.values(p1.data.findResources('AWS::Backup::BackupSelection'))[0]!;
    expect(JSON.stringify(selection.Properties.BackupSelection.Resources)).toMatch(/:db:.*DatabaseInstance/);
  });

  test('THEN point-in-time recovery stays on (RPO 15 minutes)', () => {
    p1.data.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: Match.anyValue(), MultiAZ: true });
    const primary = Object.values(p1.data.findResources('AWS::RDS::DBInstance'))[0]!;
    expect(primary.Properties.BackupRetentionPeriod).toBeGreaterThan(0);
  });
});

describe('WebFirewall', () => {
  test('GIVEN phase 1 THEN no web ACL (docs/architecture.md §5: WAF from phase 2)', () => {
    p1.appStack.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('GIVEN phase 2 THEN a regional web ACL with the rate limit from config and AWS managed rule groups, on the load balancer', () => {
    const acl = Object.values(p2.appStack.findResources('AWS::WAFv2::WebACL'))[0]!;
    expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const rules = acl.Properties.Rules as { Name: string; Priority: number; Statement: any }[];
    expect(rules.map((r) => r.Name)).toEqual([
      'RateLimitPerIp',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect(rules[0]!.Statement.RateBasedStatement).toEqual({ Limit: PHASE_PRESETS.phase2.firewall!.rateLimitPer5Minutes, AggregateKeyType: 'IP' });
    p2.appStack.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^IngressLoadBalancer') },
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FirewallWebAcl'), 'Arn'] },
    });
  });

  test('THEN every request is logged to an encrypted aws-waf-logs- group', () => {
    p2.appStack.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-blueprint-prod', KmsKeyId: Match.anyValue() });
    p2.appStack.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
  });

  test('GIVEN a rate limit in settings THEN the rule follows it', () => {
    const tight = synthesize({ phase: 'phase2', settings: { firewall: { rateLimitPer5Minutes: 500 } } });
    tight.appStack.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([Match.objectLike({ Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP' } } })]),
    });
  });
});
