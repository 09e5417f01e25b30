import { CfnOutput } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface SendingDomainProps {
  /** The domain mail is sent from (`From: x@domain`). */
  readonly domain: string;
  /** Label of the custom MAIL FROM domain: `bounce` gives `bounce.<domain>`. */
  readonly mailFromSubdomain: string;
  /**
   * Public hosted zone holding `domain`, where the DKIM CNAMEs and the MAIL
   * FROM MX and SPF records are written.
   * @default - no records: stack outputs list the records to create elsewhere
   */
  readonly hostedZone?: route53.IPublicHostedZone;
  /**
   * Name of a configuration set made the identity's default: reputation
   * metrics on, bounces and complaints suppressed.
   * @default - no configuration set
   */
  readonly configurationSetName?: string;
}

/**
 * An Amazon SES domain identity signed with Easy DKIM (2048-bit) and a custom
 * MAIL FROM domain. SES verifies the domain once its three DKIM CNAMEs
 * resolve, and gives up after 72 hours without them
 * (https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-easy.html);
 * the MAIL FROM domain needs an MX to feedback-smtp.<region>.amazonses.com
 * and an SPF record, and until they resolve SES falls back to amazonses.com
 * (https://docs.aws.amazon.com/ses/latest/dg/mail-from.html).
 * An identity exists once per account and region: creating it fails with
 * AlreadyExists when another stack, or the console, already made the same
 * domain there, so two deployments sharing an account and region need
 * different domains (a stage subdomain).
 */
export class SendingDomain extends Construct {
  public readonly identity: ses.EmailIdentity;
  public readonly mailFromDomain: string;
  public readonly configurationSet?: ses.ConfigurationSet;

  constructor(scope: Construct, id: string, props: SendingDomainProps) {
    super(scope, id);
    this.mailFromDomain = `${props.mailFromSubdomain}.${props.domain}`;

    if (props.configurationSetName !== undefined) {
      this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
        configurationSetName: props.configurationSetName,
        reputationMetrics: true,
        suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      });
    }

    // aws-cdk-lib writes the DKIM and MAIL FROM records into the identity's zone; the
    // domain may be a subdomain of the zone, so the identity names both itself.
    const identity: ses.Identity = props.hostedZone ? { value: props.domain, hostedZone: props.hostedZone } : ses.Identity.domain(props.domain);
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity,
      dkimSigning: true,
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      mailFromDomain: this.mailFromDomain,
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
      configurationSet: this.configurationSet,
    });

    if (!props.hostedZone) {
      const region = this.identity.stack.region;
      this.identity.dkimRecords.forEach((record, i) => {
        new CfnOutput(this, `DkimRecord${i + 1}`, {
          description: `DKIM record ${i + 1} of 3 for ${props.domain}: CNAME <name> -> <value>; SES verifies the domain once all three resolve`,
          value: `${record.name} CNAME ${record.value}`,
        });
      });
      new CfnOutput(this, 'MailFromMxRecord', {
        description: `MAIL FROM MX record for ${this.mailFromDomain}`,
        value: `${this.mailFromDomain} MX 10 feedback-smtp.${region}.amazonses.com`,
      });
      new CfnOutput(this, 'MailFromSpfRecord', {
        description: `MAIL FROM SPF record for ${this.mailFromDomain}`,
        value: `${this.mailFromDomain} TXT "v=spf1 include:amazonses.com ~all"`,
      });
    }
  }
}
