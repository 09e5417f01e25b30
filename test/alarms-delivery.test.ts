import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { deploymentName } from '../config';
import { MAX_ALARMS_PER_WIDGET } from '../constructs';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { synthesize } from './support/blueprint';

// GIVEN phase 3 in production (HTTPS, hosted zone, CDN, a standby region) with
// Slack and the 20 web services `npm run bench` builds, synthesized once
const services = Array.from({ length: 20 }, (_, i) => (i === 0 ? { name: 'web' } : { name: `svc${i}`, pathPatterns: [`/svc${i}/*`], priority: i }));
const s = synthesize({
  phase: 'phase3',
  stage: 'prod',
  settings: { ...PRODUCTION_SETTINGS, services, alarms: { pageEmails: ['oncall@example.com'], slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } } },
});
const prefix = deploymentName(s.config);
const account = s.config.env.account;
const standby = s.blueprint.standby!;
const stacks = s.app.node.children.filter((c): c is Stack => c instanceof Stack);
const templates = new Map(stacks.map((st) => [st, Template.fromStack(st)]));
const sites = [
  { name: 'primary', app: s.blueprint.app, region: s.config.env.region, dashboard: prefix },
  { name: 'standby', app: standby.app, region: standby.app.region, dashboard: `${prefix}-standby` },
];

/** Every resource of a type across all stacks, with the stack that holds it. */
function everywhere(type: string): { stack: Stack; id: string; props: Record<string, any> }[] {
  return stacks.flatMap((stack) => Object.entries(templates.get(stack)!.findResources(type)).map(([id, r]) => ({ stack, id, props: r.Properties ?? {} })));
}

/** A dashboard body (a Fn::Join of text and tokens) as JSON, each token read as its own JSON text inside the string it sits in. */
function dashboardBody(props: Record<string, any>): { widgets: { type: string; properties: { title?: string; alarms?: string[] } }[] } {
  const [, parts] = props.DashboardBody['Fn::Join'] as [string, unknown[]];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(JSON.stringify(p)).slice(1, -1))).join(''));
}

test('GIVEN the standby region THEN it stands apart from the primary', () => {
  expect(standby.app.region).not.toBe(s.blueprint.app.region);
});

describe('alarm topics', () => {
  // The statement's full shape is AlarmTopics' own test (test/constructs/monitoring/alarm-topics.test.ts);
  // here each site's statement names its own region, so a standby's alarms reach the standby's topics.
  test('THEN each site\'s topics admit this account\'s alarms of this deployment in that region', () => {
    for (const site of sites) {
      const policies = Object.values(templates.get(site.app)!.findResources('AWS::SNS::TopicPolicy'));
      expect(policies).toHaveLength(2);
      for (const policy of policies) {
        const [allow] = policy.Properties.PolicyDocument.Statement.filter((st: any) => st.Sid === 'CloudWatchAlarmsPublish');
        expect(allow.Condition.ArnLike['aws:SourceArn']).toBe(`arn:aws:cloudwatch:${site.region}:${account}:alarm:${prefix}-*`);
      }
    }
  });

  test('THEN every alarm that notifies has a name the topics admit', () => {
    const notifying = [...everywhere('AWS::CloudWatch::Alarm'), ...everywhere('AWS::CloudWatch::CompositeAlarm')].filter((a) => a.props.AlarmActions);
    expect(notifying.length).toBeGreaterThan(200);
    for (const a of notifying) expect(a.props.AlarmName).toMatch(new RegExp(`^${prefix}-`));
  });

  test('THEN each region\'s data key lets CloudWatch encrypt for its encrypted topics', () => {
    for (const data of [s.blueprint.data, standby.data]) {
      const [key] = Object.values(templates.get(data)!.findResources('AWS::KMS::Key'));
      expect(key!.Properties.KeyPolicy.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
      );
    }
  });
});

