import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalJson } from '../../domain/canonical-hash.ts';
import { EnvelopeIntegrityError } from '../../domain/secrets/secret-errors.ts';
import type { SecretContext } from '../../domain/secrets/secret-model.ts';
import type { DataKey, KeyService } from '../../ports/key-service.ts';

/** The master key file's name under `<dataDir>/keys/`. */
export const LOCAL_SECRETS_MASTER_KEY = 'secrets-master.key';

/**
 * {@link KeyService} of the local runtime: data keys are random 32 bytes,
 * wrapped with AES-256-GCM under a master key from the data directory
 * (`keys/secrets-master.key`, mode 0600) with the canonical context as AAD.
 * Wrapped key layout: nonce (12) | ciphertext (32) | tag (16).
 *
 * @example new LocalKeyService(await loadOrCreateKey(dataDir, LOCAL_SECRETS_MASTER_KEY))
 */
export class LocalKeyService implements KeyService {
  readonly #master: Uint8Array;

  constructor(master: Uint8Array) {
    if (master.length !== 32) throw new Error('the local master key must be 32 bytes');
    this.#master = master;
  }

  async generateDataKey(context: SecretContext): Promise<DataKey> {
    const plaintext = randomBytes(32);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#master, nonce);
    cipher.setAAD(Buffer.from(canonicalJson(context), 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { plaintext, wrapped: Buffer.concat([nonce, body, cipher.getAuthTag()]) };
  }

  async decrypt(wrapped: Uint8Array, context: SecretContext): Promise<Uint8Array> {
    const bytes = Buffer.from(wrapped);
    if (bytes.length !== 12 + 32 + 16) throw new EnvelopeIntegrityError(context);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#master, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(canonicalJson(context), 'utf8'));
      decipher.setAuthTag(bytes.subarray(44));
      return Buffer.concat([decipher.update(bytes.subarray(12, 44)), decipher.final()]);
    } catch {
      throw new EnvelopeIntegrityError(context);
    }
  }
}
