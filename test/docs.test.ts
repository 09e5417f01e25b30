import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PHASES, resolveConfig } from '../config';
import { BUDGET_PER_MONTH, UNPRICED_TYPES } from '../config/prices';
import { fixedCosts, generatePhaseDocs, phaseDoc, resourcesOf } from '../review/phase-doc';
import { isDrawn, isStore, LEGEND, phaseDiagrams, STORE_SHAPES } from '../review/phase-diagram';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { CDK_CONTEXT } from './support/blueprint';

// GIVEN the pages generated now, from every phase synthesized once
const { files: generated, templates } = generatePhaseDocs(CDK_CONTEXT);
const configOf = (phase: string) => resolveConfig({ phase, stage: 'prod', settings: PRODUCTION_SETTINGS });

/** The Mermaid blocks of a page, the legend last. */
const blocksOf = (page: string): string[] => [...page.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Node declarations of a Mermaid flowchart: id, opening bracket, label. */
const OPENERS = ['(("', '[("', '[["', '[/"', '{{"', '(["', '["'] as const;
function declarations(block: string): { id: string; opener: string; label: string }[] {
  return [...block.matchAll(/^\s+(\w+)(\(\("|\[\("|\[\["|\[\/"|\{\{"|\(\["|\[")(.*?)("\)\)|"\)\]|"\]\]|"\/\]|"\}\}|"\]\)|"\])$/gm)].map((m) => ({ id: m[1]!, opener: m[2]!, label: m[3]! }));
}
const STORE_OPENERS: Readonly<Record<string, string>> = { cylinder: '[("', queue: '[["', stream: '[/"', hexagon: '{{"' };

/** Rows of the markdown table under a heading. */
function tableUnder(page: string, heading: string): string[][] {
  const section = page.slice(page.indexOf(`## ${heading}`));
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > 0 && !section.includes(`${lines[i - 1]}\n${l}`));
  return (end > 0 ? lines.slice(0, end) : lines).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

describe('npm run docs', () => {
  test('THEN the committed pages are current: regenerating changes nothing', () => {
    for (const [name, content] of Object.entries(generated)) {
      expect(readFileSync(join(__dirname, '..', 'docs', 'phases', name), 'utf8')).toBe(content);
    }
  });

  test.each(PHASES)('THEN every type of %s is priced or known to have no fixed price', (phase) => {
    const { rows, unpriced } = fixedCosts(resourcesOf(templates[phase]!));
    expect(unpriced).toEqual([]);
    for (const r of rows) expect(Number.isFinite(r.monthly)).toBe(true);
    for (const type of new Set(resourcesOf(templates[phase]!).map((r) => r.type))) {
      const priced = rows.some((r) => r.type === type);
      expect(priced || type in UNPRICED_TYPES).toBe(true);
    }
  });

  test.each(PHASES)('THEN the fixed cost of %s stays within its budget', (phase) => {
    const total = fixedCosts(resourcesOf(templates[phase]!)).rows.reduce((a, r) => a + r.monthly, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(BUDGET_PER_MONTH[phase]);
  });
});

describe('phase diagrams', () => {
  test.each([
    ['phase1', 1],
    ['phase2', 1],
    ['phase3', 3],
  ] as const)('THEN %s has %i diagram(s) plus the legend, each small enough to read at 900 px', (phase, count) => {
    const blocks = blocksOf(generated[`${phase}.md`]!);
    expect(blocks).toHaveLength(count + 1);
    expect(blocks[blocks.length - 1]).toBe(LEGEND.mermaid.replace(/^```mermaid\n/, '').replace(/```$/, ''));
    for (const block of blocks) {
      const ids = declarations(block).map((d) => d.id);
      // Measured with `npm run diagrams`: 20 boxes in a top-down region stay under 1,200 px wide (12 px text at 900 px).
      expect(ids.length).toBeLessThanOrEqual(20);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  test.each(PHASES)('THEN no box of %s carries a logical id: they stay in the tables', (phase) => {
    const logicalIds = resourcesOf(templates[phase]!).map((r) => r.id);
    const labels = blocksOf(generated[`${phase}.md`]!).flatMap(declarations).map((d) => d.label);
    expect(labels.length).toBeGreaterThan(10);
    const all = labels.join('\n');
    expect(logicalIds.filter((id) => all.includes(id))).toEqual([]);
    expect(labels.filter((l) => /[0-9A-F]{8}\b/.test(l))).toEqual([]);
  });

  test.each(PHASES)('THEN every resource %s builds that a reviewer needs has a box, and every store is drawn as a store', (phase) => {
    const res = resourcesOf(templates[phase]!);
    const diagrams = phaseDiagrams(res, configOf(phase));
    const page = generated[`${phase}.md`]!;
    const regionBoxes = diagrams.filter((d) => d.title !== 'What crosses regions').flatMap((d) => d.nodes);
    const allBoxes = diagrams.flatMap((d) => d.nodes);
    const declared = blocksOf(page).flatMap(declarations);
    const stores = res.filter((r) => isStore(r.type));
    expect(stores.length).toBeGreaterThan(3);
    for (const r of res.filter((x) => isDrawn(x.type))) {
      // In one region diagram, or (phase 3's edge) in the overview; the overview repeats a few regional boxes.
      expect(regionBoxes.filter((n) => n.members.includes(r)).length).toBeLessThanOrEqual(1);
      const box = allBoxes.find((n) => n.members.includes(r));
      expect(box).toBeDefined();
      if (!box) continue;
      if (!isStore(r.type)) continue;
      expect(STORE_SHAPES).toContain(box.shape);
      expect(declared).toContainEqual({ id: box.id, opener: STORE_OPENERS[box.shape], label: box.label });
    }
    // Stores no request reaches are set apart from the request path.
    const apart = blocksOf(page).flatMap((b) => [...b.matchAll(/subgraph \w*[aA]part\["[^"]*"\]\n([\s\S]*?)\n\s+end/g)].map((m) => m[1]!));
    for (const type of ['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::Backup::BackupVault']) {
      const box = regionBoxes.find((n) => n.members.some((m) => m.type === type))!;
      expect(apart.join('\n')).toContain(`${box.id}${STORE_OPENERS[box.shape]}`);
      expect(page).not.toMatch(new RegExp(`${box.id} -`));
    }
  });

  test.each(PHASES)('THEN every region %s deploys to is named in its diagrams', (phase) => {
    const config = configOf(phase);
    const page = generated[`${phase}.md`]!;
    expect(page).toContain(`subgraph primary["Primary region: ${config.env.region}"]`);
    if (config.edge) expect(page).toContain('subgraph edge["Edge: CloudFront, global (stack in us-east-1)"]');
    if (config.standby) {
      const blocks = blocksOf(page);
      expect(blocks[0]).toContain(`subgraph standby["Standby region: ${config.standby.region}"]`);
      expect(blocks[0]).toContain(`subgraph primary["Primary region: ${config.env.region}"]`);
      expect(blocks[2]).toContain(`subgraph standby["Standby region: ${config.standby.region}"]`);
    }
  });

  test.each(PHASES)('THEN every box of %s is in the components table, by logical id', (phase) => {
    const res = resourcesOf(templates[phase]!);
    const rows = tableUnder(generated[`${phase}.md`]!, 'Components');
    const ids = rows.map((r) => r[1]);
    for (const d of phaseDiagrams(res, configOf(phase))) for (const n of d.nodes) for (const m of n.members) expect(ids).toContain(m.id);
    if (phase !== 'phase1') expect(rows.some((r) => r[0] === 'CloudFront::Distribution')).toBe(true);
  });

  test('THEN phase 2 draws the flows that security groups, grants, redrive and replication allow, between collapsed boxes', () => {
    const [region] = blocksOf(generated['phase2.md']!);
    expect(region).toContain('users --> edgeWaf --> edgeCdn');
    expect(region).toContain('edgeCdn -->|origin| primaryAlb');
    expect(region).toContain('primaryAlb -->|":8080"| primaryServiceWeb');
    expect(region).toContain('primaryServiceWeb -->|":5432"| primaryDb');
    expect(region).toContain('primaryServiceWeb -->|":6379"| primaryCache');
    expect(region).toContain('primaryServiceWeb -->|produce| primaryQueueQueueworkerQueue');
    expect(region).toContain('primaryQueueQueueworkerQueue -->|consume| primaryWorkerWorker');
    expect(region).toContain('primaryQueueQueueworkerQueue -.->|"after 5 receives"| primaryQueueQueueworkerDeadLetters');
    expect(region).toContain('primaryDb -.->|replicates| primaryDbReplicas');
    // Three NAT gateways and two replicas are one box each, with their count.
    expect(region).toContain('primaryNat["NAT gateway × 3<br/>one per zone"]');
    expect(region).toMatch(/primaryDbReplicas\[\("PostgreSQL read replicas × 2<br\/>/);
    // The dead-letter queue is reached only by its redrive, never by a producer.
    expect(region).not.toMatch(/-->\|produce\| primaryQueueQueueworkerDeadLetters/);
  });

  test('THEN phase 3 has an overview of what crosses regions, then one diagram per region', () => {
    const [overview, primary, standby] = blocksOf(generated['phase3.md']!);
    expect(overview).toContain('users --> edgeWaf --> edgeCdn');
    expect(overview).toContain('edgeCdn -->|origin| dns');
    expect(overview).toContain('dns -->|"healthy: primary"| primaryAlb');
    expect(overview).toContain('dns -.->|"primary unhealthy"| standbyAlb');
    expect(overview).toContain('primaryDb -.->|"replicates (async)"| standbyDb');
    expect(overview).toContain('primaryVault -.->|"daily copies"| standbyVault');
    expect(overview).toContain('edgeSecret{{"origin secret<br/>replicated to us-west-2"}}');
    expect(overview).toContain('edgeKey{{"edge key"}}');
    expect(primary).toContain('primaryFrom --> primaryAlb');
    expect(primary).not.toContain('standby');
    expect(standby).toContain('standbyDb[("PostgreSQL cross-region replica<br/>');
    expect(standby).toContain('standbyServiceWeb -->|":5432"| standbyDb');
    expect(standby).not.toContain('primary');
  });

  test('THEN the phase-3 alarm table has a region column and no two rows for the same alarm in the same region', () => {
    const rows = tableUnder(generated['phase3.md']!, 'SLA and alarms');
    expect(rows[0]!.slice(0, 2)).toEqual(['alarm', 'region']);
    const keys = rows.slice(2).map((r) => `${r[0]} ${r[1]}`);
    const alarms = resourcesOf(templates.phase3!).filter((r) => /::(Composite)?Alarm$/.test(r.type));
    expect(keys).toHaveLength(alarms.length);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(rows.slice(2).map((r) => r[1]))).toEqual(new Set(['us-east-1', 'us-west-2']));
    expect(tableUnder(generated['phase2.md']!, 'SLA and alarms')[0]![1]).toBe('metric');
  });

  test('THEN resource types the diagrams do not know are drawn as one generic box per type, and nothing fails', () => {
    const config = configOf('phase1');
    const withUnknown = {
      ...templates.phase1!,
      'blueprint-prod-canary': {
        Resources: {
          HealthCanaryA1B2C3D4: { Type: 'AWS::Synthetics::Canary', Properties: { Name: 'health' } },
          DeepCanaryA1B2C3D5: { Type: 'AWS::Synthetics::Canary' },
          ResultsBucketA1B2C3D6: { Type: 'AWS::S3::Bucket', Properties: {} },
          OddServiceA1B2C3D7: { Type: 'AWS::ECS::Service', Properties: {} },
          CanaryRuleA1B2C3D8: { Type: 'AWS::CloudWatch::InsightRule' },
          CanaryHelperA1B2C3D9: { Type: 'Custom::CanaryHelper' },
        },
      },
    };
    const res = resourcesOf(withUnknown);
    const diagrams = phaseDiagrams(res, config);
    const canary = diagrams[0]!.nodes.find((n) => n.members[0]!.type === 'AWS::Synthetics::Canary')!;
    expect(canary.label).toBe('Synthetics canary × 2');
    expect(canary.tier).toBe('apart');
    expect(diagrams[0]!.mermaid).toContain(`${canary.id}["Synthetics canary × 2"]`);
    expect(diagrams[0]!.nodes.find((n) => n.members.some((m) => m.id === 'ResultsBucketA1B2C3D6'))!.shape).toBe('cylinder');
    // Monitoring and deploy-time helpers of any new type stay wiring: no box.
    const boxed = diagrams.flatMap((d) => d.nodes.flatMap((n) => n.members.map((m) => m.id)));
    expect(boxed).not.toContain('CanaryRuleA1B2C3D8');
    expect(boxed).not.toContain('CanaryHelperA1B2C3D9');
    expect(() => phaseDoc({ config, templates: withUnknown })).not.toThrow();
  });
});

test('GIVEN web services of the same task size and range THEN they are one box with a count; a different one keeps its own', () => {
  const service = (name: string, cpu: string, max: number) => ({
    Resources: {
      [`Svc${name}A1B2C3D4`]: { Type: 'AWS::ECS::Service', Properties: {} },
      TaskA1B2C3D4: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: cpu, Memory: '2048' } },
      ScalingA1B2C3D4: { Type: 'AWS::ApplicationAutoScaling::ScalableTarget', Properties: { MinCapacity: 2, MaxCapacity: max } },
    },
  });
  const res = resourcesOf({
    'shop-prod-service-api': service('api', '1024', 10),
    'shop-prod-service-admin': service('admin', '1024', 10),
    'shop-prod-service-web': service('web', '1024', 10),
    'shop-prod-service-search': service('search', '4096', 10),
  });
  const labels = phaseDiagrams(res, configOf('phase1'))[0]!.nodes.map((n) => n.label);
  expect(labels).toEqual(['3 web services: api, admin, web<br/>1 vCPU, 2 GB · 2–10 tasks each', 'search: web service<br/>4 vCPU, 2 GB · 2–10 tasks']);
});

test('the openers the structural checks parse are the ones the generator writes', () => {
  for (const n of LEGEND.nodes) expect(OPENERS.some((o) => LEGEND.mermaid.includes(`${n.id}${o}`))).toBe(true);
});
