import { Annotations, Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, controlTower } from '../security/acknowledge';

/** A path the CDN caches, and for how long when the origin does not say. */
export interface CachedPath {
  readonly pathPattern: string;
  readonly ttl: Duration;
}

/** A path served from a bucket through origin access control. */
export interface BucketPath extends CachedPath {
  /** The bucket, whose own policy lets this account's distributions read it (its region's stack writes it). */
  readonly bucket: s3.IBucket;
  /**
   * Browser origins allowed to read the path (CORS response headers).
   * @default none
   */
  readonly corsOrigins?: readonly string[];
}

export interface ContentDeliveryProps {
  /** Where the distribution fetches from: a load balancer's name, or a DNS name that fails over between load balancers. */
  readonly originDomainName: string;
  /**
   * `https`: the origin's certificate covers the viewer's host, which the
   * distribution forwards. `http`: the origin has no certificate.
   */
  readonly originProtocol: 'https' | 'http';
  /** Header added to every origin request, which the origin requires. */
  readonly originHeader: { readonly name: string; readonly value: string };
  /** Cached paths; every other path goes to the origin uncached. */
  readonly cachedPaths: readonly CachedPath[];
  readonly priceClass: cloudfront.PriceClass;
  /** A CLOUDFRONT-scoped web ACL (created in us-east-1). */
  readonly webAclArn: string;
  /**
   * The viewer-facing name and its us-east-1 certificate.
   * @default - the distribution's own *.cloudfront.net name
   */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
  /** The longest an origin's Cache-Control may keep a cached path's object at the edge. */
  readonly maxTtl: Duration;
  /**
   * How long CloudFront waits for the origin's response (first byte, and between
   * packets) before answering 504: 1-60 s without a quota increase.
   * @default Duration.seconds(30)
   */
  readonly originResponseTimeout?: Duration;
  /**
   * How long CloudFront keeps an idle origin connection for the next request;
   * shorter than the load balancer's idle timeout, or reused connections fail.
   * @default Duration.seconds(5)
   */
  readonly originKeepaliveTimeout?: Duration;
  /**
   * Paths served from buckets rather than the load balancer.
   * @default none
   */
  readonly bucketPaths?: readonly BucketPath[];
}

/**
 * A CloudFront distribution in front of one origin: listed static paths are
 * cached (compressed, query strings in the key), everything else passes
 * through uncached with the viewer's headers, cookies and query strings.
 * Viewers are redirected to HTTPS; the origin is reached over TLS 1.2 when
 * it has a certificate.
 */
