import type { SecretMetadata, SecretRef, SecretVersionInfo } from '../domain/secrets/secret-model.ts';

/** An envelope-encrypted value: the wrapped data key and the AES-256-GCM ciphertext (all base64). */
export interface Envelope {
  scheme: 'plumbline-envelope-v1';
  wrappedKey: string;
  nonce: string;
  ciphertext: string;
  tag: string;
}

/** One new version: the next metadata head, the version's own record and its envelope. */
export interface SecretWrite {
  metadata: SecretMetadata;
  version: SecretVersionInfo;
  envelope: Envelope;
}

/** A page of metadata, by name. */
export interface SecretPage {
  items: SecretMetadata[];
  /** Pass as `after` for the next page; `null` on the last. */
  next: string | null;
}

/**
 * A tenant's secrets: per environment and name, a metadata head (listed in
 * one Query) and immutable versions, each with its envelope. Implementations
 * never see plaintext. Every key names the tenant.
 */
export interface SecretStore {
  /** The metadata head, or `null` (also for another tenant's secret). */
  get(ref: SecretRef): Promise<SecretMetadata | null>;
  /** Metadata of an environment's secrets, by name. */
  list(tenantId: string, env: string, options: { limit: number; after?: string }): Promise<SecretPage>;
  /** Versions, newest first. */
  versions(ref: SecretRef): Promise<SecretVersionInfo[]>;
  /** The envelope of one version, or `null`. */
  envelope(ref: SecretRef, version: number): Promise<Envelope | null>;
  /**
   * Writes version `write.version.version` and moves the head to it, only if
   * the head is still at `expected` (`null`: the secret must not exist).
   * Throws {@link SecretVersionConflictError} otherwise.
   */
  putVersion(ref: SecretRef, write: SecretWrite, expected: number | null): Promise<void>;
  /**
   * Schedules deletion (`metadata.state` is `pending-deletion`) with a
   * recovery window of `recoveryDays`, only if the head is still at `expected`.
   */
  scheduleDeletion(
    ref: SecretRef,
    metadata: SecretMetadata,
    expected: number,
    recoveryDays: number,
  ): Promise<void>;
  /** Undoes a scheduled deletion (`metadata.state` is `active`), only if the head is still at `expected`. */
  restore(ref: SecretRef, metadata: SecretMetadata, expected: number): Promise<void>;
  /** Keeps the envelope of a change request's proposed value until the request is applied. */
  putPending(ref: SecretRef, requestId: string, envelope: Envelope): Promise<void>;
  /** The pending envelope of a change request, or `null`. */
  pending(ref: SecretRef, requestId: string): Promise<Envelope | null>;
}

/** Another writer moved the secret first (or it exists / does not exist unlike expected). */
export class SecretVersionConflictError extends Error {
  constructor(readonly current: number | null) {
    super('the secret changed concurrently');
    this.name = 'SecretVersionConflictError';
  }
}
