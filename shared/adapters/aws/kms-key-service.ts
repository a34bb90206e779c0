import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { EnvelopeIntegrityError } from '../../domain/secrets/secret-errors.ts';
import type { SecretContext } from '../../domain/secrets/secret-model.ts';
import type { DataKey, KeyService } from '../../ports/key-service.ts';

/** KMS errors that mean "this wrapped key does not open under this context" rather than an outage. */
const INTEGRITY_ERRORS = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/**
 * {@link KeyService} on KMS: `GenerateDataKey` (AES_256) and `Decrypt` on the
 * dedicated secrets key, with the canonical context as the KMS encryption
 * context, so that the tenant-scoped role's `kms:EncryptionContext:tenant`
 * condition fences every call to its own tenant.
 *
 * @example new KmsKeyService({ keyId: process.env.PLUMBLINE_SECRETS_KEY_ARN })
 */
export class KmsKeyService implements KeyService {
  readonly #keyId: string;
  readonly #client: (tenantId: string) => KMSClient;

  constructor(options: { keyId: string; clientFor?: (tenantId: string) => KMSClient }) {
    this.#keyId = options.keyId;
    const shared = options.clientFor ? undefined : new KMSClient({ maxAttempts: 3 });
    this.#client = options.clientFor ?? (() => shared as KMSClient);
  }

  async generateDataKey(context: SecretContext): Promise<DataKey> {
    const out = await this.#client(context.tenant).send(
      new GenerateDataKeyCommand({
        KeyId: this.#keyId,
        KeySpec: 'AES_256',
        EncryptionContext: { ...context },
      }),
    );
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
    return { plaintext: out.Plaintext, wrapped: out.CiphertextBlob };
  }

  async decrypt(wrapped: Uint8Array, context: SecretContext): Promise<Uint8Array> {
    try {
      const out = await this.#client(context.tenant).send(
        new DecryptCommand({
          KeyId: this.#keyId,
          CiphertextBlob: wrapped,
          EncryptionContext: { ...context },
        }),
      );
      if (!out.Plaintext) throw new Error('KMS returned no data key');
      return out.Plaintext;
    } catch (error) {
      if (INTEGRITY_ERRORS.has((error as Error).name)) throw new EnvelopeIntegrityError(context);
      throw error;
    }
  }
}
