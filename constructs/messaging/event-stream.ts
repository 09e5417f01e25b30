import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EventStreamProps {
  readonly encryptionKey: kms.IKey;
  /** On demand, or provisioned with `shards`. */
  readonly mode: 'on-demand' | 'provisioned';
  /** Shards when provisioned. */
  readonly shards: number;
  readonly retention: Duration;
}

/** A KMS-encrypted Kinesis data stream for events, retained with its stack. */
export class EventStream extends Construct {
  public readonly stream: kinesis.Stream;

  constructor(scope: Construct, id: string, props: EventStreamProps) {
    super(scope, id);
    const onDemand = props.mode === 'on-demand';
    this.stream = new kinesis.Stream(this, 'Stream', {
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: props.encryptionKey,
      streamMode: onDemand ? kinesis.StreamMode.ON_DEMAND : kinesis.StreamMode.PROVISIONED,
      shardCount: onDemand ? undefined : props.shards,
      retentionPeriod: props.retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason: 'The stream is encrypted with the deployment\'s customer-managed key, not aws/kinesis, on purpose: one auditable key policy for all data and the option to grant other accounts or regions.',
    });
  }
}
