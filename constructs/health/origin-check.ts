import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import type { AlarmSpec, AlarmWindow } from '../monitoring/sla-alarms';
import { acknowledge, controlTower, inCompliancePacks } from '../security/acknowledge';

/** One request the check makes: a path that a listener rule routes to a service, and the host it sends. */
export interface OriginProbe {
  readonly path: string;
  /** Host header sent with the request, as the CDN forwards the viewer's. */
  readonly host: string;
}

export interface OriginCheckProps {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The load balancer's security group, which must admit the check's egress addresses. */
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  /** `https` when the listener has a certificate. */
  readonly protocol: 'http' | 'https';
  /**
   * Over HTTPS, the name the load balancer's certificate is verified
   * against (the CDN's origin name, which the certificate covers).
   * @default - each probe's host
   */
  readonly serverName?: string;
  /** The private tier the check runs in; its NAT gateways are its way to the load balancer. */
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /**
   * Id of a prefix list holding the NAT gateways' public addresses: the
   * load balancer admits the check from them alone (a canary in a VPC
   * reaches the internet, and a public load balancer, through its NAT
   * gateway's Elastic IP). One list rather than one rule per address, so
   * the NAT count changes without touching this rule (ADR 0036).
   */
  readonly egressPrefixListId: string;
  /** Requests made every run; the run fails only when none of them answers 2xx or 3xx. */
  readonly probes: readonly OriginProbe[];
  /**
   * The header every listener rule requires, the secret (replicated into
   * this region) holding its value, and the version the CDN sends.
   * @default versionId - the version staged AWSCURRENT
   */
  readonly originHeader: { readonly name: string; readonly secretName: string; readonly versionId?: string };
  /**
   * Days a run's artifacts (its log and HAR file) are kept.
   * @default 30
   */
  readonly artifactRetentionDays?: number;
}

/**
 * A synthetic check of one region's origin: a CloudWatch Synthetics canary
 * in the VPC that, every minute, requests each probe through the region's
 * own load balancer with the CDN's origin header. A run fails only when no
 * probe answers, so one service down never reads as a region down; a region
 * that goes dark stops emitting `SuccessPercent` altogether
 * (`originCheckSpec` alarms on both).
 */
export class OriginCheck extends Construct {
  public readonly canary: synthetics.Canary;
  public readonly securityGroup: ec2.SecurityGroup;
  /** Each run's log and HAR file, expired after `artifactRetentionDays`. */
  public readonly artifacts: s3.Bucket;
  /** The load balancer's rule admitting the check from the NAT gateways' prefix list. */
  public readonly ingressRule: ec2.CfnSecurityGroupIngress;
  /** Percent of runs in a period that reached a service: 100 or 0 at one run a minute, absent when nothing ran. */
  public readonly successPercent: cloudwatch.IMetric;

