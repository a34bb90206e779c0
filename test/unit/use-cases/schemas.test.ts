import { describe, expect, it } from 'vitest';
import { UnprocessableError, ValidationError } from '../../../shared/domain/errors.ts';
import type { Principal } from '../../../shared/domain/rbac.ts';
import { putSchema } from '../../../shared/use-cases/schemas/put-schema.ts';
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

describe('putSchema', () => {
  it('stores {schema, rules, strict} under services/<service>', async () => {
    const d = deps();
    const doc = {
      schema: { type: 'object' },
      rules: [{ id: 'r', expr: 'true', message: 'm' }],
      strict: true,
    };
    const created = await putSchema(d, { ...base, service: 'api', document: doc, ifMatch: undefined });
    expect(created).toMatchObject({ kind: 'written', record: { content: doc } });
    expect(await d.documents.listKeys('acme', 'schemas')).toEqual(['services/api']);
  });

  it('lists every problem of a schema that does not compile, with request pointers', async () => {
    const error = await putSchema(deps(), {
      ...base,
      service: 'api',
      document: { schema: { type: 42 }, rules: [{ id: 'r', expr: '(', message: 'm' }], strict: false },
      ifMatch: undefined,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((v) => v.pointer)).toEqual([
      '/body/schema/type',
      '/body/schema/type',
      '/body/schema/type',
      '/body/rules/0/expr',
    ]);
  });

  it("refuses with a 422 a $ref to another tenant's $id, though that tenant registered it first", async () => {
    const d = deps();
    const globex: Principal = { tenantId: 'globex', userId: 'gus', roles: [{ role: 'editor' }] };
    const secret = {
      schema: { $id: 'https://globex.example/s', enum: ['s3cret'] },
      rules: [],
      strict: false,
    };
    await putSchema(d, {
      ...base,
      principal: globex,
      service: 'vault',
      document: secret,
      ifMatch: undefined,
    });

    const error = await putSchema(d, {
      ...base,
      service: 'api',
      document: {
        schema: { properties: { x: { $ref: 'https://globex.example/s' } } },
        rules: [],
        strict: false,
      },
      ifMatch: undefined,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as UnprocessableError).errors.map((v) => [v.pointer, v.rule])).toEqual([
      ['/body/schema/properties/x/$ref', 'schema.ref-unresolved'],
    ]);
    expect(await d.documents.listKeys('acme', 'schemas')).toEqual([]);
  });

  it('validates the service in every environment and refuses a schema it breaks', async () => {
    const d = deps();
    await putSettings(d, {
      ...base,
      scope: { kind: 'service', env: 'dev', service: 'api' },
      content: { port: 'x' },
      ifMatch: undefined,
    });
    await putSettings(d, {
      ...base,
      scope: { kind: 'service', env: 'qa', service: 'api' },
      content: { port: 80 },
      ifMatch: undefined,
    });
    const error = await putSchema(d, {
      ...base,
      service: 'api',
      document: {
        schema: { properties: { port: { type: 'integer' } } },
        rules: [{ id: 'high-port', expr: 'self.port > 1024', message: 'use a high port' }],
        strict: false,
      },
      ifMatch: undefined,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as UnprocessableError).errors.map((v) => [v.target, v.rule])).toEqual([
      ['envs/dev/services/api', 'schema.type'],
      ['envs/dev/services/api', 'high-port'],
      ['envs/qa/services/api', 'high-port'],
    ]);
  });
});
