import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCAN_METRIC, SCAN_METRICS_NAMESPACE } from '../../shared/ports/metrics.ts';
import type { StatefulStack } from '../data/stateful-stack.ts';
import { FunctionAlarms, houseAlarm } from '../observability/alarms.ts';
import type { HouseFunction } from '../shared/house-function.ts';
import { DriftFunctions, SCANNER_TIMEOUT } from './drift-functions.ts';
import { DriftQueue } from './drift-queue.ts';
import { DriftSchedule } from './drift-schedule.ts';

/** Props of {@link DriftScanning}. */
export interface DriftScanningProps {
  data: StatefulStack;
  logRetentionDays: number;
  /** Minutes between scheduled scans (stage config `scanIntervalMinutes`). */
  intervalMinutes: number;
  /** The API's base URL, for the report link in alerts. */
  publicUrl: string;
}

/**
 * Drift detection on AWS (issue 14): an EventBridge rule runs the
 * dispatcher, which queues one SQS message per registered cluster; the
 * scanner takes them in small batches (partial batch failures, bounded
 * concurrency) and writes reports to the reports bucket and alerts to the
 * alerts topic. Alarms to the alerts topic: scan failures (the scanner's
 * `ScanFailures` metric), any message in the dead-letter queue, and each
 * function's errors and throttles.
 *
 * @example const drift = new DriftScanning(this, 'Drift', { data, logRetentionDays: 30, intervalMinutes: 15, publicUrl });
 */
export class DriftScanning extends Construct {
  readonly queue: DriftQueue;
  readonly functions: DriftFunctions;
  readonly schedule: DriftSchedule;
  readonly scanFailuresAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DriftScanningProps) {
    super(scope, id);
    const { data } = props;
    this.queue = new DriftQueue(this, 'Queue', { scannerTimeout: SCANNER_TIMEOUT, key: data.messagingKey });
    // Why SQS-managed encryption: EventBridge writes this queue as the schedule target's dead-letter queue
    // and may not use the messaging key (its policy admits only the account and CloudWatch); with SSE-SQS
    // it needs only the queue policy CDK adds (EventBridge guide, "Using dead-letter queues").
    const dispatchFailures = new sqs.Queue(this, 'DispatchFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(dispatchFailures).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is itself the dead-letter queue of the dispatcher function and its schedule.',
    });
    this.functions = new DriftFunctions(this, 'Functions', {
      data,
      logRetentionDays: props.logRetentionDays,
      queue: this.queue,
      dispatcherDeadLetterQueue: dispatchFailures,
      publicUrl: props.publicUrl,
    });
    this.schedule = new DriftSchedule(this, 'Schedule', {
      dispatcher: this.functions.dispatcher.function,
      intervalMinutes: props.intervalMinutes,
      deadLetterQueue: dispatchFailures,
    });
    const topic = data.alertsTopic;
    this.scanFailuresAlarm = houseAlarm(this, 'ScanFailures', topic, {
      alarmDescription:
        'Plumbline drift: a cluster scan failed (unreadable cluster, stale observation, missing policy)',
      metric: new cloudwatch.Metric({
        namespace: SCAN_METRICS_NAMESPACE,
        metricName: SCAN_METRIC.scanFailures,
        dimensionsMap: { service: 'plumbline' },
        statistic: 'Sum',
        period: Duration.minutes(props.intervalMinutes),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.deadLetterAlarm = houseAlarm(this, 'DeadLetters', topic, {
      alarmDescription: 'Plumbline drift: scan messages or dispatcher events in a dead-letter queue',
      metric: new cloudwatch.MathExpression({
        expression: 'scans + dispatches',
        usingMetrics: {
          scans: this.queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
          }),
          dispatches: dispatchFailures.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
          }),
        },
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    new FunctionAlarms(this, 'DispatcherAlarms', {
      fn: this.functions.dispatcher.function,
      topic,
      name: 'drift-dispatcher',
    });
    new FunctionAlarms(this, 'ScannerAlarms', {
      fn: this.functions.scanner.function,
      topic,
      name: 'drift-scanner',
    });
  }

  /** Lets the clusters API queue on-demand scans: `sqs:SendMessage` on the scan queue and its URL. */
  grantScanRequests(fn: HouseFunction): void {
    this.queue.grantSend(fn);
  }
}
