import { Deployment, Located, resolveResource, resourcesOf } from '../../template';

/** A failover record and the health check it follows directly. */
export interface FailoverCheck {
  /** `PRIMARY` or `SECONDARY`. */
  readonly failover: string;
  readonly recordName: unknown;
  readonly check: Located;
  readonly config: any;
}

/** Every failover record's own health check of type `type` (`CLOUDWATCH_METRIC`, `CALCULATED`, ...). */
export function failoverChecks(deployment: Deployment, type: string): FailoverCheck[] {
  return resourcesOf(deployment, 'AWS::Route53::RecordSet').flatMap((record) => {
    const p = record.resource.Properties ?? {};
    if (p.Failover === undefined || p.HealthCheckId === undefined) return [];
    const check = resolveResource(deployment, record.stack, p.HealthCheckId);
    const config = check?.resource.Properties?.HealthCheckConfig;
    return check && config?.Type === type ? [{ failover: p.Failover, recordName: p.Name, check, config }] : [];
  });
}
