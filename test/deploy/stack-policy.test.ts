import { App } from 'aws-cdk-lib';
import { resolveConfig } from '../../config';
import { buildBlueprint } from '../../lib/blueprint';
import { Deployment, deploymentOf, pageAlarmName } from '../../review/deploy/assembly';
import { GuardedDeploy } from '../../review/deploy/guard';
import { DENIED_ACTIONS, durableResources, STACK_POLICY_MAX_BYTES, stackPolicyFor } from '../../review/stack-policy';
import { resourceStateClass, STATE_CLASS_METADATA, stateClassOf } from '../../review/state-classes';
import { CDK_CONTEXT } from '../support/blueprint';
import { FakeRegion, policyDenies } from './fake-aws';

// GIVEN every phase of the prod stage, synthesized once, as the guarded deploy reads it
function deployment(phase: string): Deployment {
  const config = resolveConfig({ phase, stage: 'prod' });
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  buildBlueprint(app, config);
  return deploymentOf(app.synth(), config);
}
const PHASES = ['phase1', 'phase2', 'phase3'] as const;
const deployments = Object.fromEntries(PHASES.map((p) => [p, deployment(p)])) as Record<(typeof PHASES)[number], Deployment>;

describe.each(PHASES)('the stack policies of %s', (phase) => {
  const stacks = deployments[phase].stacks;

  test('THEN every durable resource of every stack is denied Update:Replace and Update:Delete, and may still be modified in place', () => {
    let covered = 0;
    for (const s of stacks) {
      const policy = stackPolicyFor(s.template);
      for (const [id, type] of durableResources(s.template)) {
        for (const action of DENIED_ACTIONS) expect({ stack: s.name, id, action, denied: policyDenies(policy, action, id, type) }).toMatchObject({ denied: true });
        expect(policyDenies(policy, 'Update:Modify', id, type)).toBe(false);
        covered++;
      }
    }
    // The data stack alone holds a VPC, subnets, a key, a database and buckets.
    expect(covered).toBeGreaterThan(10);
  });

  test('THEN no stateless or transient resource is frozen', () => {
    for (const s of stacks) {
      const policy = stackPolicyFor(s.template);
      for (const [id, r] of Object.entries(s.template.Resources ?? {}).filter(([, r]) => resourceStateClass(r) !== 'durable')) {
        for (const action of ['Update:Replace', 'Update:Delete', 'Update:Modify']) {
          expect({ stack: s.name, id, action, denied: policyDenies(policy, action, id, r.Type) }).toMatchObject({ denied: false });
        }
      }
    }
  });

  test('THEN every policy fits CloudFormation\'s 16 KB limit, with room to spare', () => {
    for (const s of stacks) expect(Buffer.byteLength(JSON.stringify(stackPolicyFor(s.template)))).toBeLessThan(STACK_POLICY_MAX_BYTES / 8);
  });
});

describe('an override policy for a deliberate migration', () => {
  const data = deployments.phase2.stacks.find((s) => s.name === 'blueprint-prod-data')!;
  const durable = durableResources(data.template);
  const database = [...durable].find(([, t]) => t === 'AWS::RDS::DBInstance')![0];

  test('WHEN one database is allowed THEN only it may be replaced; every other durable resource, its read replicas included, stays frozen', () => {
    expect([...durable.values()].filter((t) => t === 'AWS::RDS::DBInstance').length).toBeGreaterThan(1);
    const policy = stackPolicyFor(data.template, { allow: [database] });
    expect(policyDenies(policy, 'Update:Replace', database, 'AWS::RDS::DBInstance')).toBe(false);
    for (const [id, type] of durable) {
      if (id !== database) expect({ id, denied: policyDenies(policy, 'Update:Replace', id, type) }).toEqual({ id, denied: true });
    }
  });

  test('WHEN a stateless resource is named THEN the policy is the protective one: it was never frozen', () => {
    const stateless = Object.entries(data.template.Resources ?? {}).find(([, r]) => stateClassOf(r.Type) === 'stateless')![0];
    expect(stackPolicyFor(data.template, { allow: [stateless] })).toEqual(stackPolicyFor(data.template));
  });

  test('WHEN a store and a cache share a type THEN only the store, durable by its metadata, is frozen', () => {
    const group = 'AWS::ElastiCache::ReplicationGroup';
    expect(stateClassOf(group)).toBe('transient');
    const policy = stackPolicyFor({ Resources: { Store: { Type: group, Metadata: { [STATE_CLASS_METADATA]: 'durable' } }, Cache: { Type: group } } });
    expect(policyDenies(policy, 'Update:Replace', 'Store', group)).toBe(true);
    expect(policyDenies(policy, 'Update:Replace', 'Cache', group)).toBe(false);
  });

  test('WHEN more resources are allowed than a policy can name THEN it says so instead of sending an oversized policy', () => {
    const many = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`Queue${String(i).padStart(4, '0')}WithALongLogicalId`, { Type: 'AWS::SQS::Queue' }]));
    expect(() => stackPolicyFor({ Resources: many }, { allow: ['Queue0000WithALongLogicalId'] })).toThrow(/The stack policy is \d+ bytes; CloudFormation accepts at most 16384/);
  });
});

