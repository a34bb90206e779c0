import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** An encrypted last-known-good file. */
export interface SealedCache {
  alg: 'A256GCM';
  iv: string;
  tag: string;
  data: string;
}

/**
 * AES-256-GCM for the last-known-good file when it may hold secrets
 * (`cacheSecrets: true`). The key is 32 bytes, base64, from the
 * environment; a fresh 96-bit IV per write; the tag authenticates it.
 *
 * @example const cipher = cacheCipher(process.env.PLUMBLINE_CACHE_KEY!); cipher.open(cipher.seal('{}'))
 */
export function cacheCipher(base64Key: string): {
  seal(text: string): SealedCache;
  open(sealed: SealedCache): string;
} {
  const key = Buffer.from(base64Key, 'base64');
  if (key.length !== 32) throw new Error('the cache key must be 32 bytes, base64-encoded');
  return {
    seal: (text) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return {
        alg: 'A256GCM',
        iv: iv.toString('base64'),
        tag: tag.toString('base64'),
        data: data.toString('base64'),
      };
    },
    open: (sealed) => {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
