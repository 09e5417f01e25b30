import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

export interface ReaderEndpointProps {
  readonly vpc: ec2.IVpc;
  /** Private zone, e.g. `shop-prod.internal`; private zone names need not be unique. */
  readonly zoneName: string;
  /**
   * Host addresses of the read replicas, in replica order: replica n keeps
   * its record whatever the count, so adding one never rewrites another's.
   */
  readonly replicaAddresses: readonly string[];
  /**
   * Name of the record in the zone.
   * @default 'db-read'
   */
  readonly recordName?: string;
  /**
   * How long resolvers keep an answer: a new connection picks again after it.
   * @default Duration.seconds(30)
   */
  readonly ttl?: Duration;
}

/**
 * One host name for all read replicas of an RDS for PostgreSQL instance,
 * which, unlike Aurora, has no reader endpoint: a private hosted zone in the
 * VPC with one equally weighted CNAME per replica, so each lookup answers one
 * replica and connections spread across them (Route 53, "Weighted routing":
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html).
 * Multivalue answer routing cannot return CNAMEs. No health checks: Route 53
 * health checkers cannot reach private addresses, and a failed replica is
 * replaced by RDS under the same name.
 */
export class ReaderEndpoint extends Construct {
  public readonly zone: route53.PrivateHostedZone;
  public readonly records: readonly route53.CnameRecord[];
  /** The host applications connect to. */
  public readonly hostName: string;

  constructor(scope: Construct, id: string, props: ReaderEndpointProps) {
    super(scope, id);
    if (props.replicaAddresses.length === 0) throw new Error(`ReaderEndpoint ${id}: replicaAddresses is empty; a reader endpoint needs a replica`);
    const recordName = props.recordName ?? 'db-read';
    const ttl = props.ttl ?? Duration.seconds(30);
    this.zone = new route53.PrivateHostedZone(this, 'Zone', { vpc: props.vpc, zoneName: props.zoneName });
    this.hostName = `${recordName}.${props.zoneName}`;
    this.records = props.replicaAddresses.map(
      (address, i) =>
        new route53.CnameRecord(this, `Replica${i + 1}`, {
          zone: this.zone,
          recordName,
          domainName: address,
          ttl,
          weight: 1,
          setIdentifier: `replica-${i + 1}`,
        }),
    );
  }
}
