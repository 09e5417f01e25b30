import { Template } from 'aws-cdk-lib/assertions';
import { resolveConfig, UserSettings } from '../config';
import { planUpgrade, synthesizeTemplates, Templates } from '../review/plan';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { CDK_CONTEXT } from './support/blueprint';

// GIVEN phase 3 in prod as it runs, with 3 NAT gateways in each region, then the same deployment lowered to 1 in each
// (a standby back from the primary's count after a switch back, or a primary scaled down). Synthesized with the compliance plugins on.
const withNat = (primary: number, standby: number): Templates => {
  const phase3 = PRODUCTION_SETTINGS.phases!.phase3!;
  const settings = { ...PRODUCTION_SETTINGS, phases: { phase3: { ...phase3, network: { natGateways: primary }, standby: { ...phase3.standby, natGateways: standby } } } } as UserSettings;
  return synthesizeTemplates(resolveConfig({ phase: 'phase3', stage: 'prod', settings }), CDK_CONTEXT);
};
const three = withNat(3, 3);
const one = withNat(1, 1);
type Resource = { Type: string; Properties: Record<string, any> };
const resources = (t: Templates, stack: string, type: string): Record<string, Resource> =>
  Template.fromJSON(t[`blueprint-prod-${stack}`] as Record<string, unknown>).findResources(type) as Record<string, Resource>;

describe('the NAT gateways\' addresses', () => {
  test.each([
    ['data', 'app'],
    ['standby-data', 'standby-app'],
  ])('GIVEN 3 NAT gateways THEN %s lists each Elastic IP as a /32 in one prefix list of 3 entries at most, and %s admits the origin check from it in one rule', (data, app) => {
    const lists = resources(three, data, 'AWS::EC2::PrefixList');
    expect(Object.keys(lists)).toHaveLength(1);
    const [listId, list] = Object.entries(lists)[0]!;
    const eips = Object.keys(resources(three, data, 'AWS::EC2::EIP'));
    expect(eips).toHaveLength(3);
    expect(list.Properties.AddressFamily).toBe('IPv4');
    expect(list.Properties.MaxEntries).toBe(3);
    expect(list.Properties.Entries.map((e: { Cidr: unknown }) => e.Cidr)).toEqual(eips.map((eip) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [eip, 'PublicIp'] }, '/32']] })));

    const rules = Object.values(resources(three, app, 'AWS::EC2::SecurityGroupIngress')).filter((r) => String(r.Properties.Description).startsWith('Origin check'));
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties).toMatchObject({ FromPort: 443, ToPort: 443, IpProtocol: 'tcp', SourcePrefixListId: { 'Fn::ImportValue': expect.stringContaining(listId) } });
    expect(rules[0]!.Properties).not.toHaveProperty('CidrIp');
  });

  test('WHEN each region lowers its NAT gateways from 3 to 1 THEN no consumer is stranded: the prefix list keeps its id and size, only its entries change', () => {
    const plan = planUpgrade(three, one);
    expect(plan.stranded).toEqual([]);
    expect(plan.blocked).toEqual([]);
    for (const data of ['data', 'standby-data']) {
      const [listId, before] = Object.entries(resources(three, data, 'AWS::EC2::PrefixList'))[0]!;
      const after = resources(one, data, 'AWS::EC2::PrefixList')[listId]!;
      expect(after.Properties.MaxEntries).toBe(before.Properties.MaxEntries);
      expect(after.Properties.Entries).toHaveLength(1);
      expect(plan.changes.find((c) => c.stack === `blueprint-prod-${data}` && c.logicalId === listId)?.impact).toBe('updated in place');
    }
    // The origin check's rules read the same export before and after: they do not change at all.
    expect(plan.changes.filter((c) => c.type === 'AWS::EC2::SecurityGroupIngress' && c.logicalId.startsWith('OriginCheck'))).toEqual([]);
  });
});
