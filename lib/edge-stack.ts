import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { BlueprintConfig, EdgeConfig, FirewallConfig } from '../config';
import { ContentDelivery, DataKey, ORIGIN_HEADER, OriginSecret, WebFirewall } from '../constructs';

export interface EdgeStackProps extends StackProps {
  readonly config: BlueprintConfig & { readonly edge: EdgeConfig; readonly firewall: FirewallConfig };
  /** Where the distribution fetches from: the failover name, or the primary load balancer's DNS name. */
  readonly originDomainName: string;
  /** Name of the secret holding the origin header's value. */
  readonly originSecretName: string;
  /** The load balancers' regions, where the secret is replicated for their listener rules. */
  readonly originRegions: readonly string[];
}

/**
 * The global edge, always in us-east-1 (where CloudFront takes its web ACL
 * and certificate from), whatever the deployment's region: the CDN, its
 * CLOUDFRONT-scoped web ACL with an encrypted request log, the secret
 * origin header's value (replicated to the load balancers' regions), and
 * the viewer-facing DNS alias when a hosted zone is configured.
 */
export class EdgeStack extends Stack {
  public readonly firewall: WebFirewall;
  public readonly cdn: ContentDelivery;
  public readonly originSecret: OriginSecret;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const c = props.config;
    const prefix = `${c.appName}-${c.stage}`;
    const key = new DataKey(this, 'EdgeKey', { alias: `${prefix}-edge` });
    this.originSecret = new OriginSecret(this, 'OriginSecret', {
      secretName: props.originSecretName,
      replicaRegions: props.originRegions.filter((r) => r !== this.region),
    });

    this.firewall = new WebFirewall(this, 'Firewall', {
      name: `${prefix}-edge`,
      scope: 'CLOUDFRONT',
      rateLimitPer5Minutes: c.firewall.rateLimitPer5Minutes,
      logRetention: c.protection.logRetentionDays as logs.RetentionDays,
      logEncryptionKey: key.key,
    });

    const { domainName, edgeCertificateArn, certificateArn, hostedZone } = c.ingress;
    this.cdn = new ContentDelivery(this, 'Cdn', {
      originDomainName: props.originDomainName,
      originProtocol: certificateArn !== undefined ? 'https' : 'http',
      originHeader: { name: ORIGIN_HEADER, value: OriginSecret.valueOf(props.originSecretName) },
      cachedPaths: c.edge.staticPaths.map((p) => ({ pathPattern: p.pathPattern, ttl: Duration.seconds(p.ttlSeconds) })),
      priceClass: c.edge.priceClass as cloudfront.PriceClass,
      webAclArn: this.firewall.webAcl.attrArn,
      domain: domainName !== undefined && edgeCertificateArn !== undefined ? { name: domainName, certificateArn: edgeCertificateArn } : undefined,
    });

    if (hostedZone !== null && domainName !== undefined) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: hostedZone.id, zoneName: hostedZone.name });
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.cdn.distribution));
      new route53.ARecord(this, 'Alias', { zone, recordName: domainName, target });
      new route53.AaaaRecord(this, 'AliasIpv6', { zone, recordName: domainName, target });
    }

    new CfnOutput(this, 'Url', {
      description: 'Where users reach the deployment: through the CDN',
      value: `https://${domainName ?? this.cdn.distribution.distributionDomainName}`,
    });
  }
}
