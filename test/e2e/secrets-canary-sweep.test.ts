import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthPlumbline } from '../infra/synth-plumbline.ts';
import { until } from '../support/poll-until.ts';
import { protectEnvironment } from '../support/protect-environment.ts';
import { runPlumb } from '../support/run-plumb.ts';
import { snapshotTable } from '../support/table-snapshot.ts';
import { startTestRuntime, type TestResponse, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
const canaries = Array.from({ length: 4 }, (_, i) => `canary${i}-${randomBytes(18).toString('hex')}`);
/** Every text that must not hold a canary: responses, CLI output. */
const seen: { label: string; text: string }[] = [];
/** The answers that are meant to reveal a canary. */
const revealing: TestResponse[] = [];

async function call(
  label: string,
  method: string,
  path: string,
  options: Parameters<TestRuntime['call']>[2],
): Promise<TestResponse> {
  const res = await rt.call(method, path, options);
  seen.push({ label, text: `${res.status} ${JSON.stringify([...res.headers])} ${res.text}` });
  return res;
}

function leaks(text: string): string[] {
  return canaries.flatMap((c) =>
    [c, Buffer.from(c).toString('base64'), Buffer.from(c).toString('base64url')].filter((form) =>
      text.includes(form),
    ),
  );
}

beforeAll(async () => {
  rt = await startTestRuntime({ workflowRetryIntervalMs: 5 });
});
afterAll(async () => rt.close());

describe('no plaintext anywhere (issue 13, build item 6)', () => {
  it('finds no canary in logs, responses (but the two reveals), table items, change requests, audit items, outbox or templates', async () => {
    // Prepare
    const admin = await rt.token('acme', 'root', ['admin']);
    const alice = await rt.token('acme', 'alice', ['editor']);
    const bob = await rt.token('acme', 'bob', ['approver:prod']);
    const reader = await rt.token('acme', 'rita', ['viewer', 'secret-reader']);
    const cli = { PLUMBLINE_URL: rt.url, PLUMBLINE_TOKEN: alice };
    await protectEnvironment(rt, admin, 'prod');

    // Act: write through the API and the CLI, reference, resolve, rotate, route through a change request.
    await call('put', 'PUT', '/v1/secrets/envs/dev/db-password', {
      token: alice,
      body: { value: canaries[0], criticality: 'critical', category: 'data-access', reason: 'init' },
    });
    const cliPut = await runPlumb(
      ['secrets', 'put', 'api-key', '--env', 'dev', '--reason', 'cli'],
      cli,
      canaries[1],
    );
    seen.push({ label: 'cli put', text: cliPut.out + cliPut.err });
    await call('settings', 'PUT', '/v1/settings/envs/dev/services/api', {
      token: alice,
      body: { content: { db: { password: { $secret: 'db-password' } } }, reason: 'ref' },
    });
    await call('effective', 'GET', '/v1/effective/envs/dev/services/api', { token: reader });
    await call('effective denied', 'GET', '/v1/effective/envs/dev/services/api?resolveSecrets=true', {
      token: alice,
    });
    const resolved = await rt.call('GET', '/v1/effective/envs/dev/services/api?resolveSecrets=true', {
      token: reader,
    });
    revealing.push(resolved);
    await call('rotate', 'POST', '/v1/secrets/envs/dev/db-password/rotate', {
      token: alice,
      body: { value: canaries[2], reason: 'rotate' },
    });
    const cliRotate = await runPlumb(
      ['secrets', 'rotate', 'api-key', '--env', 'dev', '--reason', 'r'],
      cli,
      canaries[1],
    );
    seen.push({ label: 'cli rotate', text: cliRotate.out + cliRotate.err });
    const revealed = await rt.call('POST', '/v1/secrets/envs/dev/db-password/value?stage=previous', {
      token: reader,
    });
    revealing.push(revealed);
    const proposed = await call('protected put', 'PUT', '/v1/secrets/envs/prod/db-password', {
      token: alice,
      body: { value: canaries[3], criticality: 'critical', category: 'data-access', reason: 'prod' },
    });
    await call('approve', 'POST', `/v1/change-requests/${proposed.body.id}/approve`, {
      token: bob,
      body: {},
    });
    await until(async () => {
      const res = await call('request', 'GET', `/v1/change-requests/${proposed.body.id}`, { token: alice });
      return res.body?.status === 'applied' ? true : undefined;
    });
    await call('show', 'GET', '/v1/secrets/envs/prod/db-password', { token: alice });
    await call('list', 'GET', '/v1/secrets/envs/dev', { token: alice });
    await call('requests', 'GET', '/v1/change-requests', { token: alice });
    await call('bad input', 'PUT', '/v1/secrets/envs/dev/Bad', {
      token: alice,
      body: { value: canaries[0], criticality: 'nope', category: 'data-access', reason: 'x' },
    });

    // Assess: the two reveals did reveal (the sweep below would be vacuous otherwise) ...
    expect(resolved.body.content.db.password).toBe(canaries[0]);
    expect(revealed.body.value).toBe(canaries[0]);
    expect(proposed.status).toBe(202);
    // ... and nothing else holds a canary, in any form.
    for (const { label, text } of seen) expect({ label, leaks: leaks(text) }).toEqual({ label, leaks: [] });
    expect(leaks(JSON.stringify(rt.logger.lines))).toEqual([]);
    const table = await snapshotTable(rt);
    expect(table).toContain('#audit');
    expect(table).toContain('secret.read');
    expect(table).toContain('#secrets#prod');
    expect(leaks(table)).toEqual([]);
    const outbox = await readdir(rt.outboxDir).catch(() => []);
    const outboxText = (await Promise.all(outbox.map((f) => readFile(join(rt.outboxDir, f), 'utf8')))).join(
      '\n',
    );
    expect(outboxText).not.toBe('');
    expect(leaks(outboxText)).toEqual([]);
    const synth = synthPlumbline();
    expect(
      leaks(JSON.stringify([synth.statefulTemplate.toJSON(), synth.statelessTemplate.toJSON()])),
    ).toEqual([]);
  });
});
