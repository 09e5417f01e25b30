import { SesIdentityRecordsPublished } from '../../../review/gate/rules/email/identity-records-published';
import { deployment, firing, messages } from '../support';

const att = (n: string) => ({ 'Fn::GetAtt': ['Identity', n] });
const IDENTITY = {
  Type: 'AWS::SES::EmailIdentity',
  Properties: { EmailIdentity: 'mail.example.com', DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' }, MailFromAttributes: { MailFromDomain: 'bounce.mail.example.com' } },
};
const cname = (n: number) => ({ Type: 'AWS::Route53::RecordSet', Properties: { HostedZoneId: 'Z1', Type: 'CNAME', Name: att(`DkimDNSTokenName${n}`), ResourceRecords: [att(`DkimDNSTokenValue${n}`)], TTL: '1800' } });
const MX = { Type: 'AWS::Route53::RecordSet', Properties: { HostedZoneId: 'Z1', Type: 'MX', Name: 'bounce.mail.example.com.', ResourceRecords: ['10 feedback-smtp.us-east-1.amazonses.com'] } };
const output = (n: number) => ({ Value: { 'Fn::Join': [' ', [att(`DkimDNSTokenName${n}`), 'CNAME', att(`DkimDNSTokenValue${n}`)]] } });

describe('SesIdentityRecordsPublished', () => {
  test('GIVEN a domain identity with no DKIM records and no outputs THEN it fires, naming the three records and the 72 hours', () => {
    const d = deployment({ app: { resources: { Identity: IDENTITY } } });
    expect(firing(SesIdentityRecordsPublished, d)).toEqual(['app Identity']);
    expect(messages(SesIdentityRecordsPublished, d)[0]).toMatch(/DKIM records 1, 2, 3 of mail\.example\.com are neither written nor output: .*72 hours/);
  });
  test('GIVEN two of the three CNAMEs THEN it fires on the third', () => {
    const d = deployment({ app: { resources: { Identity: IDENTITY, D1: cname(1), D2: cname(2), MX } } });
    expect(messages(SesIdentityRecordsPublished, d)).toEqual([expect.stringMatching(/^DKIM record 3 of mail\.example\.com is neither written nor output/)]);
  });
  test('GIVEN the three CNAMEs but no MAIL FROM MX THEN it fires on the MAIL FROM domain', () => {
    const d = deployment({ app: { resources: { Identity: IDENTITY, D1: cname(1), D2: cname(2), D3: cname(3) } } });
    expect(messages(SesIdentityRecordsPublished, d)).toEqual([expect.stringMatching(/MAIL FROM domain bounce\.mail\.example\.com has no MX record.*amazonses\.com instead/)]);
  });
  test('GIVEN the three CNAMEs and the MX THEN it passes', () => {
    expect(firing(SesIdentityRecordsPublished, deployment({ app: { resources: { Identity: IDENTITY, D1: cname(1), D2: cname(2), D3: cname(3), MX } } }))).toEqual([]);
  });
  test('GIVEN no zone and the three records as stack outputs THEN it passes (DNS managed elsewhere)', () => {
    const d = deployment({ app: { resources: { Identity: IDENTITY }, outputs: { A: output(1), B: output(2), C: output(3) } } });
    expect(firing(SesIdentityRecordsPublished, d)).toEqual([]);
  });
  test('GIVEN the CNAMEs written in another stack THEN it fires: that stack cannot read the identity\'s tokens', () => {
    const d = deployment({ app: { resources: { Identity: IDENTITY } }, dns: { resources: { D1: cname(1), D2: cname(2), D3: cname(3), MX } } });
    expect(firing(SesIdentityRecordsPublished, d)).toEqual(['app Identity']);
  });
  test('GIVEN an address identity or BYODKIM THEN it does not apply', () => {
    const address = { Type: 'AWS::SES::EmailIdentity', Properties: { EmailIdentity: 'ops@example.com' } };
    const byo = { Type: 'AWS::SES::EmailIdentity', Properties: { EmailIdentity: 'example.com', DkimSigningAttributes: { DomainSigningSelector: 's1', DomainSigningPrivateKey: 'x' } } };
    expect(firing(SesIdentityRecordsPublished, deployment({ app: { resources: { A: address, B: byo } } }))).toEqual([]);
  });
});
