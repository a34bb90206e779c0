import { describe, expect, it } from 'vitest';
import { UnprocessableError, ValidationError } from '../../../shared/domain/errors.ts';
import type { Principal } from '../../../shared/domain/rbac.ts';
import { putPolicy } from '../../../shared/use-cases/policies/put-policy.ts';
import { putSettings } from '../../../shared/use-cases/settings/put-settings.ts';
import { InMemoryDocumentStore } from '../../support/in-memory-document-store.ts';
import { unwiredApprovalPorts } from '../../support/unwired-approval-ports.ts';

const principal: Principal = { tenantId: 'acme', userId: 'ann', roles: [{ role: 'admin' }] };
const deps = () => ({
  documents: new InMemoryDocumentStore(),
  clock: { now: () => new Date('2026-01-01T00:00:00.000Z') },
  ...unwiredApprovalPorts(),
});
const base = { principal, reason: 'r', ticket: null };

describe('putPolicy', () => {
  it('rejects bad bounds with a 400 listing each', async () => {
    const error = await putPolicy(deps(), {
      ...base,
      env: 'dev',
      policy: { resources: { cpu: { min: 'x' }, gpu: { min: 4, max: 2 } } },
      ifMatch: undefined,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((v) => v.pointer)).toEqual([
      '/body/policy/resources/cpu/min',
      '/body/policy/resources/gpu',
    ]);
  });

  it('checks only the configurations of its environment', async () => {
    const d = deps();
    await putSettings(d, {
      ...base,
      scope: { kind: 'service', env: 'dev', service: 'api' },
      content: { image: 'docker.io/api' },
      ifMatch: undefined,
    });
    await putSettings(d, {
      ...base,
      scope: { kind: 'service', env: 'qa', service: 'api' },
      content: { image: 'r.io/api' },
      ifMatch: undefined,
    });
    const policy = { allowedRegistries: ['r.io/'] };
    expect(await putPolicy(d, { ...base, env: 'qa', policy, ifMatch: undefined })).toMatchObject({
      kind: 'written',
      record: { version: 1 },
    });
    const error = await putPolicy(d, { ...base, env: 'dev', policy, ifMatch: undefined }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as UnprocessableError).errors).toEqual([
      expect.objectContaining({
        pointer: '/image',
        rule: 'policy.allowed-registries',
        value: 'docker.io/api',
        target: 'envs/dev/services/api',
      }),
    ]);
  });

  it('narrows the HPA utilization range for later writes', async () => {
    const d = deps();
    await putPolicy(d, {
      ...base,
      env: 'dev',
      policy: { hpa: { targetAverageUtilization: { min: 72, max: 75 } } },
      ifMatch: undefined,
    });
    const content = { resources: { requests: { cpu: '1' } }, hpa: { targetAverageUtilization: 78 } };
    const error = await putSettings(d, {
      ...base,
      scope: { kind: 'service', env: 'dev', service: 'api' },
      content,
      ifMatch: undefined,
    }).catch((e: unknown) => e);
    expect((error as UnprocessableError).errors[0]?.message).toContain('72-75');
    await expect(
      putSettings(d, {
        ...base,
        scope: { kind: 'service', env: 'qa', service: 'api' },
        content,
        ifMatch: undefined,
      }),
    ).resolves.toMatchObject({ kind: 'written', record: { record: { version: 1 }, created: true } });
  });
});
