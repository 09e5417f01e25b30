import { BlueprintConfig } from './types';

/**
 * What a user should know about a valid configuration before deploying it,
 * one line each; empty when nothing needs saying. The CDK app prints them
 * once per synth, instead of annotations on constructs.
 */
export function notes(c: BlueprintConfig): readonly string[] {
  const out: string[] = [];
  const slack = c.alarms.slack !== null;
  if (c.ingress.certificateArn === undefined) {
    out.push('No ingress.certificateArn: the load balancer serves plain HTTP on port 80. Set an ACM certificate of env.region for HTTPS.');
    if (c.edge !== null) {
      out.push('No ingress.certificateArn behind the CDN: the X-Origin-Verify origin header travels over plain HTTP between CloudFront and the load balancer. Set ingress.certificateArn and ingress.originDomainName.');
    }
  }
  if (c.alarms.pageEmails.length + c.alarms.pageHttpsEndpoints.length === 0 && !slack) {
    out.push('No subscriber on the page topic: alarms that page reach nobody. Set alarms.pageEmails, alarms.pageHttpsEndpoints or alarms.slack.');
  }
  if (c.alarms.notifyEmails.length === 0 && !slack) {
    out.push('No subscriber on the notify topic: alarms that notify reach nobody. Set alarms.notifyEmails or alarms.slack.');
  }
  return out;
}
