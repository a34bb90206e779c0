import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { cacheCipher, type SealedCache } from './cache-cipher.ts';

/** What the last-known-good file keeps of a Plumbline answer. */
export interface CachedEffective {
  /** When Plumbline gave it (ms since the epoch). */
  fetchedAt: number;
  etag: string | undefined;
  content: Record<string, unknown>;
  explain: Record<string, { scope: string; version: number; profile?: string; profileVersion?: number }>;
}

/**
 * The last-known-good file: written atomically (a temporary file in the
 * same folder, mode 0600, then renamed over the old one) and, with a key,
 * sealed with AES-256-GCM.
 *
 * @example const lkg = lastKnownGoodFile('.cache/api.json'); await lkg.write(answer); await lkg.read();
 */
export function lastKnownGoodFile(
  path: string,
  key?: string,
): { write(value: CachedEffective): Promise<void>; read(): Promise<CachedEffective | undefined> } {
  const cipher = key === undefined ? undefined : cacheCipher(key);
  return {
    write: async (value) => {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const text = JSON.stringify(value);
      const body = cipher ? JSON.stringify(cipher.seal(text)) : text;
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temporary, body, { mode: 0o600, flag: 'wx' });
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    read: async () => {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      const parsed = JSON.parse(text) as CachedEffective | SealedCache;
      if ('alg' in parsed) {
        if (!cipher) throw new Error(`${path} is encrypted and no cache key is set`);
        return JSON.parse(cipher.open(parsed)) as CachedEffective;
      }
      return parsed;
    },
  };
}
