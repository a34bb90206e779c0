import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHash, DynamoDbAuditLog } from '../../shared/adapters/aws/dynamodb-audit-log.ts';
import { createDocumentClient, localDynamoConfig } from '../../shared/adapters/aws/dynamodb-clients.ts';
import { ensureTable } from '../../shared/adapters/aws/ensure-table.ts';
import { type DynaliteHandle, startDynalite } from '../../shared/adapters/local/dynalite-server.ts';
import type { AuditEvent } from '../../shared/ports/audit-log.ts';

let dynalite: DynaliteHandle;
let log: DynamoDbAuditLog;

beforeAll(async () => {
  dynalite = await startDynalite();
  await ensureTable(localDynamoConfig(dynalite.endpoint), 'audit');
  const client = createDocumentClient(localDynamoConfig(dynalite.endpoint));
  log = new DynamoDbAuditLog({ tableName: 'audit', clientFor: () => client });
});
afterAll(async () => {
  await dynalite.close();
});

const event = (n: number): AuditEvent => ({
  actor: 'ann',
  action: 'secret.read',
  target: `secrets/prod/db-password@${n}`,
  env: 'prod',
  reason: null,
  result: 'success',
  requestId: `req-${n}`,
  at: '2026-11-27T00:00:00.000Z',
});

describe('AuditLog contract: DynamoDbAuditLog on dynalite', () => {
  it('numbers events per tenant and chains each to the hash of the one before', async () => {
    // Act
    const first = await log.append('acme', event(1));
    const second = await log.append('acme', event(2));
    const other = await log.append('globex', event(3));

    // Assess
    expect([first.seq, second.seq, other.seq]).toEqual([1, 2, 1]);
    expect(first.prevHash).toBeNull();
    expect(second.prevHash).toBe(first.hash);
    expect(second.hash).toBe(auditHash(event(2), 2, first.hash));
    expect((await log.list('acme', { limit: 10 })).map((r) => r.requestId)).toEqual(['req-1', 'req-2']);
  });

  it('keeps one unbroken chain under concurrent appends', async () => {
    // Act
    await Promise.all([4, 5, 6, 7, 8].map((n) => log.append('initech', event(n))));

    // Assess
    const records = await log.list('initech', { limit: 10 });
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    records.forEach((r, i) => {
      const { seq, hash, prevHash, ...rest } = r;
      expect(prevHash).toBe(i === 0 ? null : records[i - 1]?.hash);
      expect(hash).toBe(auditHash(rest, seq, prevHash));
    });
  });
});
