import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PHASES, resolveConfig, STAGES } from '../config';
import { synthesizeTemplates, Templates } from './plan';

/**
 * Snapshots of a deployment's templates that change only when the
 * deployment does. Anything that changes on its own when aws-cdk-lib
 * changes is replaced:
 *
 * - asset hashes: a 64-hex-digit SHA-256 wherever it appears (the `S3Key`
 *   of a bundled handler such as the VPC's default-security-group
 *   custom resource, a container image tag or digest, an asset
 *   parameter's name), because the hash changes when the library
 *   rebundles its handlers;
 * - asset metadata (`aws:asset:*`, `cdk:asset*`) and construct paths
 *   (`aws:cdk:path`), which follow the library's internal construct tree;
 * - the bootstrap version check (`Parameters.BootstrapVersion`,
 *   `Rules.CheckBootstrapVersion`), whose version list rises with the
 *   library, and which `cdk deploy` checks anyway;
 * - the `AWS::CDK::Metadata` resource and its condition (library versions).
 *
 * Everything else is kept, including the runtime of a library handler (a
 * new Node.js runtime is a real change to what is deployed) and an image
 * pinned by digest in the settings (`repo@sha256:…`: a new digest is a new
 * release). A directory-built image is tagged with its asset hash, without
 * the `sha256:` prefix, and is normalized like any asset.
 */
export const ASSET_HASH = '<asset-hash>';

const HASH = /(?<![0-9a-f]|sha256:)[0-9a-f]{64}(?![0-9a-f])/g;
const DROPPED_METADATA = /^(aws:asset:|cdk:asset|aws:cdk:path$)/;

function scrub(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(HASH, ASSET_HASH);
  if (Array.isArray(value)) return value.map(scrub);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(HASH, ASSET_HASH), scrub(v)]));
  }
  return value;
}

/** One template, normalized for a snapshot (see the module comment for what is replaced and why). */
export function normalizeTemplate(template: { readonly [key: string]: unknown }): Record<string, unknown> {
  const t = scrub(template) as Record<string, any>;
  const resources: Record<string, any> = {};
  for (const [id, r] of Object.entries((t.Resources ?? {}) as Record<string, any>)) {
    if (r?.Type === 'AWS::CDK::Metadata') continue;
    const metadata = Object.fromEntries(Object.entries((r?.Metadata ?? {}) as Record<string, unknown>).filter(([k]) => !DROPPED_METADATA.test(k)));
    const { Metadata: _m, ...rest } = r ?? {};
    resources[id] = Object.keys(metadata).length > 0 ? { ...rest, Metadata: metadata } : rest;
  }
  const without = (section: unknown, ...keys: string[]): Record<string, unknown> | undefined => {
    if (section === undefined) return undefined;
    const kept = Object.fromEntries(Object.entries(section as Record<string, unknown>).filter(([k]) => !keys.includes(k)));
    return Object.keys(kept).length > 0 ? kept : undefined;
  };
  const out: Record<string, unknown> = { ...t };
  if (t.Resources !== undefined) out.Resources = resources;
  for (const [section, keys] of [
    ['Parameters', ['BootstrapVersion']],
    ['Rules', ['CheckBootstrapVersion']],
    ['Conditions', ['CDKMetadataAvailable']],
  ] as const) {
    const kept = without(t[section], ...keys);
    if (kept === undefined) delete out[section];
    else out[section] = kept;
  }
  return out;
}

/** A phase and stage the user deploys: the folder `snapshots/<phase>-<stage>/`. */
export interface Variant {
  readonly phase: string;
  readonly stage: string;
}

export const variantName = (v: Variant): string => `${v.phase}-${v.stage}`;

/** Every phase and stage. */
export const ALL_VARIANTS: readonly Variant[] = PHASES.flatMap((phase) => STAGES.map((stage) => ({ phase, stage })));

