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
  for (const [kind, apps] of [['services', c.services], ['workers', c.workers], ['schedules', c.schedules]] as const) {
    for (const app of apps.filter((a) => !a.readOnlyRootFilesystem)) {
      out.push(
        `${kind}.${app.name}.readOnlyRootFilesystem is false: its container${'migrationCommand' in app && app.migrationCommand.length > 0 ? ' (and its migration task\'s)' : ''} may write anywhere in its root filesystem, an exception to AWS Security Hub ECS.5 acknowledged on its task definition. Set it to true once the image runs with /tmp and writablePaths alone.`,
      );
    }
  }
  const byName = standbyReadsByName(c);
  if (byName.length > 0) {
    out.push(`The standby region reads ${byName.join(', ')} by name: each must exist in standby.region (${c.standby!.region}) before its first deploy (a Secrets Manager replica keeps the name; docs/deploy.md, "Secrets in the standby region").`);
  }
  return out;
}

/** The secrets and parameters the standby's tasks resolve by name, which synth cannot look up. */
function standbyReadsByName(c: BlueprintConfig): string[] {
  if (c.standby === null) return [];
  const names = new Set<string>();
  for (const app of [...c.services, ...c.workers, ...c.schedules]) {
    for (const ref of Object.values(app.secrets)) {
      const source = ref.standby ?? ref;
      const value = source.secretsManager ?? source.ssmParameter!;
      if (!value.startsWith('arn:')) names.add(source.secretsManager !== undefined ? `secret ${value}` : `parameter ${value}`);
    }
  }
  return [...names].sort();
}
