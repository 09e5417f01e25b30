import { existsSync, readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { Problems, show } from './checks';
import { DEFAULT_PHASE, DEFAULT_STAGE, USER_DEFAULTS } from './defaults';
import { FIREWALL, PHASE_PRESETS, PHASE1_CACHE, REDIS_TEMPLATE, SAMPLE_WORKER, SCHEDULE_TEMPLATE, STANDBY_TEMPLATE } from './phases';
import { configSchema, configShape } from './schema';
import { settingsSchema } from './settings-schema';
import { STAGE_DEFAULTS } from './stages';
import { BlueprintConfig, BucketConfig, DeepPartial, EdgeConfig, EventStreamConfig, PhaseName } from './types';
import { validateConfig } from './validate';

/** Raised for an invalid configuration; its message lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid Blueprint configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A user's settings: any field of the configuration, plus the phase and stage. */
type SettingsFields = DeepPartial<Omit<BlueprintConfig, 'phase' | 'stage'>>;

export type UserSettings = SettingsFields & {
  /** The JSON Schema an editor checks the file with. */
  readonly $schema?: string;
  readonly phase?: string;
  readonly stage?: string;
  /**
   * Settings for one phase only, merged over the rest when that phase is
   * built: what exists only from a phase on (the CDN's certificate, the
   * standby region), so one file serves the whole upgrade ladder.
   */
  readonly phases?: { readonly [P in PhaseName]?: SettingsFields };
};

export interface ConfigInput {
  /** `-c phase=…`; wins over the settings file. */
  readonly phase?: unknown;
  /** `-c stage=…`; wins over the settings file. */
  readonly stage?: unknown;
  /** `-c appName=…`; wins over the settings file. */
  readonly appName?: unknown;
  /** The parsed settings file, if any. */
  readonly settings?: unknown;
}

/**
 * Where a capability the preset has off (null, or no entries) starts when a
 * settings file turns it on; the file need state only what differs.
 */
const TEMPLATES: Readonly<Record<string, unknown>> = {
  // Old versions recoverable for 30 days; objects untouched for 90 days cost less in Standard-IA.
  buckets: { name: 'files', noncurrentVersionExpirationDays: 30, infrequentAccessAfterDays: 90, abortIncompleteUploadDays: 7, corsOrigins: [], public: null } satisfies BucketConfig,
  workers: SAMPLE_WORKER,
  redis: REDIS_TEMPLATE,
  // A cache turned back on in a phase overlay after `cache: null`: phase 1's, which the overlay resizes.
  cache: PHASE1_CACHE,
  schedules: SCHEDULE_TEMPLATE,
  // A worker that turns its queue on from null.
  'workers.queue': SAMPLE_WORKER.queue,
  eventStream: { mode: 'on-demand', shards: 1, retentionHours: 24 } satisfies EventStreamConfig,
  firewall: FIREWALL,
  edge: {
    staticPaths: [],
    priceClass: 'PriceClass_100',
    originPrefixListIds: {},
    originHeaderVersions: [],
    originResponseTimeoutSeconds: 30,
    originKeepaliveTimeoutSeconds: 5,
  } satisfies EdgeConfig,
  // A load-balancer cookie for a day, unless the settings name the application's cookie.
  'services.stickiness': { durationSeconds: 86_400 },
  standby: STANDBY_TEMPLATE,
  // Without a domain: a settings file that turns email on names its own.
  email: { mailFromSubdomain: 'bounce', configurationSet: true },
};

/**
 * Resolves context + user settings + phase preset + stage defaults into one
 * validated configuration, or throws a ConfigError naming every bad field.
 *
 * Three passes, each reporting all it finds: the settings file against its
 * schema (every field, at its own path, phase overlays included); the merged
 * configuration against the configuration's schema; then the rules that
 * relate fields (config/validate.ts). No construct exists before this returns.
 */
export function resolveConfig(input: ConfigInput = {}): BlueprintConfig {
  const problems = new Problems();
  const settings = isObject(input.settings) ? input.settings : {};
  if (input.settings !== undefined && !isObject(input.settings)) {
    problems.add('settings', `${show(input.settings)} is not allowed; allowed: a JSON object`);
  }
  for (const [field, value] of [['phase', input.phase], ['stage', input.stage], ['appName', input.appName]] as const) {
    if (value !== undefined) report(problems, configShape[field].safeParse(value), value, field);
  }
  prototypeKeys(settings, '', problems);
  report(problems, settingsSchema.safeParse(settings), settings, '');
  if (problems.all.length > 0) throw new ConfigError(problems.all);

  const phase = (input.phase ?? settings.phase ?? DEFAULT_PHASE) as PhaseName;
  const stage = (input.stage ?? settings.stage ?? DEFAULT_STAGE) as BlueprintConfig['stage'];
  const base: BlueprintConfig = { ...USER_DEFAULTS, ...PHASE_PRESETS[phase], ...STAGE_DEFAULTS[stage], phase, stage };
  const { $schema: _schema, phase: _p, stage: _s, phases, ...overrides } = settings;
  if (input.appName !== undefined) overrides.appName = input.appName;
  let merged = merge(configSchema, base, overrides, '', undefined);
  const overlay = isObject(phases) ? phases[phase] : undefined;
  if (overlay !== undefined) merged = merge(configSchema, merged, overlay, '', { phase, problems });
  if (problems.all.length > 0) throw new ConfigError(problems.all);

  report(problems, configSchema.safeParse(merged), merged, '');
  if (problems.all.length > 0) throw new ConfigError(problems.all);
  const config = merged as BlueprintConfig;
  const rules = validateConfig(config);
  if (rules.length > 0) throw new ConfigError(rules);
  return config;
}

/** Reads a JSON settings file; a missing default file means "no settings". */
export function readSettingsFile(path: string, required: boolean): unknown {
  if (!existsSync(path)) {
    if (required) throw new ConfigError([`settings: file ${path} does not exist; allowed: the path of a JSON settings file`]);
    return undefined;
  }
  if (statSync(path).isDirectory()) {
    throw new ConfigError([`settings: ${path} is a directory; allowed: the path of a JSON settings file`]);
  }
  let text: string;
  try {
    // Editors on Windows may save UTF-8 with a byte-order mark, which JSON.parse refuses as an invisible token.
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new ConfigError([`settings: ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); allowed: a readable JSON settings file`]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError([`settings: ${path} is not valid JSON (${(e as Error).message}); allowed: a JSON object`]);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `__proto__` as a key: JSON.parse keeps it as an own key, but the schema
 * library's records skip it and an object spread would set the prototype,
 * so it is refused wherever it appears.
 */
function prototypeKeys(value: unknown, path: string, problems: Problems): void {
  if (Array.isArray(value)) value.forEach((v, i) => prototypeKeys(v, isObject(v) && typeof v.name === 'string' && v.name !== '' ? join(path, v.name) : `${path}[${i}]`, problems));
  if (!isObject(value)) return;
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key === '__proto__') problems.add(field, 'unknown field; allowed: a setting named in docs/settings.md');
    else prototypeKeys(value[key], field, problems);
  }
}

type Issue = z.core.$ZodIssue;

/** One line per problem of a parse, each naming the setting by its path. */
function report(problems: Problems, result: { success: boolean; error?: { issues: readonly Issue[] } }, input: unknown, prefix: string): void {
  for (const issue of result.error?.issues ?? []) {
    const at = fieldPath(input, issue.path, prefix);
    if (issue.code === 'unrecognized_keys') {
      // __proto__ is reported once, by prototypeKeys, wherever it appears.
      for (const key of issue.keys.filter((k) => k !== '__proto__')) problems.add(join(at, key), issue.message);
    } else if (issue.code === 'invalid_key') {
      problems.add(at, issue.issues[0]?.message ?? issue.message);
    } else {
      problems.add(at || 'settings', issue.message);
    }
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** `services.web.cpu` for an entry with a name, `edge.staticPaths[2].ttlSeconds` for one without. */
function fieldPath(input: unknown, path: readonly PropertyKey[], prefix: string): string {
  let at = prefix;
  let value = input;
  for (const key of path) {
    if (typeof key === 'number') {
      const entry = Array.isArray(value) ? value[key] : undefined;
      at = isObject(entry) && typeof entry.name === 'string' && entry.name !== '' ? join(at, entry.name) : `${at}[${key}]`;
      value = entry;
    } else {
      at = join(at, String(key));
      value = isObject(value) ? value[String(key)] : undefined;
    }
  }
  return at;
}

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType; shape?: Record<string, z.ZodType>; discriminator?: string; options?: z.ZodType[] };

/** Merging a phase overlay: where its problems go, and its phase for their paths. */
interface Overlay {
  readonly phase: PhaseName;
  readonly problems: Problems;
}

/**
 * Merges settings over the preset, guided by the schema: objects key by key,
 * a named list entry by entry, null turns a capability off and an object
 * turns it on (from the preset, else its template); anything else replaces.
 *
 * A phase overlay (`overlay` set) changes what the settings already say:
 * a named list keeps every entry and merges the overlay's entries into the
 * entries of the same name (a name the list lacks is a problem: a misspelt
 * name must not clone an entry nor drop the others), and maps such as
 * `environment` and `secrets` merge variable by variable.
 */
function merge(schema: z.ZodType, base: unknown, over: unknown, path: string, overlay: Overlay | undefined): unknown {
  if (over === undefined) return base;
  const def = schema._zod.def as unknown as Def;
  switch (def.type) {
    case 'optional':
      return merge(def.innerType!, base, over, path, overlay);
    case 'nullable':
      if (over === null) return null;
      return merge(def.innerType!, isObject(base) ? base : (TEMPLATES[path] ?? {}), over, path, overlay);
    case 'union': {
      // A discriminated union (a worker's scaling): the same kind merges field by field; another
      // kind keeps only the fields both kinds have (the task range), and the file gives the rest.
      const key = def.discriminator;
      if (key === undefined || !isObject(base) || !isObject(over)) return over;
      const kind = over[key] ?? base[key];
      const option = def.options!.find((o) => (o._zod.def as unknown as Def).shape?.[key]?.safeParse(kind).success);
      if (option === undefined) return over;
      const shape = (option._zod.def as unknown as Def).shape!;
      const start = Object.fromEntries(Object.entries(base).filter(([k]) => k in shape));
      return merge(option, { ...start, [key]: kind }, over, path, overlay);
    }
    case 'object': {
      if (!isObject(base) || !isObject(over)) return over;
      const out: Record<string, unknown> = { ...base };
      for (const [key, value] of Object.entries(over)) {
        const field = def.shape![key];
        if (field !== undefined && value !== undefined) out[key] = merge(field, base[key], value, join(path, key), overlay);
      }
      return out;
    }
    case 'record':
      return overlay !== undefined && isObject(base) && isObject(over) ? { ...base, ...over } : over;
    case 'array': {
      const element = def.element?._zod.def as unknown as Def | undefined;
      if (!Array.isArray(over) || element?.type !== 'object' || !('name' in element.shape!)) return over;
      const entries = Array.isArray(base) ? (base as readonly Record<string, unknown>[]) : [];
      if (overlay !== undefined) return mergeByName(def.element!, entries, over, path, overlay);
      // An entry named like a preset entry inherits its phase sizing; a new name starts from the first entry, or the template.
      return over.map((entry) => {
        const start = entries.find((e) => isObject(entry) && e.name === entry.name) ?? entries[0] ?? TEMPLATES[path] ?? {};
        return merge(def.element!, start, entry, path, overlay);
      });
    }
    default:
      return over;
  }
}

/** An overlay's named entries merged into the list's entries of the same name; the others kept as they are. */
function mergeByName(element: z.ZodType, entries: readonly Record<string, unknown>[], over: readonly unknown[], path: string, overlay: Overlay): unknown[] {
  const out: unknown[] = [...entries];
  const known = entries.map((e) => String(e.name));
  for (const entry of over) {
    const name = isObject(entry) ? entry.name : undefined;
    const at = out.findIndex((e) => isObject(e) && e.name === name);
    if (at >= 0) {
      out[at] = merge(element, out[at], entry, path, overlay);
      continue;
    }
    const allowed = known.length > 0 ? `a name among ${known.join(', ')}` : `none: declare the entry in the top-level ${path} first`;
    overlay.problems.add(
      `phases.${overlay.phase}.${path}${typeof name === 'string' && name !== '' ? `.${name}` : ''}`,
      `${show(name)} names no entry of ${path}; an overlay changes entries by name and adds none; allowed: ${allowed}`,
    );
  }
  return out;
}