describe('the deployment the guard reads from the assembly (phase 3)', () => {
  const d = deployments.phase3;

  test('THEN every stack comes after the stacks it depends on', () => {
    const order = d.stacks.map((s) => s.name);
    for (const s of d.stacks) for (const dep of s.dependsOn) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(s.name));
    // The standby's copy vault and recovery key come first: the primary's data stack names them (ADR 0017).
    expect(order.slice(0, 2)).toEqual(['blueprint-prod-standby-recovery', 'blueprint-prod-data']);
  });

  test('THEN the stacks span the primary region, us-east-1 for the edge and the standby region', () => {
    const region = (name: string): string => d.stacks.find((s) => s.name === name)!.region;
    expect(region('blueprint-prod-edge')).toBe('us-east-1');
    expect(region('blueprint-prod-standby-data')).not.toBe(region('blueprint-prod-data'));
  });

  test('THEN each stack names its template in its own region\'s bootstrap bucket and the bootstrap execution role', () => {
    for (const s of d.stacks) {
      expect(s.templateUrl).toMatch(new RegExp(`^https://s3\\.${s.region}\\.amazonaws\\.com/cdk-hnb659fds-assets-${s.account}-${s.region}/[0-9a-f]{64}\\.json$`));
      expect(s.executionRoleArn).toBe(`arn:aws:iam::${s.account}:role/cdk-hnb659fds-cfn-exec-role-${s.account}-${s.region}`);
    }
    expect(d.stacks.find((s) => s.name === 'blueprint-prod-data')!.terminationProtection).toBe(true);
  });

  test('THEN the error-budget gate reads the burn-rate page alarm the app stacks create, in the primary and the standby region', () => {
    expect(pageAlarmName({ appName: 'blueprint', stage: 'prod' })).toBe('blueprint-prod-availability-burn-page');
    const regionOf = (name: string): string => d.stacks.find((s) => s.name === name)!.region;
    expect(d.pageAlarms).toEqual([
      { region: regionOf('blueprint-prod-app'), alarmName: 'blueprint-prod-availability-burn-page' },
      { region: regionOf('blueprint-prod-standby-app'), alarmName: 'blueprint-prod-availability-burn-page' },
    ]);
  });
});

describe('the guarded deploy of the synthesized phase 3, nothing changed', () => {
  test('THEN every stack, in each of its regions, ends with the stack policy of its own template', async () => {
    const d = deployments.phase3;
    const regions = new Map(
      [...new Set(d.stacks.map((s) => s.region))].map((region) => {
        const mine = d.stacks.filter((s) => s.region === region).map((s) => s.name);
        return [region, new FakeRegion(region, { stacks: Object.fromEntries(mine.map((n) => [n, 'UPDATE_COMPLETE'])), planned: Object.fromEntries(mine.map((n) => [n, { empty: true }])) })];
      }),
    );
    const guard = new GuardedDeploy(d, { clients: (r) => regions.get(r)!, publishAssets: async () => undefined, log: () => undefined, pollIntervalMs: 0 });

    const outcome = await guard.deploy();

    expect(outcome).toMatchObject({ result: 'deployed', deployed: [] });
    expect(regions.size).toBe(2);
    for (const s of d.stacks) {
      const region = regions.get(s.region)!;
      expect({ stack: s.name, policy: region.stacks.get(s.name)!.policy }).toEqual({ stack: s.name, policy: stackPolicyFor(s.template) });
      expect(region.stacks.get(s.name)!.terminationProtection).toBe(s.terminationProtection);
    }
    expect([...regions.values()].flatMap((r) => [...r.changeSets.keys()])).toEqual([]);
  });
});
