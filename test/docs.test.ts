import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PHASES } from '../config';
import { BUDGET_PER_MONTH, UNPRICED_TYPES } from '../config/prices';
import { DIAGRAM_STATEFUL_TYPES, fixedCosts, generatePhaseDocs, nodeId, resourcesOf } from '../review/phase-doc';
import { CDK_CONTEXT } from './support/blueprint';

// GIVEN the pages generated now, from every phase synthesized once
const { files: generated, templates } = generatePhaseDocs(CDK_CONTEXT);

describe('npm run docs', () => {
  test('THEN the committed pages are current: regenerating changes nothing', () => {
    for (const [name, content] of Object.entries(generated)) {
      expect(readFileSync(join(__dirname, '..', 'docs', 'phases', name), 'utf8')).toBe(content);
    }
  });

  test.each(PHASES)('THEN the %s diagram names every stateful resource of the phase', (phase) => {
    const page = generated[`${phase}.md`]!;
    const diagram = page.slice(page.indexOf('```mermaid'), page.indexOf('```', page.indexOf('```mermaid') + 3));
    const stateful = resourcesOf(templates[phase]!).filter((r) => DIAGRAM_STATEFUL_TYPES.includes(r.type));
    expect(stateful.length).toBeGreaterThan(0);
    for (const r of stateful) expect(diagram).toContain(`${nodeId(r)}["`);
    // One declaration a node: a standby's resources do not merge into the primary's.
    const declared = [...diagram.matchAll(/^\s+(\w+)\["/gm)].map((m) => m[1]);
    expect(new Set(declared).size).toBe(declared.length);
  });

  test.each(PHASES)('THEN every resource type of %s is priced or known to have no fixed price', (phase) => {
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

  test('THEN the diagram draws the edges security groups and grants allow', () => {
    const page = generated['phase2.md']!;
    expect(page).toMatch(/IngressLoadBalancer\w+ -->\|":8080"\| WebService\w+/);
    expect(page).toMatch(/WebService\w+ -->\|":5432"\| DatabaseInstance\w+/);
    expect(page).toMatch(/WebService\w+ -->\|":6379"\| CacheReplicationGroup\w+/);
    expect(page).toMatch(/WebService\w+ -->\|produce\| QueueworkerQueue\w+/);
    expect(page).toMatch(/QueueworkerQueue\w+ -->\|consume\| WorkerService\w+/);
    expect(page).toMatch(/DatabaseInstance\w+ -.->\|replicates\| DatabaseReplica1\w+/);
  });

  test('THEN the phase-3 diagram draws the CDN in front of both regions and what crosses between them', () => {
    const page = generated['phase3.md']!;
    expect(page).toMatch(/users --> FirewallWebAcl\w+ --> CdnDistribution\w+/);
    expect(page).toMatch(/CdnDistribution\w+ --> IngressLoadBalancer\w+/);
    expect(page).toMatch(/CdnDistribution\w+ -.->\|failover\| standby_IngressLoadBalancer\w+/);
    expect(page).toMatch(/DatabaseInstance\w+ -.->\|replicates across regions\| standby_DatabaseInstance\w+/);
    expect(page).toMatch(/BackupVault\w+ -.->\|daily copies\| standby_CopyVault\w+/);
    expect(page).toMatch(/standby_WebService\w+ -->\|":5432"\| standby_DatabaseInstance\w+/);
  });
});
