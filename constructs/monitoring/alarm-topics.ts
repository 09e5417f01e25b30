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
}

/** The two routes every alarm goes to: page and notify, both encrypted and TLS-only. */
export class AlarmTopics extends Construct {
  public readonly page: sns.Topic;
  public readonly notify: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicsProps) {
    super(scope, id);
    this.page = this.topic('Page', 'Page: act now', props.encryptionKey, props.pageEmails);
    this.notify = this.topic('Notify', 'Notify: look today', props.encryptionKey, props.notifyEmails);
  }

  private topic(id: string, displayName: string, key: kms.IKey, emails: readonly string[]): sns.Topic {
    const topic = new sns.Topic(this, id, { displayName, masterKey: key, enforceSSL: true });
    for (const email of emails) {
      topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    return topic;
  }
}
