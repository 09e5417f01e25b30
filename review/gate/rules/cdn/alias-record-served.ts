import { GateRule, Violation } from '../../rule';
import { asArray, resolveResource, resourcesOf } from '../../template';

/** Whether an alternate domain name serves `host`: the same name, or a wildcard one label above it. */
function serves(alias: string, host: string): boolean {
  const a = alias.toLowerCase();
  if (a.startsWith('*.')) return host.endsWith(a.slice(1)) && !host.slice(0, -a.length + 1).includes('.');
  return a === host;
}

/**
 * An alias record to a distribution routes viewers there, but CloudFront
 * answers a host only when it is one of the distribution's alternate domain
 * names; otherwise every request fails (403), although the stack deployed.
 */
export const CdnAliasRecordServed: GateRule = {
  id: 'CdnAliasRecordServed',
  summary: 'A Route 53 alias record to a CloudFront distribution names a host that is one of the distribution\'s alternate domain names.',
  documentation:
    'Amazon Route 53, "Values that are common for alias records for all routing policies" (CloudFront distribution: the distribution must include an alternate domain name that matches the name of the record) https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-alias-common.html',
  fix: 'add the record\'s name to the distribution\'s alternate domain names (with a certificate covering it), or point the record at the distribution that serves it',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const r of resourcesOf(input.deployment, 'AWS::Route53::RecordSet')) {
      const props = r.resource.Properties ?? {};
      if (props.AliasTarget === undefined || typeof props.Name !== 'string') continue;
      const distribution = resolveResource(input.deployment, r.stack, props.AliasTarget.DNSName);
      if (distribution?.resource.Type !== 'AWS::CloudFront::Distribution') continue;
      const aliases = asArray<unknown>(distribution.resource.Properties?.DistributionConfig?.Aliases);
      if (aliases.some((a) => typeof a !== 'string')) continue;
      const host = props.Name.toLowerCase().replace(/\.$/, '');
      if (!aliases.some((a) => serves(a as string, host))) {
        violations.push({
          stack: r.stack,
          logicalId: r.logicalId,
          message: `the record routes ${host} to distribution ${distribution.stack} ${distribution.logicalId}, whose alternate domain names (${aliases.join(', ') || 'none'}) do not include it`,
        });
      }
    }
    return violations;
  },
};
