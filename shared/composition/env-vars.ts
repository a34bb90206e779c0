/**
 * Names of the environment variables the Lambda functions read, in one
 * module so the CDK stack and the composition root cannot disagree.
 */
export const ENV = {
  /** The DynamoDB table holding every tenant's documents. */
  tableName: 'PLUMBLINE_TABLE_NAME',
  /** The table's ARN, the resource of the tenant session policy. */
  tableArn: 'PLUMBLINE_TABLE_ARN',
  /** The table's customer-managed KMS key ARN (the session policy allows DynamoDB to use it for the caller). */
  tableKeyArn: 'PLUMBLINE_TABLE_KEY_ARN',
  /**
   * The tenant-access role this function assumes for tenant data (token
   * vending). Absent for contexts that touch no tenant data: their function
   * then has no way to reach the table at all.
   */
  tenantRoleArn: 'PLUMBLINE_TENANT_ROLE_ARN',
  // Approvals (issue 5).
  /** ARN of the approval state machine (contexts that create change requests). */
  approvalStateMachineArn: 'PLUMBLINE_APPROVAL_STATE_MACHINE_ARN',
  /** ARN of the SNS topic approval emails go to. */
  approvalsTopicArn: 'PLUMBLINE_APPROVALS_TOPIC_ARN',
  /** ARN of the Secrets Manager secret whose value keys the HMAC of approval links. */
  linkSigningSecretArn: 'PLUMBLINE_LINK_SIGNING_SECRET_ARN',
  /** KMS key that wraps the data keys encrypting Step Functions task tokens at rest. */
  taskTokenKeyArn: 'PLUMBLINE_TASK_TOKEN_KEY_ARN',
  /** The dedicated KMS key of secret envelopes (issue 13). */
  secretsKeyArn: 'PLUMBLINE_SECRETS_KEY_ARN',
  // Service accounts (issue 15).
  /** The Cognito user pool whose app clients are the service accounts. */
  userPoolId: 'PLUMBLINE_USER_POOL_ID',
  /** The user pool's issuer URL, whose JWKS the HTTP API's Lambda authorizer trusts. */
  tokenIssuer: 'PLUMBLINE_TOKEN_ISSUER',
  /** The app client people sign in with (the CLI); any other client of the pool is a service account. */
  userClientId: 'PLUMBLINE_USER_CLIENT_ID',
  /** The resource-server scope service accounts may ask for (`plumbline/api`). */
  serviceAccountScope: 'PLUMBLINE_SERVICE_ACCOUNT_SCOPE',
  /** The user pool domain's token endpoint, answered to clients as `tokenUrl`. */
  tokenUrl: 'PLUMBLINE_TOKEN_URL',
  // Drift (issue 14).
  /** The reports bucket (report files under `<tenant>/`, pushed observations under `<tenant>/observations/`). */
  reportsBucket: 'PLUMBLINE_REPORTS_BUCKET',
  /** URL of the SQS queue of drift scans (one message per cluster). */
  scanQueueUrl: 'PLUMBLINE_SCAN_QUEUE_URL',
  /** ARN of the SNS topic drift alerts (high and critical findings) go to. */
  alertsTopicArn: 'PLUMBLINE_ALERTS_TOPIC_ARN',
  /** Per-cluster scan timeout of the scanner, in milliseconds (default 60000). */
  clusterTimeoutMs: 'PLUMBLINE_CLUSTER_TIMEOUT_MS',
  /** CloudWatch namespace of the scanner's metrics (Powertools Metrics). */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** The API's public base URL, for the links in approval messages. */
  publicUrl: 'PLUMBLINE_PUBLIC_URL',
  /** Log level for Powertools Logger. */
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  /** Service name in logs and metrics. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;
