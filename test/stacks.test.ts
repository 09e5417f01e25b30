import { normalizeTemplate } from '../review/snapshot';
import { synthesize } from './support/blueprint';

// GIVEN the default blueprint (phase 1, dev) and a named prod deployment
const dev = synthesize();
const shop = synthesize({ appName: 'shop', stage: 'prod' });

describe('buildBlueprint', () => {
  test('THEN stacks are named <app>-<stage>-<role>, never after the phase: data, app, and one per service', () => {
    expect(dev.app.node.children.map((c) => c.node.id).filter((id) => id.startsWith('blueprint'))).toEqual([
      'blueprint-dev-data',
      'blueprint-dev-app',
      'blueprint-dev-service-web',
    ]);
    expect(shop.blueprint.data.stackName).toBe('shop-prod-data');
    expect(shop.blueprint.app.stackName).toBe('shop-prod-app');
    expect(shop.blueprint.services.get('web')!.stackName).toBe('shop-prod-service-web');
  });

  test('THEN the stateful stack is termination-protected, and the others depend on it, never the reverse', () => {
    expect(dev.blueprint.data.terminationProtection).toBe(true);
    expect(dev.blueprint.data.dependencies).toEqual([]);
    expect(dev.blueprint.app.dependencies).toEqual([dev.blueprint.data]);
    const web = dev.blueprint.services.get('web')!;
    expect(web.dependencies).toEqual(expect.arrayContaining([dev.blueprint.data, dev.blueprint.app]));
  });

  test('THEN stateful resources are in the data stack and stateless ones in the app stack', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::KMS::Key', 'AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup', 'AWS::S3::Bucket']) {
      dev.data.resourceCountIs(type, 1);
      dev.appStack.resourceCountIs(type, 0);
    }
    // The database's master password, the application login's and the cache's AUTH token.
    dev.data.resourceCountIs('AWS::SecretsManager::Secret', 3);
    dev.appStack.resourceCountIs('AWS::SecretsManager::Secret', 0);
    for (const type of ['AWS::ECS::Cluster', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::CloudWatch::Dashboard']) {
      dev.appStack.resourceCountIs(type, 1);
      dev.data.resourceCountIs(type, 0);
    }
    for (const type of ['AWS::ECS::Service', 'AWS::ECS::TaskDefinition', 'AWS::ElasticLoadBalancingV2::TargetGroup']) {
      dev.web.resourceCountIs(type, 1);
      // The app stack's one task definition creates the application login during its deploy (ADR 0032).
      dev.appStack.resourceCountIs(type, type === 'AWS::ECS::TaskDefinition' ? 1 : 0);
    }
    expect(Object.keys(dev.appStack.findResources('AWS::ECS::TaskDefinition'))).toEqual([expect.stringMatching(/^LoginSetupTask/)]);
  });

  test('THEN stacks are bound to the configured account and region, and no context look-up is pending', () => {
    expect(dev.blueprint.data.account).toBe('111111111111');
    expect(dev.blueprint.data.region).toBe('us-east-1');
    const assembly = dev.app.synth();
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  test('THEN no logical id or stack name mentions a phase', () => {
    for (const t of [dev.data, dev.appStack, dev.web]) {
      for (const id of Object.keys(t.toJSON().Resources)) expect(id).not.toMatch(/phase/i);
    }
  });
});

// Normalized as users' snapshots are (review/snapshot.ts): an aws-cdk-lib upgrade alone does not change them.
describe('snapshots (a safety net: the assertions above and in the other files say what matters)', () => {
  test('data stack', () => expect(normalizeTemplate(dev.data.toJSON())).toMatchSnapshot());
  test('app stack', () => expect(normalizeTemplate(dev.appStack.toJSON())).toMatchSnapshot());
  test('web service stack', () => expect(normalizeTemplate(dev.web.toJSON())).toMatchSnapshot());
});
