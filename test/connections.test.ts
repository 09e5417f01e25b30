import { Match, Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { KIT_VARIABLES, resolveConfig } from '../config';
import { CA_BUNDLE_PATH } from '../lib/app-runtime';
import { DEPLOYABILITY, runGate } from '../review/gate';
import { deploymentFromAssembly } from '../review/gate/assembly';
import { synthesize, TEST_CERTIFICATE_ARN } from './support/blueprint';

/**
 * GIVEN one deployment with a managed hosted zone, email on, verify-full TLS,
 * a web service that sends email and renames the kit's variables, an api
 * service that does neither, and the sample worker.
 */
const s = synthesize({
  phase: 'phase1',
  settings: {
    ingress: { certificateArn: TEST_CERTIFICATE_ARN, domainName: 'app.example.com', hostedZone: { id: 'Z0123456789ABC', name: 'example.com' } },
    email: { domain: 'mail.example.com', mailFromSubdomain: 'bounce', configurationSet: true },
    database: { sslMode: 'verify-full' },
    services: [
      { name: 'web', sendsEmail: true, variableNames: { DB_USERNAME: 'DB_USER', DB_PASSWORD: 'DB_PASS', REDIS_HOST: 'CACHE_HOST' } },
      { name: 'api', pathPatterns: ['/api/*'], priority: 10 },
    ],
    workers: [{ name: 'worker' }],
  },
});

/** The app container of a stack's task definition. */
function app(t: Template): { Environment: Array<{ Name: string; Value: unknown }>; Secrets: Array<{ Name: string; ValueFrom: unknown }>; DependsOn?: unknown; MountPoints: unknown[] } {
  const defs = Object.values(t.findResources('AWS::ECS::TaskDefinition'));
  expect(defs).toHaveLength(1);
  return (defs[0]!.Properties.ContainerDefinitions as Array<{ Name: string }>).find((c) => c.Name === 'App') as never;
}
const env = (t: Template): Record<string, unknown> => Object.fromEntries(app(t).Environment.map((e) => [e.Name, e.Value]));
const secrets = (t: Template): Record<string, unknown> => Object.fromEntries(app(t).Secrets.map((e) => [e.Name, e.ValueFrom]));
const api = s.stack('service-api');
const worker = s.stack('worker-worker');

describe('libpq variables', () => {
  test('GIVEN the api service THEN PGHOST, PGPORT, PGDATABASE, PGSSLMODE are the DB_ values, and PGSSLROOTCERT the bundle path', () => {
    const e = env(api);
    expect(e.PGHOST).toEqual(e.DB_HOST);
    expect(e.PGHOST).toEqual(expect.objectContaining({ 'Fn::ImportValue': expect.stringMatching(/Endpoint/) }));
    expect(e.PGPORT).toEqual(e.DB_PORT);
    expect(e.PGDATABASE).toEqual(e.DB_NAME);
    expect(e.PGSSLMODE).toBe('verify-full');
    expect(e.DB_SSLMODE).toBe('verify-full');
    expect(e.PGSSLROOTCERT).toBe(CA_BUNDLE_PATH);
    expect(e.DB_SSLROOTCERT).toBe(CA_BUNDLE_PATH);
  });
  test('GIVEN the api service THEN PGUSER and PGPASSWORD are the database secret\'s username and password keys, like DB_USERNAME and DB_PASSWORD', () => {
    const x = secrets(api);
    expect(JSON.stringify(x.PGUSER)).toMatch(/:username::"/);
    expect(x.PGUSER).toEqual(x.DB_USERNAME);
    expect(x.PGPASSWORD).toEqual(x.DB_PASSWORD);
    expect(JSON.stringify(x.PGPASSWORD)).toMatch(/:password::"/);
  });
  test('GIVEN the default settings THEN sslMode is require, which every image can use', () => {
    expect(resolveConfig({}).database.sslMode).toBe('require');
  });
});

describe('the reserved list', () => {
  test('GIVEN the README\'s application container section THEN it names every variable the kit reserves', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### The application container'), readme.indexOf('## Snapshot tests'));
    const missing = KIT_VARIABLES.flatMap((v) => v.names).filter((n) => !section.includes(`\`${n}\``));
    expect(missing).toEqual([]);
  });
});

describe('CA bundle delivery (verify-full)', () => {
  test('GIVEN verify-full THEN a non-essential curl container downloads the region\'s RDS bundle and the app starts only after it succeeded, with the bundle mounted read-only', () => {
    api.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Name: 'TrustStore',
          Essential: false,
          EntryPoint: ['curl'],
          Command: Match.arrayWith(['--fail', 'https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.pem']),
          ReadonlyRootFilesystem: true,
          MountPoints: [{ ContainerPath: '/trust-store', SourceVolume: 'trust-store', ReadOnly: false }],
        }),
      ]),
    });
    const a = app(api);
    // It waits for the bundle as for its volumes' owner.
    expect(a.DependsOn).toContainEqual({ ContainerName: 'TrustStore', Condition: 'SUCCESS' });
    expect(a.MountPoints).toContainEqual({ ContainerPath: '/etc/rds-ca', SourceVolume: 'trust-store', ReadOnly: true });
    // The download writes the file the app is told about.
    const command = (Object.values(api.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions as Array<{ Name: string; Command?: string[] }>).find((c) => c.Name === 'TrustStore')!.Command!;
    expect(command[command.indexOf('--output') + 1]).toBe(`/trust-store/${CA_BUNDLE_PATH.split('/').pop()}`);
  });
});

