export * from './types';
export * from './resolve';
export { PHASE_PRESETS, PhasePreset } from './phases';
export { STAGE_DEFAULTS } from './stages';
export { SLA_ROWS, AVAILABILITY_PERCENT } from './sla';
export { SCALING_TABLE, requestsPerTargetPerMinute } from './scaling';
export { maxConnectionsFor, DB_INSTANCE_MEMORY_GIB } from './postgres';
export { validateConfig } from './validate';
export { CLOUDFRONT_ORIGIN_PREFIX_LISTS, EDGE_REGION, originPrefixListId } from './edge';
