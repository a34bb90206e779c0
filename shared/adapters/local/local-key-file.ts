import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Loads a 32-byte secret key from `<dataDir>/keys/<name>`, creating it
 * (mode 0600, never overwritten) on first use. The local stand-in for a key
 * kept in Secrets Manager or KMS.
 *
 * @example const key = await loadOrCreateKey('.plumbline', 'approval-link-hmac.key')
 */
export async function loadOrCreateKey(dataDir: string, name: string): Promise<Buffer> {
  const dir = join(dataDir, 'keys');
  const file = join(dir, name);
  if (!existsSync(file)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      },
    );
  }
  const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key`);
  return key;
}
