import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { acknowledge, controlTower, inCompliancePacks } from '../security/acknowledge';

export interface PublicLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  /** The public tier. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * ACM certificate in the load balancer's region. With it: HTTPS on 443
   * (TLS 1.3 policy) and port 80 redirects; without it: plain HTTP on 80.
   * @default - no certificate: HTTP only
   */
  readonly certificateArn?: string;
  /** Bucket (SSE-S3, as ALB requires) receiving access logs. */
  readonly accessLogBucket: s3.IBucket;
  readonly deletionProtection: boolean;
  /**
   * Admit only this managed prefix list (CloudFront's origin-facing list),
   * on the serving port only, instead of the whole internet: the load
   * balancer then sits behind a CDN.
   * @default - open to the internet
   */
  readonly onlyFromPrefixListId?: string;
  /**
   * Idle timeout.
   * @default Duration.seconds(60)
   */
  readonly idleTimeout?: Duration;
  /**
   * Listener rules the account may put on one load balancer (Service Quotas
   * raises it on request).
   * @default ALB_DEFAULT_RULE_QUOTA (100)
   */
  readonly ruleQuota?: number;
}

/**
 * What a load balancer can still hold. Services claim their listener rules
 * and target groups before they create them, so synth stops, naming the
 * claimant and the quota, instead of CloudFormation failing mid-deploy.
 */
export interface LoadBalancerCapacity {
  /** Records `use`; throws a one-line error when the load balancer would exceed a quota. */
  claim(owner: IConstruct, use: { readonly rules: number; readonly targetGroups: number }): void;
}

/**
 * Application Load Balancer quotas: 100 rules (not counting default rules;
 * adjustable) and 100 target groups (not adjustable) per load balancer.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const ALB_TARGET_GROUP_QUOTA = 100;
export const ALB_DEFAULT_RULE_QUOTA = 100;

/**
 * The only internet-facing component: an Application Load Balancer in the
 * public subnets. Services attach listener rules to `listener`; anything no
 * rule matches gets a 404.
 */
export class PublicLoadBalancer extends Construct implements LoadBalancerCapacity {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The listener services add their rules to (HTTPS when a certificate is set). */
  public readonly listener: elbv2.ApplicationListener;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly https: boolean;
  private readonly ruleQuota: number;
  private readonly claimed = { rules: 0, targetGroups: 0 };

  constructor(scope: Construct, id: string, props: PublicLoadBalancerProps) {
    super(scope, id);
    this.https = props.certificateArn !== undefined;
    this.ruleQuota = props.ruleQuota ?? ALB_DEFAULT_RULE_QUOTA;

    const behindCdn = props.onlyFromPrefixListId !== undefined;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      // Immutable (a new description replaces the group): the rules below say who is admitted.
      description: 'Public load balancer: admits HTTP(S) from the internet',
      allowAllOutbound: false,
    });
    if (props.onlyFromPrefixListId !== undefined) {
      // One rule: the prefix list counts as ~55 entries against the group's rule quota.
      const port = this.https ? 443 : 80;
      this.securityGroup.addIngressRule(ec2.Peer.prefixList(props.onlyFromPrefixListId), ec2.Port.tcp(port), `CloudFront origin-facing addresses on ${port}`);
    } else {
      this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP (redirected to HTTPS when TLS is on)');
      if (this.https) this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS');
    }

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: true,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection,
      idleTimeout: props.idleTimeout ?? Duration.seconds(60),
    });
    this.loadBalancer.logAccessLogs(props.accessLogBucket, 'alb');
    acknowledge(
      this.loadBalancer,
      'Access logging is on (access_logs.s3.enabled, tested); the bucket name reaches this stack as a cross-stack reference (Fn::ImportValue), which the Guard rule cannot resolve.',
      controlTower('elbv2_logging_enabled_check'),
    );

    const notFound = elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' });
    if (!behindCdn) {
      Validations.of(this.securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'The public load balancer is the architecture\'s single internet entry point; it must admit 0.0.0.0/0 on its listener ports and nothing else.',
      });
    }
    // Behind the CDN with TLS, nothing reaches port 80: the CDN speaks HTTPS only.
    const http =
      behindCdn && this.https
        ? undefined
        : this.loadBalancer.addListener('Http', {
            port: 80,
            protocol: elbv2.ApplicationProtocol.HTTP,
            open: false,
            defaultAction: this.https ? elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }) : notFound,
          });

    if (props.certificateArn !== undefined) {
      this.listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        open: false,
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
        defaultAction: notFound,
      });
      if (http) {
        acknowledge(
          http,
          'Port 80 only answers with a permanent redirect to HTTPS on 443; it serves no content, so it has no certificate to present.',
          ...inCompliancePacks('ELBv2ACMCertificateRequired'),
        );
      }
    } else {
      this.listener = http!;
      acknowledge(
        http!,
        'No certificate is configured (ingress.certificateArn), so this deployment serves plain HTTP on port 80 by its owner\'s choice, and synth says so; setting a certificate turns on HTTPS with the TLS 1.3 policy and makes this listener a redirect.',
        ...inCompliancePacks('ALBHttpToHttpsRedirection'),
        ...inCompliancePacks('ELBv2ACMCertificateRequired'),
        controlTower('alb_http_to_https_redirection_check'),
      );
    }
    if (!props.deletionProtection) {
      acknowledge(
        this.loadBalancer,
        'Deletion protection is off by configuration (a non-production stage, so it can be torn down); the load balancer holds no data.',
        ...inCompliancePacks('ELBDeletionProtectionEnabled', 'PCI.DSS.321'),
        controlTower('elbv2_deletion_protection_enabled_check'),
      );
    }
  }

  public claim(owner: IConstruct, use: { readonly rules: number; readonly targetGroups: number }): void {
    const rules = this.claimed.rules + use.rules;
    const targetGroups = this.claimed.targetGroups + use.targetGroups;
    if (rules > this.ruleQuota) {
      throw new Error(`${owner.node.path}: load balancer ${this.node.path} would hold ${rules} listener rules; its quota is ${this.ruleQuota} (Application Load Balancer rules per load balancer)`);
    }
    if (targetGroups > ALB_TARGET_GROUP_QUOTA) {
      throw new Error(`${owner.node.path}: load balancer ${this.node.path} would hold ${targetGroups} target groups; its quota is ${ALB_TARGET_GROUP_QUOTA} (Application Load Balancer target groups per load balancer, not adjustable)`);
    }
    this.claimed.rules = rules;
    this.claimed.targetGroups = targetGroups;
  }
}
