import { BurnRateWindow, PhaseName, SaturationRows } from './types';

/**
 * docs/architecture.md §3, the SLA table, as data. Alarms are generated from these rows;
 * changing a number here changes the alarm.
 */
export const SLA_ROWS = {
  latencyP95: { targetMs: 200, alertAboveMs: 500, periodSeconds: 60, evaluationPeriods: 5, route: 'page' },
  errorRate: { targetPercent: 0.1, alertAbovePercent: 1, periodSeconds: 60, evaluationPeriods: 2, route: 'page' },
  serviceDown: { periodSeconds: 60, evaluationPeriods: 1, route: 'page' },
  dbConnections: { targetPercent: 80, alertAbovePercent: 90, periodSeconds: 60, evaluationPeriods: 5, route: 'notify' },
} as const;

/** Recovery objectives (docs/architecture.md §6): the data a failure may lose, and the time back to service. */
export const RECOVERY_OBJECTIVES = { rpoMinutes: 15, rtoMinutes: 60 } as const;

/** Availability objective per phase, percent (docs/architecture.md §3). */
export const AVAILABILITY_PERCENT: Readonly<Record<PhaseName, number>> = {
  phase1: 99.9,
  phase2: 99.95,
  phase3: 99.99,
};

/** Sustained request rate each phase is designed for (docs/architecture.md §3, throughput row). */
export const DESIGN_REQUESTS_PER_SECOND: Readonly<Record<PhaseName, number>> = {
  phase1: 1_000,
  phase2: 10_000,
  phase3: 10_000,
};

/**
 * Multi-window, multi-burn-rate alerting on the availability SLO (Google SRE
 * workbook, "Alerting on SLOs"): 2% of a 30-day budget in an hour or 5% in six
 * hours pages; 10% in three days notifies. The short window stops the alarm
 * once the burn has ended.
 */
export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { burnRate: 14.4, longWindowMinutes: 60, shortWindowMinutes: 5, route: 'page' },
  { burnRate: 6, longWindowMinutes: 360, shortWindowMinutes: 30, route: 'page' },
  { burnRate: 1, longWindowMinutes: 4320, shortWindowMinutes: 360, route: 'notify' },
];

/** docs/architecture.md §3's saturation alarms: sustained, so they notify rather than page. */
export const SATURATION_ROWS: SaturationRows = {
  ecsCpuPercent: { threshold: 90, periodSeconds: 60, evaluationPeriods: 10, route: 'notify' },
  ecsMemoryPercent: { threshold: 90, periodSeconds: 60, evaluationPeriods: 10, route: 'notify' },
  rdsCpuPercent: { threshold: 80, periodSeconds: 60, evaluationPeriods: 10, route: 'notify' },
  rdsFreeStoragePercent: { threshold: 10, periodSeconds: 300, evaluationPeriods: 1, route: 'notify' },
  rdsFreeableMemoryPercent: { threshold: 10, periodSeconds: 300, evaluationPeriods: 3, route: 'notify' },
  rdsReplicaLagSeconds: { threshold: 60, periodSeconds: 60, evaluationPeriods: 5, route: 'notify' },
  cacheEngineCpuPercent: { threshold: 80, periodSeconds: 60, evaluationPeriods: 10, route: 'notify' },
  cacheMemoryPercent: { threshold: 80, periodSeconds: 300, evaluationPeriods: 2, route: 'notify' },
  cacheEvictions: { threshold: 1000, periodSeconds: 300, evaluationPeriods: 1, route: 'notify' },
  cacheReplicationLagSeconds: { threshold: 5, periodSeconds: 60, evaluationPeriods: 5, route: 'notify' },
  // Fifteen minutes behind is well past the workers' scaling reaction time.
  queueOldestMessageSeconds: { threshold: 900, periodSeconds: 60, evaluationPeriods: 5, route: 'notify' },
  deadLetterMessages: { threshold: 0, periodSeconds: 60, evaluationPeriods: 1, route: 'notify' },
  streamIteratorAgeSeconds: { threshold: 60, periodSeconds: 60, evaluationPeriods: 5, route: 'notify' },
};

/**
 * When DNS fails a region over (docs/architecture.md §9, "a region is lost"):
 * three minutes in which the load balancer itself answered 5XX more than 50
 * times a minute, meaning no target could take the request. Short of that,
 * one bad service pages but does not move the region.
 */
export const ORIGIN_FAILOVER_ROW = { threshold: 50, periodSeconds: 60, evaluationPeriods: 3, route: 'page' } as const;
