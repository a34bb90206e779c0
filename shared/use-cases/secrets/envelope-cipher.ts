import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalJson } from '../../domain/canonical-hash.ts';
import { EnvelopeIntegrityError } from '../../domain/secrets/secret-errors.ts';
import type { SecretContext } from '../../domain/secrets/secret-model.ts';
import type { KeyService } from '../../ports/key-service.ts';
import type { Envelope } from '../../ports/secret-store.ts';

/** The envelope scheme this code writes and reads. */
export const ENVELOPE_SCHEME = 'plumbline-envelope-v1';

/**
 * Seals a value: a fresh 256-bit data key from the key service (bound to
 * `context`), AES-256-GCM with a random 96-bit nonce and the canonical
 * context as additional authenticated data. The plaintext key is zeroed
 * before this returns; only the wrapped key is kept.
 *
 * @example const envelope = await sealEnvelope(keys, secretContext(ref, 1), 's3cr3t');
 */
export async function sealEnvelope(
  keys: KeyService,
  context: SecretContext,
  value: string,
): Promise<Envelope> {
  const dataKey = await keys.generateDataKey(context);
  try {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey.plaintext, nonce);
    cipher.setAAD(Buffer.from(canonicalJson(context), 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return {
      scheme: ENVELOPE_SCHEME,
      wrappedKey: Buffer.from(dataKey.wrapped).toString('base64'),
      nonce: nonce.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  } finally {
    dataKey.plaintext.fill(0);
  }
}

/**
 * Opens an envelope under `context`. A flipped bit, another context or
 * another tenant's envelope throws {@link EnvelopeIntegrityError}, never
 * returns garbage. The data key is zeroed after use.
 */
export async function openEnvelope(
  keys: KeyService,
  context: SecretContext,
  envelope: Envelope,
): Promise<string> {
  if (envelope.scheme !== ENVELOPE_SCHEME) throw new EnvelopeIntegrityError(context);
  const key = await keys.decrypt(Buffer.from(envelope.wrappedKey, 'base64'), context);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.nonce, 'base64'));
    decipher.setAAD(Buffer.from(canonicalJson(context), 'utf8'));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(envelope.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new EnvelopeIntegrityError(context);
  } finally {
    key.fill(0);
  }
}
