import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalTokenAuthority } from '../../shared/adapters/local/local-token-authority.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Spawns `bin/local.ts` as `npm start` does, collecting what it prints. */
function spawnLocal(dataDir: string, port = '0') {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    env: { ...process.env, PLUMBLINE_DATA_DIR: dataDir, PLUMBLINE_PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { out: '', err: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** Starts `bin/local.ts` and waits for its banner. */
async function start(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; banner: () => string; exited: Promise<number | null> }> {
  const { child, output, exited } = spawnLocal(dataDir);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const match = /Plumbline local API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.out);
      if (match?.[1] && output.out.includes('npx plumb dev token')) resolve(match[1]);
    });
    child.on('exit', () => reject(new Error(`runtime exited early: ${output.out}${output.err}`)));
  });
  return { child, url, banner: () => output.out, exited };
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

  it('prints the exact dev token command for its own URL', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'plumbline-rt-'));
    // Act
    const runtime = await start(dataDir);
    // Assess
    expect(runtime.banner()).toContain(
      `npx plumb dev token --url ${runtime.url} --tenant acme --user alice --roles admin`,
    );
    runtime.child.kill('SIGTERM');
    expect(await runtime.exited).toBe(0);
  });

  it('refuses a second runtime on the same data directory with one line naming the PID, exit code 1', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'plumbline-rt-'));
    const first = await start(dataDir);
    // Act
    const second = spawnLocal(dataDir);
    const code = await second.exited;
    const stillServing = await fetch(`${first.url}/v1/health`);
    // Assess
    expect(code).toBe(1);
    expect(second.output.err.trim().split('\n')).toEqual([
      `Plumbline cannot start: The data directory ${dataDir} is in use by another Plumbline runtime (PID ${first.child.pid}, see ${join(dataDir, 'plumbline.lock')}): stop it, or set PLUMBLINE_DATA_DIR to another directory.`,
    ]);
    expect(await readFile(join(dataDir, 'plumbline.lock'), 'utf8')).toBe(`${first.child.pid}\n`);
    expect(stillServing.status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it('takes over the lock left by a runtime that no longer runs', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'plumbline-rt-'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(join(dataDir, 'plumbline.lock'), `${dead}\n`);
    // Act
    const runtime = await start(dataDir);
    const health = await fetch(`${runtime.url}/v1/health`);
    // Assess
    expect(health.status).toBe(200);
    expect(await readFile(join(dataDir, 'plumbline.lock'), 'utf8')).toBe(`${runtime.child.pid}\n`);
    runtime.child.kill('SIGTERM');
    expect(await runtime.exited).toBe(0);
  });

  it('says in one line that the port is busy and exits with code 1, releasing the data directory', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'plumbline-rt-'));
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    // Act
    const busy = spawnLocal(dataDir, String(port));
    const code = await busy.exited;
    blocker.close();
    const next = await start(dataDir);
    // Assess
    expect(code).toBe(1);
    expect(busy.output.err.trim().split('\n')).toEqual([
      `Plumbline cannot start: Port ${port} on 127.0.0.1 is already in use (another Plumbline runtime?): stop that process, or set PLUMBLINE_PORT to a free port.`,
    ]);
    expect(busy.output.out).not.toContain('listening');
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });
});
