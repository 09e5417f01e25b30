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

/** vCPUs of a Graviton class by its size: medium and large 2, xlarge 4, Nxlarge 4N (AWS instance type specifications). */
export function vcpusOf(instanceClass: string): number {
  const size = instanceClass.split('.')[1] ?? '';
  if (size === 'medium' || size === 'large') return 2;
  const multiple = /^(\d*)xlarge$/.exec(size);
  if (multiple === null) throw new Error(`unknown instance class ${instanceClass}`);
  return 4 * Number(multiple[1] || 1);
}

/** RDS for PostgreSQL's divisor in `LEAST({DBInstanceClassMemory/9531392}, 5000)`. */
const BYTES_PER_CONNECTION = 9_531_392;
const MAX_CONNECTIONS_CAP = 5_000;
const GIB = 1024 ** 3;

/**
 * The memory RDS leaves to PostgreSQL, as the kit counts it: the class's
 * memory less a tenth, and at least 512 MiB. RDS's `DBInstanceClassMemory`
 * is the class's memory less what the operating system and the RDS
 * processes reserve, "always somewhat lower than the memory figures shown in
 * the instance class tables" ("Specifying DB parameters", DB parameter
 * formula variables:
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ParamValuesRef.html).
 * AWS publishes no figure for the reservation; this one is larger than the
 * reservation seen on the kit's classes (4 GiB and up), so the kit's value
 * is at or below the one RDS's default formula picks.
 */
function usableMemoryBytes(gib: number): number {
  return gib * GIB - Math.max(gib * GIB * 0.1, 0.5 * GIB);
}

/**
 * max_connections for an instance class: RDS for PostgreSQL's default
 * formula, `LEAST({DBInstanceClassMemory/9531392}, 5000)`, on the memory RDS
 * leaves to PostgreSQL rather than the class's nominal memory (see
 * `usableMemoryBytes`). The kit pins this value in the primary's parameter
 * group, so the connection alarm divides by exactly what the server
 * enforces, and the server never admits more connections than RDS's own
 * default would.
 */
export function maxConnectionsFor(instanceClass: string): number {
  const gib = DB_INSTANCE_MEMORY_GIB[instanceClass];
  if (gib === undefined) {
    throw new Error(`unknown instance class ${instanceClass}`);
  }
  return Math.min(Math.floor(usableMemoryBytes(gib) / BYTES_PER_CONNECTION), MAX_CONNECTIONS_CAP);
}

/**
 * What every replica runs with, whatever class the primary is or becomes.
 * PostgreSQL pauses replay on a hot standby whose max_connections,
 * max_worker_processes, max_wal_senders, max_prepared_transactions or
 * max_locks_per_transaction is below the primary's
 * (https://www.postgresql.org/docs/current/hot-standby.html#HOT-STANDBY-ADMIN;
 * RDS: "Working with read replicas for Amazon RDS for PostgreSQL"). A phase
 * upgrade resizes the primary first (its replicas reference it, so
 * CloudFormation updates them after it, and the standby region's stacks
 * deploy after the primary's), which raises both class-derived values on the
 * primary before any replica: replicas therefore run at the ceiling of every
 * class the kit knows, never below the primary. The other three parameters
 * are left at the engine family's defaults in both groups, so they are equal.
 */
export const HOT_STANDBY_PARAMETERS: { readonly maxConnections: number; readonly maxWorkerProcesses: number } = {
  // The formula's cap, above maxConnectionsFor of every class.
  maxConnections: MAX_CONNECTIONS_CAP,
  // RDS's default group sets max_worker_processes to GREATEST(${DBInstanceVCPU*2},8).
  maxWorkerProcesses: Math.max(8, ...Object.keys(DB_INSTANCE_MEMORY_GIB).map((c) => 2 * vcpusOf(c))),
};
