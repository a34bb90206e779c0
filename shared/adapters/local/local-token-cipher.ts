import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptedBlob } from '../../domain/approvals/change-request.ts';
import { canonicalJson } from '../../domain/canonical-hash.ts';
import type { TokenCipher } from '../../ports/token-cipher.ts';

/** Scheme tag of {@link LocalTokenCipher} blobs. */
export const LOCAL_AES_SCHEME = 'local-aes-256-gcm';

/**
 * {@link TokenCipher} with AES-256-GCM and a key from the data directory;
 * the context is the additional authenticated data.
 *
 * @example const cipher = new LocalTokenCipher(await loadOrCreateKey(dataDir, 'task-token.key'))
 */
export class LocalTokenCipher implements TokenCipher {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  }

  async encrypt(plaintext: string, context: Record<string, string>): Promise<EncryptedBlob> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(canonicalJson(context), 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      scheme: LOCAL_AES_SCHEME,
      iv: iv.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  async decrypt(blob: EncryptedBlob, context: Record<string, string>): Promise<string> {
    if (blob.scheme !== LOCAL_AES_SCHEME) throw new Error(`cannot decrypt a ${blob.scheme} blob`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(blob.iv ?? '', 'base64'));
    decipher.setAAD(Buffer.from(canonicalJson(context), 'utf8'));
    decipher.setAuthTag(Buffer.from(blob.tag ?? '', 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(blob.ciphertext ?? '', 'base64')),
      decipher.final(),
    ]).toString('utf8');
  }
}
