import { CdnAliasCertificate } from '../../../review/gate/rules/cdn/alias-certificate';
import { CdnAliasRecordServed } from '../../../review/gate/rules/cdn/alias-record-served';
import { deployment, firing, messages, stackOutput } from '../support';

const CERT = 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000';
const SNI = { AcmCertificateArn: CERT, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' };

/** A distribution in the edge stack with these aliases and viewer certificate. */
function cdn(aliases: string[] | undefined, viewerCertificate: unknown) {
  return deployment({
    edge: { resources: { Files: { Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: { Aliases: aliases, ViewerCertificate: viewerCertificate } } } } },
  });
}

describe('CdnAliasCertificate', () => {
  test('GIVEN an alias with a us-east-1 ACM certificate by SNI THEN it passes', () => {
    expect(firing(CdnAliasCertificate, cdn(['files.example.com'], SNI))).toEqual([]);
  });
  test('GIVEN no alias and the default certificate THEN it passes', () => {
    expect(firing(CdnAliasCertificate, cdn(undefined, { CloudFrontDefaultCertificate: true }))).toEqual([]);
  });
  test('GIVEN an alias with the default certificate THEN it fires', () => {
    expect(messages(CdnAliasCertificate, cdn(['files.example.com'], { CloudFrontDefaultCertificate: true }))).toEqual([
      'the distribution has alternate domain names files.example.com but no certificate of its own (the default *.cloudfront.net certificate covers none)',
    ]);
  });
  test('GIVEN a certificate of another region THEN it fires', () => {
    const eu = CERT.replace('us-east-1', 'eu-west-1');
    expect(messages(CdnAliasCertificate, cdn(['files.example.com'], { ...SNI, AcmCertificateArn: eu }))).toEqual([
      `the distribution has alternate domain names files.example.com but its certificate ${eu} is in eu-west-1; CloudFront reads ACM certificates of us-east-1 only`,
    ]);
  });
  test('GIVEN a dedicated-IP certificate THEN it fires', () => {
    expect(firing(CdnAliasCertificate, cdn(['files.example.com'], { ...SNI, SslSupportMethod: 'vip' }))).toEqual(['edge Files']);
  });
});

/** A distribution with `aliases` in the edge stack, and an alias record `name` to it in `recordStack`. */
function record(name: string, aliases: string[], crossRegion = false) {
  const target = crossRegion ? stackOutput('edge', 'FilesDomain') : { 'Fn::GetAtt': ['Files', 'DomainName'] };
  const alias = { Type: 'AWS::Route53::RecordSet', Properties: { Name: name, Type: 'A', HostedZoneId: 'Z1', AliasTarget: { DNSName: target, HostedZoneId: 'Z2FDTNDATAQYW2' } } };
  return deployment({
    edge: {
      resources: {
        Files: { Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: { Aliases: aliases, ViewerCertificate: SNI } } },
        ...(crossRegion ? {} : { Alias: alias }),
      },
      outputs: { FilesDomain: { Value: { 'Fn::GetAtt': ['Files', 'DomainName'] } } },
    },
    ...(crossRegion ? { app: { region: 'eu-west-1', resources: { Alias: alias } } } : {}),
  });
}

describe('CdnAliasRecordServed', () => {
  test('GIVEN a record whose name is an alias of its distribution THEN it passes', () => {
    expect(firing(CdnAliasRecordServed, record('files.example.com.', ['files.example.com']))).toEqual([]);
  });
  test('GIVEN a record one label under a wildcard alias THEN it passes', () => {
    expect(firing(CdnAliasRecordServed, record('files.example.com', ['*.example.com']))).toEqual([]);
  });
  test('GIVEN a record two labels under a wildcard alias THEN it fires', () => {
    expect(firing(CdnAliasRecordServed, record('a.files.example.com', ['*.example.com']))).toEqual(['edge Alias']);
  });
  test('GIVEN a record for a host the distribution does not serve THEN it fires', () => {
    expect(messages(CdnAliasRecordServed, record('files.example.com.', ['app.example.com']))).toEqual([
      'the record routes files.example.com to distribution edge Files, whose alternate domain names (app.example.com) do not include it',
    ]);
  });
  test('GIVEN a record in another region reaching the distribution by a weak reference THEN it is checked too', () => {
    expect(firing(CdnAliasRecordServed, record('files.example.com', ['app.example.com'], true))).toEqual(['app Alias']);
  });
});