/** What `snapshots/snapshot.json` records: which settings file and which variants the snapshots were taken from. */
export interface SnapshotManifest {
  readonly settings: string;
  readonly variants: readonly string[];
}

export const MANIFEST = 'snapshot.json';

export function readManifest(dir: string): SnapshotManifest | undefined {
  const path = join(dir, MANIFEST);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SnapshotManifest) : undefined;
}

export function parseVariant(name: string): Variant {
  const i = name.lastIndexOf('-');
  return { phase: name.slice(0, i), stage: name.slice(i + 1) };
}

/** A variant's normalized templates, by stack name. */
export function snapshotTemplates(variant: Variant, settings: unknown, context: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const config = resolveConfig({ phase: variant.phase, stage: variant.stage, settings });
  return normalizeAll(synthesizeTemplates(config, context));
}

export function normalizeAll(templates: Templates): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(templates).map(([stack, t]) => [stack, normalizeTemplate(t)]));
}

/** The file text of one snapshot: stable two-space JSON with a final newline, so a pull request shows a line diff. */
export const snapshotText = (template: unknown): string => `${JSON.stringify(template, null, 2)}\n`;

/** How one variant's snapshot folder differs from its templates now. */
export interface SnapshotDifference {
  readonly variant: string;
  readonly stack: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** For a changed stack: the first paths that differ, e.g. `Resources.DatabaseInstanceAA8A5FDE.Properties.DBInstanceClass`. */
  readonly paths: readonly string[];
}

function differingPaths(a: unknown, b: unknown, path: string, out: string[], limit = 10): void {
  if (out.length >= limit) return;
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) {
    out.push(path || '(template)');
    return;
  }
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) differingPaths(a[key], b[key], path ? `${path}.${key}` : key, out, limit);
}

/** Compares templates with the files of `dir/<variant>/`. */
export function compareSnapshots(dir: string, variant: Variant, templates: Record<string, Record<string, unknown>>): SnapshotDifference[] {
  const name = variantName(variant);
  const folder = join(dir, name);
  const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.json')) : [];
  const diffs: SnapshotDifference[] = [];
  for (const [stack, template] of Object.entries(templates)) {
    const file = `${stack}.json`;
    if (!files.includes(file)) {
      diffs.push({ variant: name, stack, change: 'added', paths: [] });
      continue;
    }
    const text = readFileSync(join(folder, file), 'utf8');
    if (text === snapshotText(template)) continue;
    const paths: string[] = [];
    differingPaths(JSON.parse(text), template, '', paths);
    diffs.push({ variant: name, stack, change: 'changed', paths: paths.length > 0 ? paths : ['(formatting)'] });
  }
  for (const file of files) {
    const stack = file.replace(/\.json$/, '');
    if (!(stack in templates)) diffs.push({ variant: name, stack, change: 'removed', paths: [] });
  }
  return diffs;
}

/** Writes one variant's snapshots, removing files of stacks it no longer has. */
export function writeSnapshots(dir: string, variant: Variant, templates: Record<string, Record<string, unknown>>): void {
  const folder = join(dir, variantName(variant));
  mkdirSync(folder, { recursive: true });
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
    if (!(file.replace(/\.json$/, '') in templates)) rmSync(join(folder, file));
  }
  for (const [stack, template] of Object.entries(templates)) writeFileSync(join(folder, `${stack}.json`), snapshotText(template));
}

export function writeManifest(dir: string, manifest: SnapshotManifest): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MANIFEST), snapshotText(manifest));
}

/** One line a difference, for the command and the test's failure message. */
export function formatDifferences(diffs: readonly SnapshotDifference[]): string {
  return diffs
    .map((d) => `${d.variant}/${d.stack}.json: ${d.change === 'changed' ? `changed at ${d.paths.join(', ')}` : d.change === 'added' ? 'new stack, no snapshot yet' : 'stack no longer synthesized'}`)
    .join('\n');
}
