import { ConflictError } from '../errors.ts';

/** A settings document that references a secret. */
export interface SecretReferrer {
  /** Scope key of the settings layer (`global`, `envs/prod/services/api`), or `profiles/<name>` for a profile a layer pulls in. */
  document: string;
  /** Pointer of the reference inside its content. */
  pointer: string;
}

/**
 * Deleting a secret that settings still reference: a {@link ConflictError}
 * (409) listing every referencing document.
 */
export class SecretInUseError extends ConflictError {
  constructor(
    detail: string,
    readonly references: SecretReferrer[],
  ) {
    super(detail);
  }
  override extensions(): Record<string, unknown> {
    return { reason: 'secret-in-use', references: this.references };
  }
}

/**
 * An envelope that does not authenticate: a flipped bit, a wrong context, or
 * an envelope moved from another tenant, environment, name or version. Never
 * carries key material or plaintext.
 */
export class EnvelopeIntegrityError extends Error {
  constructor(context: { tenant: string; env: string; name: string; version: string }) {
    super(
      `the envelope of secret '${context.name}' version ${context.version} in '${context.env}' failed authentication (tampered, or not this tenant's secret)`,
    );
    this.name = 'EnvelopeIntegrityError';
  }
}
