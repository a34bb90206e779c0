/**
 * Tenant isolation in IAM (the AWS SaaS Factory token-vending pattern), as
 * pure data: the session policy a handler passes to STS AssumeRole so that
 * the credentials it gets back can touch only one tenant's items.
 *
 * Every DynamoDB key starts with `<tenantId>#` (see `partitionKey` in the
 * DynamoDB adapter), so `dynamodb:LeadingKeys` matching `<tenantId>#*` fences
 * a session in. The same module names the session tag the tenant-access
 * role's own policy checks, so the CDK stack and the adapter cannot disagree.
 */

/** Tenant ids this module accepts: no `#`, `*` or `?`, so a tenant's key prefix can never match another's. */
export const TENANT_ID_FOR_POLICY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * The session tag carrying the tenant id. The tenant-access role's policy
 * allows data access only where `dynamodb:LeadingKeys` matches
 * `${aws:PrincipalTag/TenantId}#*`, so even a session opened without the
 * session policy stays inside its tenant.
 */
export const TENANT_SESSION_TAG = 'TenantId';

/**
 * Item-level DynamoDB actions a tenant session may ever use. Deliberately
 * absent: `Scan` and PartiQL (`ExecuteStatement` ...), whose requests carry
 * no leading key, so a `ForAllValues` condition would not fence them.
 * The function's role narrows these further to what its routes need.
 */
export const TENANT_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/** The read-only subset of {@link TENANT_ITEM_ACTIONS}. */
export const TENANT_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * KMS actions DynamoDB performs with the caller's permissions on a table
 * encrypted with a customer-managed key (CDK's table grants, without their
 * wildcards): reading needs Decrypt and DescribeKey, writing also Encrypt and
 * GenerateDataKey.
 */
export const TABLE_KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;
/** See {@link TABLE_KEY_READ_ACTIONS}. */
export const TABLE_KEY_WRITE_ACTIONS = [
  ...TABLE_KEY_READ_ACTIONS,
  'kms:Encrypt',
  'kms:GenerateDataKey',
] as const;

/**
 * Secrets Manager actions a tenant session may use (issue 13), only on
 * secrets named `plumbline/<tenant>/...`.
 */
export const TENANT_SECRET_ACTIONS = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:DescribeSecret',
  'secretsmanager:CreateSecret',
  'secretsmanager:PutSecretValue',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:TagResource',
] as const;

/** KMS actions on the secrets key, only under an encryption context naming the session's tenant. */
export const TENANT_SECRET_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

/**
 * The ARN pattern of a tenant's secrets (`tenant` may be a policy variable),
 * in the region and account of `tableArn`. Secrets Manager appends a random
 * suffix to each ARN, hence the trailing `*`.
 */
export function tenantSecretArnPattern(tableArn: string, tenant: string): string {
  const [, partition, , region, account] = tableArn.split(':');
  return `arn:${partition}:secretsmanager:${region}:${account}:secret:plumbline/${tenant}/*`;
}

/**
 * Where tenants keep the Slack webhook secrets of approval notifications:
 * `plumbline-slack/<tenant>/...`. A root of its own, beside `plumbline/`,
 * so that no tenant id (a tenant named `slack` included) makes a tenant's
 * secret prefix `plumbline/<tenant>/` cover another tenant's webhook.
 */
export const SLACK_SECRETS_ROOT = 'plumbline-slack/';

/** STS allows at most 2,048 characters of session policy (before its own packing). */
export const SESSION_POLICY_MAX_CHARS = 2048;

/** One statement of an IAM policy document. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** What {@link tenantSessionPolicy} needs. */
export interface TenantSessionPolicyInput {
  tenantId: string;
  /** `arn:aws:dynamodb:<region>:<account>:table/<name>`. */
  tableArn: string;
  /** The table's customer-managed KMS key, when it has one. */
  tableKeyArn?: string;
  /** The secrets key (issue 13): adds the tenant's secrets and this key under its tenant's context. */
  secretsKeyArn?: string;
}

/** The key prefix of every item of a tenant: `<tenantId>#`. */
export function tenantKeyPrefix(tenantId: string): string {
  assertTenantId(tenantId);
  return `${tenantId}#`;
}

/**
 * The `dynamodb:LeadingKeys` condition that lets a request through only when
 * every partition key it touches starts with `prefix` (a literal tenant
 * prefix, or a policy variable such as `${aws:PrincipalTag/TenantId}#`).
 * `Null: false` makes a request without any leading key fail instead of
 * passing vacuously (`ForAllValues` over an empty set is true).
 */
export function leadingKeysCondition(prefix: string): Record<string, Record<string, string | string[]>> {
  return {
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] },
    Null: { 'dynamodb:LeadingKeys': 'false' },
  };
}

/**
 * The session policy for one tenant: item-level actions on the table (and
 * its indexes) only where every leading key starts with `<tenantId>#`, plus
 * the table key's KMS actions DynamoDB needs on the caller's behalf. The
 * effective permissions are the intersection with the tenant-access role's
 * policy, which names the actions each bounded context really needs.
 *
 * @example
 * const policy = tenantSessionPolicy({ tenantId: 'acme', tableArn, tableKeyArn });
 * await sts.send(new AssumeRoleCommand({ ..., Policy: JSON.stringify(policy) }));
 */
export function tenantSessionPolicy(input: TenantSessionPolicyInput): PolicyDocument {
  const prefix = tenantKeyPrefix(input.tenantId);
  const statements: PolicyStatement[] = [
    {
      Sid: 'TenantItems',
      Effect: 'Allow',
      Action: [...TENANT_ITEM_ACTIONS],
      Resource: [input.tableArn, `${input.tableArn}/index/*`],
      Condition: leadingKeysCondition(prefix),
    },
  ];
  if (input.tableKeyArn !== undefined) {
    statements.push({
      Sid: 'TableKey',
      Effect: 'Allow',
      Action: [...TABLE_KEY_WRITE_ACTIONS],
      Resource: [input.tableKeyArn],
    });
  }
  if (input.secretsKeyArn !== undefined) {
    statements.push(
      {
        Sid: 'TenantSecrets',
        Effect: 'Allow',
        Action: [...TENANT_SECRET_ACTIONS],
        Resource: [tenantSecretArnPattern(input.tableArn, input.tenantId)],
      },
      {
        Sid: 'TenantSecretKey',
        Effect: 'Allow',
        Action: [...TENANT_SECRET_KEY_ACTIONS],
        Resource: [input.secretsKeyArn],
        Condition: { StringEquals: { 'kms:EncryptionContext:tenant': input.tenantId } },
      },
    );
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** A session name CloudTrail shows for a tenant session (STS allows `[\w+=,.@-]{2,64}`). */
export function tenantSessionName(tenantId: string): string {
  assertTenantId(tenantId);
  return `tenant-${tenantId}`.slice(0, 64);
}

function assertTenantId(tenantId: string): void {
  if (!TENANT_ID_FOR_POLICY.test(tenantId)) {
    // Not a DomainError: the HTTP edge has already rejected such ids; reaching here is a bug.
    throw new Error('tenant id is not safe for an IAM policy');
  }
}
