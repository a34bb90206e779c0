import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

const FIVE_MINUTES = Duration.minutes(5);

/** The house alarm: to the alerts topic, missing data is not breaching. */
export function houseAlarm(
  scope: Construct,
  id: string,
  topic: sns.ITopic,
  props: Omit<cloudwatch.AlarmProps, 'treatMissingData' | 'actionsEnabled'>,
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    ...props,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  alarm.addOkAction(new SnsAction(topic));
  return alarm;
}

/**
 * Alarms of one Lambda function: any error (an unhandled crash or timeout;
 * handled errors become problem responses) and any throttle, in 5 minutes.
 *
 * @example new FunctionAlarms(this, 'SettingsAlarms', { fn, topic: alerts, name: 'settings' });
 */
export class FunctionAlarms extends Construct {
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;

  constructor(
    scope: Construct,
    id: string,
    props: { fn: lambda.IFunction; topic: sns.ITopic; name: string },
  ) {
    super(scope, id);
    this.errors = houseAlarm(this, 'Errors', props.topic, {
      alarmDescription: `Lambda ${props.name}: invocations failed (crash or timeout)`,
      metric: props.fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.throttles = houseAlarm(this, 'Throttles', props.topic, {
      alarmDescription: `Lambda ${props.name}: invocations throttled`,
      metric: props.fn.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
  }
}

/**
 * The HTTP API's server error rate: 5xx responses as a percentage of
 * requests, over 5 % in two of three 5-minute periods (ignoring periods
 * with fewer than 10 requests, where one failure is not a rate).
 *
 * @example new ApiErrorRateAlarm(this, 'Api5xx', { api, topic: alerts });
 */
export class ApiErrorRateAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(
    scope: Construct,
    id: string,
    props: { api: apigwv2.HttpApi; topic: sns.ITopic; thresholdPercent?: number },
  ) {
    super(scope, id);
    this.alarm = houseAlarm(this, 'Alarm', props.topic, {
      alarmDescription: 'HTTP API: 5xx responses above the threshold percentage of requests',
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests >= 10, 100 * errors / requests, 0)',
        usingMetrics: {
          errors: props.api.metricServerError({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
          requests: props.api.metricCount({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        },
        label: '5xx rate (%)',
        period: FIVE_MINUTES,
      }),
      threshold: props.thresholdPercent ?? 5,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
  }
}

/**
 * DynamoDB throttling of the table: any throttled read or write event in
 * 5 minutes (on-demand tables throttle at partition or account limits).
 *
 * @example new TableThrottleAlarm(this, 'TableThrottles', { tableName: table.tableName, topic: alerts });
 */
export class TableThrottleAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: { tableName: string; topic: sns.ITopic }) {
    super(scope, id);
    const metric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.tableName },
        period: FIVE_MINUTES,
        statistic: cloudwatch.Stats.SUM,
      });
    this.alarm = houseAlarm(this, 'Alarm', props.topic, {
      alarmDescription: 'DynamoDB: read or write requests throttled',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(reads, 0) + FILL(writes, 0)',
        usingMetrics: { reads: metric('ReadThrottleEvents'), writes: metric('WriteThrottleEvents') },
        label: 'Throttle events',
        period: FIVE_MINUTES,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
  }
}
