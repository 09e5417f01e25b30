import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSettingsFile, resolveConfig } from '../config';
import { synthesizeTemplates, Templates } from '../review/plan';
import {
  ASSET_HASH,
  compareSnapshots,
  formatDifferences,
  normalizeAll,
  normalizeTemplate,
  parseVariant,
  readManifest,
  snapshotTemplates,
  writeSnapshots,
} from '../review/snapshot';
import { CDK_CONTEXT } from './support/blueprint';

// GIVEN phase 1 dev as synthesized now, and the same with one setting changed
const variant = { phase: 'phase1', stage: 'dev' };
const now = synthesizeTemplates(resolveConfig(variant), CDK_CONTEXT);
const retention = synthesizeTemplates(resolveConfig({ ...variant, settings: { database: { backupRetentionDays: 14 } } }), CDK_CONTEXT);
const dataStack = 'blueprint-dev-data';

/**
 * What an aws-cdk-lib upgrade alone does to the same deployment: every
 * bundled asset gets a new hash, the bootstrap check asks for a newer
 * version, and the CLI's path and analytics metadata appear.
 */
function upgradedLibrary(templates: Templates): Templates {
  const rehashed = JSON.stringify(templates).replace(/[0-9a-f]{64}/g, (h) => createHash('sha256').update(`new ${h}`).digest('hex'));
  const out = JSON.parse(rehashed) as Record<string, any>;
  for (const t of Object.values(out)) {
    t.Rules.CheckBootstrapVersion.Assertions[0].Assert['Fn::Not'][0]['Fn::Contains'][0].push('6');
    t.Resources.CDKMetadata = { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:H4sIAAAAAAAA' }, Condition: 'CDKMetadataAvailable' };
    t.Conditions = { ...t.Conditions, CDKMetadataAvailable: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } };
    for (const [id, r] of Object.entries(t.Resources as Record<string, any>)) {
      r.Metadata = { ...r.Metadata, 'aws:cdk:path': `${id}/Resource`, ...(r.Type === 'AWS::Lambda::Function' ? { 'aws:asset:path': 'asset.abc', 'aws:asset:property': 'Code' } : {}) };
    }
  }
  return out;
}

describe('normalizeTemplate', () => {
  const data = normalizeTemplate(now[dataStack]!) as Record<string, any>;
  const handler = Object.values(data.Resources as Record<string, any>).find((r) => r.Type === 'AWS::Lambda::Function')!;

  test('THEN the bundled handler keeps its bucket, key shape and runtime, with the hash replaced', () => {
    expect(JSON.stringify(now[dataStack])).toMatch(/"S3Key":"[0-9a-f]{64}\.zip"/);
    expect(handler.Properties.Code.S3Key).toBe(`${ASSET_HASH}.zip`);
    expect(handler.Properties.Code.S3Bucket).toEqual((Object.values((now[dataStack] as any).Resources) as any[]).find((r) => r.Type === 'AWS::Lambda::Function').Properties.Code.S3Bucket);
    expect(handler.Properties.Runtime).toMatch(/^nodejs/);
    expect(JSON.stringify(data)).not.toMatch(/[0-9a-f]{64}/);
  });

  test('THEN a directory-built image tag is an asset hash, but an image the settings pin by digest is kept', () => {
    const hash = 'a'.repeat(64);
    const digest = 'b'.repeat(64);
    const task = (image: unknown) => ({ Resources: { Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Image: image }] } } } });
    const built = normalizeTemplate(task({ 'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/cdk-hnb659fds-container-assets-\${AWS::AccountId}-\${AWS::Region}:${hash}` }));
    expect(JSON.stringify(built)).toContain(`container-assets-\${AWS::AccountId}-\${AWS::Region}:${ASSET_HASH}`);
    const pinned = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-web@sha256:${digest}`;
    expect(normalizeTemplate(task(pinned))).toEqual(task(pinned));
  });

  test('THEN the bootstrap version check is dropped, and nothing else outside Resources', () => {
    expect((now[dataStack] as any).Rules.CheckBootstrapVersion).toBeDefined();
    expect(data.Rules).toBeUndefined();
    expect(data.Parameters).toBeUndefined();
    const { Rules: _r, Parameters: _p, ...rest } = now[dataStack] as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(Object.keys(rest).sort());
    expect(data.Outputs).toEqual((now[dataStack] as any).Outputs);
  });
});

describe('snapshots of a deployment', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'blueprint-snapshots-'));
    writeSnapshots(dir, variant, normalizeAll(now));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('THEN an aws-cdk-lib upgrade alone (new asset hashes, bootstrap version, path metadata) leaves them unchanged', () => {
    const upgraded = upgradedLibrary(now);
    expect(JSON.stringify(upgraded)).not.toBe(JSON.stringify(now));
    expect(compareSnapshots(dir, variant, normalizeAll(upgraded))).toEqual([]);
  });

  test('THEN a settings change shows up, at the property it changes', () => {
    const diffs = compareSnapshots(dir, variant, normalizeAll(retention));
    expect(diffs).toEqual([{ variant: 'phase1-dev', stack: dataStack, change: 'changed', paths: [expect.stringMatching(/^Resources\.DatabaseInstance\w+\.Properties\.BackupRetentionPeriod$/)] }]);
    expect(formatDifferences(diffs)).toMatch(/^phase1-dev\/blueprint-dev-data\.json: changed at Resources\.DatabaseInstance\w+\.Properties\.BackupRetentionPeriod$/);
  });

  test('THEN a stack added or removed by a settings change is reported, and --update writes exactly the stacks synthesized', () => {
    const fewer = normalizeAll(now);
    delete fewer['blueprint-dev-service-web'];
    expect(compareSnapshots(dir, variant, fewer)).toEqual([{ variant: 'phase1-dev', stack: 'blueprint-dev-service-web', change: 'removed', paths: [] }]);
    writeSnapshots(dir, variant, fewer);
    expect(existsSync(join(dir, 'phase1-dev', 'blueprint-dev-service-web.json'))).toBe(false);
    expect(compareSnapshots(dir, variant, normalizeAll(now))).toEqual([{ variant: 'phase1-dev', stack: 'blueprint-dev-service-web', change: 'added', paths: [] }]);
    expect(readFileSync(join(dir, 'phase1-dev', `${dataStack}.json`), 'utf8')).toMatch(/^\{\n {2}"Description"[\s\S]*\}\n$/);
  });
});

// The user's own snapshots, recorded by `npm run snapshot -- --update` (README, "Snapshot tests of your deployment").
const root = join(__dirname, '..');
const manifest = readManifest(join(root, 'snapshots'));
if (manifest) {
  describe('snapshots/ of this deployment', () => {
    // Like the command: the default settings file may be absent (the kit's defaults); a named one must exist.
    const settings = readSettingsFile(resolve(root, manifest.settings), manifest.settings !== 'blueprint.settings.json');
    test.each(manifest.variants)('THEN %s matches its snapshots (review, then npm run snapshot -- --update)', (name) => {
      const diffs = compareSnapshots(join(root, 'snapshots'), parseVariant(name), snapshotTemplates(parseVariant(name), settings, CDK_CONTEXT));
      expect(formatDifferences(diffs)).toBe('');
    });
  });
} else {
  test.skip('snapshots/ of this deployment: none recorded yet (npm run snapshot -- --update records them)', () => undefined);
}
