import { GateRule, Violation } from '../../rule';
import { flatten, Located, resourcesOf } from '../../template';

/** Two stacks that write the same record set fight over it; the second create fails. */
export const UniqueRecordSets: GateRule = {
  id: 'UniqueRecordSets',
  summary: 'A Route 53 record (zone, name, type, set identifier) is written by one resource of the deployment.',
  documentation:
    'Amazon Route 53, "Values that you specify when you create or edit Amazon Route 53 records" https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values.html',
  fix: 'write each record once, or give the records of a routing policy distinct SetIdentifier values',
  evaluate(input) {
    const violations: Violation[] = [];
    const seen = new Map<string, Located>();
    for (const r of resourcesOf(input.deployment, 'AWS::Route53::RecordSet')) {
      const p = r.resource.Properties ?? {};
      const zone = flatten(p.HostedZoneId ?? p.HostedZoneName);
      // A name known only at deploy time (an SES DKIM token) is compared by the expression that makes it.
      const flat = flatten(p.Name);
      const name = flat.includes('TOKEN') ? JSON.stringify(p.Name) : flat.toLowerCase().replace(/\.$/, '');
      const key = `${zone}|${name}|${p.Type}|${flatten(p.SetIdentifier ?? '')}`;
      const first = seen.get(key);
      if (first) {
        violations.push({ stack: r.stack, logicalId: r.logicalId, message: `record ${name} ${p.Type} is already written by ${first.stack} ${first.logicalId}` });
      } else {
        seen.set(key, r);
      }
    }
    return violations;
  },
};