describe('Slack through AWS Chatbot', () => {
  const channels = everywhere('AWS::Chatbot::SlackChannelConfiguration');

  test('THEN the deployment has exactly one channel configuration, in the notifications stack of the primary region', () => {
    expect(channels).toHaveLength(1);
    expect(channels[0]!.stack).toBe(s.blueprint.notifications);
    expect(channels[0]!.stack.region).toBe(s.config.env.region);
    expect(channels[0]!.props).toMatchObject({ ConfigurationName: prefix, SlackWorkspaceId: 'T0123ABCD', SlackChannelId: 'C0123ABCD' });
  });

  test('THEN it takes the page and notify topics of both regions: the primary\'s as imports, the standby\'s read from its region (ADR 0018)', () => {
    const [primary, standby] = sites;
    const imported = (route: 'Page' | 'Notify') => ({ 'Fn::ImportValue': expect.stringMatching(new RegExp(`^${primary!.app.stackName}:ExportsOutputRefAlarmTopics${route}`)) });
    const published = (route: 'Page' | 'Notify') => ({
      'Fn::GetStackOutput': { StackName: standby!.app.stackName, Region: standby!.region, OutputName: expect.stringMatching(new RegExp(`^PublishOutputRefAlarmTopics${route}`)) },
    });
    expect(channels[0]!.props.SnsTopicArns).toEqual([imported('Page'), imported('Notify'), published('Page'), published('Notify')]);
  });

  test('THEN channel members can read CloudWatch and nothing else: not Chatbot\'s default AdministratorAccess guardrail', () => {
    const guardrails = JSON.stringify(channels[0]!.props.GuardrailPolicies);
    expect(guardrails).toContain(':iam::aws:policy/CloudWatchReadOnlyAccess');
    expect(guardrails).not.toContain('AdministratorAccess');
  });

  test('THEN the app stacks make no channel of their own', () => {
    for (const site of sites) templates.get(site.app)!.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
  });
});

describe('dashboards', () => {
  const dashboards = new Map(sites.map((site) => [site.name, Object.values(templates.get(site.app)!.findResources('AWS::CloudWatch::Dashboard'))]));

  test('THEN the primary and the standby name their dashboards differently (names are global per account)', () => {
    const names = everywhere('AWS::CloudWatch::Dashboard').map((d) => d.props.DashboardName);
    expect(names.sort()).toEqual([prefix, `${prefix}-standby`]);
  });

  test('THEN each site\'s DashboardUrl opens its own dashboard in its own region\'s console', () => {
    for (const site of sites) {
      expect(dashboards.get(site.name)![0]!.Properties.DashboardName).toBe(site.dashboard);
      const url = templates.get(site.app)!.findOutputs('DashboardUrl').DashboardUrl!.Value;
      expect(url).toBe(`https://${site.region}.console.aws.amazon.com/cloudwatch/home?region=${site.region}#dashboards/dashboard/${site.dashboard}`);
    }
  });

  test(`THEN no alarm widget holds more than ${MAX_ALARMS_PER_WIDGET} alarms, and each site's dashboard shows each of its alarms once`, () => {
    for (const site of sites) {
      const widgets = dashboardBody(dashboards.get(site.name)![0]!.Properties).widgets.filter((w) => w.type === 'alarm');
      expect(widgets.length).toBeGreaterThan(1);
      for (const w of widgets) expect(w.properties.alarms!.length).toBeLessThanOrEqual(MAX_ALARMS_PER_WIDGET);
      const shown = widgets.flatMap((w) => w.properties.alarms!);
      expect(new Set(shown).size).toBe(shown.length);
      // Every web service's alarms are on its region's dashboard.
      for (const svc of services) expect(shown).toContain(`arn:aws:cloudwatch:${site.region}:${account}:alarm:${prefix}-${svc.name}-error-rate`);
    }
  });
});

describe('a region that goes dark', () => {
  const runbooks = readFileSync(join(__dirname, '..', 'docs', 'runbooks.md'), 'utf8');
  const adr = readFileSync(join(__dirname, '..', 'docs', 'adr', '0014-standby-region.md'), 'utf8');

  test('THEN the health check reads the origin check, whose missing data breaches, and the runbook and ADR 0014 say so', () => {
    for (const site of sites) {
      const t = templates.get(site.app)!;
      const [alarmId] = Object.keys(t.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: `${prefix}-origin-check`, TreatMissingData: 'breaching' } }));
      expect(alarmId).toBeDefined();
      t.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', InsufficientDataHealthStatus: 'Unhealthy', AlarmIdentifier: { Name: { Ref: alarmId } } },
      });
    }
    expect(runbooks).toContain('or did not report at all (the region dark');
    expect(adr).toContain('read a dark region as healthy');
    for (const text of [runbooks, adr]) expect(text).not.toMatch(/cannot be read,? counts? as\s+unhealthy/);
  });
});
