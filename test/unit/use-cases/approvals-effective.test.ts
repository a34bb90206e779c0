import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../../shared/domain/approvals/change-request.ts';
import type { WriteOutcome } from '../../../shared/use-cases/approvals/write-outcome.ts';
import { writeVersionedDocument } from '../../../shared/use-cases/effective/versioned-documents.ts';
import { putSettings } from '../../../shared/use-cases/settings/put-settings.ts';
import {
  type ApprovalHarness,
  protectProd,
  startApprovalHarness,
  user,
} from '../workflows/approval-harness.ts';

const T = 'acme';
let h: ApprovalHarness;

async function gated(write: () => Promise<WriteOutcome<unknown>>): Promise<ChangeRequest> {
  const outcome = await write();
  if (outcome.kind === 'change-request') return outcome.request as unknown as ChangeRequest;
  throw new Error('the write was not gated');
}

beforeEach(async () => {
  h = await startApprovalHarness();
  const admin = user(T, 'root', 'admin');
  const put = (scope: Parameters<typeof putSettings>[1]['scope'], content: Record<string, unknown>) =>
    putSettings(h.deps, {
      principal: admin,
      scope,
      content: content as never,
      reason: 'seed',
      ticket: null,
      ifMatch: undefined,
    });
  await protectProd(h.deps, T, { protected: false, approvers: [] });
  await writeVersionedDocument(h.deps, {
    principal: admin,
    collection: 'profiles',
    key: 'web',
    content: { image: 'r.io/web:1' },
    reason: 'seed',
    ticket: null,
    ifMatch: undefined,
  });
  await put({ kind: 'env', env: 'prod' }, { image: 'r.io/api:1' });
  await put({ kind: 'service', env: 'prod', service: 'api' }, { $profile: 'web' });
  await put({ kind: 'service', env: 'prod', service: 'billing' }, { replicas: 1 });
  await put({ kind: 'env', env: 'dev' }, { image: 'r.io/dev:1' });
  await protectProd(h.deps, T);
});

afterEach(async () => {
  await h.close();
});

describe('the effective change a tenant-wide write records', () => {
  it('records every changed prod configuration of a global write, and none of an unprotected environment', async () => {
    // Prepare
    // Act
    const request = await gated(() =>
      putSettings(h.deps, {
        principal: user(T, 'alice', 'editor'),
        scope: { kind: 'global' },
        content: { logLevel: 'info' },
        reason: 'log level',
        ticket: null,
        ifMatch: undefined,
      }),
    );
    // Assess
    expect(request.env).toBe('prod');
    expect(request.effective?.map((e) => [e.target, e.patch])).toEqual([
      ['envs/prod', [{ op: 'add', path: '/logLevel', value: 'info' }]],
      ['envs/prod/services/api', [{ op: 'add', path: '/logLevel', value: 'info' }]],
      ['envs/prod/services/billing', [{ op: 'add', path: '/logLevel', value: 'info' }]],
    ]);
    expect(request.effective?.[1]?.inputs).toEqual({
      'settings global': null,
      'settings envs/prod': 1,
      'settings envs/prod/services/api': 1,
      'profiles web': 1,
      'schemas services/api': null,
      'policies envs/prod': null,
    });
  });

  it('records only the configurations that use a profile when the profile changes', async () => {
    // Prepare
    // Act
    const request = await gated(() =>
      writeVersionedDocument(h.deps, {
        principal: user(T, 'alice', 'editor'),
        collection: 'profiles',
        key: 'web',
        content: { image: 'r.io/web:2' },
        reason: 'new web image',
        ticket: null,
        ifMatch: 1,
      }),
    );
    // Assess
    expect(request.effective).toEqual([
      expect.objectContaining({
        target: 'envs/prod/services/api',
        patch: [{ op: 'replace', path: '/image', value: 'r.io/web:2' }],
        inputs: expect.objectContaining({ 'profiles web': 1 }),
      }),
    ]);
  });
});
