import { EDGE_REGION, PHASE_PRESETS, PhaseName, USER_DEFAULTS, UserSettings } from '../config';

/** A placeholder ACM certificate ARN in `region`. */
export function placeholderCertificateArn(region: string): string {
  return `arn:aws:acm:${region}:111111111111:certificate/00000000-0000-0000-0000-000000000000`;
}

/**
 * Production as it runs, so prod is documented and checked that way: a
 * domain in a hosted zone with HTTPS end to end and, where the phase has
 * them, the CDN's certificate and a standby region's. Placeholder ARNs in
 * the default regions; `npm run check -- --settings` checks real ones.
 */
export function productionSettings(phase: PhaseName): UserSettings {
  const preset = PHASE_PRESETS[phase];
  return {
    ingress: {
      certificateArn: placeholderCertificateArn(USER_DEFAULTS.env.region),
      domainName: 'app.example.com',
      hostedZone: { id: 'Z0000000000EXAMPLE', name: 'example.com' },
      ...(preset.edge ? { edgeCertificateArn: placeholderCertificateArn(EDGE_REGION), originDomainName: 'origin.app.example.com' } : {}),
    },
    ...(preset.standby ? { standby: { certificateArn: placeholderCertificateArn(preset.standby.region) } } : {}),
  };
}
