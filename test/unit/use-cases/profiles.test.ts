import { describe, expect, it } from 'vitest';
import {
  PreconditionRequiredError,
  UnprocessableError,
  ValidationError,
} from '../../../shared/domain/errors.ts';
import type { Principal } from '../../../shared/domain/rbac.ts';
import { putProfile } from '../../../shared/use-cases/profiles/put-profile.ts';
import { putSettings } from '../../../shared/use-cases/settings/put-settings.ts';
import { InMemoryDocumentStore } from '../../support/in-memory-document-store.ts';
import { unwiredApprovalPorts } from '../../support/unwired-approval-ports.ts';

const principal: Principal = { tenantId: 'acme', userId: 'ann', roles: [{ role: 'editor' }] };
const deps = () => ({
  documents: new InMemoryDocumentStore(),
  clock: { now: () => new Date('2026-01-01T00:00:00.000Z') },
  ...unwiredApprovalPorts(),
});
const base = { principal, reason: 'r', ticket: null };

describe('putProfile', () => {
  it('creates version 1, then needs If-Match like settings', async () => {
    const d = deps();
    const created = await putProfile(d, {
      ...base,
      name: 'minimal',
      content: { replicas: 1 },
      ifMatch: undefined,
    });
    expect(created).toMatchObject({ kind: 'written', record: { version: 1 } });
    await expect(
      putProfile(d, { ...base, name: 'minimal', content: { replicas: 2 }, ifMatch: undefined }),
    ).rejects.toBeInstanceOf(PreconditionRequiredError);
    expect(
      await putProfile(d, { ...base, name: 'minimal', content: { replicas: 2 }, ifMatch: 1 }),
    ).toMatchObject({ kind: 'written', record: { version: 2 } });
  });

  it('refuses a profile that references another profile, pointing at each reference', async () => {
    const error = await putProfile(deps(), {
      ...base,
      name: 'p',
      content: { a: { $profile: 'x' }, b: [{ $profile: 'y' }] },
      ifMatch: undefined,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((v) => v.pointer)).toEqual([
      '/body/content/a/$profile',
      '/body/content/b/0/$profile',
    ]);
  });

  it('refuses a change that breaks a configuration using the profile, and writes nothing', async () => {
    const d = deps();
    await putProfile(d, {
      ...base,
      name: 'ha',
      content: { hpa: { minReplicas: 2, maxReplicas: 4 } },
      ifMatch: undefined,
    });
    await putSettings(d, {
      ...base,
      scope: { kind: 'service', env: 'dev', service: 'api' },
      content: { $profile: 'ha' },
      ifMatch: undefined,
    });
    const error = await putProfile(d, {
      ...base,
      name: 'ha',
      content: { hpa: { minReplicas: 5, maxReplicas: 4 } },
      ifMatch: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as UnprocessableError).errors[0]).toMatchObject({
      rule: 'hpa.min-le-max',
      target: 'envs/dev/services/api',
      scope: 'envs/dev/services/api',
    });
    expect((await d.documents.latest({ tenantId: 'acme', collection: 'profiles', key: 'ha' }))?.version).toBe(
      1,
    );
  });
});
