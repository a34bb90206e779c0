import type { Node } from 'constructs';

/** Object Lock modes for the audit bucket. */
export type AuditLockMode = 'GOVERNANCE' | 'COMPLIANCE';

/**
 * The parameters of one deployment ("stage"), read from CDK context so that
 * `npx cdk deploy --all -c stage=prod -c region=eu-central-1` chooses them.
 * Everything has a default; nothing is read from the machine (no
 * `CDK_DEFAULT_REGION`), so synth is the same everywhere.
 */
export interface StageConfig {
  /** Short name in stack and resource names: `dev`, `prod` (context `stage`). */
  stage: string;
  /** The pinned region (context `region`). */
  region: string;
  /** The account, when pinned (context `account`); otherwise the CLI's credentials decide at deploy time. */
  account: string | undefined;
  /** Retention of Lambda and API access logs (context `logRetentionDays`). */
  logRetentionDays: number;
  /** API Gateway stage throttling (context `apiRateLimit`, `apiBurstLimit`). */
  apiRateLimit: number;
  apiBurstLimit: number;
  /** Object Lock default retention of audit exports (context `auditLockMode`, `auditRetentionDays`). */
  auditLockMode: AuditLockMode;
  auditRetentionDays: number;
  /**
   * Cognito Plus feature plan with full threat protection (context
   * `cognitoPlus=true`); the default Essentials plan already supports the
   * access-token customisation the `tenant_id` and `roles` claims need.
   */
  cognitoPlus: boolean;
  /**
   * The email addresses approval mail goes to (context `approvalEmails`,
   * comma separated, stored lowercase): each gets its own subscription to
   * the approvals topic, filtered to the messages addressed to it. List
   * every approver's address, and the requesters' (their approver entries).
   */
  approvalEmails: readonly string[];
  /** Minutes between scheduled drift scans of every registered cluster (context `scanIntervalMinutes`, 1-1440, issue 14). */
  scanIntervalMinutes: number;
}

/** Defaults of every parameter. */
export const DEFAULT_STAGE_CONFIG: StageConfig = {
  stage: 'dev',
  region: 'eu-west-1',
  account: undefined,
  logRetentionDays: 30,
  apiRateLimit: 50,
  apiBurstLimit: 100,
  auditLockMode: 'GOVERNANCE',
  auditRetentionDays: 365,
  cognitoPlus: false,
  approvalEmails: [],
  scanIntervalMinutes: 15,
};

/** A plain email address (what SNS email subscriptions accept), no display name. */
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/** Retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/**
 * Reads the stage parameters from CDK context (`-c key=value` or
 * `cdk.json`), validating each, with {@link DEFAULT_STAGE_CONFIG} for the rest.
 *
 * @example const config = stageConfigFrom(app.node); // -c stage=prod -c region=eu-central-1
 */
export function stageConfigFrom(node: Node): StageConfig {
  const text = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    return value === undefined || value === null ? undefined : String(value);
  };
  const int = (key: string, fallback: number, ok: (n: number) => boolean): number => {
    const raw = text(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || !ok(n)) throw new Error(`context ${key}=${raw} is not valid`);
    return n;
  };
  const stage = text('stage') ?? DEFAULT_STAGE_CONFIG.stage;
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) {
    throw new Error(`context stage=${stage} must be lowercase letters, digits and dashes (at most 16)`);
  }
  const region = text('region') ?? DEFAULT_STAGE_CONFIG.region;
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new Error(`context region=${region} is not an AWS region`);
  const account = text('account');
  if (account !== undefined && !/^\d{12}$/.test(account))
    throw new Error(`context account=${account} is not an account id`);
  const auditLockMode = (text('auditLockMode') ?? DEFAULT_STAGE_CONFIG.auditLockMode).toUpperCase();
  if (auditLockMode !== 'GOVERNANCE' && auditLockMode !== 'COMPLIANCE') {
    throw new Error(`context auditLockMode=${auditLockMode} must be GOVERNANCE or COMPLIANCE`);
  }
  return {
    stage,
    region,
    account,
    logRetentionDays: int('logRetentionDays', DEFAULT_STAGE_CONFIG.logRetentionDays, (n) =>
      LOG_RETENTION_DAYS.includes(n),
    ),
    apiRateLimit: int('apiRateLimit', DEFAULT_STAGE_CONFIG.apiRateLimit, (n) => n > 0),
    apiBurstLimit: int('apiBurstLimit', DEFAULT_STAGE_CONFIG.apiBurstLimit, (n) => n > 0),
    auditLockMode,
    auditRetentionDays: int(
      'auditRetentionDays',
      DEFAULT_STAGE_CONFIG.auditRetentionDays,
      (n) => n > 0 && n <= 36500,
    ),
    cognitoPlus: text('cognitoPlus') === 'true',
    approvalEmails: emailList(text('approvalEmails')),
    scanIntervalMinutes: int(
      'scanIntervalMinutes',
      DEFAULT_STAGE_CONFIG.scanIntervalMinutes,
      (n) => n >= 1 && n <= 1440,
    ),
  };
}

/** `a@x.com, B@y.org` -> `['a@x.com', 'b@y.org']`, deduplicated; throws on anything not an address. */
function emailList(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const emails = raw.split(',').map((e) => e.trim().toLowerCase());
  const bad = emails.filter((e) => !EMAIL.test(e));
  if (bad.length > 0) throw new Error(`context approvalEmails has invalid addresses: ${bad.join(', ')}`);
  return [...new Set(emails)];
}
