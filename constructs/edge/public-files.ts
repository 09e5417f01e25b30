import { Annotations, Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, controlTower } from '../security/acknowledge';
import { readOnlyCors } from './content-delivery';

export interface PublicFilesProps {
  /** The bucket, whose own stack lets this distribution read it (constructs/storage/app-bucket.ts). */
  readonly bucket: s3.IBucket;
  /**
   * A copy of the bucket in another region, read when the bucket answers
   * 500, 502, 503 or 504 or cannot be reached (an origin group).
   * @default none
   */
  readonly failoverBucket?: s3.IBucket;
  /** The host viewers use, an alternate domain name of the distribution. */
  readonly host: string;
  /** A us-east-1 ACM certificate covering `host`: CloudFront refuses an alternate domain name its certificate does not cover. */
  readonly certificateArn: string;
  /** How long an object without Cache-Control stays at the edge. */
  readonly ttl: Duration;
  /** The longest an object's own Cache-Control may keep it at the edge. */
  readonly maxTtl: Duration;
  /**
   * Browser origins allowed to read the files (CORS response headers).
   * @default none
   */
  readonly corsOrigins?: readonly string[];
  readonly priceClass: cloudfront.PriceClass;
  /** A CLOUDFRONT-scoped web ACL (created in us-east-1), shared with the main distribution. */
  readonly webAclArn: string;
}

/**
 * A bucket served whole on a host of its own: a CloudFront distribution
 * whose only behaviour reads the bucket through origin access control
 * (SigV4, always), GET, HEAD and OPTIONS, cached, compressed, HTTPS only.
 * A distribution of its own because CloudFront chooses a cache behaviour by
 * path alone, never by host, so one distribution serves every alternate
 * domain name the same way (CloudFront Developer Guide, "Cache behavior
 * settings", Path pattern:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern).
 */
export class PublicFiles extends Construct {
  public readonly distribution: cloudfront.Distribution;
  public readonly originAccessControl: cloudfront.S3OriginAccessControl;

  constructor(scope: Construct, id: string, props: PublicFilesProps) {
    super(scope, id);
    const corsOrigins = props.corsOrigins ?? [];
    this.originAccessControl = new cloudfront.S3OriginAccessControl(this, 'Access', { signing: cloudfront.Signing.SIGV4_ALWAYS });
    const read = (bucket: s3.IBucket): cloudfront.IOrigin => origins.S3BucketOrigin.withOriginAccessControl(bucket, { originAccessControl: this.originAccessControl });
    // An origin group fails over per request, on the primary's 5xx or a connection failure, for GET, HEAD and OPTIONS
    // (CloudFront Developer Guide, "Optimize high availability with CloudFront origin failover":
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html).
    const origin = props.failoverBucket
      ? new origins.OriginGroup({ primaryOrigin: read(props.bucket), fallbackOrigin: read(props.failoverBucket), fallbackStatusCodes: [500, 502, 503, 504] })
      : read(props.bucket);

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Public files on ${props.host}`,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
        // No origin request policy: S3 would read the viewer's Host as a bucket name.
        cachePolicy: new cloudfront.CachePolicy(this, 'Cache', {
          comment: `Public files on ${props.host}: ${props.ttl.toSeconds()} s unless the object says otherwise`,
          defaultTtl: props.ttl,
          minTtl: Duration.seconds(0),
          maxTtl: props.maxTtl,
          // Query strings in the key: a page may bust the cache with ?v=..., and S3 ignores what it does not know.
          queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
          enableAcceptEncodingGzip: true,
          enableAcceptEncodingBrotli: true,
        }),
        responseHeadersPolicy: readOnlyCors(this, 'Cors', `CORS for ${props.host}`, corsOrigins),
        compress: true,
      },
      domainNames: [props.host],
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      priceClass: props.priceClass,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      webAclId: props.webAclArn,
    });
    Annotations.of(this).acknowledgeWarning(
      '@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      'The bucket\'s own stack, in its region, lets this distribution read it (constructs/storage/app-bucket.ts).',
    );
    acknowledge(
      this.distribution,
      'Every request the distribution receives is logged in full by its web ACL (an encrypted log group); CloudFront standard logs would need an ACL-enabled bucket for a second copy.',
      'AwsSolutions-CFR3',
      controlTower('cloudfront_access_logs_enabled_check'),
    );
    acknowledge(
      this.distribution,
      'The host serves objects by their keys, which the application writes into its pages; its root is not a page, and a default root object would name a file no one uploads.',
      controlTower('cloudfront_default_root_object_configured_check'),
    );
    acknowledge(
      this.distribution,
      'The files are public worldwide, like the pages that link them; the web ACL\'s IP reputation list and rate limit block abusive sources instead of whole countries.',
      'AwsSolutions-CFR1',
    );
    if (!props.failoverBucket) {
      acknowledge(
        this.distribution,
        'Without a standby region the bucket has no replica to fail over to; S3 keeps its objects across three zones of its region.',
        controlTower('cloudfront_origin_failover_enabled_check'),
      );
    }
  }
}
