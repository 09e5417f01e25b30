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
  /** The alarm, in this region, that marks the record unhealthy. */
  readonly alarm: cloudwatch.IAlarm;
}

/**
 * One region's half of a Route 53 failover pair: an alias to its load
 * balancer, unhealthy when the load balancer has no healthy target
 * (evaluated target health) or when the region's alarm fires. An alarm that
 * cannot be read, as when its region is down, counts as unhealthy.
 */
export class FailoverRecord extends Construct {
  public readonly healthCheck: route53.HealthCheck;
  public readonly record: route53.ARecord;

  constructor(scope: Construct, id: string, props: FailoverRecordProps) {
    super(scope, id);
    this.healthCheck = new route53.HealthCheck(this, 'HealthCheck', {
      type: route53.HealthCheckType.CLOUDWATCH_METRIC,
      alarmIdentifier: { name: props.alarm.alarmName, region: props.loadBalancer.env.region },
      insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.UNHEALTHY,
    });
    this.record = new route53.ARecord(this, 'Record', {
      zone: route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.zone.id, zoneName: props.zone.name }),
      recordName: props.recordName,
      target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(props.loadBalancer, { evaluateTargetHealth: true })),
      failover: props.role === 'PRIMARY' ? route53.Failover.PRIMARY : route53.Failover.SECONDARY,
      setIdentifier: props.role.toLowerCase(),
      healthCheck: this.healthCheck,
    });
  }
}
