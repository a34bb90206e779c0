import { readFile, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastKnownGoodFile } from '../../../shared/client/plumbline/last-known-good-file.ts';
import { tempDir } from './client-fixtures.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

const answer = { fetchedAt: 1, etag: '"e"', content: { db: { password: 'hunter2' } }, explain: {} };
const key = Buffer.alloc(32, 1).toString('base64');

describe('the last-known-good file', () => {
  it('is written with mode 0600 in a folder it creates, replacing the previous file whole', async () => {
    // Prepare
    const file = lastKnownGoodFile(tmp.path('cache/plain.json'));

    // Act
    await file.write({ ...answer, fetchedAt: 1 });
    await file.write({ ...answer, fetchedAt: 2 });

    // Assess
    expect((await stat(tmp.path('cache/plain.json'))).mode & 0o777).toBe(0o600);
    expect((await file.read())?.fetchedAt).toBe(2);
  });

  it('sealed with AES-256-GCM: no plaintext on disk, a tampered file or a missing key is refused', async () => {
    // Prepare
    const path = tmp.path('sealed.json');
    await lastKnownGoodFile(path, key).write(answer);
    const sealed = JSON.parse(await readFile(path, 'utf8')) as { data: string };

    // Act
    const opened = await lastKnownGoodFile(path, key).read();
    // Settled at once: a rejection left pending across the awaits below would be unhandled.
    const settle = (read: Promise<unknown>) =>
      read.then(
        () => new Error('expected a refusal'),
        (error: unknown) => error,
      );
    const withoutKey = await settle(lastKnownGoodFile(path).read());
    const wrongKey = await settle(lastKnownGoodFile(path, Buffer.alloc(32, 2).toString('base64')).read());
    const flipped = Buffer.from(sealed.data, 'base64');
    flipped[0] = (flipped[0] as number) ^ 1;
    await writeFile(path, JSON.stringify({ ...sealed, data: flipped.toString('base64') }));
    const tampered = await settle(lastKnownGoodFile(path, key).read());

    // Assess
    expect(opened).toEqual(answer);
    expect(JSON.stringify(sealed)).not.toContain('hunter2');
    expect((withoutKey as Error).message).toMatch(/encrypted and no cache key/);
    expect((wrongKey as Error).message).toMatch(/unable to authenticate/);
    expect((tampered as Error).message).toMatch(/unable to authenticate/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => lastKnownGoodFile(tmp.path('x.json'), Buffer.alloc(16).toString('base64'))).toThrow(
      /32 bytes/,
    );
  });
});
