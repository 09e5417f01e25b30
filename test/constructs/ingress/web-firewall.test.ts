import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { WebFirewall, WebFirewallProps } from '../../../constructs';
import { CDK_CONTEXT } from '../../support/blueprint';

type Rule = { Name: string; Priority: number; Action?: unknown; OverrideAction?: unknown; Statement: Record<string, any> };

/** GIVEN a bare stack WHEN a web ACL of `scope` is built with `props` THEN its rules, by name. */
function rulesOf(props: Partial<WebFirewallProps>, scope: 'REGIONAL' | 'CLOUDFRONT' = 'REGIONAL'): Rule[] {
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  new WebFirewall(stack, 'Firewall', {
    name: 'shop',
    scope,
    rateLimitPer5Minutes: 2000,
    logRetention: logs.RetentionDays.ONE_MONTH,
    logEncryptionKey: new kms.Key(stack, 'Key'),
    ...props,
  });
  const acl = Object.values(Template.fromStack(stack).findResources('AWS::WAFv2::WebACL'))[0]!;
  expect(acl.Properties.Scope).toBe(scope);
  return acl.Properties.Rules;
}
const common = (rules: Rule[]) => rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet')!.Statement.ManagedRuleGroupStatement;
const uriStartsWith = (prefix: string) => ({
  ByteMatchStatement: {
    FieldToMatch: { UriPath: {} },
    PositionalConstraint: 'STARTS_WITH',
    SearchString: prefix,
    TextTransformations: [
      { Priority: 0, Type: 'URL_DECODE' },
      { Priority: 1, Type: 'NORMALIZE_PATH' },
    ],
  },
});

describe('WebFirewall', () => {
  test('GIVEN no exceptions THEN every core rule set rule blocks, on every path', () => {
    const rules = rulesOf({});
    expect(common(rules).RuleActionOverrides).toBeUndefined();
    expect(common(rules).ScopeDownStatement).toBeUndefined();
    expect(rules.map((r) => r.Name)).toEqual(['RateLimitPerIp', 'AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']);
  });

  test('GIVEN a rule counted everywhere THEN the group overrides it to count and no rule blocks on its label', () => {
    const rules = rulesOf({ countRules: ['SizeRestrictions_BODY'] });
    expect(common(rules).RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    expect(rules.some((r) => JSON.stringify(r.Statement).includes('LabelMatchStatement'))).toBe(false);
  });

  test('GIVEN a rule excepted on two paths THEN it counts in the group, and the next rule blocks its label outside those paths', () => {
    for (const scope of ['REGIONAL', 'CLOUDFRONT'] as const) {
      const rules = rulesOf(
        {
          pathExceptions: [
            { pathPrefix: '/api/uploads/', rules: ['SizeRestrictions_BODY'] },
            { pathPrefix: '/cms/', rules: ['SizeRestrictions_BODY', 'CrossSiteScripting_BODY'] },
          ],
        },
        scope,
      );
      expect(common(rules).RuleActionOverrides).toEqual([
        { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
        { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
      ]);
      const names = rules.map((r) => r.Name);
      // The label rules come right after the group that labels, before the next group.
      expect(names.slice(2, 5)).toEqual(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesCommonRuleSet-SizeRestrictions_BODY', 'AWSManagedRulesCommonRuleSet-CrossSiteScripting_BODY']);
      expect(rules.map((r) => r.Priority)).toEqual(rules.map((_, i) => i));
      const size = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet-SizeRestrictions_BODY')!;
      expect(size.Action).toEqual({ Block: {} });
      expect(size.Statement).toEqual({
        AndStatement: {
          Statements: [
            { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body' } },
            { NotStatement: { Statement: { OrStatement: { Statements: [uriStartsWith('/api/uploads/'), uriStartsWith('/cms/')] } } } },
          ],
        },
      });
      const xss = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet-CrossSiteScripting_BODY')!;
      expect(xss.Statement.AndStatement.Statements).toEqual([
        { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body' } },
        { NotStatement: { Statement: uriStartsWith('/cms/') } },
      ]);
    }
  });

  test('GIVEN a path excepted from the whole group THEN the group\'s scope-down leaves that path out', () => {
    const rules = rulesOf({ pathExceptions: [{ pathPrefix: '/webhooks/', rules: [] }] });
    expect(common(rules).ScopeDownStatement).toEqual({ NotStatement: { Statement: uriStartsWith('/webhooks/') } });
    expect(common(rules).RuleActionOverrides).toBeUndefined();
  });

  test('GIVEN a rule both counted everywhere and excepted by path THEN the construct refuses the conflicting props', () => {
    expect(() => rulesOf({ countRules: ['SizeRestrictions_BODY'], pathExceptions: [{ pathPrefix: '/up/', rules: ['SizeRestrictions_BODY'] }] })).toThrow(
      'WebFirewall: SizeRestrictions_BODY is in both countRules and pathExceptions',
    );
  });

  test('GIVEN a rule name the core rule set does not have THEN the construct refuses it rather than block on a label nothing adds', () => {
    expect(() => rulesOf({ pathExceptions: [{ pathPrefix: '/up/', rules: ['SizeRestrictions_Body'] }] })).toThrow(
      'WebFirewall: SizeRestrictions_Body is not a rule of AWSManagedRulesCommonRuleSet',
    );
  });
});
