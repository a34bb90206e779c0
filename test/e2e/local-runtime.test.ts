import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalTokenAuthority } from '../../shared/adapters/local/local-token-authority.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `bin/local.ts` as `npm start` does and waits for its banner. */
async function start(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    env: { ...process.env, PLUMBLINE_DATA_DIR: dataDir, PLUMBLINE_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Plumbline local API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', () => reject(new Error(`runtime exited early: ${out}`)));
  });
  return { child, url, exited };
}

describe('npm start (bin/local.ts)', () => {
  it('prints its address, keeps data across a restart and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'plumbline-rt-'));
    const first = await start(dataDir);
    const token = await (await LocalTokenAuthority.open(dataDir)).issue({
      tenantId: 'acme',
      userId: 'a',
      roles: ['editor'],
      ttlSeconds: 600,
    });
    const put = await fetch(`${first.url}/v1/settings/global`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: { survives: true }, reason: 'persist' }),
    });
    expect(put.status).toBe(201);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await start(dataDir);
    const got = await fetch(`${second.url}/v1/settings/global`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(got.status).toBe(200);
    expect(((await got.json()) as { content: unknown }).content).toEqual({ survives: true });
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });
});
