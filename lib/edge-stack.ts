import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BlueprintConfig, bucketName, deploymentName, EDGE_MAX_TTL_SECONDS, EdgeConfig, FirewallConfig } from '../config';
import { ContentDelivery, DataKey, ORIGIN_HEADER, OriginSecret, WebFirewall } from '../constructs';

export interface EdgeStackProps extends StackProps {
  readonly config: BlueprintConfig;
  /** The configuration's edge and firewall, both set when there is an edge stack. */
  readonly edge: EdgeConfig;
  readonly firewall: FirewallConfig;
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
 * origin header's value (replicated to the load balancers' regions). The
 * domain's alias record stays in the app stack, where it has been since
 * before there was a CDN.
 */
export class EdgeStack extends Stack {
  public readonly firewall: WebFirewall;
  public readonly cdn: ContentDelivery;
  public readonly originSecret: OriginSecret;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const c = props.config;
    const prefix = deploymentName(c);
    const key = new DataKey(this, 'EdgeKey', { alias: `${prefix}-edge` });
    this.originSecret = new OriginSecret(this, 'OriginSecret', {
      secretName: props.originSecretName,
      replicaRegions: props.originRegions.filter((r) => r !== this.region),
    });

    this.firewall = new WebFirewall(this, 'Firewall', {
      name: `${prefix}-edge`,
      scope: 'CLOUDFRONT',
      rateLimitPer5Minutes: props.firewall.rateLimitPer5Minutes,
      countRules: props.firewall.countRules,
      pathExceptions: props.firewall.pathExceptions,
      logRetention: c.protection.logRetentionDays as logs.RetentionDays,
      logEncryptionKey: key.key,
    });

    const { domainName, edgeCertificateArn, certificateArn } = c.ingress;
    this.cdn = new ContentDelivery(this, 'Cdn', {
      originDomainName: props.originDomainName,
      originProtocol: certificateArn !== undefined ? 'https' : 'http',
      // The first accepted version: a rotation moves the CDN only once every listener rule accepts the new value.
      originHeader: { name: ORIGIN_HEADER, value: OriginSecret.valueOf(props.originSecretName, props.edge.originHeaderVersions[0]) },
      bucketPaths: c.buckets.flatMap((b) => {
        if (b.public === null) return [];
        return [
          {
            pathPattern: b.public.pathPattern,
            ttl: Duration.seconds(b.public.ttlSeconds),
            corsOrigins: b.corsOrigins,
            // By its fixed name: the primary's data stack (deployed first) writes the policy that lets the CDN read it.
            bucket: s3.Bucket.fromBucketAttributes(this, `Bucket-${b.name}`, { bucketName: bucketName(c, b.name, c.env.region), region: c.env.region }),
          },
        ];
      }),
      cachedPaths: props.edge.staticPaths.map((p) => ({ pathPattern: p.pathPattern, ttl: Duration.seconds(p.ttlSeconds) })),
      maxTtl: Duration.seconds(EDGE_MAX_TTL_SECONDS),
      originResponseTimeout: Duration.seconds(props.edge.originResponseTimeoutSeconds),
      originKeepaliveTimeout: Duration.seconds(props.edge.originKeepaliveTimeoutSeconds),
      priceClass: props.edge.priceClass as cloudfront.PriceClass,
      webAclArn: this.firewall.webAcl.attrArn,
      domain: domainName !== undefined && edgeCertificateArn !== undefined ? { name: domainName, certificateArn: edgeCertificateArn } : undefined,
    });

    new CfnOutput(this, 'Url', {
      description: 'Where users reach the deployment: through the CDN',
      value: `https://${domainName ?? this.cdn.distribution.distributionDomainName}`,
    });
  }
}
