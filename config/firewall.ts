/**
 * AWS's core rule set (AWSManagedRulesCommonRuleSet), as the firewall's
 * exceptions name it: each rule and the label it adds to a request it
 * matches, so a rule set to count can still block outside chosen paths.
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 */
export const COMMON_RULE_SET = 'AWSManagedRulesCommonRuleSet';
export const COMMON_RULE_LABELS: Readonly<Record<string, string>> = {
  NoUserAgent_HEADER: 'NoUserAgent_Header',
  UserAgent_BadBots_HEADER: 'BadBots_Header',
  SizeRestrictions_QUERYSTRING: 'SizeRestrictions_QueryString',
  SizeRestrictions_Cookie_HEADER: 'SizeRestrictions_Cookie_Header',
  SizeRestrictions_BODY: 'SizeRestrictions_Body',
  SizeRestrictions_URIPATH: 'SizeRestrictions_URIPath',
  EC2MetaDataSSRF_BODY: 'EC2MetaDataSSRF_Body',
  EC2MetaDataSSRF_COOKIE: 'EC2MetaDataSSRF_Cookie',
  EC2MetaDataSSRF_URIPATH: 'EC2MetaDataSSRF_URIPath',
  EC2MetaDataSSRF_QUERYARGUMENTS: 'EC2MetaDataSSRF_QueryArguments',
  GenericLFI_QUERYARGUMENTS: 'GenericLFI_QueryArguments',
  GenericLFI_URIPATH: 'GenericLFI_URIPath',
  GenericLFI_BODY: 'GenericLFI_Body',
  RestrictedExtensions_URIPATH: 'RestrictedExtensions_URIPath',
  RestrictedExtensions_QUERYARGUMENTS: 'RestrictedExtensions_QueryArguments',
  GenericRFI_QUERYARGUMENTS: 'GenericRFI_QueryArguments',
  GenericRFI_BODY: 'GenericRFI_Body',
  GenericRFI_URIPATH: 'GenericRFI_URIPath',
  CrossSiteScripting_COOKIE: 'CrossSiteScripting_Cookie',
  CrossSiteScripting_QUERYARGUMENTS: 'CrossSiteScripting_QueryArguments',
  CrossSiteScripting_BODY: 'CrossSiteScripting_Body',
  CrossSiteScripting_URIPATH: 'CrossSiteScripting_URIPath',
};
export const COMMON_RULE_NAMES = Object.keys(COMMON_RULE_LABELS) as [string, ...string[]];

/** The label namespace of the core rule set. */
export const COMMON_RULE_LABEL_PREFIX = 'awswaf:managed:aws:core-rule-set:';

/**
 * Web ACL capacity units of what the kit's web ACLs hold, for the capacity
 * check: the managed groups' published capacities, and the statements' base
 * costs (https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html,
 * and each statement's page under "Using rule statements").
 */
export const MANAGED_GROUP_WCU: Readonly<Record<string, number>> = {
  AWSManagedRulesAmazonIpReputationList: 25,
  AWSManagedRulesCommonRuleSet: 700,
  AWSManagedRulesKnownBadInputsRuleSet: 200,
};
/** Web ACL capacity included in the price; up to 5,000 costs more per request. */
export const WEB_ACL_INCLUDED_WCU = 1500;
export const WEB_ACL_MAX_WCU = 5000;
/** WAF compares at most this many bytes in a string match. https://docs.aws.amazon.com/waf/latest/developerguide/limits.html */
export const MAX_MATCH_STRING = 200;
