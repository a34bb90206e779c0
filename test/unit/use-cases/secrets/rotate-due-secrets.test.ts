import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../../../shared/adapters/aws/ensure-table.ts';
import { type DynaliteHandle, startDynalite } from '../../../../shared/adapters/local/dynalite-server.ts';
import { buildLocalDeps, localDynamoConfig } from '../../../../shared/composition/build-local-deps.ts';
import type { Principal } from '../../../../shared/domain/rbac.ts';
import type { Notification } from '../../../../shared/ports/notifier.ts';
import { putSecret } from '../../../../shared/use-cases/secrets/put-secret.ts';
import { revealSecret } from '../../../../shared/use-cases/secrets/reveal-secret.ts';
import { ROTATION_ACTOR, rotateDueSecrets } from '../../../../shared/use-cases/secrets/rotate-due-secrets.ts';
import { silentLogger } from '../../../support/silent-logger.ts';
import { unwiredPorts } from '../../../support/unwired-approval-ports.ts';

let dynalite: DynaliteHandle;
let now = Date.parse('2026-01-01T00:00:00.000Z');
const sent: Notification[] = [];
let deps: ReturnType<typeof build>;
const alice: Principal = { tenantId: 'acme', userId: 'alice', roles: [{ role: 'editor' }] };

function build(endpoint: string) {
  return {
    ...buildLocalDeps({
      dynamoEndpoint: endpoint,
      tableName: 'rotation',
      logger: silentLogger,
      clock: { now: () => new Date(now) },
    }),
    ...unwiredPorts('workflows'),
    notifier: { send: async (n: Notification) => void sent.push(n) },
  };
}

beforeAll(async () => {
  dynalite = await startDynalite();
  await ensureTable(localDynamoConfig(dynalite.endpoint), 'rotation');
  deps = build(dynalite.endpoint);
});
afterAll(async () => dynalite.close());

describe('rotateDueSecrets (the rotation job)', () => {
  it('rotates due generated secrets, notifies the owners of due provided ones, and leaves the others alone', async () => {
    // Prepare
    const base = {
      principal: alice,
      env: 'dev',
      category: 'application' as const,
      reason: 'init',
      ifMatch: undefined,
      requestId: 'r',
    };
    await putSecret(deps, {
      ...base,
      name: 'gen',
      criticality: 'critical',
      generate: { length: 20, alphabet: 'hex' },
    });
    await putSecret(deps, {
      ...base,
      name: 'provided',
      criticality: 'critical',
      value: 'v',
      owner: 'ops@example.com',
    });
    await putSecret(deps, {
      ...base,
      name: 'fresh-low',
      criticality: 'low',
      generate: { length: 20, alphabet: 'hex' },
    });
    const before = await revealSecret(deps, { principal: alice, env: 'dev', name: 'gen', requestId: 'r' });
    now += 31 * 86_400_000;

    // Act
    const report = await rotateDueSecrets(deps, 'acme', 'dev', 'run-1');

    // Assess
    expect(report).toEqual({ rotated: ['gen'], notified: ['provided'], failed: [] });
    const after = await revealSecret(deps, { principal: alice, env: 'dev', name: 'gen', requestId: 'r' });
    expect(after.version).toBe(2);
    expect(after.value).toMatch(/^[0-9a-f]{20}$/);
    expect(after.value).not.toBe(before.value);
    expect((await deps.secrets.versions({ tenantId: 'acme', env: 'dev', name: 'gen' }))[0]?.createdBy).toBe(
      ROTATION_ACTOR,
    );
    expect(sent).toEqual([
      expect.objectContaining({ kind: 'secret-rotation-due', to: 'ops@example.com', requestId: 'run-1' }),
    ]);
    expect(JSON.stringify(sent)).not.toContain('"v"');
    expect((await rotateDueSecrets(deps, 'acme', 'dev', 'run-2')).rotated).toEqual([]);
  });
});