describe('variableNames', () => {
  test('GIVEN web renames DB_USERNAME, DB_PASSWORD and REDIS_HOST THEN the container has the new names with the same sources, and not the old ones', () => {
    const web = secrets(s.web);
    const plain = secrets(api);
    expect(web.DB_USER).toEqual(plain.DB_USERNAME);
    expect(web.DB_PASS).toEqual(plain.DB_PASSWORD);
    expect(web).not.toHaveProperty('DB_USERNAME');
    expect(web).not.toHaveProperty('DB_PASSWORD');
    expect(env(s.web).CACHE_HOST).toEqual(env(api).REDIS_HOST);
    expect(env(s.web)).not.toHaveProperty('REDIS_HOST');
    // libpq names are untouched by renaming the DB_ ones.
    expect(web.PGUSER).toEqual(plain.PGUSER);
  });
});

describe('Sending email', () => {
  const ZONE = 'Z0123456789ABC';
  test('GIVEN email on THEN the app stack has an SES identity for the domain with Easy DKIM 2048 and the MAIL FROM domain, and the configuration set as default', () => {
    s.appStack.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'mail.example.com',
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: { MailFromDomain: 'bounce.mail.example.com', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.stringLikeRegexp('ConfigurationSet') } },
    });
    s.appStack.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'blueprint-dev-mail', ReputationOptions: { ReputationMetricsEnabled: true } });
  });
  test('GIVEN a managed hosted zone THEN the three DKIM CNAMEs, the MAIL FROM MX and the SPF TXT are written in it', () => {
    const cnames = s.appStack.findResources('AWS::Route53::RecordSet', { Properties: { Type: 'CNAME', HostedZoneId: ZONE } });
    const tokens = Object.values(cnames).map((r) => (r.Properties.Name as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][1]);
    expect(tokens.sort()).toEqual(['DkimDNSTokenName1', 'DkimDNSTokenName2', 'DkimDNSTokenName3']);
    s.appStack.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: ZONE,
      Name: 'bounce.mail.example.com.',
      Type: 'MX',
      ResourceRecords: ['10 feedback-smtp.us-east-1.amazonses.com'],
    });
    s.appStack.hasResourceProperties('AWS::Route53::RecordSet', { HostedZoneId: ZONE, Name: 'bounce.mail.example.com.', Type: 'TXT', ResourceRecords: ['"v=spf1 include:amazonses.com ~all"'] });
  });
  test('GIVEN web declares sendsEmail THEN only its task role may send, on the identity and configuration set ARNs alone', () => {
    const sends = (t: Template) =>
      Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => (p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>).filter((st) => JSON.stringify(st.Action).includes('ses:')));
    const [statement, ...rest] = sends(s.web);
    expect(rest).toEqual([]);
    expect(statement!.Action).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(JSON.stringify(statement!.Resource)).toContain(':ses:us-east-1:111111111111:identity/mail.example.com');
    expect(JSON.stringify(statement!.Resource)).toContain(':ses:us-east-1:111111111111:configuration-set/blueprint-dev-mail');
    expect(sends(api)).toEqual([]);
    expect(sends(worker)).toEqual([]);
  });
  test('GIVEN web declares sendsEmail THEN it gets SES_REGION, MAIL_FROM_DOMAIN, SES_CONFIGURATION_SET, SMTP_HOST and SMTP_PORT; api gets none', () => {
    expect(env(s.web)).toMatchObject({
      SES_REGION: 'us-east-1',
      MAIL_FROM_DOMAIN: 'mail.example.com',
      SES_CONFIGURATION_SET: 'blueprint-dev-mail',
      SMTP_HOST: 'email-smtp.us-east-1.amazonaws.com',
      SMTP_PORT: '587',
    });
    expect(Object.keys(env(api)).filter((k) => k.startsWith('SES_') || k.startsWith('SMTP_') || k === 'MAIL_FROM_DOMAIN')).toEqual([]);
  });
});

describe('the deployability gate', () => {
  test('GIVEN this deployment with email, renames and verify-full THEN no rule fires (DKIM and MAIL FROM records, names)', () => {
    const findings = runGate(DEPLOYABILITY, { deployment: deploymentFromAssembly(s.app.synth().directory) });
    expect(findings.map((f) => `${f.rule} ${f.stack} ${f.logicalId}: ${f.message}`)).toEqual([]);
  });
});
