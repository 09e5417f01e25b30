import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { SendingDomain, SendingDomainProps } from '../../../constructs';
import { SesIdentityRecordsPublished } from '../../../review/gate/rules/email/identity-records-published';
import { deployment, firing } from '../../gate/support';
import { CDK_CONTEXT } from '../../support/blueprint';

/** GIVEN a bare stack in us-east-1 with one sending domain. */
function given(props: Partial<SendingDomainProps> & { zone?: boolean }) {
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const hostedZone = props.zone ? route53.PublicHostedZone.fromPublicHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' }) : undefined;
  const domain = new SendingDomain(stack, 'Email', { domain: 'mail.example.com', mailFromSubdomain: 'bounce', hostedZone, ...props });
  const t = Template.fromStack(stack);
  return { domain, t, gate: deployment({ Test: { region: 'eu-west-1', resources: t.toJSON().Resources, outputs: t.toJSON().Outputs } }) };
}

describe('SendingDomain', () => {
  test('GIVEN a hosted zone holding a subdomain THEN DKIM CNAMEs, MX and SPF land in that zone under the subdomain, and the gate rule passes', () => {
    const { t, gate } = given({ zone: true });
    t.resourcePropertiesCountIs('AWS::Route53::RecordSet', { HostedZoneId: 'Z1', Type: 'CNAME' }, 3);
    t.hasResourceProperties('AWS::Route53::RecordSet', { HostedZoneId: 'Z1', Type: 'MX', Name: 'bounce.mail.example.com.', ResourceRecords: ['10 feedback-smtp.eu-west-1.amazonses.com'] });
    t.hasResourceProperties('AWS::Route53::RecordSet', { HostedZoneId: 'Z1', Type: 'TXT', Name: 'bounce.mail.example.com.', ResourceRecords: ['"v=spf1 include:amazonses.com ~all"'] });
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.example.com', MailFromAttributes: { MailFromDomain: 'bounce.mail.example.com' } });
    t.resourceCountIs('AWS::SES::ConfigurationSet', 0);
    expect(Object.keys(t.toJSON().Outputs ?? {}).filter((k) => k.includes('Record'))).toEqual([]);
    expect(firing(SesIdentityRecordsPublished, gate)).toEqual([]);
  });

  test('GIVEN no hosted zone THEN no record is written, the five records are outputs, and the gate rule passes on the outputs', () => {
    const { t, gate } = given({});
    t.resourceCountIs('AWS::Route53::RecordSet', 0);
    const outputs = t.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).filter((k) => /Record/.test(k))).toHaveLength(5);
    const dkim = Object.entries(outputs).filter(([k]) => k.includes('DkimRecord')).map(([, o]) => JSON.stringify(o.Value));
    expect(dkim).toHaveLength(3);
    dkim.forEach((v, i) => expect(v).toMatch(new RegExp(`DkimDNSTokenName${i + 1}.* CNAME .*DkimDNSTokenValue${i + 1}`)));
    t.hasOutput('*', { Value: 'bounce.mail.example.com MX 10 feedback-smtp.eu-west-1.amazonses.com' });
    t.hasOutput('*', { Value: 'bounce.mail.example.com TXT "v=spf1 include:amazonses.com ~all"' });
    expect(firing(SesIdentityRecordsPublished, gate)).toEqual([]);
  });

  test('GIVEN a configuration set name THEN it is created with reputation metrics and suppression, and is the identity\'s default', () => {
    const { t } = given({ configurationSetName: 'shop-prod-mail' });
    t.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'shop-prod-mail',
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: Match.arrayEquals(['BOUNCE', 'COMPLAINT']) },
    });
    t.hasResourceProperties('AWS::SES::EmailIdentity', { ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.stringLikeRegexp('ConfigurationSet') } } });
  });
});
