/**
 * Small field checks that collect problems instead of throwing, so one run
 * reports every mistake in a configuration, each naming its field.
 */
export class Problems {
  private readonly list: string[] = [];

  /** Records a problem once: two checks of one value may fail for one reason. */
  add(field: string, message: string): void {
    const line = `${field}: ${message}`;
    if (!this.list.includes(line)) this.list.push(line);
  }

  get all(): readonly string[] {
    return this.list;
  }

  /** A view that records into this list, each field named under `prefix` (e.g. `phases.phase3.`). */
  under(prefix: string): Problems {
    const view = new Problems();
    view.add = (field, message) => this.add(`${prefix}${field}`, message);
    return view;
  }

  /** A whole number in [min, max]. Returns whether it passed. */
  integer(field: string, value: unknown, min: number, max: number): boolean {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.add(field, `${show(value)} is not allowed; allowed: a whole number from ${min} to ${max}`);
      return false;
    }
    return true;
  }

  /** A number in the open or closed range given. */
  number(field: string, value: unknown, min: number, max: number, exclusive = false): boolean {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (exclusive ? value > min && value < max : value >= min && value <= max);
    if (!ok) {
      const range = exclusive ? `greater than ${min} and less than ${max}` : `from ${min} to ${max}`;
      this.add(field, `${show(value)} is not allowed; allowed: a number ${range}`);
    }
    return ok;
  }

  oneOf<T>(field: string, value: unknown, allowed: readonly T[]): value is T {
    if (!allowed.includes(value as T)) {
      this.add(field, `${show(value)} is not allowed; allowed: ${allowed.map((a) => show(a)).join(', ')}`);
      return false;
    }
    return true;
  }

  matches(field: string, value: unknown, pattern: RegExp, allowed: string): value is string {
    if (typeof value !== 'string' || !pattern.test(value)) {
      this.add(field, `${show(value)} is not allowed; allowed: ${allowed}`);
      return false;
    }
    return true;
  }

  boolean(field: string, value: unknown): boolean {
    if (typeof value !== 'boolean') {
      this.add(field, `${show(value)} is not allowed; allowed: true, false`);
      return false;
    }
    return true;
  }

  array(field: string, value: unknown): value is readonly unknown[] {
    if (!Array.isArray(value)) {
      this.add(field, `${show(value)} is not allowed; allowed: a list`);
      return false;
    }
    return true;
  }
}

export function show(value: unknown): string {
  if (value === undefined) return 'missing value';
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would print as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return value < 0 ? 'a number below the double range (such as -1e400)' : 'a number beyond the double range (such as 1e400)';
  return JSON.stringify(value);
}

/** Parses `a.b.c.d/n` into a 32-bit network address and prefix, or undefined. */
export function parseCidr(cidr: string): { readonly address: number; readonly prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}
