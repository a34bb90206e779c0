import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import {
  TENANT_SESSION_TAG,
  tenantSessionName,
  tenantSessionPolicy,
} from '../../domain/tenant-session-policy.ts';

/** Temporary credentials in the shape the AWS SDK's `credentials` option accepts. */
export interface TenantCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Options of {@link TenantCredentialsVendor}. */
export interface TenantCredentialsVendorOptions {
  sts: STSClient;
  /** The tenant-access role the function's own role may assume. */
  roleArn: string;
  /** The table the session policy fences. */
  tableArn: string;
  /** The table's customer-managed key, when it has one. */
  tableKeyArn?: string;
  /** The secrets key: sessions then also reach the tenant's secrets (issue 13). */
  secretsKeyArn?: string;
  /** Lifetime asked of STS; role chaining (Lambda role -> tenant role) caps it at 3600. */
  durationSeconds?: number;
  /** Credentials are renewed this long before they expire (the SDK itself renews 5 minutes before). */
  refreshBeforeExpiryMs?: number;
  /** At most this many tenants are cached; the least recently used is dropped first. */
  maxTenants?: number;
  /** Injected clock (tests). */
  now?: () => number;
}

interface CacheEntry {
  credentials: Promise<TenantCredentials>;
  /** Known once the call resolved; until then the in-flight promise is shared. */
  expiresAt: number | undefined;
}

/**
 * Vends tenant-scoped credentials (token vending): STS AssumeRole of the
 * tenant-access role with a session policy whose `dynamodb:LeadingKeys`
 * condition admits only `<tenantId>#*` keys, and a `TenantId` session tag
 * the role's own policy checks as well. Credentials are cached per tenant
 * for their lifetime and renewed shortly before they expire; concurrent
 * requests for one tenant share one STS call, and a failed call is not cached.
 *
 * @example
 * const vendor = new TenantCredentialsVendor({ sts: new STSClient({}), roleArn, tableArn });
 * const client = new DynamoDBClient({ credentials: () => vendor.credentialsFor('acme') });
 */
export class TenantCredentialsVendor {
  readonly #options: TenantCredentialsVendorOptions;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #now: () => number;

  constructor(options: TenantCredentialsVendorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Credentials that can reach only `tenantId`'s items. */
  credentialsFor(tenantId: string): Promise<TenantCredentials> {
    const cached = this.#cache.get(tenantId);
    const margin = this.#options.refreshBeforeExpiryMs ?? 5 * 60_000;
    if (cached && (cached.expiresAt === undefined || cached.expiresAt - margin > this.#now())) {
      // Why: re-insert to mark it most recently used (Map keeps insertion order).
      this.#cache.delete(tenantId);
      this.#cache.set(tenantId, cached);
      return cached.credentials;
    }
    const entry: CacheEntry = { credentials: this.#assume(tenantId), expiresAt: undefined };
    this.#cache.delete(tenantId);
    this.#cache.set(tenantId, entry);
    this.#evictOverflow();
    entry.credentials.then(
      (credentials) => {
        entry.expiresAt = credentials.expiration.getTime();
      },
      () => {
        if (this.#cache.get(tenantId) === entry) this.#cache.delete(tenantId);
      },
    );
    return entry.credentials;
  }

  async #assume(tenantId: string): Promise<TenantCredentials> {
    const { roleArn, tableArn, tableKeyArn, secretsKeyArn } = this.#options;
    const policy = tenantSessionPolicy({
      tenantId,
      tableArn,
      ...(tableKeyArn === undefined ? {} : { tableKeyArn }),
      ...(secretsKeyArn === undefined ? {} : { secretsKeyArn }),
    });
    const out = await this.#options.sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: tenantSessionName(tenantId),
        DurationSeconds: this.#options.durationSeconds ?? 3600,
        Policy: JSON.stringify(policy),
        Tags: [{ Key: TENANT_SESSION_TAG, Value: tenantId }],
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new Error('STS AssumeRole returned no credentials');
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  }

  #evictOverflow(): void {
    const max = this.#options.maxTenants ?? 500;
    while (this.#cache.size > max) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) return;
      this.#cache.delete(oldest);
    }
  }
}
