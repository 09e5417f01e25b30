import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { COMMON_RULE_LABEL_PREFIX, COMMON_RULE_LABELS, COMMON_RULE_SET } from '../../config/firewall';
import { acknowledgeLogGroup } from '../security/acknowledge';

export interface WebFirewallProps {
  /** Name of the web ACL and its metrics. */
  readonly name: string;
  /** `REGIONAL` for a load balancer, `CLOUDFRONT` (in us-east-1) for a distribution. */
  readonly scope: 'REGIONAL' | 'CLOUDFRONT';
  /** Requests one client IP may make in 5 minutes before it is blocked. */
  readonly rateLimitPer5Minutes: number;
  /**
   * Rules of AWS's core rule set that only count, on every path.
   * @default - none: every rule blocks
   */
  readonly countRules?: readonly string[];
  /**
   * Paths on which core rule set rules only count: each listed rule counts in
   * the group and a rule after it blocks what the rule labelled outside the
   * paths; an exception with no rules takes its path out of the core rule set.
   * @default - none
   */
  readonly pathExceptions?: readonly FirewallPathException[];
  readonly logRetention: logs.RetentionDays;
  readonly logEncryptionKey: kms.IKey;
}

export interface FirewallPathException {
  /** URL path prefix, compared after URL decoding and path normalisation (so `/api/uploads/../admin` is not under `/api/uploads/`). */
  readonly pathPrefix: string;
  /** Core rule set rules that only count on the path; empty: the whole group skips it. */
  readonly rules: readonly string[];
}

/** AWS managed rule groups, in evaluation order after the rate limit. */
const MANAGED_RULE_GROUPS = ['AWSManagedRulesAmazonIpReputationList', COMMON_RULE_SET, 'AWSManagedRulesKnownBadInputsRuleSet'];

/** The URI path starts with one of `prefixes`, decoded and normalised first so `..` cannot borrow an exception. */
function pathStartsWith(prefixes: readonly string[]): wafv2.CfnWebACL.StatementProperty {
  const matches = prefixes.map((prefix) => ({
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: prefix,
      textTransformations: [
        { priority: 0, type: 'URL_DECODE' },
        { priority: 1, type: 'NORMALIZE_PATH' },
      ],
    },
  }));
  return matches.length === 1 ? matches[0]! : { orStatement: { statements: matches } };
}

/**
 * An AWS WAF web ACL: a per-IP rate limit, then AWS's IP reputation,
 * common and known-bad-input rule groups; everything else allowed. Rules of
 * the common group may count instead of block, everywhere or on chosen paths
 * (ADR 0028). Every request is logged to an encrypted log group.
 */
export class WebFirewall extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const exceptions = props.pathExceptions ?? [];
    const countRules = props.countRules ?? [];
    const conflict = exceptions.flatMap((e) => e.rules).find((r) => countRules.includes(r));
    if (conflict !== undefined) throw new Error(`WebFirewall: ${conflict} is in both countRules and pathExceptions; a rule counted everywhere needs no path exception`);
    // A name outside the core rule set would label nothing: its block-on-label rule would never fire.
    const unknown = [...countRules, ...exceptions.flatMap((e) => e.rules)].find((r) => !(r in COMMON_RULE_LABELS));
    if (unknown !== undefined) throw new Error(`WebFirewall: ${unknown} is not a rule of ${COMMON_RULE_SET}; allowed: ${Object.keys(COMMON_RULE_LABELS).join(', ')}`);
    // Each rule excepted on some path, with the paths it is excepted on.
    const excepted = new Map<string, string[]>();
    for (const e of exceptions) for (const rule of e.rules) excepted.set(rule, [...(excepted.get(rule) ?? []), e.pathPrefix]);
    const skipped = exceptions.filter((e) => e.rules.length === 0).map((e) => e.pathPrefix);
    const counted = [...countRules, ...excepted.keys()];

    const managed = (group: string) => ({
      name: group,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: group,
          ...(group === COMMON_RULE_SET && counted.length > 0 ? { ruleActionOverrides: counted.map((name) => ({ name, actionToUse: { count: {} } })) } : {}),
          ...(group === COMMON_RULE_SET && skipped.length > 0 ? { scopeDownStatement: { notStatement: { statement: pathStartsWith(skipped) } } } : {}),
        },
      },
      visibilityConfig: visibility(`${props.name}-${group}`),
    });
    // A counted rule still labels what it matches; outside its exception paths these rules block on the label.
    // https://docs.aws.amazon.com/waf/latest/developerguide/waf-managed-rule-group-best-practices.html (label matching)
    const labelBlocks = [...excepted].map(([rule, paths]) => ({
      name: `${COMMON_RULE_SET}-${rule}`,
      action: { block: {} },
      statement: {
        andStatement: {
          statements: [{ labelMatchStatement: { scope: 'LABEL', key: `${COMMON_RULE_LABEL_PREFIX}${COMMON_RULE_LABELS[rule]!}` } }, { notStatement: { statement: pathStartsWith(paths) } }],
        },
      },
      visibilityConfig: visibility(`${props.name}-${rule}`),
    }));
    const [reputation, common, badInputs] = MANAGED_RULE_GROUPS.map(managed);
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: props.scope,
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rules: [
        {
          name: 'RateLimitPerIp',
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimitPer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility(`${props.name}-rate-limit`),
        },
        reputation!,
        common!,
        ...labelBlocks,
        badInputs!,
      ].map((rule, priority) => ({ ...rule, priority })),
    });
    // WAF only logs to groups whose name starts with aws-waf-logs-.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${props.name}`,
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeLogGroup(this.logGroup, props.logEncryptionKey);
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [this.logGroup.logGroupArn],
    });
  }
}
