import { BlueprintConfig, BucketAccess, BucketConfig } from './types';

/** One grant of a task on a bucket: an access, on every object or on those under `prefix`. */
export interface BucketGrant {
  readonly access: 'read' | 'read-write';
  /** Key prefix such as `public/`; undefined: the whole bucket. */
  readonly prefix?: string;
}

/** A task's declared access to one bucket as a list of grants: a plain access is one grant on the whole bucket. */
export function bucketGrants(access: BucketAccess): readonly BucketGrant[] {
  if (typeof access === 'string') return [{ access }];
  return Array.isArray(access) ? access : [access as BucketGrant];
}

/** The host a public bucket is served on, when it has one of its own: a label is a name under ingress.domainName. */
export function publicHost(c: Pick<BlueprintConfig, 'ingress'>, b: Pick<BucketConfig, 'public'>): string | undefined {
  const host = b.public?.host;
  if (host === undefined) return undefined;
  if (host.includes('.')) return host;
  return c.ingress.domainName === undefined ? undefined : `${host}.${c.ingress.domainName}`;
}
