import { MANAGED_GROUP_WCU, WEB_ACL_INCLUDED_WCU, WEB_ACL_MAX_WCU } from '../../../../config/firewall';
import { GateRule, Violation } from '../../rule';
import { asArray, resourcesOf } from '../../template';

type Statement = Record<string, any>;

/** Base cost of a string match by its position: exact, prefix and suffix matches are cheap, contains is not. */
const BYTE_MATCH_WCU: Readonly<Record<string, number>> = { EXACTLY: 2, STARTS_WITH: 2, ENDS_WITH: 2, CONTAINS: 10, CONTAINS_WORD: 10 };
const TRANSFORMATION_WCU = 10;

/**
 * A statement's web ACL capacity units, as AWS WAF's pages on each statement
 * give them; an upper estimate, since WAF may share a transformation between
 * statements. Statement types the kit does not write count nothing.
 */
export function statementCapacity(s: Statement | undefined): number {
  if (s === undefined) return 0;
  if (s.RateBasedStatement) return 2 + statementCapacity(s.RateBasedStatement.ScopeDownStatement);
  if (s.ManagedRuleGroupStatement) return (MANAGED_GROUP_WCU[s.ManagedRuleGroupStatement.Name] ?? 0) + statementCapacity(s.ManagedRuleGroupStatement.ScopeDownStatement);
  if (s.LabelMatchStatement) return 1;
  if (s.ByteMatchStatement) {
    const transformations = asArray(s.ByteMatchStatement.TextTransformations).filter((t: any) => t?.Type !== 'NONE').length;
    return (BYTE_MATCH_WCU[s.ByteMatchStatement.PositionalConstraint] ?? 10) + TRANSFORMATION_WCU * transformations;
  }
  if (s.AndStatement) return asArray(s.AndStatement.Statements).reduce((sum: number, x: Statement) => sum + statementCapacity(x), 0);
  if (s.OrStatement) return asArray(s.OrStatement.Statements).reduce((sum: number, x: Statement) => sum + statementCapacity(x), 0);
  if (s.NotStatement) return statementCapacity(s.NotStatement.Statement);
  return 0;
}

/** A web ACL's rules fit its capacity: WAF refuses a web ACL above 5,000 WCUs, and charges for each 500 above 1,500. */
export const WebAclCapacity: GateRule = {
  id: 'WebAclCapacity',
  summary: `A web ACL's rules use at most ${WEB_ACL_MAX_WCU} web ACL capacity units (${WEB_ACL_INCLUDED_WCU} included in the price).`,
  documentation: 'AWS WAF, "Web ACL capacity units (WCUs) in AWS WAF" https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html',
  fix: 'merge firewall.pathExceptions that share rules into fewer paths, or list fewer excepted rules (each excepted rule adds a label rule, each path 22 WCUs)',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const acl of resourcesOf(input.deployment, 'AWS::WAFv2::WebACL')) {
      const used = asArray(acl.resource.Properties?.Rules).reduce((sum: number, rule: Statement) => sum + statementCapacity(rule?.Statement), 0);
      if (used > WEB_ACL_MAX_WCU) {
        violations.push({ stack: acl.stack, logicalId: acl.logicalId, message: `its rules need about ${used} WCUs; WAF refuses a web ACL above ${WEB_ACL_MAX_WCU}` });
      }
    }
    return violations;
  },
};
