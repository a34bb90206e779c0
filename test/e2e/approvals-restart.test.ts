import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../support/poll-until.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

describe('approvals across a restart of the local runtime', () => {
  it('resumes the workflow of a pending request, so a decision after the restart still applies it', async () => {
    // Prepare
    const dataDir = join(await mkdtemp(join(tmpdir(), 'plumb-restart-')), 'data');
    let rt: TestRuntime = await startTestRuntime({ dataDir, workflowRetryIntervalMs: 5 });
    const admin = await rt.token('acme', 'root', ['admin']);
    const alice = await rt.token('acme', 'alice', ['editor']);
    const bob = await rt.token('acme', 'bob', ['approver']);
    await rt.call('PUT', '/v1/environments/prod', {
      token: admin,
      body: { protected: true, approvers: [{ user: 'bob' }], reason: 'approvers' },
    });
    const proposed = await rt.call('PUT', '/v1/settings/envs/prod', {
      token: alice,
      body: { content: { replicas: 3 }, reason: 'scale' },
    });
    const id = proposed.body.id as string;
    await until(async () => {
      const r = await rt.call('GET', `/v1/change-requests/${id}`, { token: alice });
      return r.body.history.some((h: { action: string }) => h.action === 'notified') ? true : undefined;
    });
    await rt.close();
    // Act
    rt = await startTestRuntime({ dataDir, workflowRetryIntervalMs: 5 });
    await until(async () => {
      const r = await rt.call('GET', `/v1/change-requests/${id}`, { token: alice });
      return r.body.history.filter((h: { action: string }) => h.action === 'notified').length === 2
        ? true
        : undefined;
    });
    const approved = await rt.call('POST', `/v1/change-requests/${id}/approve`, { token: bob, body: {} });
    const applied = await until(async () => {
      const r = await rt.call('GET', `/v1/change-requests/${id}`, { token: alice });
      return r.body.status === 'applied' ? r.body : undefined;
    });
    const settings = await rt.call('GET', '/v1/settings/envs/prod', { token: alice });
    await rt.close();
    // Assess
    expect(approved.status).toBe(200);
    expect(applied.appliedVersion).toBe(1);
    expect(settings.body.content).toEqual({ replicas: 3 });
  });
});
