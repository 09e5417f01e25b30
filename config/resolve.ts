import { existsSync, readFileSync } from 'node:fs';
import { Problems, show } from './checks';
import { DEFAULT_PHASE, DEFAULT_STAGE, USER_DEFAULTS } from './defaults';
import { PHASE_PRESETS, SAMPLE_WORKER, STANDBY_TEMPLATE } from './phases';
import { STAGE_DEFAULTS } from './stages';
import { BlueprintConfig, DeepPartial, PhaseName, EdgeConfig, EventStreamConfig, FirewallConfig, HostedZoneConfig, PHASES, SlackConfig, STAGES } from './types';
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

interface Named {
  readonly name: string;
}

/**
 * Fields the preset's shape alone cannot describe, by path. Every other
 * field merges key by key over the preset, and a key the preset lacks is an
 * unknown field.
 */
type FieldRule =
  /** A list keyed by name; a new name starts from the preset's first entry, or the template. */
  | { readonly kind: 'named-list'; readonly template?: Named }
  /** null turns a capability off; an object turns it on, filled from the preset or the template. */
  | { readonly kind: 'nullable'; readonly template: object }
  /** Keys the user names (variables, secrets) or a value of several shapes: taken as given, checked by validation. */
  | { readonly kind: 'as-given' };

const FIELD_RULES: readonly (readonly [RegExp, FieldRule])[] = [
  [/^services$/, { kind: 'named-list' }],
  [/^workers$/, { kind: 'named-list', template: SAMPLE_WORKER }],
  [/^eventStream$/, { kind: 'nullable', template: { mode: 'on-demand', shards: 1, retentionHours: 24 } satisfies EventStreamConfig }],
  [/^firewall$/, { kind: 'nullable', template: { rateLimitPer5Minutes: 2000 } satisfies FirewallConfig }],
  [/^edge$/, { kind: 'nullable', template: { staticPaths: [], priceClass: 'PriceClass_100', originPrefixListIds: {}, originHeaderVersions: [] } satisfies EdgeConfig }],
  [/^edge\.(staticPaths|originPrefixListIds|originHeaderVersions)$/, { kind: 'as-given' }],
  [/^standby$/, { kind: 'nullable', template: STANDBY_TEMPLATE }],
  [/^ingress\.hostedZone$/, { kind: 'nullable', template: { id: '', name: '' } satisfies HostedZoneConfig }],
  [/^alarms\.slack$/, { kind: 'nullable', template: { workspaceId: '', channelId: '' } satisfies SlackConfig }],
  [/^(services|workers)\.[^.]+\.(environment|secrets|image)$/, { kind: 'as-given' }],
];

function ruleFor(field: string): FieldRule | undefined {
  return FIELD_RULES.find(([pattern]) => pattern.test(field))?.[1];
}

/**
 * Resolves context + user settings + phase preset + stage defaults into one
 * validated configuration, or throws a ConfigError naming every bad field.
 */
export function resolveConfig(input: ConfigInput = {}): BlueprintConfig {
  const problems = new Problems();
  const settings = (isObject(input.settings) ? input.settings : {}) as Record<string, unknown>;
  if (input.settings !== undefined && !isObject(input.settings)) {
    problems.add('settings', `${show(input.settings)} is not allowed; allowed: a JSON object`);
  }

  const phase = input.phase ?? settings.phase ?? DEFAULT_PHASE;
  const stage = input.stage ?? settings.stage ?? DEFAULT_STAGE;
  const phaseOk = problems.oneOf('phase', phase, PHASES);
  const stageOk = problems.oneOf('stage', stage, STAGES);
  if (!phaseOk || !stageOk) throw new ConfigError(problems.all);

  const base: BlueprintConfig = {
    ...USER_DEFAULTS,
    ...PHASE_PRESETS[phase],
    ...STAGE_DEFAULTS[stage],
    phase,
    stage,
  };
  const { phase: _p, stage: _s, phases, ...overrides } = settings;
  if (input.appName !== undefined) overrides.appName = input.appName;
  let merged = mergeObject(base as unknown as Record<string, unknown>, overrides, '', problems);
  if (phases !== undefined) {
    if (!isObject(phases)) {
      problems.add('phases', `${show(phases)} is not allowed; allowed: an object keyed by ${PHASES.join(', ')}`);
    } else {
      for (const key of Object.keys(phases)) problems.oneOf(`phases.${key}`, key, PHASES);
      const own = phases[phase];
      if (own !== undefined) {
        if (isObject(own)) merged = mergeObject(merged, own, '', problems.under(`phases.${phase}.`));
        else problems.add(`phases.${phase}`, `${show(own)} is not allowed; allowed: an object of settings`);
      }
    }
  }

  const config = merged as unknown as BlueprintConfig;
  const all = [...problems.all, ...(problems.all.length === 0 ? validateConfig(config) : [])];
  if (all.length > 0) throw new ConfigError(all);
  return config;
}

/** Reads a JSON settings file; a missing default file means "no settings". */
export function readSettingsFile(path: string, required: boolean): unknown {
  if (!existsSync(path)) {
    if (required) throw new ConfigError([`settings: file ${path} does not exist; allowed: the path of a JSON settings file`]);
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError([`settings: ${path} is not valid JSON (${(e as Error).message}); allowed: a JSON object`]);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeObject(base: Record<string, unknown>, over: Record<string, unknown>, path: string, problems: Problems): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    // Absent, as in JSON; only code can pass an explicit undefined.
    if (value === undefined) continue;
    const field = path ? `${path}.${key}` : key;
    if (!(key in base)) {
      problems.add(field, `unknown field; allowed: ${Object.keys(base).join(', ')}`);
      continue;
    }
    const rule = ruleFor(field);
    if (rule?.kind === 'as-given') {
      out[key] = value;
    } else if (rule?.kind === 'named-list') {
      out[key] = mergeNamedList(field, base[key] as readonly Named[], rule.template, value, problems);
    } else if (rule?.kind === 'nullable') {
      out[key] = value === null ? null : mergeValue(isObject(base[key]) ? base[key] : rule.template, value, field, problems);
    } else {
      out[key] = mergeValue(base[key], value, field, problems);
    }
  }
  return out;
}

function mergeValue(base: unknown, over: unknown, field: string, problems: Problems): unknown {
  if (isObject(base)) {
    if (!isObject(over)) {
      problems.add(field, `${show(over)} is not allowed; allowed: an object with ${Object.keys(base).join(', ')}`);
      return base;
    }
    return mergeObject(base, over, field, problems);
  }
  return over;
}

/**
 * A user's list replaces the preset's. An entry named like a preset entry
 * inherits that entry's phase sizing; a new name starts from the preset's
 * first entry (or the list's template), so only what differs needs stating.
 */
function mergeNamedList(field: string, base: readonly Named[], template: Named | undefined, over: unknown, problems: Problems): unknown {
  if (!problems.array(field, over)) return base;
  return over.map((entry, i) => {
    const start = base.find((s) => isObject(entry) && s.name === entry.name) ?? base[0] ?? template;
    if (!isObject(entry) || typeof entry.name !== 'string' || start === undefined) {
      problems.add(`${field}[${i}]`, `${show(entry)} is not allowed; allowed: an object with at least a "name"`);
      return entry;
    }
    return mergeObject(start as unknown as Record<string, unknown>, entry, `${field}.${entry.name}`, problems);
  });
}
