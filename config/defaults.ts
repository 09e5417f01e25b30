import { BlueprintConfig, COMPLIANCE_PACK_NAMES, PhaseName, StageName } from './types';

export const DEFAULT_PHASE: PhaseName = 'phase1';
export const DEFAULT_STAGE: StageName = 'dev';

/**
 * Settings that belong to the user, not to a phase: names, where to deploy,
 * TLS and who gets alarms. The account and zones are placeholders that let
 * `cdk synth` run with no AWS account; override them before deploying.
 */
export const USER_DEFAULTS: Pick<BlueprintConfig, 'appName' | 'env' | 'ingress' | 'email' | 'alarms' | 'buckets' | 'compliancePacks'> = {
  appName: 'blueprint',
  env: {
    account: '111111111111',
    region: 'us-east-1',
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  },
  // Both optional; listed so a settings file may set them (an unlisted field is an error).
  // 60 s: the load balancer's default idle timeout.
  ingress: { certificateArn: undefined, domainName: undefined, edgeCertificateArn: undefined, originDomainName: undefined, idleTimeoutSeconds: 60, hostedZone: null },
  // Off until a settings file names a domain.
  email: null,
  alarms: { pageEmails: [], notifyEmails: [], pageHttpsEndpoints: [], slack: null },
  // The application's own files: none until a settings file declares them.
  buckets: [],
  compliancePacks: COMPLIANCE_PACK_NAMES,
};
