import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../shared/cli/program.ts';
import { until } from '../support/poll-until.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let dir: string;
let tokens: Record<string, string>;

async function plumb(as: string, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    output: { out: (t) => out.push(t), err: (t) => err.push(t) },
    env: { PLUMBLINE_URL: rt.url, PLUMBLINE_TOKEN: tokens[as] as string },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-approvals-cli-'));
  rt = await startTestRuntime({ dataDir: join(dir, 'data'), workflowRetryIntervalMs: 5 });
  tokens = {
    admin: await rt.token('acme', 'root', ['admin']),
    alice: await rt.token('acme', 'alice', ['editor']),
    aliceApprover: await rt.token('acme', 'alice', ['editor', 'approver']),
    bob: await rt.token('acme', 'bob', ['approver:prod']),
  };
});
afterAll(async () => rt.close());

describe('plumb environments and plumb requests', () => {
  it('takes a prod change from proposal to applied version, with the whole story in its history', async () => {
    // Prepare
    const file = join(dir, 'prod.yaml');
    await writeFile(file, 'replicas: 3\nimage: r.io/api:2\n');
    const unconfirmedEnv = await plumb('admin', [
      'environments',
      'put',
      'prod',
      '--approver',
      'bob:bob@example.com',
      '--protected',
      'yes',
      '--reason',
      'x',
    ]);
    const configured = await plumb('admin', [
      'environments',
      'put',
      'prod',
      '--protected',
      'yes',
      '--approver',
      'bob:bob@example.com',
      '--approver',
      'carol',
      '--approval-timeout',
      'PT2H',
      '--reason',
      'name approvers',
      '--confirm',
      'prod',
    ]);
    // Act
    const unconfirmed = await plumb('alice', [
      'settings',
      'put',
      '--env',
      'prod',
      '-f',
      file,
      '--reason',
      'v2 image',
    ]);
    const proposed = await plumb('alice', [
      'settings',
      'put',
      '--env',
      'prod',
      '-f',
      file,
      '--reason',
      'v2 image',
      '--confirm',
      'prod',
    ]);
    const id = /Change request (cr-[0-9a-z-]+)/.exec(proposed.out)?.[1] as string;
    const listed = await plumb('bob', ['requests', 'list', '--status', 'pending', '--env', 'prod']);
    const self = await plumb('aliceApprover', ['requests', 'approve', id]);
    await until(async () => ((await readdir(rt.outboxDir).catch(() => [])).length > 0 ? true : undefined));
    const approved = await plumb('bob', ['requests', 'approve', id, '--comment', 'ship it']);
    const shown = await until(async () => {
      const res = await plumb('alice', ['requests', 'show', id, '--json']);
      return JSON.parse(res.out).status === 'applied' ? JSON.parse(res.out) : undefined;
    });
    const settings = await plumb('alice', ['settings', 'get', '--env', 'prod', '--json']);
    // Assess
    expect(unconfirmedEnv.code).toBe(1);
    expect(unconfirmedEnv.err).toContain('--confirm prod');
    expect(configured.code).toBe(0);
    expect(configured.out).toContain('bob@example.com');
    expect(unconfirmed.code).toBe(1);
    expect(proposed.code).toBe(0);
    expect(proposed.out).toContain('nothing was written yet');
    expect(proposed.out).toContain(`plumb requests show ${id}`);
    expect(listed.out).toContain(id);
    expect(self.code).toBe(2);
    expect(self.err).toContain('own change request');
    expect(approved.code).toBe(0);
    expect(approved.out).toContain('approved: change request');
    expect(shown.history.map((h: { action: string }) => h.action)).toEqual([
      'requested',
      'notified',
      'approved',
      'quorum-reached',
      'applied',
    ]);
    expect(JSON.parse(settings.out)).toMatchObject({
      version: 1,
      content: { replicas: 3, image: 'r.io/api:2' },
    });
    const told = await until(async () => {
      const outbox = await Promise.all(
        (await readdir(rt.outboxDir)).map(async (f) =>
          JSON.parse(await readFile(join(rt.outboxDir, f), 'utf8')),
        ),
      );
      return outbox.some((m) => m.to === 'alice' && m.subject.includes('applied')) ? true : undefined;
    });
    expect(told).toBe(true);
  });

  it('refuses a second decision on a closed request with the conflict exit code', async () => {
    // Prepare
    const listed = await plumb('bob', ['requests', 'list', '--status', 'applied', '--json']);
    const id = JSON.parse(listed.out)[0].id as string;
    // Act
    const again = await plumb('bob', ['requests', 'reject', id]);
    // Assess
    expect(again.code).toBe(3);
    expect(again.err).toContain('takes no more decisions');
  });
});
