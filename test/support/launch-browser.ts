import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import { type Browser, chromium as playwright } from 'playwright-core';
import { LockHeldError, PidLockFile } from '../../shared/adapters/local/pid-lock-file.ts';

/** Which Chromium {@link launchBrowser} started. */
export interface LaunchedBrowser {
  browser: Browser;
  /** `packaged`: the one inside `@sparticuz/chromium`; `system`: the machine's own. */
  source: 'packaged' | 'system';
  executablePath: string;
}

/** Where a machine's own Chromium usually is (Debian, Ubuntu, Fedora, Google's package). */
const SYSTEM_CHROMIUMS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * The package's flags, made for Lambda, minus `--single-process`: in one process, closing the last
 * page ends the browser, and a test that opens a second page finds it closed.
 */
const packagedArgs = (): string[] => chromium.args.filter((arg) => arg !== '--single-process');

const SYSTEM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

/**
 * Starts a headless Chromium for browser tests without anything installed
 * on the machine: the one `@sparticuz/chromium` ships inside its npm tarball
 * (unpacked to the temp folder on first use). Only when that one cannot
 * start does it fall back to a system Chromium; with neither it throws, so
 * browser tests fail rather than skip.
 *
 * @example const { browser } = await launchBrowser(); const page = await browser.newPage();
 */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  let packagedFailure: unknown;
  try {
    const executablePath = await unpackedChromium();
    const browser = await playwright.launch({ executablePath, args: packagedArgs(), headless: true });
    return { browser, source: 'packaged', executablePath };
  } catch (error) {
    packagedFailure = error;
  }
  const system = SYSTEM_CHROMIUMS.find((path) => existsSync(path));
  if (system === undefined) {
    throw new Error(
      `The Chromium of @sparticuz/chromium did not start and no system Chromium exists (looked at ${SYSTEM_CHROMIUMS.join(', ')}): ${(packagedFailure as Error).message}`,
      { cause: packagedFailure },
    );
  }
  const browser = await playwright.launch({ executablePath: system, args: SYSTEM_ARGS, headless: true });
  return { browser, source: 'system', executablePath: system };
}

/**
 * `chromium.executablePath()`, serialized between test workers. Why: the
 * package unpacks into the shared temp folder and treats any file already
 * there as complete, so a second worker (or a run killed mid-unpack) could
 * launch a half-written binary. A marker written after a complete unpack, under
 * a lock, tells the two apart.
 */
async function unpackedChromium(): Promise<string> {
  const lock = await waitForLock(join(tmpdir(), 'plumbline-chromium.lock'));
  try {
    const marker = join(tmpdir(), 'chromium.plumbline-unpacked');
    if (!existsSync(marker)) {
      for (const leftover of ['chromium', 'fonts', 'libGLESv2.so'])
        await rm(join(tmpdir(), leftover), { recursive: true, force: true });
    }
    const path = await chromium.executablePath();
    await writeFile(marker, path);
    return path;
  } finally {
    await lock.release();
  }
}

async function waitForLock(path: string): Promise<PidLockFile> {
  for (const deadline = Date.now() + 120_000; ; ) {
    try {
      return await PidLockFile.acquire(path);
    } catch (error) {
      if (!(error instanceof LockHeldError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
