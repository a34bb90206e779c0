import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VALUE_ARGUMENT_REFUSED } from '../../shared/cli/commands/secrets-command.ts';
import { readOutbox, until } from '../support/poll-until.ts';
import { protectEnvironment } from '../support/protect-environment.ts';
import { runPlumb } from '../support/run-plumb.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let admin: string;
let alice: string;
let bob: string;
let reader: string;
let env: Record<string, string>;

beforeAll(async () => {
  rt = await startTestRuntime({ workflowRetryIntervalMs: 5 });
  admin = await rt.token('acme', 'root', ['admin']);
  alice = await rt.token('acme', 'alice', ['editor']);
  bob = await rt.token('acme', 'bob', ['approver:prod']);
  reader = await rt.token('acme', 'rita', ['secret-reader']);
  env = { PLUMBLINE_URL: rt.url, PLUMBLINE_TOKEN: alice };
  expect((await protectEnvironment(rt, admin, 'prod')).status).toBe(200);
});
afterAll(async () => rt.close());

describe('secrets in a protected environment', () => {
  it('turns a write into a change request (202) showing metadata and "value changed" only, and applies the sealed value on approval', async () => {
    // Act
    const proposed = await rt.call('PUT', '/v1/secrets/envs/prod/db-password', {
      token: alice,
      body: {
        value: 'pending-value-7f3',
        criticality: 'critical',
        category: 'data-access',
        reason: 'new db',
      },
    });
    const before = await rt.call('GET', '/v1/secrets/envs/prod/db-password', { token: alice });
    const links = await until(
      async () =>
        (await readOutbox(rt.outboxDir)).find((m) => m.requestId === proposed.body.id && m.links)?.links,
    );
    const page = await (await fetch(links.approve)).text();
    const approved = await rt.call('POST', `/v1/change-requests/${proposed.body.id}/approve`, {
      token: bob,
      body: {},
    });
    const applied = await until(async () => {
      const res = await rt.call('GET', `/v1/change-requests/${proposed.body.id}`, { token: alice });
      return res.body?.status === 'applied' ? res.body : undefined;
    });
    const value = await rt.call('POST', '/v1/secrets/envs/prod/db-password/value', { token: reader });

    // Assess
    expect(proposed.status).toBe(202);
    expect(proposed.body.target).toEqual({ collection: 'secrets', key: 'envs/prod/db-password' });
    expect(proposed.body.proposed).toMatchObject({
      name: 'db-password',
      criticality: 'critical',
      value: 'changed',
    });
    expect(JSON.stringify(proposed.body)).not.toContain('pending-value-7f3');
    expect(page).not.toContain('pending-value-7f3');
    expect(page).toContain('changed');
    expect(before.status).toBe(404);
    expect(approved.status).toBe(200);
    expect(applied.appliedVersion).toBe(1);
    expect(value.body).toEqual({ name: 'db-password', version: 1, value: 'pending-value-7f3' });
  });
});

describe('plumb secrets', () => {
  it('puts from stdin and from a file, lists, shows, rotates, reveals, deletes and restores', async () => {
    // Prepare
    const file = join(tmpdir(), `plumb-secret-${process.pid}`);
    await writeFile(file, 'from-file-value\n', { mode: 0o600 });

    // Act
    const put = await runPlumb(
      ['secrets', 'put', 'api-key', '--env', 'dev', '--reason', 'init', '--criticality', 'low'],
      env,
      'stdin-value\n',
    );
    const rotate = await runPlumb(
      ['secrets', 'rotate', 'api-key', '--env', 'dev', '--reason', 'r', '--from-file', file],
      env,
    );
    const list = await runPlumb(['secrets', 'list', '--env', 'dev'], env);
    const show = await runPlumb(['secrets', 'show', 'api-key', '--env', 'dev', '--json'], env);
    const reveal = await runPlumb(['secrets', 'reveal', 'api-key', '--env', 'dev'], {
      ...env,
      PLUMBLINE_TOKEN: reader,
    });
    const previous = await runPlumb(['secrets', 'reveal', 'api-key', '--env', 'dev', '--previous'], {
      ...env,
      PLUMBLINE_TOKEN: reader,
    });
    const del = await runPlumb(
      ['secrets', 'delete', 'api-key', '--env', 'dev', '--reason', 'gone', '--recovery-days', '7'],
      env,
    );
    const restore = await runPlumb(
      ['secrets', 'restore', 'api-key', '--env', 'dev', '--reason', 'back'],
      env,
    );
    const gen = await runPlumb(
      ['secrets', 'put', 'gen-key', '--env', 'dev', '--reason', 'g', '--generate', '--length', '24'],
      env,
    );
    const due = await runPlumb(['secrets', 'due', '--env', 'dev'], env);

    // Assess
    expect(put.code).toBe(0);
    expect(put.out).toContain('Created secret api-key in dev: version 1');
    expect(rotate.code).toBe(0);
    expect(list.out).toContain('api-key');
    expect(JSON.parse(show.out).versions).toHaveLength(2);
    expect(reveal.out.trim()).toBe('from-file-value');
    expect(previous.out.trim()).toBe('stdin-value');
    expect(`${put.out}${rotate.out}${list.out}${show.out}${del.out}${restore.out}`).not.toMatch(
      /stdin-value|from-file-value/,
    );
    expect(del.out).toContain('pending-deletion');
    expect(restore.out).toContain('active');
    expect(gen.code).toBe(0);
    expect(due.code).toBe(0);
  });

  it('refuses --value with the reason, before anything is sent', async () => {
    // Act
    const run = await runPlumb(
      ['secrets', 'put', 'x-key', '--env', 'dev', '--reason', 'r', '--value', 'oops'],
      env,
    );
    const after = await rt.call('GET', '/v1/secrets/envs/dev/x-key', { token: alice });

    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toContain(VALUE_ARGUMENT_REFUSED);
    expect(after.status).toBe(404);
  });

  it('asks for --confirm before writing to a protected environment', async () => {
    // Act
    const run = await runPlumb(['secrets', 'put', 'y-key', '--env', 'prod', '--reason', 'r'], env, 'v');

    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toContain('--confirm prod');
  });
});
