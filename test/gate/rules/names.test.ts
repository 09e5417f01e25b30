import { UniqueNames } from '../../../review/gate/rules/names/unique-names';
import { UniqueRecordSets } from '../../../review/gate/rules/names/unique-records';
import { deployment, firing, messages } from '../support';

const dashboard = (name: string) => ({ Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardName: name, DashboardBody: '{}' } });
const alarm = (name: string) => ({ Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: name } });
const slack = (name: string, channel: string) => ({
  Type: 'AWS::Chatbot::SlackChannelConfiguration',
  Properties: { ConfigurationName: name, SlackWorkspaceId: 'T0123ABCD', SlackChannelId: channel },
});

describe('UniqueNames', () => {
  test('GIVEN one dashboard name in two regions THEN it fires on the second: dashboards are global to the account', () => {
    const d = deployment({ app: { resources: { Dashboard: dashboard('shop-prod') } }, 'standby-app': { region: 'us-west-2', resources: { Dashboard: dashboard('shop-prod') } } });
    expect(firing(UniqueNames, d)).toEqual(['standby-app Dashboard']);
    expect(messages(UniqueNames, d)[0]).toMatch(/DashboardName "shop-prod" is already used by app Dashboard/);
  });
  test('GIVEN dashboards named per site THEN it passes', () => {
    const d = deployment({ app: { resources: { Dashboard: dashboard('shop-prod') } }, 'standby-app': { region: 'us-west-2', resources: { Dashboard: dashboard('shop-prod-standby') } } });
    expect(firing(UniqueNames, d)).toEqual([]);
  });
  test('GIVEN one alarm name in two regions THEN it passes: alarm names are regional', () => {
    const d = deployment({ app: { resources: { A: alarm('shop-prod-error-rate') } }, 'standby-app': { region: 'us-west-2', resources: { A: alarm('shop-prod-error-rate') } } });
    expect(firing(UniqueNames, d)).toEqual([]);
  });
  test('GIVEN a metric alarm and a composite alarm with one name in one region THEN it fires: they share a namespace', () => {
    const d = deployment({ app: { resources: { A: alarm('shop-prod-burn'), B: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'shop-prod-burn' } } } } });
    expect(firing(UniqueNames, d)).toEqual(['app B']);
  });
  test('GIVEN DB instance identifiers that differ only in case THEN it fires: RDS compares them case-insensitively', () => {
    const db = (id: string) => ({ Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceIdentifier: id } });
    expect(firing(UniqueNames, deployment({ data: { resources: { A: db('Shop-Postgres'), B: db('shop-postgres') } } }))).toEqual(['data B']);
  });
  test('GIVEN a CLOUDFRONT web ACL and a REGIONAL one with the same name THEN it passes: WAF names are per scope', () => {
    const acl = (scope: string) => ({ Type: 'AWS::WAFv2::WebACL', Properties: { Name: 'shop-prod', Scope: scope } });
    expect(firing(UniqueNames, deployment({ edge: { resources: { A: acl('CLOUDFRONT'), B: acl('REGIONAL') } } }))).toEqual([]);
  });
  test('GIVEN one Chatbot configuration name in two regions THEN it fires: configuration names are account-wide', () => {
    const d = deployment({ app: { resources: { S: slack('shop-prod-alarms', 'C1') } }, 'standby-app': { region: 'us-west-2', resources: { S: slack('shop-prod-alarms', 'C2') } } });
    expect(firing(UniqueNames, d)).toEqual(['standby-app S']);
  });
  test('GIVEN one Slack channel in two configurations THEN it fires: a channel is configured once per account', () => {
    const d = deployment({ app: { resources: { S: slack('shop-prod-alarms', 'C1') } }, 'standby-app': { region: 'us-west-2', resources: { S: slack('shop-prod-standby-alarms', 'C1') } } });
    expect(messages(UniqueNames, d)).toEqual([expect.stringMatching(/Slack channel C1 is already configured by app S/)]);
  });
  test('GIVEN two distributions with one alias THEN it fires: a CNAME belongs to one distribution', () => {
    const cdn = (aliases: string[]) => ({ Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: { Aliases: aliases } } });
    expect(firing(UniqueNames, deployment({ edge: { resources: { A: cdn(['shop.example.com']), B: cdn(['www.example.com', 'Shop.example.com']) } } }))).toEqual(['edge B']);
    expect(firing(UniqueNames, deployment({ edge: { resources: { A: cdn(['shop.example.com']), B: cdn(['www.example.com']) } } }))).toEqual([]);
  });
  test('GIVEN one Slack configuration per account THEN it passes', () => {
    expect(firing(UniqueNames, deployment({ app: { resources: { S: slack('shop-prod-alarms', 'C1') } } }))).toEqual([]);
  });
});

describe('UniqueRecordSets', () => {
  const record = (setId?: string) => ({
    Type: 'AWS::Route53::RecordSet',
    Properties: { HostedZoneId: 'Z1', Name: 'origin.example.com.', Type: 'A', ...(setId ? { SetIdentifier: setId } : {}) },
  });
  test('GIVEN a failover pair with distinct set identifiers THEN it passes', () => {
    expect(firing(UniqueRecordSets, deployment({ app: { resources: { R: record('primary') } }, standby: { region: 'us-west-2', resources: { R: record('secondary') } } }))).toEqual([]);
  });
  test('GIVEN the same simple record in two stacks THEN it fires', () => {
    expect(firing(UniqueRecordSets, deployment({ app: { resources: { R: record() } }, standby: { region: 'us-west-2', resources: { R: record() } } }))).toEqual(['standby R']);
  });
  test('GIVEN three CNAMEs named by three different deploy-time attributes (SES DKIM tokens) THEN it passes; the same attribute twice fires', () => {
    const dkim = (n: number) => ({ Type: 'AWS::Route53::RecordSet', Properties: { HostedZoneId: 'Z1', Type: 'CNAME', Name: { 'Fn::GetAtt': ['Identity', `DkimDNSTokenName${n}`] } } });
    expect(firing(UniqueRecordSets, deployment({ app: { resources: { D1: dkim(1), D2: dkim(2), D3: dkim(3) } } }))).toEqual([]);
    expect(firing(UniqueRecordSets, deployment({ app: { resources: { D1: dkim(1), D2: dkim(1) } } }))).toEqual(['app D2']);
  });
});
