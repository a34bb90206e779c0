import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Props of {@link DriftSchedule}. */
export interface DriftScheduleProps {
  dispatcher: lambda.IFunction;
  /** Minutes between runs (stage config `scanIntervalMinutes`). */
  intervalMinutes: number;
  /** Where events the dispatcher could not take land after EventBridge's retries. */
  deadLetterQueue: sqs.IQueue;
}

/**
 * The drift schedule (issue 14): an EventBridge rule that runs the
 * dispatcher every `intervalMinutes` (retried twice, then dead-lettered).
 *
 * @example new DriftSchedule(this, 'Schedule', { dispatcher, intervalMinutes: 15, deadLetterQueue });
 */
export class DriftSchedule extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: DriftScheduleProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      description: `Plumbline: dispatch drift scans of every registered cluster every ${props.intervalMinutes} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(props.intervalMinutes)),
      targets: [
        new targets.LambdaFunction(props.dispatcher, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 2,
        }),
      ],
    });
  }
}
