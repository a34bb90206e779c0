/** One audited action, general enough for every kind of event (issue 13; queried and exported by the audit issue). */
export interface AuditEvent {
  /** User id, or `system` for scheduled work. */
  actor: string;
  /** `secret.read`, `secret.rotate` ... */
  action: string;
  /** What was acted on (`secrets/prod/db-password@4`). */
  target: string;
  env: string | null;
  reason: string | null;
  result: 'success' | 'denied' | 'failure';
  requestId: string;
  /** ISO-8601 UTC. */
  at: string;
  /** Action-specific facts, never a secret value (`secret.read`: the name and version read). */
  detail?: Record<string, string | number>;
}

/** An event as stored: numbered and hash-chained per tenant. */
export interface AuditRecord extends AuditEvent {
  seq: number;
  /** SHA-256 of the canonical event with `seq` and `prevHash`. */
  hash: string;
  prevHash: string | null;
}

/**
 * An append-only, hash-chained (per tenant) audit trail. Events never hold
 * secret values.
 */
export interface AuditLog {
  /** Appends an event after the tenant's last one. */
  append(tenantId: string, event: AuditEvent): Promise<AuditRecord>;
  /** Events oldest first, after `afterSeq`. */
  list(tenantId: string, options: { limit: number; afterSeq?: number }): Promise<AuditRecord[]>;
}
