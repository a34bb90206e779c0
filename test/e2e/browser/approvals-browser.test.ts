import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../../shared/adapters/local/outbox-notifier.ts';
import { launchBrowser } from '../../support/launch-browser.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

let rt: TestRuntime;
let browser: Browser;
let admin: string;
let alice: string;

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  // Polls until the condition holds; the generous bound only matters on a very busy machine.
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition never held');
}

async function outboxLinks(requestId: string, to: string): Promise<{ approve: string; reject: string }> {
  return until(async () => {
    const names = await readdir(rt.outboxDir).catch(() => [] as string[]);
    for (const name of names) {
      const m = JSON.parse(await readFile(join(rt.outboxDir, name), 'utf8')) as OutboxMessage;
      if (m.requestId === requestId && m.to === to && m.links) return m.links;
    }
    return undefined;
  });
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plumb-browser-'));
  rt = await startTestRuntime({ dataDir: join(dir, 'data'), workflowRetryIntervalMs: 5 });
  ({ browser } = await launchBrowser());
  admin = await rt.token('acme', 'root', ['admin']);
  alice = await rt.token('acme', 'alice', ['editor']);
  await rt.call('PUT', '/v1/environments/prod', {
    token: admin,
    body: { protected: false, reason: 'seed first' },
  });
  await rt.call('PUT', '/v1/settings/envs/prod', {
    token: alice,
    body: { content: { replicas: 2, image: 'r.io/api:1' }, reason: 'seed' },
  });
  await rt.call('PUT', '/v1/environments/prod', {
    token: admin,
    headers: { 'if-match': '"1"' },
    body: {
      protected: true,
      approvers: [{ user: 'bob', email: 'bob@example.com' }, { user: 'carol' }],
      reason: 'name approvers',
    },
  });
});

afterAll(async () => {
  await browser?.close();
  await rt?.close();
});

describe('the approval page in a real browser (Chromium)', () => {
  it('opens the link from the outbox, shows the diff, and applies the change on Approve', async () => {
    // Prepare
    const reason = 'bump image <img src=x onerror="window.pwned=1">';
    const proposed = await rt.call('PUT', '/v1/settings/envs/prod', {
      token: alice,
      headers: { 'if-match': '"1"' },
      body: { content: { replicas: 4, image: 'r.io/api:2' }, reason },
    });
    const id = proposed.body.id as string;
    const links = await outboxLinks(id, 'bob');
    const page = await browser.newPage();
    // Act
    const response = await page.goto(links.approve);
    const acting = await page.locator('#acting-as').textContent();
    const shownReason = await page.locator('#reason').textContent();
    const diff = await page.locator('table[aria-label="diff"]').textContent();
    const injected = await page.locator('img').count();
    const beforeClick = await rt.call('GET', `/v1/change-requests/${id}`, { token: alice });
    await page.locator('#comment').fill('looks right');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForSelector('#outcome');
    const outcome = await page.locator('#outcome').textContent();
    const applied = await until(async () => {
      const res = await rt.call('GET', `/v1/change-requests/${id}`, { token: alice });
      return res.body.status === 'applied' ? res.body : undefined;
    });
    const settings = await rt.call('GET', '/v1/settings/envs/prod', { token: alice });
    await page.close();
    // Assess
    expect(response?.status()).toBe(200);
    expect(acting).toBe('bob');
    expect(shownReason).toBe(reason);
    expect(injected).toBe(0);
    expect(diff ?? '').toContain('/replicas');
    expect(diff).toContain('/image');
    expect(diff).toContain('"r.io/api:1"');
    expect(diff).toContain('"r.io/api:2"');
    expect(beforeClick.body.status).toBe('pending');
    expect(outcome).toContain('You approved this change request');
    expect(settings.body).toMatchObject({
      version: 2,
      content: { replicas: 4, image: 'r.io/api:2' },
      author: 'alice',
    });
    expect(applied.history.find((h: { action: string }) => h.action === 'approved')).toMatchObject({
      actor: 'bob',
      comment: 'looks right',
      detail: 'via link',
    });
  });

  it('decides nothing when the page is only opened, and shows a clear page for a used link', async () => {
    // Prepare
    const proposed = await rt.call('PUT', '/v1/settings/envs/prod', {
      token: alice,
      headers: { 'if-match': '"2"' },
      body: { content: { replicas: 5, image: 'r.io/api:2' }, reason: 'scale' },
    });
    const id = proposed.body.id as string;
    const links = await outboxLinks(id, 'carol');
    const page = await browser.newPage();
    // Act
    await page.goto(links.reject);
    await page.reload();
    const stillPending = (await rt.call('GET', `/v1/change-requests/${id}`, { token: alice })).body.status;
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.waitForSelector('#outcome');
    const again = await page.goto(links.approve);
    await page.getByRole('button', { name: 'Approve' }).count();
    const usedResponse = await page.request.post(links.approve, { form: { comment: 'again' } });
    const usedHtml = await usedResponse.text();
    await page.close();
    // Assess
    expect(stillPending).toBe('pending');
    expect(again?.status()).toBe(200);
    expect(usedResponse.status()).toBe(409);
    expect(usedHtml).toContain('This link was already used');
    expect((await rt.call('GET', `/v1/change-requests/${id}`, { token: alice })).body.status).toBe(
      'rejected',
    );
  });
});
