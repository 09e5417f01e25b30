import { synthesize } from './support/blueprint';

/** GIVEN phase 3 (a standby in us-west-2), email without a hosted zone, and web sending. */
const s = synthesize({ phase: 'phase3', settings: { email: { domain: 'mail.example.com', configurationSet: false }, services: [{ name: 'web', sendsEmail: true }] } });
const standbyWeb = s.stack('standby-service-web');

function env(role: string): Record<string, unknown> {
  const def = Object.values(s.stack(role).findResources('AWS::ECS::TaskDefinition'))[0]!;
  const app = (def.Properties.ContainerDefinitions as Array<{ Name: string; Environment: Array<{ Name: string; Value: unknown }> }>).find((c) => c.Name === 'App')!;
  return Object.fromEntries(app.Environment.map((e) => [e.Name, e.Value]));
}

describe('Sending email from a standby region', () => {
  test('GIVEN a standby THEN only the primary app stack has an identity: a second would write a MAIL FROM MX of the same name', () => {
    s.appStack.resourceCountIs('AWS::SES::EmailIdentity', 1);
    s.stack('standby-app').resourceCountIs('AWS::SES::EmailIdentity', 0);
  });
  test('GIVEN a standby THEN its tasks send through the primary region: SES_REGION, SMTP_HOST and the granted ARN are the primary\'s', () => {
    expect(env('standby-service-web')).toMatchObject({ SES_REGION: 'us-east-1', SMTP_HOST: 'email-smtp.us-east-1.amazonaws.com' });
    const statements = Object.values(standbyWeb.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>);
    const send = statements.find((st) => JSON.stringify(st.Action).includes('ses:SendEmail'))!;
    expect(JSON.stringify(send.Resource)).toContain(':ses:us-east-1:111111111111:identity/mail.example.com');
    expect(JSON.stringify(send.Resource)).not.toContain('configuration-set');
  });
  test('GIVEN no hosted zone THEN the records to create are the app stack\'s outputs', () => {
    const outputs = Object.keys(s.appStack.toJSON().Outputs as object);
    expect(outputs.filter((k) => /^Email(DkimRecord[123]|MailFromMxRecord|MailFromSpfRecord)/.test(k))).toHaveLength(5);
    s.appStack.resourceCountIs('AWS::Route53::RecordSet', 0);
  });
});
