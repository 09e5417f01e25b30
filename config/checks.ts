/**
 * Problems collected instead of thrown, so one run reports every mistake in
 * a configuration, each naming its field.
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
