import type { z } from 'zod';
import { BlueprintConfig, configSchema, metaOf, PHASES, resolveConfig, settingsJsonSchema, STAGE_DEFAULTS, STAGES } from '../config';

/**
 * The settings reference (docs/settings.md) and the JSON Schema of
 * blueprint.settings.json, both generated from the one declaration of the
 * settings (config/schema.ts). `npm run docs` writes them; a test fails when
 * a committed copy differs.
 */
export function settingsFiles(): Readonly<Record<string, string>> {
  return {
    'blueprint.settings.schema.json': `${JSON.stringify(settingsJsonSchema(), null, 2)}\n`,
    'docs/settings.md': settingsMarkdown(),
  };
}

type Def = {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
  format?: string;
};

interface Row {
  readonly path: readonly string[];
  readonly schema: z.ZodType;
  /** Whether the row shows preset values: not for an object (its fields do), nor inside a list the presets give whole. */
  readonly valued: boolean;
}

/** Every field, depth first, in declaration order; a list's entries as `list[]`. */
function rows(schema: z.ZodType, path: readonly string[], valued: boolean): Row[] {
  const def = unwrap(schema)._zod.def as unknown as Def;
  if (def.type === 'object') {
    // A capability that may be null shows, per phase, whether it is on.
    const own = path.length > 0 ? [{ path, schema, valued: valued && schema.isNullable() }] : [];
    return [...own, ...Object.entries(def.shape!).flatMap(([key, field]) => rows(field, [...path, key], valued))];
  }
  if (def.type === 'array') {
    const element = unwrap(def.element!)._zod.def as unknown as Def;
    if (element.type === 'object') {
      // A named list (services, workers) shows its first entry's values field by field; another list shows whole.
      const named = 'name' in element.shape!;
      return [{ path, schema, valued: valued && !named }, ...Object.entries(element.shape!).flatMap(([key, field]) => rows(field, [...path, '[]', key], valued && named))];
    }
  }
  return [{ path, schema, valued }];
}

function unwrap(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as unknown as Def;
  return def.type === 'optional' || def.type === 'nullable' ? unwrap(def.innerType!) : schema;
}

function typeOf(schema: z.ZodType): string {
  const def = schema._zod.def as unknown as Def;
  switch (def.type) {
    case 'optional':
      return `${typeOf(def.innerType!)}, optional`;
    case 'nullable':
      return `${typeOf(def.innerType!)} or null`;
    case 'array':
      return `list of ${typeOf(def.element!)}`;
    case 'record':
      return `object of ${typeOf(def.valueType!)}`;
    case 'union':
      return def.options!.map(typeOf).join(' or ');
    case 'enum':
      return 'string';
    case 'literal':
      return typeof def.values![0];
    case 'number':
      return def.format?.includes('int') ? 'whole number' : 'number';
    default:
      return def.type;
  }
}

function valueAt(config: unknown, path: readonly string[]): unknown {
  let value = config;
  for (const key of path) {
    if (value === null) return OFF;
    if (value === undefined) return undefined;
    // A list's documented value is its first entry's: the sample service or worker.
    if (key === '[]' && (value as readonly unknown[]).length === 0) return NO_ENTRY;
    value = key === '[]' ? (value as readonly unknown[])[0] : (value as Record<string, unknown>)[key];
  }
  return value;
}

const NO_ENTRY = Symbol('no entry');
const OFF = Symbol('off');

function show(value: unknown): string {
  if (value === undefined) return 'unset';
  if (value === NO_ENTRY) return 'no entry';
  if (value === OFF) return 'off (null)';
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).some((v) => typeof v === 'object' && v !== null)) return 'on';
  const json = JSON.stringify(value);
  return `\`${json.length > 120 ? `${json.slice(0, 117)}...` : json}\``;
}

/** Values by phase (or by stage, for what a stage decides), merged when equal. */
function values(path: readonly string[], byPhase: readonly BlueprintConfig[], byStage: readonly BlueprintConfig[]): string {
  const [top] = path;
  if (top === 'phase' || top === 'stage') return `default ${show(resolveConfig()[top])}`;
  const byStageField = Object.keys(STAGE_DEFAULTS.dev).includes(top!);
  const names = byStageField ? STAGES : PHASES;
  const shown = (byStageField ? byStage : byPhase).map((c) => show(valueAt(c, path)));
  if (shown.every((v) => v === shown[0])) return `every ${byStageField ? 'stage' : 'phase'}: ${shown[0]}`;
  return shown.map((v, i) => `${names[i]}: ${v}`).join(' · ');
}

export function settingsMarkdown(): string {
  const byPhase = PHASES.map((phase) => resolveConfig({ phase, stage: 'prod' }));
  const byStage = STAGES.map((stage) => resolveConfig({ stage }));
  const out = [
    '# Settings reference',
    '',
    '<!-- Generated from config/schema.ts by `npm run docs`; do not edit. -->',
    '',
    'Every setting of `blueprint.settings.json`, in the order of the schema. A',
    'settings file states only what differs from the phase preset; the values',
    'below are the presets\' (stage prod for phase values, phase 1 for stage',
    'values; a list shows its first entry, the sample service or worker).',
    'Editors check and complete the file with its JSON Schema:',
    '',
    '```json',
    '{ "$schema": "./blueprint.settings.schema.json" }',
    '```',
    '',
    '`phases.<phase>` takes any of these settings for one phase only. Entries',
    'of `services` and `workers` merge by `name`; other lists replace the',
    'preset\'s.',
  ];
  for (const row of rows(configSchema, [], true)) {
    const meta = metaOf(row.schema);
    const path = row.path.join('.').replace(/\.\[\]/g, '[]');
    out.push('', `${row.path.length === 1 ? '## ' : '### '}\`${path}\``, '');
    if (meta.description) out.push(meta.description, '');
    out.push(`- Type: ${typeOf(row.schema)}`);
    if (meta.allowed) out.push(`- Allowed: ${meta.allowed}`);
    if (row.valued) out.push(`- Value: ${values(row.path, byPhase, byStage)}`);
  }
  return `${out.join('\n')}\n`;
}
