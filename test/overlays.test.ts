import { resolveConfig } from '../config';
import { problemsOf } from './support/config';

const TWO_SERVICES = [
  { name: 'web', environment: { LOG_LEVEL: 'info', FEATURE_X: 'off' }, secrets: { API_KEY: { secretsManager: 'app/api-key' } } },
  { name: 'admin', pathPatterns: ['/admin/*'], priority: 10, environment: { LOG_LEVEL: 'info' } },
];
const TWO_WORKERS = [
  { name: 'mailer', command: ['mail'] },
  { name: 'reports', command: ['reports'] },
];

describe('per-phase overlays', () => {
  test('GIVEN an overlay naming one of two services THEN the other service is kept and the named one changes only where the overlay says', () => {
    const settings = { services: TWO_SERVICES, phases: { phase3: { services: [{ name: 'admin', cpu: 1024, memoryMiB: 2048 }] } } };
    const p3 = resolveConfig({ phase: 'phase3', settings });
    expect(p3.services.map((s) => s.name)).toEqual(['web', 'admin']);
    const admin = p3.services.find((s) => s.name === 'admin')!;
    expect(admin).toMatchObject({ cpu: 1024, memoryMiB: 2048, pathPatterns: ['/admin/*'], priority: 10 });
    // The other phases never see the overlay.
    const p2 = resolveConfig({ phase: 'phase2', settings });
    expect(p2.services.find((s) => s.name === 'admin')!.cpu).not.toBe(1024);
  });

  test('GIVEN an overlay naming the second worker THEN it changes that worker, not a clone of the first, and keeps the first', () => {
    const settings = { workers: TWO_WORKERS, phases: { phase3: { workers: [{ name: 'reports', command: ['reports', '--fast'] }] } } };
    const p3 = resolveConfig({ phase: 'phase3', settings });
    expect(p3.workers.map((w) => [w.name, w.command])).toEqual([
      ['mailer', ['mail']],
      ['reports', ['reports', '--fast']],
    ]);
  });

  test('GIVEN an overlay setting one variable and one secret THEN the others of the base list are kept', () => {
    const settings = {
      services: TWO_SERVICES,
      phases: { phase3: { services: [{ name: 'web', environment: { LOG_LEVEL: 'warn' }, secrets: { SENTRY_DSN: { ssmParameter: '/app/sentry' } } }] } },
    };
    const web = resolveConfig({ phase: 'phase3', settings }).services.find((s) => s.name === 'web')!;
    expect(web.environment).toEqual({ LOG_LEVEL: 'warn', FEATURE_X: 'off' });
    expect(web.secrets).toEqual({ API_KEY: { secretsManager: 'app/api-key' }, SENTRY_DSN: { ssmParameter: '/app/sentry' } });
  });

  test('GIVEN top-level settings over the preset THEN a service\'s environment is the file\'s, not merged with the preset\'s', () => {
    const c = resolveConfig({ settings: { services: [{ name: 'web', environment: { ONLY: 'this' } }] } });
    expect(c.services[0].environment).toEqual({ ONLY: 'this' });
  });

  test('GIVEN an overlay entry whose name is not in the list THEN one line names the entry and the known names', () => {
    expect(problemsOf({ phase: 'phase3', settings: { workers: TWO_WORKERS, phases: { phase3: { workers: [{ name: 'mailr', cpu: 1024, memoryMiB: 2048 }] } } } })).toEqual([
      'phases.phase3.workers.mailr: "mailr" names no entry of workers; an overlay changes entries by name and adds none; allowed: a name among mailer, reports',
    ]);
  });

  test('GIVEN an overlay entry for a phase that is not built THEN it is not checked against that phase\'s lists', () => {
    expect(() => resolveConfig({ phase: 'phase2', settings: { workers: TWO_WORKERS, phases: { phase3: { workers: [{ name: 'mailr' }] } } } })).not.toThrow();
  });
});
