import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicsProps {
  /**
   * Encrypts both topics. Its key policy must let `cloudwatch.amazonaws.com`
   * use it (kms:Decrypt, kms:GenerateDataKey*), or alarms cannot publish:
   * https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
   */
  readonly encryptionKey: kms.IKey;
  /**
   * Start of the name of every alarm that may publish, e.g. `shop-prod`:
   * the topics admit CloudWatch alarms of this account and region named
   * `<alarmNamePrefix>-*` and no others.
   */
  readonly alarmNamePrefix: string;
  /** Subscribed to the page topic (wake someone up). */
  readonly pageEmails: readonly string[];
  /** Subscribed to the notify topic (look at it today). */
  readonly notifyEmails: readonly string[];
  /** HTTPS endpoints (a pager's webhook) subscribed to the page topic. */
  readonly pageHttpsEndpoints: readonly string[];
}

/**
 * The two routes every alarm goes to: page and notify, both encrypted and
 * TLS-only, and both open to this deployment's CloudWatch alarms.
 */
export class AlarmTopics extends Construct {
  public readonly page: sns.Topic;
  public readonly notify: sns.Topic;
  /**
   * Both topics' ARNs as plain `Ref`s, which a stack in another region may
   * read (the topics have generated names, so `topicArn` may not cross
   * environments).
   */
  public readonly topicArns: readonly string[];

  constructor(scope: Construct, id: string, props: AlarmTopicsProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.alarmNamePrefix) && !/^[A-Za-z0-9_.-]+$/.test(props.alarmNamePrefix)) {
      throw new Error(`AlarmTopics: alarmNamePrefix "${props.alarmNamePrefix}" must be letters, digits, '.', '_' or '-' (it becomes an ARN pattern)`);
    }
    const stack = Stack.of(this);
    const alarms = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${props.alarmNamePrefix}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const topic = (id: string, displayName: string): sns.Topic => {
      const t = new sns.Topic(this, id, { displayName, masterKey: props.encryptionKey, enforceSSL: true });
      // enforceSSL writes a TopicPolicy, and a TopicPolicy replaces SNS's default access
      // policy: without this Allow, CloudWatch may not publish and no alarm reaches anyone.
      // https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
      // The conditions keep other accounts' and other deployments' alarms out (confused
      // deputy): https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
      t.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CloudWatchAlarmsPublish',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [t.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': alarms } },
        }),
      );
      return t;
    };
    this.page = topic('Page', 'Page: act now');
    this.notify = topic('Notify', 'Notify: look today');
    this.topicArns = [this.page, this.notify].map((t) => (t.node.defaultChild as sns.CfnTopic).ref);
    for (const email of props.pageEmails) this.page.addSubscription(new subscriptions.EmailSubscription(email));
    for (const email of props.notifyEmails) this.notify.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of props.pageHttpsEndpoints) this.page.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));
  }
}
