import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/composition/env-vars.ts';
import { viaService } from '../shared/aws-names.ts';
import type { HouseFunction } from '../shared/house-function.ts';

/** Receives of one scan message before it moves to the dead-letter queue. */
export const SCAN_MAX_RECEIVES = 3;

/** Props of {@link DriftQueue}. */
export interface DriftQueueProps {
  /** The scanner's timeout: the visibility timeout is six times it, as Lambda's SQS guide advises. */
  scannerTimeout: Duration;
  /**
   * The key of its messages: the stateful stack's messaging key (keys are
   * stateful: one deleted with this stack would strand messages in flight).
   */
  key: kms.IKey;
}

/**
 * The drift scan queue (issue 14): one message per cluster, encrypted with
 * the stateful stack's messaging key (customer-managed, rotated, retained),
 * SSL-only, and a dead-letter queue
 * (same key) after {@link SCAN_MAX_RECEIVES} receives.
 *
 * @example const queue = new DriftQueue(this, 'Queue', { scannerTimeout: Duration.minutes(2), key: data.messagingKey });
 */
export class DriftQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: DriftQueueProps) {
    super(scope, id);
    this.key = props.key;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is itself the dead-letter queue of the drift scan queue.',
    });
    this.queue = new sqs.Queue(this, 'Scans', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.scannerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: SCAN_MAX_RECEIVES },
    });
  }

  /** Lets `fn` send scan messages: `sqs:SendMessage` on the queue, the queue's key through SQS only, and its URL. */
  grantSend(fn: HouseFunction): void {
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
    );
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': viaService(this, 'sqs') } },
      }),
    );
    fn.function.addEnvironment(ENV.scanQueueUrl, this.queue.queueUrl);
  }
}
