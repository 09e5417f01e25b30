import { DEPLOYABILITY, formatFinding, formatFindings, runGate } from '../../review/gate';
import { PHASE_PRESETS, resolveConfig } from '../../config';
import { LARGE_SERVICES, LARGE_SETTINGS, LARGE_WORKERS } from '../../review/large-settings';
import { FailoverWithoutTargetHealth } from '../../review/gate/rules/failover/failover-without-target-health';
import { deployment } from './support';

describe('the deployability gate', () => {
  test('THEN every rule has a unique id, cites an AWS page and says how to fix what it finds', () => {
    const ids = DEPLOYABILITY.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of DEPLOYABILITY) {
      expect(rule.documentation).toMatch(/https:\/\/(docs\.aws\.amazon\.com|repost\.aws)\//);
      expect(rule.fix.length).toBeGreaterThan(30);
      expect(rule.summary.length).toBeGreaterThan(30);
    }
  });

  test('GIVEN a finding on a resource with aws:cdk:path metadata THEN it names the stack, the logical id, the construct path, the rule, the fix and the page', () => {
    const d = deployment({
      'shop-prod-app': {
        resources: {
          OriginRecord: {
            Type: 'AWS::Route53::RecordSet',
            Metadata: { 'aws:cdk:path': 'shop-prod-app/OriginRecord/Record/Resource' },
            Properties: { Name: 'origin.example.com.', Type: 'A', Failover: 'PRIMARY', AliasTarget: { DNSName: 'lb', HostedZoneId: 'Z', EvaluateTargetHealth: true } },
          },
        },
      },
    });
    const [finding] = runGate([FailoverWithoutTargetHealth], { deployment: d });
    expect(finding).toMatchObject({ rule: 'FailoverWithoutTargetHealth', stack: 'shop-prod-app', logicalId: 'OriginRecord', path: 'shop-prod-app/OriginRecord/Record/Resource' });
    const text = formatFinding(finding!);
    expect(text).toMatch(/^FailoverWithoutTargetHealth: shop-prod-app OriginRecord \(shop-prod-app\/OriginRecord\/Record\/Resource\)$/m);
    expect(text).toMatch(/^ {4}fix: set EvaluateTargetHealth to false/m);
    expect(text).toMatch(/^ {4}see: .*https:\/\/docs\.aws\.amazon\.com\/Route53\//m);
  });
});

describe('findings grouped by rule', () => {
  test('GIVEN two findings of one rule THEN its fix and page are printed once, then each resource', () => {
    const record = (failover: string) => ({
      Type: 'AWS::Route53::RecordSet',
      Properties: { Name: 'origin.example.com.', Type: 'A', Failover: failover, AliasTarget: { DNSName: 'lb', HostedZoneId: 'Z', EvaluateTargetHealth: true } },
    });
    const d = deployment({ app: { resources: { Primary: record('PRIMARY') } }, standby: { region: 'us-west-2', resources: { Secondary: record('SECONDARY') } } });
    const text = formatFindings(runGate([FailoverWithoutTargetHealth], { deployment: d }));
    expect(text.match(/^ {2}fix: /gm)).toHaveLength(1);
    expect(text).toMatch(/^FailoverWithoutTargetHealth \(2\)$/m);
    expect(text).toMatch(/^ {2}- app Primary: PRIMARY failover record/m);
    expect(text).toMatch(/^ {2}- standby Secondary: SECONDARY failover record/m);
  });
});

describe('the large configuration npm run check gates', () => {
  test('THEN it resolves to 20 services, 10 workers, HTTPS behind the CDN, a hosted zone, Slack and a standby in another region', () => {
    const c = resolveConfig({ phase: 'phase3', stage: 'prod', settings: LARGE_SETTINGS });
    expect(c.services).toHaveLength(LARGE_SERVICES);
    expect(c.workers).toHaveLength(LARGE_WORKERS);
    expect(LARGE_SERVICES).toBe(20);
    expect(LARGE_WORKERS).toBe(10);
    expect(c.ingress.certificateArn).toBeDefined();
    expect(c.ingress.hostedZone).not.toBeNull();
    expect(c.edge).not.toBeNull();
    expect(c.alarms.slack).not.toBeNull();
    expect(c.standby?.region).not.toBe(c.env.region);
    expect(c.standby?.region).not.toBe(PHASE_PRESETS.phase3.standby?.region);
  });
});
