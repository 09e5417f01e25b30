import { CfnOutput, Duration, Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BlueprintConfig, bucketName, deploymentName, EDGE_MAX_TTL_SECONDS, EdgeConfig, FirewallConfig, publicHost } from '../config';
import { ContentDelivery, DataKey, ORIGIN_HEADER, OriginSecret, PublicFiles, WebFirewall } from '../constructs';

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
 * origin header's value (replicated to the load balancers' regions), and a
 * distribution per bucket served on a host of its own, with its alias
 * records. The domain's alias record stays in the app stack, where it has
 * been since before there was a CDN.
 */
export class EdgeStack extends Stack {
  public readonly firewall: WebFirewall;
  public readonly cdn: ContentDelivery;
  public readonly originSecret: OriginSecret;
  /** The distribution of each bucket served on a host of its own, keyed by bucket name (ADR 0033). */
  public readonly files: ReadonlyMap<string, PublicFiles>;

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
        if (b.public?.pathPattern === undefined) return [];
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

    const hostZone = c.ingress.hostedZone;
    const zone = hostZone && c.buckets.some((b) => b.public?.host !== undefined) ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: hostZone.id, zoneName: hostZone.name }) : undefined;
    this.files = new Map(
      c.buckets.flatMap((b) => {
        const host = publicHost(c, b);
        const certificateArn = b.public?.certificateArn ?? edgeCertificateArn;
        if (b.public === null || host === undefined || certificateArn === undefined) return [];
        const files = new PublicFiles(this, `Files-${b.name}`, {
          bucket: s3.Bucket.fromBucketAttributes(this, `FilesBucket-${b.name}`, { bucketName: bucketName(c, b.name, c.env.region), region: c.env.region }),
          // The standby's replica, in the recovery stack, deployed before everything (ADR 0033).
          failoverBucket: c.standby
            ? s3.Bucket.fromBucketAttributes(this, `FilesReplica-${b.name}`, { bucketName: bucketName(c, b.name, c.standby.region), region: c.standby.region })
            : undefined,
          host,
          certificateArn,
          ttl: Duration.seconds(b.public.ttlSeconds),
          maxTtl: Duration.seconds(EDGE_MAX_TTL_SECONDS),
          corsOrigins: b.corsOrigins,
          priceClass: props.edge.priceClass as cloudfront.PriceClass,
          webAclArn: this.firewall.webAcl.attrArn,
        });
        if (zone) {
          // Route 53 is global: the alias lives beside its distribution, with no reference across regions.
          const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(files.distribution));
          new route53.ARecord(files, 'Alias', { zone, recordName: host, target });
          new route53.AaaaRecord(files, 'AliasIpv6', { zone, recordName: host, target });
        } else {
          new CfnOutput(this, `FilesRecord${b.name.replace(/-/g, '')}`, {
            description: `The DNS record to create for ${host} where its domain is managed: CNAME to the distribution`,
            value: Fn.join('', [`${host}. CNAME `, files.distribution.distributionDomainName, '.']),
          });
        }
        new CfnOutput(this, `FilesUrl${b.name.replace(/-/g, '')}`, { description: `Where viewers read the objects of bucket ${b.name}`, value: `https://${host}` });
        return [[b.name, files] as const];
      }),
    );
  }
}
