import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * Least-privilege grants for encrypted queues and streams. CDK's grant
 * helpers add `kms:GenerateDataKey*` and `kms:ReEncrypt*` wildcards; these
 * statements name exactly the key actions SQS and Kinesis need, and only
 * through those services.
 */
export interface MessagingTargets {
  readonly queues: readonly sqs.IQueue[];
  readonly stream?: kinesis.IStream;
  /** The key the queues and the stream are encrypted with. */
  readonly key: kms.IKey;
}

function viaServices(role: iam.IRole, services: readonly string[]): Record<string, unknown> {
  const region = Stack.of(role).region;
  return { StringEquals: { 'kms:ViaService': services.map((s) => `${s}.${region}.amazonaws.com`) } };
}

/** Lets `role` send to every queue and write to the stream. */
export function allowProduce(role: iam.IRole, targets: MessagingTargets): void {
  const services: string[] = [];
  if (targets.queues.length > 0) {
    services.push('sqs');
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: targets.queues.map((q) => q.queueArn),
      }),
    );
  }
  if (targets.stream) {
    services.push('kinesis');
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:ListShards', 'kinesis:DescribeStreamSummary'],
        resources: [targets.stream.streamArn],
      }),
    );
  }
  if (services.length > 0) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [targets.key.keyArn],
        conditions: viaServices(role, services),
      }),
    );
  }
}

/** Lets `role` receive, delete and extend messages of one queue. */
export function allowConsume(role: iam.IRole, queue: sqs.IQueue, key: kms.IKey): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resources: [queue.queueArn],
    }),
  );
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn], conditions: viaServices(role, ['sqs']) }));
}