export class ContentDelivery extends Construct {
  public readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: ContentDeliveryProps) {
    super(scope, id);
    const origin = new origins.HttpOrigin(props.originDomainName, {
      protocolPolicy: props.originProtocol === 'https' ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      customHeaders: { [props.originHeader.name]: props.originHeader.value },
      readTimeout: props.originResponseTimeout ?? Duration.seconds(30),
      keepaliveTimeout: props.originKeepaliveTimeout ?? Duration.seconds(5),
    });
    // The viewer's Host reaches the load balancer, so host-based listener rules keep working; so does
    // CloudFront-Viewer-Address (the viewer's IP and port), which the application can trust over
    // X-Forwarded-For (docs/deploy.md, "The client's address").
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
    const forwardAll = cloudfront.OriginRequestPolicy.ALL_VIEWER_AND_CLOUDFRONT_2022;
    const cachePolicies = new Map<number, cloudfront.ICachePolicy>();
    const cacheFor = (ttl: Duration): cloudfront.ICachePolicy => {
      const seconds = ttl.toSeconds();
      let policy = cachePolicies.get(seconds);
      if (!policy) {
        policy = new cloudfront.CachePolicy(this, `Static${seconds}s`, {
          comment: `Static content: ${seconds} s unless the origin says otherwise`,
          defaultTtl: ttl,
          minTtl: Duration.seconds(0),
          maxTtl: props.maxTtl,
          queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
          enableAcceptEncodingGzip: true,
          enableAcceptEncodingBrotli: true,
        });
        cachePolicies.set(seconds, policy);
      }
      return policy;
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'CDN in front of the deployment\'s load balancers',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: forwardAll,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries([
        ...(props.bucketPaths ?? []).map((p, i) => [p.pathPattern, this.bucketBehavior(`Bucket${i}`, p, cacheFor(p.ttl))] as const),
        ...props.cachedPaths.map((p) => [
          p.pathPattern,
          {
            origin,
            viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
            cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
            cachePolicy: cacheFor(p.ttl),
            originRequestPolicy: forwardAll,
            compress: true,
          },
        ]),
      ]),
      priceClass: props.priceClass,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      webAclId: props.webAclArn,
      ...(props.domain
        ? {
            domainNames: [props.domain.name],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    acknowledge(
      this.distribution,
      'Every request the distribution receives is logged in full by its web ACL (an encrypted log group), and every request it forwards by the load balancer\'s access log; CloudFront standard logs would need an ACL-enabled bucket for a third copy.',
      'AwsSolutions-CFR3',
      controlTower('cloudfront_access_logs_enabled_check'),
    );
    acknowledge(
      this.distribution,
      'The origin is an application that answers the root path itself; a default root object would rewrite "/" to a file name the application does not serve.',
      controlTower('cloudfront_default_root_object_configured_check'),
    );
    acknowledge(
      this.distribution,
      'One origin name: with a standby region, Route 53 failover records on that name move it between the regions\' load balancers (health-checked); without one, the single load balancer spans three zones and there is no second origin to fail over to.',
      controlTower('cloudfront_origin_failover_enabled_check'),
    );
    acknowledge(
      this.distribution,
      'The service is public worldwide; the web ACL\'s IP reputation list and rate limit block abusive sources instead of whole countries.',
      'AwsSolutions-CFR1',
    );
    if (!props.domain) {
      acknowledge(
        this.distribution,
        'No ingress.domainName is set, so viewers use the distribution\'s *.cloudfront.net name, whose default certificate CloudFront does not let a minimum TLS version be set on; setting a domain and its us-east-1 certificate applies TLSv1.2_2021.',
        'AwsSolutions-CFR4',
        controlTower('cloudfront_custom_ssl_certificate_check'),
        controlTower('cloudfront_sni_enabled_check'),
        controlTower('cloudfront_security_policy_check'),
      );
    }
    if (props.originProtocol === 'http') {
      acknowledge(
        this.distribution,
        'The load balancer has no certificate (ingress.certificateArn unset), so the distribution reaches it over HTTP, which synth says; setting the certificate and domain makes the origin HTTPS-only with TLS 1.2.',
        'AwsSolutions-CFR5',
        controlTower('cloudfront_traffic_to_origin_encrypted_check'),
      );
    }
  }

  /**
   * A bucket's path: read-only, cached, signed with origin access control
   * (never the viewer's Host, which S3 would take for a bucket name). The
   * bucket is in another region's stack, which writes its policy, so the
   * origin's note that it cannot edit an imported bucket's policy is
   * acknowledged here (ADR 0025).
   */
  private bucketBehavior(id: string, path: BucketPath, cachePolicy: cloudfront.ICachePolicy): cloudfront.BehaviorOptions {
    const corsOrigins = path.corsOrigins ?? [];
    const behavior: cloudfront.BehaviorOptions = {
      origin: origins.S3BucketOrigin.withOriginAccessControl(path.bucket, {
        originAccessControl: new cloudfront.S3OriginAccessControl(this, `${id}Access`, { signing: cloudfront.Signing.SIGV4_ALWAYS }),
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
      cachePolicy,
      compress: true,
      responseHeadersPolicy: readOnlyCors(this, `${id}Cors`, `CORS for ${path.pathPattern}`, corsOrigins),
    };
    Annotations.of(this).acknowledgeWarning(
      '@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      'The bucket\'s own stack, in its region, lets this account\'s distributions read it (constructs/storage/app-bucket.ts).',
    );
    return behavior;
  }
}

/**
 * CORS for objects read from a bucket: the origins given, GET/HEAD/OPTIONS,
 * no credentials, preflight cached for an hour, overriding any header the
 * origin sent; none without origins.
 */
export function readOnlyCors(scope: Construct, id: string, comment: string, origins: readonly string[]): cloudfront.ResponseHeadersPolicy | undefined {
  if (origins.length === 0) return undefined;
  return new cloudfront.ResponseHeadersPolicy(scope, id, {
    comment,
    corsBehavior: {
      accessControlAllowOrigins: [...origins],
      accessControlAllowMethods: ['GET', 'HEAD', 'OPTIONS'],
      accessControlAllowHeaders: ['*'],
      accessControlAllowCredentials: false,
      accessControlMaxAge: Duration.hours(1),
      originOverride: true,
    },
  });
}
