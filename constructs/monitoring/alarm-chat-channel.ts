import { Token } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from '../security/acknowledge';

export interface AlarmChatChannelProps {
  /**
   * The channel configuration's name. AWS Chatbot configuration names are
   * unique per account, across regions: one name per deployment.
   */
  readonly configurationName: string;
  /** Slack workspace (team) id, authorised once in the AWS Chatbot console, e.g. `T0123ABCD`. */
  readonly workspaceId: string;
  /** Slack channel id, e.g. `C0123ABCD`. */
  readonly channelId: string;
  /**
   * Every topic the channel takes, from any region of this account (the
   * page and notify topics of each site).
   */
  readonly topics: readonly sns.ITopic[];
}

/**
 * The deployment's one Slack channel configuration in AWS Chatbot, taking
 * the alarm topics of every region. Chatbot is a global service: its
 * configuration names are unique per account and a Slack channel can be
 * configured once per account, so a deployment makes this once, not once
 * per region. https://docs.aws.amazon.com/chatbot/latest/adminguide/slack-setup.html
 *
 * The channel only shows notifications: its role may read CloudWatch (to
 * draw an alarm's graph) and its guardrail caps anything run from the
 * channel at CloudWatch read access, instead of Chatbot's default
 * guardrail, AdministratorAccess.
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/understanding-permissions.html
 */
export class AlarmChatChannel extends Construct {
  public readonly channel: chatbot.SlackChannelConfiguration;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AlarmChatChannelProps) {
    super(scope, id);
    // CreateSlackChannelConfiguration: ConfigurationName is 1-128 of [A-Za-z0-9-_].
    // https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateSlackChannelConfiguration.html
    if (!Token.isUnresolved(props.configurationName) && !/^[A-Za-z0-9_-]{1,128}$/.test(props.configurationName)) {
      throw new Error(`AlarmChatChannel: configurationName "${props.configurationName}" must be 1-128 letters, digits, '-' or '_'`);
    }
    if (props.topics.length === 0) throw new Error('AlarmChatChannel: topics is empty; give it at least one alarm topic');

    // The "Notification permissions" channel-role template: Chatbot reads CloudWatch
    // with this role to render an alarm's graph.
    // https://docs.aws.amazon.com/chatbot/latest/adminguide/chatbot-iam-policies.html
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: 'AWS Chatbot reads CloudWatch to draw alarm notifications',
    });
    const read = new iam.ManagedPolicy(this, 'ReadCloudWatch', {
      description: 'AWS Chatbot\'s notification permissions: read CloudWatch to draw an alarm\'s graph',
      statements: [new iam.PolicyStatement({ actions: ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'], resources: ['*'] })],
      roles: [this.role],
    });
    acknowledge(
      read,
      'AWS Chatbot\'s own "Notification permissions" template, read-only CloudWatch for the alarms of any region the channel takes; GetMetricData and the List actions support no resource-level permissions.',
      'AwsSolutions-IAM5[Action::cloudwatch:Describe*]',
      'AwsSolutions-IAM5[Action::cloudwatch:Get*]',
      'AwsSolutions-IAM5[Action::cloudwatch:List*]',
      'AwsSolutions-IAM5[Resource::*]',
    );
    this.channel = new chatbot.SlackChannelConfiguration(this, 'Slack', {
      slackChannelConfigurationName: props.configurationName,
      slackWorkspaceId: props.workspaceId,
      slackChannelId: props.channelId,
      role: this.role,
      guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchReadOnlyAccess')],
      notificationTopics: [...props.topics],
      loggingLevel: chatbot.LoggingLevel.ERROR,
    });
  }
}
