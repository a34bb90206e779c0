/**
 * The single table's key schema, shared by the CDK stack and the local
 * bootstrap so the two cannot disagree.
 */
export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Attribute DynamoDB TTL reads (used by later item kinds; versions never expire). */
  timeToLiveAttribute: 'expiresAt',
} as const;
