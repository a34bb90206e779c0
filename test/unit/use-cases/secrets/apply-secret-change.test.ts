import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../../../shared/adapters/aws/ensure-table.ts';
import { type DynaliteHandle, startDynalite } from '../../../../shared/adapters/local/dynalite-server.ts';
import { buildLocalDeps, localDynamoConfig } from '../../../../shared/composition/build-local-deps.ts';
import type { ChangeRequest } from '../../../../shared/domain/approvals/change-request.ts';
import { secretContext } from '../../../../shared/domain/secrets/secret-model.ts';
import { applySecretChange } from '../../../../shared/use-cases/secrets/apply-secret-change.ts';
import { openEnvelope, sealEnvelope } from '../../../../shared/use-cases/secrets/envelope-cipher.ts';
import { secretWriteFixture } from '../../../support/secret-fixture.ts';
import { silentLogger } from '../../../support/silent-logger.ts';

let dynalite: DynaliteHandle;
let deps: ReturnType<typeof buildLocalDeps>;
const marker = ' [change request cr-1]';

beforeAll(async () => {
  dynalite = await startDynalite();
  await ensureTable(localDynamoConfig(dynalite.endpoint), 'apply');
  deps = buildLocalDeps({ dynamoEndpoint: dynalite.endpoint, tableName: 'apply', logger: silentLogger });
});
afterAll(async () => dynalite.close());

function request(name: string, baseVersion: number | null, pendingValue: string): ChangeRequest {
  return {
    tenantId: 'acme',
    env: 'prod',
    baseVersion,
    requester: 'alice',
    reason: 'rotate',
    proposed: {
      name,
      criticality: 'critical',
      category: 'data-access',
      description: null,
      owner: null,
      generated: false,
      generator: null,
      value: 'changed',
      pendingValue,
    },
  } as unknown as ChangeRequest;
}

describe('applySecretChange (the Apply step of a secret change request)', () => {
  it('moves the sealed pending envelope in as version base+1, once, without opening it', async () => {
    // Prepare
    const ref = { tenantId: 'acme', env: 'prod', name: 'db' };
    await deps.secrets.putVersion(ref, secretWriteFixture(ref, 1), null);
    await deps.secrets.putPending(
      ref,
      'pv-1',
      await sealEnvelope(deps.keys, secretContext(ref, 2), 'next-value'),
    );

    // Act
    const first = await applySecretChange(deps, request('db', 1, 'pv-1'), marker);
    const retried = await applySecretChange(deps, request('db', 1, 'pv-1'), marker);

    // Assess
    expect(first).toEqual({ status: 'applied', version: 2 });
    expect(retried).toEqual({ status: 'applied', version: 2 });
    const envelope = await deps.secrets.envelope(ref, 2);
    expect(envelope && (await openEnvelope(deps.keys, secretContext(ref, 2), envelope))).toBe('next-value');
    expect((await deps.secrets.versions(ref)).map((v) => v.version)).toEqual([2, 1]);
  });

  it('is conflicted, writing nothing, when the secret moved since the request was made', async () => {
    // Prepare
    const ref = { tenantId: 'acme', env: 'prod', name: 'moved' };
    await deps.secrets.putVersion(ref, secretWriteFixture(ref, 1), null);
    await deps.secrets.putVersion(ref, secretWriteFixture(ref, 2), 1);
    await deps.secrets.putPending(ref, 'pv-2', await sealEnvelope(deps.keys, secretContext(ref, 2), 'stale'));

    // Act
    const outcome = await applySecretChange(deps, request('moved', 1, 'pv-2'), marker);

    // Assess
    expect(outcome).toEqual({ status: 'conflicted', version: 2 });
    expect((await deps.secrets.get(ref))?.version).toBe(2);
  });
});
