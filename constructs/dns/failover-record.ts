import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';

export interface FailoverRecordProps {
  readonly zone: { readonly id: string; readonly name: string };
  /** The name both regions' records share. */
  readonly recordName: string;
  /** `PRIMARY` takes traffic while healthy; `SECONDARY` takes it when the primary is not. */
  readonly role: 'PRIMARY' | 'SECONDARY';
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /**
   * The alarm, in this region, that alone marks the record unhealthy: a
   * signal about the whole region (its origin check), never about one
   * service.
   */
  readonly alarm: cloudwatch.IAlarm;
  /**
   * Hold this half unhealthy whatever the alarm says: the other region's
   * database has been promoted, and traffic must not return here when this
   * region answers again. The record then follows a calculated check over
   * the region's check with a threshold of 2, which Route 53 always reads
   * as unhealthy ("If you specify a number greater than the number of child
   * health checks, Route 53 always considers this health check to be
   * unhealthy",
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_UpdateHealthCheck.html#Route53-UpdateHealthCheck-request-HealthThreshold).
   * @default false
   */
  readonly forceUnhealthy?: boolean;
}

/**
 * One region's half of a Route 53 failover pair: an alias to its load
 * balancer, healthy exactly while the region's alarm is. The alias does not
 * evaluate target health: Route 53 would then read the load balancer as
 * unhealthy as soon as any one target group had no healthy target, and send
 * the whole region to the standby for one service. Route 53 reads the
 * alarm's metric stream, not its state, so a metric that stops arriving (a
 * region gone dark) makes the check unhealthy through
 * `InsufficientDataHealthStatus`
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html).
 */
export class FailoverRecord extends Construct {
  /** The check the record follows: the region's, or with `forceUnhealthy` the calculated one holding it. */
  public readonly healthCheck: route53.HealthCheck;
  public readonly record: route53.ARecord;

  constructor(scope: Construct, id: string, props: FailoverRecordProps) {
    super(scope, id);
    const regionCheck = new route53.HealthCheck(this, 'HealthCheck', {
      type: route53.HealthCheckType.CLOUDWATCH_METRIC,
      alarmIdentifier: { name: props.alarm.alarmName, region: props.loadBalancer.env.region },
      insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.UNHEALTHY,
    });
    // Held: a parent over the region's own check asking for more healthy children than it has. The region's
    // check stays, unchanged, so its status is still there to read before the hold is lifted.
    this.healthCheck = props.forceUnhealthy
      ? new route53.HealthCheck(this, 'Held', { type: route53.HealthCheckType.CALCULATED, childHealthChecks: [regionCheck], healthThreshold: 2 })
      : regionCheck;
    this.record = new route53.ARecord(this, 'Record', {
      zone: route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.zone.id, zoneName: props.zone.name }),
      recordName: props.recordName,
      target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(props.loadBalancer, { evaluateTargetHealth: true })),
      failover: props.role === 'PRIMARY' ? route53.Failover.PRIMARY : route53.Failover.SECONDARY,
      setIdentifier: props.role.toLowerCase(),
      healthCheck: this.healthCheck,
    });
    // aws-cdk-lib insists on EvaluateTargetHealth for failover aliases; Route 53 does not: a failover
    // alias may rely on its health check alone ("Evaluate target health", No:
    // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-failover-alias.html).
    (this.record.node.defaultChild as route53.CfnRecordSet).addPropertyOverride('AliasTarget.EvaluateTargetHealth', false);
  }
}
