import { z } from 'zod';
import { describe as d, obj, oneOf } from './fields';
import { configShape, PHASES, STAGES } from './schema';

/**
 * The shape of blueprint.settings.json, derived from the configuration's
 * schema: every field optional (the phase preset fills the rest), entries
 * of a named list (services, workers) keyed by a required `name`, and a
 * `phases` block of per-phase overlays of the same shape.
 */

function isNamedList(def: { type: string; element?: z.ZodType }): boolean {
  const element = def.element?._zod.def as { type: string; shape?: Record<string, unknown> } | undefined;
  return def.type === 'array' && element?.type === 'object' && element.shape !== undefined && 'name' in element.shape;
}

/** The same schema with every object field optional, keeping messages and metadata. */
export function partialOf(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as unknown as { type: string; innerType?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> };
  const meta = schema.meta();
  const keep = (s: z.ZodType): z.ZodType => (meta ? s.meta(meta) : s);
  switch (def.type) {
    case 'optional':
      return keep(partialOf(def.innerType!).optional());
    case 'nullable':
      return keep(partialOf(def.innerType!).nullable());
    case 'object': {
      const shape = Object.fromEntries(Object.entries(def.shape!).map(([key, field]) => [key, field.isOptional() ? partialOf(field) : partialOf(field).optional()]));
      return keep(schema.clone({ ...schema._zod.def, shape } as typeof schema._zod.def));
    }
    case 'array':
      if (isNamedList(def)) {
        const element = def.element!;
        const elementDef = element._zod.def as unknown as { shape: Record<string, z.ZodType> };
        const shape = Object.fromEntries(Object.entries(elementDef.shape).map(([key, field]) => [key, key === 'name' ? field : partialOf(field).optional()]));
        return keep(schema.clone({ ...schema._zod.def, element: element.clone({ ...element._zod.def, shape } as typeof element._zod.def) } as typeof schema._zod.def));
      }
      return schema;
    case 'union': {
      // A discriminated union (a worker's scaling): each kind with its fields optional, and one more
      // option for a value that leaves the discriminator out to keep the current kind, which may
      // hold any kind's fields; the merged value is checked whole against the configuration.
      const { discriminator, options } = def as unknown as { discriminator?: string; options: z.ZodType[] };
      if (discriminator === undefined) return schema;
      // Each kind keeps its discriminator required, so a value that gives one is checked as that kind alone.
      const partials = options.map((o) => (partialOf(o) as z.ZodObject).extend({ [discriminator]: (o as z.ZodObject).shape[discriminator]! }));
      const fields = Object.assign({}, ...partials.map((o) => o.shape)) as z.ZodRawShape;
      const unchanged = obj({ ...fields, [discriminator]: z.undefined().optional() });
      const error = (schema._zod.def as { error?: z.core.$ZodErrorMap }).error;
      return keep(z.discriminatedUnion(discriminator, [...partials, unchanged] as unknown as [z.ZodObject, ...z.ZodObject[]], { error }));
    }
    default:
      return schema;
  }
}

const { phase: _phase, stage: _stage, ...fieldShape } = configShape;
const settingsFields = Object.fromEntries(Object.entries(fieldShape).map(([key, field]) => [key, partialOf(field).optional()]));

export const settingsSchema = obj({
  $schema: d(z.string().optional(), 'The JSON Schema an editor checks this file with: `./blueprint.settings.schema.json`.'),
  phase: d(oneOf(PHASES).optional(), 'The scaling phase whose preset fills every setting not given (`-c phase=` wins).'),
  stage: d(oneOf(STAGES).optional(), 'The stage (`-c stage=` wins).'),
  ...settingsFields,
  phases: d(
    obj(Object.fromEntries(PHASES.map((p) => [p, d(obj(settingsFields).optional(), `Settings for ${p} only, merged over the rest when ${p} is built.`)]))).optional(),
    'Settings for one phase only, merged over the rest when that phase is built: what exists only from a phase on (the CDN\'s certificate, the standby region), so one file serves the whole upgrade ladder.',
  ),
});

function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      const js = jsonSchema as Record<string, unknown>;
      if (typeof js.allowed === 'string') {
        js.description = [js.description, `Allowed: ${js.allowed}.`].filter(Boolean).join(' ');
        delete js.allowed;
      }
    },
  }) as Record<string, unknown>;
}

/**
 * The JSON Schema of blueprint.settings.json (written to
 * blueprint.settings.schema.json by `npm run docs`). The settings' fields
 * are defined once and referenced by the file and by each phase overlay;
 * `unevaluatedProperties` keeps unknown keys out of both.
 */
export function settingsJsonSchema(): Record<string, unknown> {
  const { $schema: draft, additionalProperties: _fields, ...fields } = toJsonSchema(obj(settingsFields));
  const { $schema: _draft, additionalProperties: _top, properties, ...top } = toJsonSchema(settingsSchema);
  const overlay = (properties as Record<string, Record<string, unknown>>).phases!;
  return {
    $schema: draft,
    title: 'Blueprint Kit settings (blueprint.settings.json)',
    ...top,
    $ref: '#/$defs/settings',
    properties: {
      ...Object.fromEntries(['$schema', 'phase', 'stage'].map((key) => [key, (properties as Record<string, unknown>)[key]])),
      phases: {
        description: overlay.description,
        type: 'object',
        properties: Object.fromEntries(
          PHASES.map((p) => [p, { description: `Settings for ${p} only, merged over the rest when ${p} is built.`, $ref: '#/$defs/settings', unevaluatedProperties: false }]),
        ),
        additionalProperties: false,
      },
    },
    unevaluatedProperties: false,
    $defs: { settings: fields },
  };
}
