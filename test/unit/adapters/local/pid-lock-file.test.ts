import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockHeldError, PidLockFile } from '../../../../shared/adapters/local/pid-lock-file.ts';

async function lockPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'plumb-lock-')), 'plumbline.lock');
}

/** The PID of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid as number;
}

describe('PidLockFile', () => {
  it('writes its PID and refuses a second holder while the first runs, naming the holder', async () => {
    // Prepare
    const path = await lockPath();
    const first = await PidLockFile.acquire(path);
    // Act
    const second = await PidLockFile.acquire(path).catch((error: unknown) => error);
    // Assess
    expect(await readFile(path, 'utf8')).toBe(`${process.pid}\n`);
    expect(second).toBeInstanceOf(LockHeldError);
    expect(second).toMatchObject({ pid: process.pid, path });
    await first.release();
  });

  it('takes over the stale lock of a process that no longer runs', async () => {
    // Prepare
    const path = await lockPath();
    await writeFile(path, `${deadPid()}\n`);
    // Act
    const lock = await PidLockFile.acquire(path);
    // Assess
    expect(await readFile(path, 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('takes over an empty or unreadable lock file', async () => {
    // Prepare
    const path = await lockPath();
    await writeFile(path, 'not a pid');
    // Act
    const lock = await PidLockFile.acquire(path);
    // Assess
    expect(await readFile(path, 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('removes the file on release, so the next process gets the lock at once', async () => {
    // Prepare
    const path = await lockPath();
    const lock = await PidLockFile.acquire(path);
    // Act
    await lock.release();
    const again = await PidLockFile.acquire(path);
    // Assess
    expect(existsSync(path)).toBe(true);
    await again.release();
    expect(existsSync(path)).toBe(false);
  });
});
