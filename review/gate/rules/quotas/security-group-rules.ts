import { CLOUDFRONT_ORIGIN_PREFIX_LISTS } from '../../../../config';
import { GateRule, Violation } from '../../rule';
import { asArray, Deployment, Located, resolveResource, resourcesOf } from '../../template';

export const MAX_RULES_PER_DIRECTION = 60;

/**
 * A rule that references a managed prefix list counts as the list's
 * maximum entries: CloudFront's origin-facing list weighs 55.
 */
export const CLOUDFRONT_ORIGIN_FACING_WEIGHT = 55;
const CLOUDFRONT_LISTS = new Set<string>(Object.values(CLOUDFRONT_ORIGIN_PREFIX_LISTS));

interface Count {
  ipv4: number;
  ipv6: number;
}

/**
 * The weight of a prefix list a rule in `stack` references: CloudFront's
 * origin-facing list's, or a customer-managed list's MaxEntries when the
 * deployment holds it (through `Ref`, `Fn::GetAtt` or an import): "the
 * maximum number of entries for the prefix list counts against the quota
 * for the number of entries for the resource" (Amazon VPC, "Prefix lists
 * concepts and rules"). A list from outside the deployment counts once.
 */
function prefixListWeight(deployment: Deployment, stack: string, prefixList: unknown): number {
  if (typeof prefixList === 'string') return CLOUDFRONT_LISTS.has(prefixList) ? CLOUDFRONT_ORIGIN_FACING_WEIGHT : 1;
  const list = resolveResource(deployment, stack, prefixList);
  const max = list?.resource.Type === 'AWS::EC2::PrefixList' ? list.resource.Properties?.MaxEntries : undefined;
  return typeof max === 'number' ? max : 1;
}

/** What one rule, written in `stack`, adds to the IPv4 and IPv6 counts of its direction. */
function weigh(deployment: Deployment, stack: string, rule: Readonly<Record<string, any>>, c: Count): void {
  const prefixList = rule.SourcePrefixListId ?? rule.DestinationPrefixListId;
  if (typeof rule.CidrIp === 'string') c.ipv4 += 1;
  else if (typeof rule.CidrIpv6 === 'string') c.ipv6 += 1;
  else if (prefixList !== undefined) {
    const weight = prefixListWeight(deployment, stack, prefixList);
    c.ipv4 += weight;
    c.ipv6 += weight;
  } else {
    // A security-group reference counts once for each IP version.
    c.ipv4 += 1;
    c.ipv6 += 1;
  }
}

export const SecurityGroupRuleQuota: GateRule = {
  id: 'SecurityGroupRuleQuota',
  summary: `A security group has at most ${MAX_RULES_PER_DIRECTION} inbound and ${MAX_RULES_PER_DIRECTION} outbound rules per IP version, a prefix-list reference counting as the list's maximum entries.`,
  documentation:
    'Amazon VPC quotas, "Security groups" https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups; "AWS-managed prefix lists" (weights) https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html; "Prefix lists concepts and rules" (a customer-managed list weighs its maximum entries) https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html',
  fix: 'spread the rules over several security groups (or reference one group instead of many), or raise the quota before deploying',
  evaluate(input) {
    const violations: Violation[] = [];
    const counts = new Map<string, { group: Located; inbound: Count; outbound: Count }>();
    const entry = (group: Located) => {
      const k = `${group.stack}/${group.logicalId}`;
      if (!counts.has(k)) counts.set(k, { group, inbound: { ipv4: 0, ipv6: 0 }, outbound: { ipv4: 0, ipv6: 0 } });
      return counts.get(k)!;
    };
    for (const group of resourcesOf(input.deployment, 'AWS::EC2::SecurityGroup')) {
      const e = entry(group);
      for (const r of asArray(group.resource.Properties?.SecurityGroupIngress)) weigh(input.deployment, group.stack, r, e.inbound);
      for (const r of asArray(group.resource.Properties?.SecurityGroupEgress)) weigh(input.deployment, group.stack, r, e.outbound);
    }
    for (const [type, direction] of [
      ['AWS::EC2::SecurityGroupIngress', 'inbound'],
      ['AWS::EC2::SecurityGroupEgress', 'outbound'],
    ] as const) {
      for (const rule of resourcesOf(input.deployment, type)) {
        const group = resolveResource(input.deployment, rule.stack, rule.resource.Properties?.GroupId);
        if (group?.resource.Type === 'AWS::EC2::SecurityGroup') weigh(input.deployment, rule.stack, rule.resource.Properties ?? {}, entry(group)[direction]);
      }
    }
    for (const { group, inbound, outbound } of counts.values()) {
      for (const [direction, c] of [
        ['inbound', inbound],
        ['outbound', outbound],
      ] as const) {
        const worst = Math.max(c.ipv4, c.ipv6);
        if (worst > MAX_RULES_PER_DIRECTION) {
          violations.push({
            stack: group.stack,
            logicalId: group.logicalId,
            message: `${direction} rules weigh ${c.ipv4} (IPv4) and ${c.ipv6} (IPv6) across the deployment's stacks (at most ${MAX_RULES_PER_DIRECTION} each): the rule past the quota fails to create`,
          });
        }
      }
    }
    return violations;
  },
};
