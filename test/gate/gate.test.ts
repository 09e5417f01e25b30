import { DEPLOYABILITY, formatFinding, runGate } from '../../review/gate';
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