  constructor(scope: Construct, id: string, props: OriginCheckProps) {
    super(scope, id);
    if (props.probes.length === 0) throw new Error('OriginCheck: probes is empty; give at least one path a listener rule routes to a service');
    const port = props.protocol === 'https' ? 443 : 80;
    const retention = Duration.days(props.artifactRetentionDays ?? 30);
    const stack = Stack.of(this);

    this.artifacts = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: retention, noncurrentVersionExpiration: retention }],
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Origin check canary: calls the load balancer through NAT, and Secrets Manager, S3 and CloudWatch',
      allowAllOutbound: true,
    });
    // A rule of its own (not inline in the load balancer's group), so what the check adds stays here.
    this.ingressRule = new ec2.CfnSecurityGroupIngress(this, 'FromNat', {
      groupId: props.loadBalancerSecurityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      sourcePrefixListId: props.egressPrefixListId,
      description: 'Origin check through the NAT gateways',
    });

    this.canary = new synthetics.Canary(this, 'Canary', {
      runtime: synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0,
      test: synthetics.Test.custom({ handler: 'index.handler', code: synthetics.Code.fromInline(CHECK_SCRIPT) }),
      schedule: synthetics.Schedule.rate(Duration.minutes(1)),
      timeout: Duration.seconds(30),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      artifactsBucketLocation: { bucket: this.artifacts },
      artifactS3EncryptionMode: synthetics.ArtifactsEncryptionMode.S3_MANAGED,
      provisionedResourceCleanup: true,
      environmentVariables: {
        ORIGIN: `${props.protocol}://${props.loadBalancer.loadBalancerDnsName}`,
        PROBES: JSON.stringify(props.probes),
        HEADER_NAME: props.originHeader.name,
        SECRET_ID: props.originHeader.secretName,
        ...(props.serverName !== undefined ? { SERVER_NAME: props.serverName } : {}),
        ...(props.originHeader.versionId !== undefined ? { SECRET_VERSION: props.originHeader.versionId } : {}),
      },
    });
    this.successPercent = this.canary.metricSuccessPercent({ statistic: 'Average', period: Duration.minutes(1) });
    this.canary.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        // The secret's ARN ends in six random characters Secrets Manager adds to its name.
        resources: [stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${props.originHeader.secretName}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );

    this.acknowledgeFindings();
  }

  private acknowledgeFindings(): void {
    const { region, account } = Stack.of(this);
    const bucketArn = `${Stack.of(this).getLogicalId(this.artifacts.node.defaultChild as s3.CfnBucket)}.Arn`;
    acknowledge(
      this.canary.role,
      'The execution role aws-cdk-lib gives a canary, as the Synthetics documentation lists it: s3:ListAllMyBuckets and cloudwatch:PutMetricData (conditioned on the CloudWatchSynthetics namespace) take no resource, logs are written to the cwsyn-* groups Synthetics names, artifacts to this construct\'s own bucket; GetSecretValue is limited to the origin-header secret.',
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::arn:aws:logs:${region}:${account}:log-group:/aws/lambda/cwsyn-*]`,
      `AwsSolutions-IAM5[Resource::<${bucketArn}>/*]`,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    );
    acknowledge(
      this.canary.role,
      'The canary\'s role has exactly one policy, the one aws-cdk-lib attaches with the statements above; it lives and dies with the role.',
      ...inCompliancePacks('IAMNoInlinePolicy'),
    );
    acknowledge(
      this.artifacts,
      'Holds only the origin check\'s own run logs, expired with the deployment\'s log retention; logging access to it would need another bucket for records of no more value.',
      'AwsSolutions-S1',
      ...inCompliancePacks('S3BucketLoggingEnabled'),
      controlTower('s3_bucket_logging_enabled_check'),
    );
    acknowledge(
      this.artifacts,
      'Run artifacts are read on demand in the Synthetics console; nothing consumes them as they arrive.',
      controlTower('s3_event_notifications_enabled_check'),
    );
    acknowledge(
      this.artifacts,
      'Artifacts expire by lifecycle; Object Lock would forbid that expiry.',
      controlTower('s3_bucket_object_lock_enabled_check'),
    );
    acknowledge(
      this.artifacts,
      'SSE-S3: the artifacts are HTTP status lines and timings of synthetic requests, no application data; the origin header\'s value is not logged.',
      ...inCompliancePacks('S3DefaultEncryptionKMS'),
      controlTower('s3_bucket_default_encryption_kms_check'),
    );
    acknowledge(
      this.artifacts,
      'A region\'s check results are only meaningful in that region; replicating them would protect nothing.',
      ...inCompliancePacks('S3BucketReplicationEnabled'),
    );
  }
}

/**
 * The canary's script (the Synthetics Node.js runtime loads `index.handler`).
 * It reads the origin header's value from the region's replica each run (the
 * version the CDN sends), and connects to the
 * load balancer's own name while verifying TLS against the origin name.
 */
const CHECK_SCRIPT = `
const https = require('https');
const http = require('http');
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const log = require('SyntheticsLogger');

function probe(origin, headerName, headerValue, p) {
  const url = new URL(p.path, origin);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.request(url, { method: 'GET', timeout: 5000, servername: process.env.SERVER_NAME || p.host, headers: { host: p.host, [headerName]: headerValue, 'user-agent': 'origin-check' } }, (res) => {
      res.resume();
      resolve(res.statusCode >= 200 && res.statusCode < 400 ? null : 'HTTP ' + res.statusCode);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve(e.message));
    req.end();
  });
}

exports.handler = async () => {
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: process.env.SECRET_ID, VersionId: process.env.SECRET_VERSION || undefined }));
  const probes = JSON.parse(process.env.PROBES);
  const failures = await Promise.all(probes.map((p) => probe(process.env.ORIGIN, process.env.HEADER_NAME, secret.SecretString, p)));
  probes.forEach((p, i) => log.info(p.host + p.path + ': ' + (failures[i] ?? 'ok')));
  if (failures.every((f) => f !== null)) throw new Error('no service answered through the load balancer');
  return 'ok';
};
`;

/** The alarm a region's Route 53 failover health check watches. */
export function originCheckAlarmName(prefix: string): string {
  return `${prefix}-origin-check`;
}

/**
 * The origin check failed, or did not report, for `window.evaluationPeriods`
 * one-minute runs in a row. Missing data breaches: a check that stopped
 * running, or a region gone dark, is not a healthy origin.
 */
export function originCheckSpec(prefix: string, window: AlarmWindow, check: OriginCheck): AlarmSpec {
  return {
    id: 'OriginCheck',
    alarmName: originCheckAlarmName(prefix),
    runbook: 'origin-unavailable',
    meaning: `No service answered the origin check through this region's load balancer, or the check did not report, ${window.evaluationPeriods} minutes in a row. Route 53 sends the origin name to the other region while this alarm is on.`,
    metric: check.successPercent,
    // One run a minute: a period's average is 100 (answered) or 0 (failed).
    threshold: 100,
    comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    window: { ...window, periodSeconds: 60 },
    missingData: cloudwatch.TreatMissingData.BREACHING,
  };
}

/** ALB path-pattern match: case-sensitive, `*` any run of characters, `?` one character. */
function routes(pattern: string, path: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(path);
}

/**
 * The probes for a set of web services: each service's health-check path,
 * when its own listener rule routes that path (a path-pattern and a literal
 * host-header value match it), sent with the rule's first literal host or
 * `defaultHost`. A service whose rule cannot route its health path is left
 * out rather than probed through another service's rule.
 */
export function routedProbes(
  services: readonly { readonly healthCheckPath: string; readonly pathPatterns: readonly string[]; readonly hostHeaders: readonly string[] }[],
  defaultHost: string,
): OriginProbe[] {
  return services.flatMap((s) => {
    if (!s.pathPatterns.some((p) => routes(p, s.healthCheckPath))) return [];
    const host = s.hostHeaders.length === 0 ? defaultHost : s.hostHeaders.find((h) => !/[*?]/.test(h));
    return host === undefined ? [] : [{ path: s.healthCheckPath, host }];
  });
}
