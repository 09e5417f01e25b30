import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicsProps {
  /** Encrypts both topics; CloudWatch must be allowed to use it. */
  readonly encryptionKey: kms.IKey;
  /** Subscribed to the page topic (wake someone up). */
  readonly pageEmails: readonly string[];
  /** Subscribed to the notify topic (look at it today). */
  readonly notifyEmails: readonly string[];
  /** HTTPS endpoints (a pager's webhook) subscribed to the page topic. */
  readonly pageHttpsEndpoints: readonly string[];
  /**
   * Slack channel that receives both topics through AWS Chatbot (the
   * workspace is authorised once in the Chatbot console).
   * @default - no Slack channel
   */
  readonly slack?: { readonly workspaceId: string; readonly channelId: string; readonly configurationName: string };
}

/** The two routes every alarm goes to: page and notify, both encrypted and TLS-only. */
export class AlarmTopics extends Construct {
  public readonly page: sns.Topic;
  public readonly notify: sns.Topic;
  public readonly slackChannel?: chatbot.SlackChannelConfiguration;

  constructor(scope: Construct, id: string, props: AlarmTopicsProps) {
    super(scope, id);
    this.page = new sns.Topic(this, 'Page', { displayName: 'Page: act now', masterKey: props.encryptionKey, enforceSSL: true });
    this.notify = new sns.Topic(this, 'Notify', { displayName: 'Notify: look today', masterKey: props.encryptionKey, enforceSSL: true });
    for (const email of props.pageEmails) this.page.addSubscription(new subscriptions.EmailSubscription(email));
    for (const email of props.notifyEmails) this.notify.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of props.pageHttpsEndpoints) this.page.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));

    if (props.slack) {
      this.slackChannel = new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: props.slack.configurationName,
        slackWorkspaceId: props.slack.workspaceId,
        slackChannelId: props.slack.channelId,
        notificationTopics: [this.page, this.notify],
        loggingLevel: chatbot.LoggingLevel.ERROR,
      });
    }
  }
}
