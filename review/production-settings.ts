import { EDGE_REGION, PHASE_PRESETS, PHASES, USER_DEFAULTS, UserSettings } from '../config';

/** A placeholder ACM certificate ARN in `region`. */
export function placeholderCertificateArn(region: string): string {
  return `arn:aws:acm:${region}:111111111111:certificate/00000000-0000-0000-0000-000000000000`;
}

/**
 * Production as it runs, so prod is documented and checked that way: a
 * domain in a hosted zone with HTTPS end to end and, from the phase that
 * has them, the CDN's certificate and origin name and the standby region's
 * certificate. One settings file for the whole ladder, as a user writes it;
 * placeholder ARNs in the default regions (`npm run check -- --settings`
 * checks real ones).
 */
export const PRODUCTION_SETTINGS: UserSettings = {
  ingress: {
    certificateArn: placeholderCertificateArn(USER_DEFAULTS.env.region),
    domainName: 'app.example.com',
    hostedZone: { id: 'Z0000000000EXAMPLE', name: 'example.com' },
  },
  phases: Object.fromEntries(
    PHASES.map((phase) => {
      const preset = PHASE_PRESETS[phase];
      return [
        phase,
        {
          ...(preset.edge ? { ingress: { edgeCertificateArn: placeholderCertificateArn(EDGE_REGION), originDomainName: 'origin.app.example.com' } } : {}),
          ...(preset.standby ? { standby: { certificateArn: placeholderCertificateArn(preset.standby.region) } } : {}),
        },
      ];
    }),
  ),
};
