import type { WorkerConfig } from './types';

/**
 * docs/architecture.md §4, the scaling table, as data. Phase presets take their task
 * counts from here; a phase that departs from it says why in its preset.
 */
export const SCALING_TABLE = {
  web: { min: 2, max: 10, cpuTargetPercent: 70 },
  worker: { min: 3, max: 20 },
  readReplicas: { min: 1, max: 5 },
} as const;

/** The fewest and most tasks a worker's scaling allows, whatever its signal. */
export function workerTaskRange(s: WorkerConfig['scaling']): { readonly min: number; readonly max: number } {
  switch (s.signal) {
    case 'fixed':
      return { min: s.tasks, max: s.tasks };
    case 'singleton':
      return { min: 1, max: 1 };
    default:
      return { min: s.minTasks, max: s.maxTasks };
  }
}

/**
 * Requests per second one vCPU of a typical JSON API serves at its latency
 * target. The capacity ADR (docs/adr/0007) derives every task count from it;
 * measure your own service and override the per-service target if it differs.
 */
export const REQUESTS_PER_VCPU_PER_SECOND = 250;

/**
 * ALB request-count target for a task of `cpuUnits`: its capacity with 20%
 * headroom, per minute (the metric's period), so scale-out starts before
 * tasks saturate.
 */
export function requestsPerTargetPerMinute(cpuUnits: number): number {
  return Math.floor((cpuUnits / 1024) * REQUESTS_PER_VCPU_PER_SECOND * 0.8 * 60);
}
