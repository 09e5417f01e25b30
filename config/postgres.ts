/**
 * Memory of the RDS instance classes the kit knows, in GiB (AWS instance
 * type specifications). A class outside this table fails validation, since
 * max_connections, and so the connection alarm, depends on it.
 */
export const DB_INSTANCE_MEMORY_GIB: Readonly<Record<string, number>> = {
  't4g.medium': 4,
  't4g.large': 8,
  't4g.xlarge': 16,
  't4g.2xlarge': 32,
  'm7g.large': 8,
  'm7g.xlarge': 16,
  'm7g.2xlarge': 32,
  'm7g.4xlarge': 64,
  'm7g.8xlarge': 128,
  'r7g.large': 16,
  'r7g.xlarge': 32,
  'r7g.2xlarge': 64,
  'r7g.4xlarge': 128,
  'r7g.8xlarge': 256,
  'r7g.12xlarge': 384,
  'r7g.16xlarge': 512,
};

/** RDS for PostgreSQL's divisor in `LEAST({DBInstanceClassMemory/9531392}, 5000)`. */
const BYTES_PER_CONNECTION = 9_531_392;
const MAX_CONNECTIONS_CAP = 5_000;

/**
 * max_connections for an instance class, by the RDS for PostgreSQL default
 * formula applied to the class's memory. The kit sets this value explicitly
 * in the parameter group, so the connection alarm divides by the number the
 * server really enforces.
 */
export function maxConnectionsFor(instanceClass: string): number {
  const gib = DB_INSTANCE_MEMORY_GIB[instanceClass];
  if (gib === undefined) {
    throw new Error(`unknown instance class ${instanceClass}`);
  }
  return Math.min(Math.floor((gib * 1024 ** 3) / BYTES_PER_CONNECTION), MAX_CONNECTIONS_CAP);
}
