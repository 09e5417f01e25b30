import { GateRule, Violation } from '../../rule';
import { flatten, Located, resourcesOf } from '../../template';

const TOKENS = [1, 2, 3] as const;

/** Whether `value` mentions the identity's attribute (a GetAtt, possibly inside a Join). */
function mentions(value: unknown, logicalId: string, attribute: string): boolean {
  return JSON.stringify(value ?? null).includes(JSON.stringify([logicalId, attribute]));
}

/**
 * A domain identity with Easy DKIM stays unverified, and cannot send, until
 * its three DKIM CNAMEs resolve; SES stops looking after 72 hours. Its
 * custom MAIL FROM domain needs an MX record to feedback-smtp.<region>.amazonses.com,
 * or SES falls back to amazonses.com (or rejects the message).
 */
export const SesIdentityRecordsPublished: GateRule = {
  id: 'SesIdentityRecordsPublished',
  summary:
    'An SES domain identity with Easy DKIM has its three DKIM CNAMEs written in the deployment or listed in its stack\'s outputs; with its DKIM records written, its MAIL FROM domain has its MX record written too.',
  documentation:
    'Amazon SES, "Easy DKIM in Amazon SES" https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-easy.html and "Using a custom MAIL FROM domain" https://docs.aws.amazon.com/ses/latest/dg/mail-from.html',
  fix: 'write the CNAMEs of DkimDNSTokenName1-3 to DkimDNSTokenValue1-3 (and the MAIL FROM MX and SPF TXT) in the hosted zone, or output them for whoever manages the DNS',
  evaluate(input) {
    const violations: Violation[] = [];
    const records = resourcesOf(input.deployment, 'AWS::Route53::RecordSet');
    for (const identity of resourcesOf(input.deployment, 'AWS::SES::EmailIdentity')) {
      const p = identity.resource.Properties ?? {};
      const domain = flatten(p.EmailIdentity);
      // An address identity is verified by a link; BYODKIM publishes a key the user holds; DKIM may be off.
      if (domain.includes('@') || p.DkimSigningAttributes?.DomainSigningSelector !== undefined || p.DkimAttributes?.SigningEnabled === false) continue;
      const inStack = (r: Located): boolean => r.stack === identity.stack;
      const written = TOKENS.filter((n) =>
        records.some(
          (r) =>
            inStack(r) &&
            r.resource.Properties?.Type === 'CNAME' &&
            mentions(r.resource.Properties?.Name, identity.logicalId, `DkimDNSTokenName${n}`) &&
            mentions(r.resource.Properties?.ResourceRecords, identity.logicalId, `DkimDNSTokenValue${n}`),
        ),
      );
      const outputs = Object.values(input.deployment[identity.stack]!.template.Outputs ?? {});
      const listed = TOKENS.filter((n) => outputs.some((o) => mentions(o.Value, identity.logicalId, `DkimDNSTokenName${n}`) && mentions(o.Value, identity.logicalId, `DkimDNSTokenValue${n}`)));
      const missing = TOKENS.filter((n) => !written.includes(n) && !listed.includes(n));
      if (missing.length > 0) {
        violations.push({
          stack: identity.stack,
          logicalId: identity.logicalId,
          message: `DKIM record${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${domain} ${missing.length > 1 ? 'are' : 'is'} neither written nor output: SES verifies the domain only once all three CNAMEs resolve, and gives up after 72 hours`,
        });
        continue;
      }
      const mailFrom = p.MailFromAttributes?.MailFromDomain as unknown;
      if (written.length === TOKENS.length && mailFrom !== undefined) {
        const name = flatten(mailFrom).toLowerCase().replace(/\.$/, '');
        const mx = records.some((r) => r.resource.Properties?.Type === 'MX' && flatten(r.resource.Properties?.Name).toLowerCase().replace(/\.$/, '') === name);
        if (!mx) {
          violations.push({
            stack: identity.stack,
            logicalId: identity.logicalId,
            message: `the MAIL FROM domain ${name} has no MX record, though the identity's DKIM records are written: SES ${p.MailFromAttributes?.BehaviorOnMxFailure === 'REJECT_MESSAGE' ? 'rejects every message' : 'sends from amazonses.com instead, so SPF does not align with the domain'}`,
          });
        }
      }
    }
    return violations;
  },
};
