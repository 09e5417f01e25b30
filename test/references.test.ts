import { Stack } from 'aws-cdk-lib';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { synthesize, Synthesized } from './support/blueprint';

// GIVEN each phase in prod as it runs, and phase 2 in eu-west-1 with no origin name (the CDN reads the load balancer's)
const LADDER = (['phase1', 'phase2', 'phase3'] as const).map((phase) => [phase, synthesize({ phase, stage: 'prod', settings: PRODUCTION_SETTINGS })] as const);
const eu = synthesize({ phase: 'phase2', stage: 'prod', settings: { env: { region: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] } } });

interface Reference {
  readonly consumer: string;
  readonly kind: 'strong' | 'weak';
  /** The producing stack's name. */
  readonly producer: string;
  /** The producer's region, when the reference names one. */
  readonly region?: string;
  /** The export's or output's name. */
  readonly output: string;
}

function stacksOf(s: Synthesized): Stack[] {
  return s.app.node.children.filter((c): c is Stack => c instanceof Stack);
}

/** Every cross-stack reference in a synthesized blueprint, by consumer. */
function referencesOf(s: Synthesized): Reference[] {
  const found: Reference[] = [];
  for (const stack of stacksOf(s)) {
    const template = s.stack(stack.stackName.replace(`${s.config.appName}-${s.config.stage}-`, '')).toJSON();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      const o = node as Record<string, any>;
      if (typeof o['Fn::ImportValue'] === 'string') {
        const [producer, output] = (o['Fn::ImportValue'] as string).split(':');
        found.push({ consumer: stack.stackName, kind: 'strong', producer: producer!, output: output! });
      } else if (o['Fn::GetStackOutput']) {
        const r = o['Fn::GetStackOutput'];
        found.push({ consumer: stack.stackName, kind: 'weak', producer: r.StackName, region: r.Region, output: r.OutputName });
      } else {
        Object.values(o).forEach(walk);
      }
    };
    walk(template.Resources);
  }
  return found;
}

const regionOf = (s: Synthesized, stackName: string): string => stacksOf(s).find((st) => st.stackName === stackName)!.region;
/** The site a stack belongs to: the global edge, the primary region's stacks, or the standby's. */
const siteOf = (stackName: string): string => (stackName.endsWith('-edge') ? 'edge' : stackName.includes('-standby-') ? 'standby' : 'primary');
const withinSite = (r: Reference): boolean => siteOf(r.producer) === siteOf(r.consumer);

describe('cross-stack references (ADR 0018)', () => {
  test.each(LADDER)('GIVEN %s THEN every reference within a region\'s stacks is a strong export, which CloudFormation keeps while it is imported', (_phase, s) => {
    const sameRegion = referencesOf(s).filter(withinSite);
    for (const r of sameRegion) expect(regionOf(s, r.producer)).toBe(regionOf(s, r.consumer));
    expect(sameRegion.length).toBeGreaterThan(0);
    expect(sameRegion.filter((r) => r.kind !== 'strong')).toEqual([]);
    // The data → app → service chain, in particular.
    expect(sameRegion).toEqual(expect.arrayContaining([
      expect.objectContaining({ consumer: 'blueprint-prod-app', producer: 'blueprint-prod-data' }),
      expect.objectContaining({ consumer: 'blueprint-prod-service-web', producer: 'blueprint-prod-app' }),
      expect.objectContaining({ consumer: 'blueprint-prod-service-web', producer: 'blueprint-prod-data' }),
    ]));
  });

  test.each(LADDER)('GIVEN %s THEN every reference between the edge and a region, or between regions, is weak, read from the producer\'s region, and no export writer or reader exists', (_phase, s) => {
    const crossRegion = referencesOf(s).filter((r) => !withinSite(r));
    for (const r of crossRegion) expect(r).toMatchObject({ kind: 'weak', region: regionOf(s, r.producer) });
    for (const stack of stacksOf(s)) {
      const types = Object.values(s.stack(stack.stackName.replace('blueprint-prod-', '')).toJSON().Resources as Record<string, { Type: string }>).map((x) => x.Type);
      expect(types.filter((t) => t.startsWith('Custom::CrossRegionExport'))).toEqual([]);
    }
  });

  test('GIVEN phase 3 THEN the weak references are exactly the kinds ADR 0018 lists', () => {
    const p3 = LADDER[2][1];
    const kinds = new Set(
      referencesOf(p3)
        .filter((r) => !withinSite(r))
        .map((r) => `${r.consumer.replace('blueprint-prod-', '')} <- ${r.producer.replace('blueprint-prod-', '')}: ${r.output.replace(/^PublishOutput(FnGetAtt|Ref)/, '').replace(/[0-9A-F]{8}/g, '')}`),
    );
    expect([...kinds].sort()).toEqual([
      'app <- edge: CdnDistributionDomainName',
      'standby-data <- data: DatabaseAppSecretStandbyReplicaArn',
      'standby-data <- data: DatabaseSecretStandbyReplicaArn',
    ]);
    // Without an origin name, the CDN reads the primary load balancer's name from its region.
    expect(referencesOf(eu).filter((r) => r.consumer === 'blueprint-prod-edge')).toEqual([
      expect.objectContaining({ kind: 'weak', producer: 'blueprint-prod-app', region: 'eu-west-1', output: expect.stringMatching(/^PublishOutputFnGetAttIngressLoadBalancer.*DNSName/) }),
    ]);
  });

  test('WHEN each phase is upgraded to the next THEN no export a consumer imports disappears or changes, so no deploy meets an export lock', () => {
    const exportsOf = (s: Synthesized): Map<string, string> =>
      new Map(
        stacksOf(s).flatMap((st) =>
          Object.values((s.stack(st.stackName.replace('blueprint-prod-', '')).toJSON().Outputs ?? {}) as Record<string, { Export?: { Name: string }; Value: unknown }>)
            .filter((o) => o.Export)
            .map((o) => [o.Export!.Name, JSON.stringify(o.Value)] as const),
        ),
      );
    for (let i = 0; i + 1 < LADDER.length; i++) {
      const [from, to] = [LADDER[i]![1], LADDER[i + 1]![1]];
      const before = exportsOf(from);
      const after = exportsOf(to);
      const imported = new Set(referencesOf(from).filter((r) => r.kind === 'strong').map((r) => `${r.producer}:${r.output}`));
      expect(imported.size).toBeGreaterThan(0);
      const locked = [...imported].filter((name) => after.get(name) !== before.get(name));
      expect({ upgrade: `${LADDER[i]![0]} -> ${LADDER[i + 1]![0]}`, locked }).toEqual({ upgrade: `${LADDER[i]![0]} -> ${LADDER[i + 1]![0]}`, locked: [] });
    }
  });
});
