import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { EncryptedBlob } from '../../domain/approvals/change-request.ts';
import { canonicalJson } from '../../domain/canonical-hash.ts';
import type { TokenCipher } from '../../ports/token-cipher.ts';

/** Scheme tag of {@link KmsTokenCipher} blobs. */
export const KMS_ENVELOPE_SCHEME = 'kms-envelope-aes-256-gcm';

/**
 * {@link TokenCipher} with envelope encryption: a fresh KMS data key
 * (AES-256) per token under an encryption context naming the tenant and the
 * request, AES-256-GCM in process, only the encrypted data key stored. The
 * plaintext key is dropped after use.
 *
 * @example new KmsTokenCipher({ keyId: process.env.PLUMBLINE_TOKEN_KEY_ARN })
 */
export class KmsTokenCipher implements TokenCipher {
  readonly #keyId: string;
  readonly #client: KMSClient;

  constructor(options: { keyId: string; client?: KMSClient }) {
    this.#keyId = options.keyId;
    this.#client = options.client ?? new KMSClient({ maxAttempts: 3 });
  }

  async encrypt(plaintext: string, context: Record<string, string>): Promise<EncryptedBlob> {
    const key = await this.#client.send(
      new GenerateDataKeyCommand({ KeyId: this.#keyId, KeySpec: 'AES_256', EncryptionContext: context }),
    );
    if (!key.Plaintext || !key.CiphertextBlob) throw new Error('KMS returned no data key');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.Plaintext, iv);
    cipher.setAAD(Buffer.from(canonicalJson(context), 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    key.Plaintext.fill(0);
    return {
      scheme: KMS_ENVELOPE_SCHEME,
      dataKey: Buffer.from(key.CiphertextBlob).toString('base64'),
      iv: iv.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  async decrypt(blob: EncryptedBlob, context: Record<string, string>): Promise<string> {
    if (blob.scheme !== KMS_ENVELOPE_SCHEME) throw new Error(`cannot decrypt a ${blob.scheme} blob`);
    const key = await this.#client.send(
      new DecryptCommand({
        KeyId: this.#keyId,
        CiphertextBlob: Buffer.from(blob.dataKey ?? '', 'base64'),
        EncryptionContext: context,
      }),
    );
    if (!key.Plaintext) throw new Error('KMS returned no data key');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.Plaintext, Buffer.from(blob.iv ?? '', 'base64'));
      decipher.setAAD(Buffer.from(canonicalJson(context), 'utf8'));
      decipher.setAuthTag(Buffer.from(blob.tag ?? '', 'base64'));
      return Buffer.concat([
        decipher.update(Buffer.from(blob.ciphertext ?? '', 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } finally {
      key.Plaintext.fill(0);
    }
  }
}
