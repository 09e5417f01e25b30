import { EDGE_REGION, UserSettings } from '../config';
import { placeholderCertificateArn } from './production-settings';

const PRIMARY = 'eu-west-1';
const STANDBY = 'eu-central-1';
const zones = (region: string): string[] => ['a', 'b', 'c'].map((z) => `${region}${z}`);

/** Web services in the large configuration: `web` and 19 more, each on its own path. */
export const LARGE_SERVICES = 20;
/** Queue workers in the large configuration. */
export const LARGE_WORKERS = 10;

/**
 * A large production deployment, run as phase 3 by `npm run check`: 20
 * web services, 10 workers, two Valkey groups besides the cache, HTTPS end to end behind the CDN, a hosted
 * zone, Slack, an application login (ADR 0027), and a standby in another
 * region than the presets use.
 * What grows with the number of services and workers (dashboard widgets,
 * listener rules, security-group rules, stack sizes, per-account names)
 * is where synth accepts and AWS refuses. Placeholder ARNs and ids.
 */
export const LARGE_SETTINGS: UserSettings = {
  env: { region: PRIMARY, availabilityZones: zones(PRIMARY) },
  ingress: {
    certificateArn: placeholderCertificateArn(PRIMARY),
    domainName: 'app.example.com',
    hostedZone: { id: 'Z0000000000EXAMPLE', name: 'example.com' },
    edgeCertificateArn: placeholderCertificateArn(EDGE_REGION),
    originDomainName: 'origin.app.example.com',
  },
  database: { applicationLogin: 'app' },
  alarms: {
    pageEmails: ['oncall@example.com'],
    notifyEmails: ['team@example.com'],
    slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' },
  },
  services: Array.from({ length: LARGE_SERVICES }, (_, i) =>
    i === 0 ? { name: 'web' } : { name: `svc${i}`, pathPatterns: [`/svc${i}/*`], priority: i },
  ),
  workers: Array.from({ length: LARGE_WORKERS }, (_, i) => ({ name: i === 0 ? 'worker' : `worker${i}` })),
  // A job store any client reads, and a sharded second cache: their alarms share the app stack's budget.
  redis: [
    { name: 'jobs', nodeType: 'cache.r7g.large' },
    { name: 'feeds', role: 'cache', clusterMode: true, shards: 4, nodeType: 'cache.r7g.large' },
  ],
  phases: {
    phase3: {
      standby: { region: STANDBY, availabilityZones: zones(STANDBY), certificateArn: placeholderCertificateArn(STANDBY) },
    },
  },
};
