/**
 * Names of the environment variables the Lambda functions read, in one
 * module so the CDK stack and the composition root cannot disagree.
 */
export const ENV = {
  /** The DynamoDB table holding every tenant's documents. */
  tableName: 'PLUMBLINE_TABLE_NAME',
  /** Log level for Powertools Logger. */
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  /** Service name in logs and metrics. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;
