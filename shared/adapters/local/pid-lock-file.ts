import { readFile, rename, rm, writeFile } from 'node:fs/promises';

/** The lock file is held by a process that is still running. */
export class LockHeldError extends Error {
  override name = 'LockHeldError';
  constructor(
    /** The lock file. */
    readonly path: string,
    /** The process holding it. */
    readonly pid: number,
  ) {
    super(`${path} is held by process ${pid}`);
  }
}

/**
 * An exclusive lock between processes on this machine: a file created with
 * `O_EXCL` that names the PID holding it. A lock left by a process that no
 * longer runs (killed, crashed) is stale and taken over.
 *
 * @example const lock = await PidLockFile.acquire('.plumbline/plumbline.lock'); ...; await lock.release();
 */
export class PidLockFile {
  private constructor(readonly path: string) {}

  /** Takes the lock, or throws {@link LockHeldError} naming the running process that holds it. */
  static async acquire(path: string): Promise<PidLockFile> {
    // More than one round: another round follows the take-over of a stale lock (or a holder that just released).
    for (let round = 0; round < 3; round += 1) {
      try {
        await writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        return new PidLockFile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      // An empty file may be a lock being written this instant: look twice before calling it stale.
      const holder =
        (await readHolder(path)) ??
        (await new Promise((resolve) => setTimeout(resolve, 50)).then(() => readHolder(path)));
      if (holder !== undefined && isRunning(holder)) throw new LockHeldError(path, holder);
      // Why rename, not rm: of two processes taking over the same stale lock, only one rename succeeds.
      await rename(path, `${path}.stale-${process.pid}`).then(
        () => rm(`${path}.stale-${process.pid}`, { force: true }),
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        },
      );
    }
    const holder = await readHolder(path);
    throw new LockHeldError(path, holder ?? 0);
  }

  /** Gives the lock up (only if this process still holds it). */
  async release(): Promise<void> {
    if ((await readHolder(this.path)) === process.pid) await rm(this.path, { force: true });
  }
}

async function readHolder(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
