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

  test('THEN point-in-time recovery stays on (RPO 15 minutes) for the phase\'s window, in every phase', () => {
    p1.data.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: PHASE_PRESETS.phase1.database.backupRetentionDays, MultiAZ: true });
    p2.data.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: PHASE_PRESETS.phase2.database.backupRetentionDays, MultiAZ: true });
  });
});

describe('WebFirewall', () => {
  test('GIVEN phase 1 THEN no web ACL (docs/architecture.md §5: WAF from phase 2)', () => {
    p1.appStack.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('GIVEN a firewall and no CDN THEN a regional web ACL with the rate limit and AWS managed rule groups, on the load balancer, logging every request', () => {
    const regional = synthesize({ phase: 'phase2', stage: 'prod', settings: { edge: null } });
    const acl = Object.values(regional.appStack.findResources('AWS::WAFv2::WebACL'))[0]!;
    expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const rules = acl.Properties.Rules as { Name: string; Priority: number; Statement: any }[];
    expect(rules.map((r) => r.Name)).toEqual([
      'RateLimitPerIp',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect(rules[0]!.Statement.RateBasedStatement).toEqual({ Limit: PHASE_PRESETS.phase2.firewall!.rateLimitPer5Minutes, AggregateKeyType: 'IP' });
    regional.appStack.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^IngressLoadBalancer') },
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FirewallWebAcl'), 'Arn'] },
    });
    regional.appStack.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-blueprint-prod', KmsKeyId: Match.anyValue() });
    regional.appStack.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
  });

  test('GIVEN phase 2 (with the CDN) THEN the web ACL guards the CDN, not the load balancer', () => {
    p2.appStack.resourceCountIs('AWS::WAFv2::WebACL', 0);
    p2.appStack.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    p2.stack('edge').hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
  });

  test('GIVEN a rate limit in settings THEN the rule follows it', () => {
    const tight = synthesize({ phase: 'phase2', settings: { firewall: { rateLimitPer5Minutes: 500 } } });
    tight.stack('edge').hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([Match.objectLike({ Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP' } } })]),
    });
  });
});
