import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, controlTower } from '../security/acknowledge';

export interface WorkQueueProps {
  readonly encryptionKey: kms.IKey;
  /** Hidden time of a received message; longer than the worst processing time. */
  readonly visibilityTimeout: Duration;
  /** How long an unprocessed message is kept. */
  readonly retentionPeriod: Duration;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

/**
 * An SQS queue with a dead-letter queue and a redrive policy, both
 * KMS-encrypted and TLS-only, and retained when their stack is deleted:
 * they may hold messages.
 */
export class WorkQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const common = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    // The longest retention SQS allows, so a failed message outlives its investigation.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', { ...common, retentionPeriod: Duration.days(14) });
    acknowledge(
      this.deadLetterQueue,
      'This is the dead-letter queue: its messages already failed every retry and wait here for a person; a dead-letter queue of its own would only move them again.',
      controlTower('sqs_dlq_check'),
    );
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: props.retentionPeriod,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
