import { z } from 'zod';
import { show } from './checks';

/**
 * Builders for the settings schema's fields. Each one gives its field the
 * kit's message, `<value> is not allowed; allowed: <what is>`, for every way
 * a value can fail, and records the allowed text as metadata, which the JSON
 * Schema and docs/settings.md show beside the field's description.
 */

// Every field gives its own message; this one is the net under them, so the library's wording never reaches a user.
z.config({ customError: (iss) => rejection(iss.input, 'see docs/settings.md') });

/** Metadata of a field: what it does and what it may hold. */
export interface FieldMeta {
  readonly description?: string;
  readonly allowed?: string;
}

/** The one-line message for a rejected value. */
export function rejection(input: unknown, allowed: string): string {
  if (input === undefined) return `missing value; allowed: ${allowed}`;
  return `${show(input)} is not allowed; allowed: ${allowed}`;
}

type Issue = { readonly input?: unknown; readonly code?: string };

/** The message for a string field: a JSON number in its place is named as such (an account id typed without quotes). */
function textRejection(allowed: string): (iss: Issue) => string {
  return (iss) =>
    typeof iss.input === 'number' && Number.isFinite(iss.input)
      ? `${iss.input} is a JSON number; allowed: ${allowed}, written as a string in quotes`
      : rejection(iss.input, allowed);
}

function reject(allowed: string): (iss: Issue) => string {
  return (iss) => rejection(iss.input, allowed);
}

/** Adds a description to a field, keeping its allowed text. */
export function describe<T extends z.ZodType>(schema: T, description: string): T {
  return schema.meta({ ...(schema.meta() ?? {}), description }) as T;
}

/** The metadata a schema carries, through its optional and nullable wrappers. */
export function metaOf(schema: z.ZodType): FieldMeta {
  const own = (schema.meta() ?? {}) as FieldMeta;
  const def = schema._zod.def as { type: string; innerType?: z.ZodType };
  if ((def.type === 'optional' || def.type === 'nullable') && def.innerType) return { ...metaOf(def.innerType), ...own };
  return own;
}

/** A whole number in [min, max]. */
export function int(min: number, max: number, allowed = `a whole number from ${min} to ${max}`) {
  const error = reject(allowed);
  return z.int({ error }).min(min, { error }).max(max, { error }).meta({ allowed });
}

/** A number in [min, max], or (min, max) when `exclusive`. */
export function num(min: number, max: number, exclusive = false) {
  const allowed = exclusive ? `a number greater than ${min} and less than ${max}` : `a number from ${min} to ${max}`;
  const error = reject(allowed);
  const n = z.number({ error });
  return (exclusive ? n.gt(min, { error }).lt(max, { error }) : n.min(min, { error }).max(max, { error })).meta({ allowed });
}

/** A whole number that passes `test`, described by `allowed`. */
export function intWhere(test: (n: number) => boolean, allowed: string) {
  const error = reject(allowed);
  return z.int({ error }).refine(test, { error }).meta({ allowed });
}

/** One of a list of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, allowed = values.map((v) => show(v)).join(', ')) {
  return z.enum(values, { error: textRejection(allowed) }).meta({ allowed });
}

/** One of a list of numbers. */
export function oneOfNumbers(values: readonly number[], allowed = values.join(', ')) {
  return z.literal(values as [number, ...number[]], { error: reject(allowed) }).meta({ allowed }) as unknown as z.ZodNumber;
}

/** A string matching `pattern`, described by `allowed`; `test` adds what a pattern cannot say. */
export function text(pattern: RegExp, allowed: string, test?: (s: string) => boolean) {
  const error = textRejection(allowed);
  const s = z.string({ error }).regex(pattern, { error });
  return (test ? s.refine(test, { error }) : s).meta({ allowed });
}

export function bool() {
  const allowed = 'true, false';
  return z.boolean({ error: reject(allowed) }).meta({ allowed });
}

/** A list of `item`, with at least `min` and at most `max` entries. */
export function list<T extends z.ZodType>(item: T, min = 0, max = Number.MAX_SAFE_INTEGER, allowed?: string) {
  const count = allowed ?? (max === Number.MAX_SAFE_INTEGER ? (min > 0 ? `a list of at least ${min}` : 'a list') : `a list of ${min} to ${max}`);
  const error = reject(count);
  return z.array(item, { error }).min(min, { error }).max(max, { error }).meta({ allowed: count });
}

/** An object with exactly these fields: any other key, even `constructor`, is an unknown field. */
export function obj<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field; allowed: ${keys}` : rejection(iss.input, `an object with ${keys}`)),
  });
}

/** An object whose keys the user names (variables, regions), each checked by `key`. */
export function dict<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V, allowed: string) {
  return z.record(key, value, { error: reject(allowed) }).meta({ allowed });
}
