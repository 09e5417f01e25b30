import { Stack, StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmChatChannel } from '../constructs';

export interface NotificationsStackProps extends StackProps {
  /** The Slack workspace and channel (`alarms.slack`). */
  readonly slack: { readonly workspaceId: string; readonly channelId: string };
  /** The channel configuration's name, unique in the account: the deployment's name. */
  readonly configurationName: string;
  /** The page and notify topics' ARNs of every site, primary and standby. */
  readonly topicArns: readonly string[];
}

/**
 * What a deployment has once per account rather than once per region: the
 * Slack channel configuration that takes every site's alarm topics (ADR
 * 0016). It lives in the primary region and depends on each app stack, so
 * neither region's stacks depend on the other's for it.
 */
export class NotificationsStack extends Stack {
  public readonly chat: AlarmChatChannel;

  constructor(scope: Construct, id: string, props: NotificationsStackProps) {
    super(scope, id, props);
    this.chat = new AlarmChatChannel(this, 'Chat', {
      configurationName: props.configurationName,
      workspaceId: props.slack.workspaceId,
      channelId: props.slack.channelId,
      topics: props.topicArns.map((arn, i) => sns.Topic.fromTopicArn(this, `Topic${i}`, arn)),
    });
  }
}
