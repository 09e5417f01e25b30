import { PhaseName } from './types';

/**
 * REFERENCE §3, the SLA table, as data. Alarms are generated from these rows;
 * changing a number here changes the alarm.
 */
export const SLA_ROWS = {
  latencyP95: { targetMs: 200, alertAboveMs: 500, periodSeconds: 60, evaluationPeriods: 5, route: 'page' },
  errorRate: { targetPercent: 0.1, alertAbovePercent: 1, periodSeconds: 60, evaluationPeriods: 2, route: 'page' },
  serviceDown: { periodSeconds: 60, evaluationPeriods: 1, route: 'page' },
  dbConnections: { targetPercent: 80, alertAbovePercent: 90, periodSeconds: 60, evaluationPeriods: 5, route: 'notify' },
} as const;

/** Availability objective per phase, percent (REFERENCE §3). */
export const AVAILABILITY_PERCENT: Readonly<Record<PhaseName, number>> = {
  phase1: 99.9,
  phase2: 99.95,
  phase3: 99.99,
};

/** Sustained request rate each phase is designed for (REFERENCE §3, throughput row). */
export const DESIGN_REQUESTS_PER_SECOND: Readonly<Record<PhaseName, number>> = {
  phase1: 1_000,
  phase2: 10_000,
  phase3: 10_000,
};
