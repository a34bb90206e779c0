import type { SecretContext } from '../domain/secrets/secret-model.ts';

/** A fresh data key: its plaintext (zero it after use) and the same key wrapped by the master key. */
export interface DataKey {
  /** 32 bytes; the caller zeroes it as soon as the envelope is sealed. */
  plaintext: Uint8Array;
  /** The key encrypted under the master key and `context`; safe to store. */
  wrapped: Uint8Array;
}

/**
 * Makes and unwraps data keys for envelope encryption (issue 13): KMS
 * `GenerateDataKey`/`Decrypt` on AWS, a master key file locally. `context`
 * is bound to the wrapped key (KMS encryption context / AES-GCM AAD), so a
 * wrapped key unwraps only under the same tenant, env, name and version.
 */
export interface KeyService {
  generateDataKey(context: SecretContext): Promise<DataKey>;
  /**
   * The plaintext data key. Throws `EnvelopeIntegrityError` when the wrapped
   * key or the context is not the one it was made with.
   */
  decrypt(wrapped: Uint8Array, context: SecretContext): Promise<Uint8Array>;
}
