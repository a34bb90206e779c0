import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MAX_LISTED_VIOLATIONS, UNLISTED_RULE } from '../../../shared/domain/errors.ts';
import {
  MAX_CONTENT_CHECKED_VALUES,
  MAX_DOCUMENT_CHECKS,
  SCHEMA_DIALECT,
} from '../../../shared/domain/validation/service-schema.ts';
import { MAX_SHAPE_VIOLATIONS } from '../../../shared/http/parse-body.ts';
import { InMemoryDocumentStore } from '../../support/in-memory-document-store.ts';
import { settingsHandler, settingsRequest } from '../../support/settings-lambda.ts';

const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

interface Problem {
  status: number;
  detail: string;
  errors: { pointer: string; rule?: string; value?: unknown; message: string; hint?: string }[];
}

async function send(
  event: APIGatewayProxyEventV2,
  to = settingsHandler(),
): Promise<{ status: number; bytes: number; problem: Problem }> {
  const res = await to(event, context);
  const body = res.body ?? '';
  return { status: res.statusCode ?? 0, bytes: body.length, problem: JSON.parse(body) as Problem };
}

const putSchema = (schema: unknown) =>
  settingsRequest(
    'PUT /v1/schemas/services/{service}',
    '/v1/schemas/services/api',
    { service: 'api' },
    { schema, reason: 'r', typo: 1 },
    'editor',
  );

/** Stores `schema` for the service `api` (expecting a 201), then validates `content` against it as a viewer. */
async function validateUnder(schema: unknown, content: unknown): ReturnType<typeof send> {
  const to = settingsHandler();
  const put = await to(
    settingsRequest(
      'PUT /v1/schemas/services/{service}',
      '/v1/schemas/services/api',
      { service: 'api' },
      { schema, rules: [], reason: 'r' },
      'editor',
    ),
    context,
  );
  expect(put.statusCode).toBe(201);
  const event = settingsRequest(
    'POST /v1/validate/envs/{env}/services/{service}',
    '/v1/validate/envs/dev/services/api',
    { env: 'dev', service: 'api' },
    { content },
    'viewer',
  );
  return send(event, to);
}

describe('huge or odd bad input gets a bounded 400 listing the first violations and counting the rest', () => {
  it('answers a schema with 20,000 bad anyOf members with a 400 of at most 100 violations, not a 500', async () => {
    // Prepare: 40 KB of schema, within the 64 KiB limit; each member is not a schema.
    const event = putSchema({ anyOf: new Array(20_000).fill(1) });
    // Act
    const { status, bytes, problem } = await send(event);
    // Assess
    expect(status).toBe(400);
    expect(problem.errors.length).toBeLessThanOrEqual(MAX_LISTED_VIOLATIONS);
    expect(problem.errors.map((e) => e.pointer)).toEqual(['/body/typo', '/body/schema/anyOf/0']);
    expect(problem.errors[1]?.hint).toMatch(/only its first error is listed/);
    expect(bytes).toBeLessThan(10_000);
  });

  it('lists each bad member of a small schema once, not once per meta-schema vocabulary, and counts past 100', async () => {
    // Prepare
    const event = putSchema({ anyOf: new Array(500).fill(1) });
    // Act
    const { status, problem } = await send(event);
    // Assess
    expect(status).toBe(400);
    expect(problem.errors).toHaveLength(MAX_LISTED_VIOLATIONS);
    expect(problem.errors.slice(1, 4).map((e) => e.pointer)).toEqual([
      '/body/schema/anyOf/0',
      '/body/schema/anyOf/1',
      '/body/schema/anyOf/2',
    ]);
    expect(problem.errors.at(-1)).toMatchObject({
      pointer: '/body/schema/anyOf',
      rule: UNLISTED_RULE,
      value: 501 - (MAX_LISTED_VIOLATIONS - 1),
    });
    expect(problem.detail).toBe("/body/typo: unknown field 'typo'; 500 more in errors");
  });

  it.each([
    ['a draft-07 URI', 'http://json-schema.org/draft-07/schema#'],
    ['a number', 1],
  ])('answers a schema whose $schema is %s with a 400 naming the accepted dialect', async (_, $schema) => {
    // Prepare
    const event = putSchema({ $schema, type: 'object', properties: { a: { minimum: 'x' } } });
    // Act
    const { status, problem } = await send(event);
    // Assess
    expect(status).toBe(400);
    expect(problem.errors.map((e) => e.pointer)).toEqual([
      '/body/typo',
      '/body/schema/$schema',
      '/body/schema/properties/a/minimum',
    ]);
    expect(problem.errors[1]?.message).toContain(SCHEMA_DIALECT);
  });

  it('accepts the 2020-12 dialect in $schema, with or without its trailing #', async () => {
    // Act
    const plain = await send(putSchema({ $schema: SCHEMA_DIALECT, type: 'object' }));
    const hashed = await send(putSchema({ $schema: `${SCHEMA_DIALECT}#`, type: 'object' }));
    // Assess: only the unknown field is refused.
    expect(plain.problem.errors.map((e) => e.pointer)).toEqual(['/body/typo']);
    expect(hashed.problem.errors.map((e) => e.pointer)).toEqual(['/body/typo']);
  });

  it('answers a drift policy of 40,000 bad workloads from a viewer with a bounded 400, not a 500', async () => {
    // Prepare: ~300 KB, each workload misses three required members.
    const workloads = Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [i.toString(36), {}]));
    const event = settingsRequest(
      'PUT /v1/drift-policies/envs/{env}',
      '/v1/drift-policies/envs/prod',
      { env: 'prod' },
      { policy: { watch: { namespaces: ['a'] }, workloads }, reason: 'r' },
      'viewer',
    );
    // Act
    const { status, bytes, problem } = await send(event);
    // Assess
    expect(status).toBe(400);
    expect(problem.errors).toHaveLength(MAX_LISTED_VIOLATIONS);
    const last = problem.errors.at(-1);
    expect(last).toMatchObject({ pointer: '/body', rule: UNLISTED_RULE });
    expect((last?.value as number) + MAX_LISTED_VIOLATIONS - 1).toBeGreaterThanOrEqual(120_000);
    expect(bytes).toBeLessThan(30_000);
  });

  it('answers an import whose policy lists 200,000 bad registries with a bounded 400, not a 500', async () => {
    // Prepare
    const event = settingsRequest(
      'POST /v1/import',
      '/v1/import',
      {},
      {
        documents: [
          {
            collection: 'policies',
            key: 'envs/prod',
            content: { allowedRegistries: new Array(200_000).fill(1) },
          },
        ],
        reason: 'r',
      },
      'admin',
    );
    // Act
    const { status, problem } = await send(event);
    // Assess
    expect(status).toBe(400);
    expect(problem.errors).toHaveLength(MAX_LISTED_VIOLATIONS);
    expect(problem.errors[0]?.pointer).toBe('/body/documents/0/content/allowedRegistries/0');
    expect(problem.errors.at(-1)).toMatchObject({
      pointer: '/body/documents/0/content',
      rule: UNLISTED_RULE,
      value: 200_000 - (MAX_LISTED_VIOLATIONS - 1),
    });
  });

  it('answers 32,000 bad values under a $ref with a 422 listing its first error only, with a hint that more may follow', async () => {
    // Prepare: a schema whose values must be strings or objects of strings, and ~250 KB of numbers.
    const schema = {
      type: 'object',
      additionalProperties: { $ref: '#/$defs/node' },
      $defs: { node: { type: ['string', 'object'], additionalProperties: { type: 'string' } } },
    };
    // Upper-case keys: none is a key the built-in workload rules check (hpa, replicas ...).
    const content = Object.fromEntries(
      Array.from({ length: 32_000 }, (_, i) => [i.toString(36).toUpperCase(), 1]),
    );
    // Act
    const { status, problem } = await validateUnder(schema, content);
    // Assess
    expect(status).toBe(422);
    expect(problem.errors.map((e) => [e.pointer, e.rule])).toEqual([['/0', 'schema.type']]);
    expect(problem.errors[0]?.hint).toContain(
      `holds over ${MAX_CONTENT_CHECKED_VALUES} values, so only its first error is listed and more may follow`,
    );
  });

  it('answers 8,000 keys under a 1,000-branch anyOf with a 422 schema.too-costly instead of seconds of ajv', async () => {
    // Prepare: the hostile bench case: every branch is evaluated for every key, in both error modes.
    const anyOf = Array.from({ length: 1000 }, (_, i) => ({
      type: 'object',
      properties: { [`p${i}`]: { type: 'string' } },
    }));
    const content = Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`k${i}`, { q: 1 }]));
    // Act
    const { status, problem } = await validateUnder(
      { type: 'object', additionalProperties: { anyOf } },
      content,
    );
    // Assess: one violation naming the values, the widest level and the limit.
    expect(status).toBe(422);
    expect(problem.errors.map((e) => [e.pointer, e.rule])).toEqual([['', 'schema.too-costly']]);
    expect(problem.errors[0]?.message).toContain(
      `(16001 JSON values, up to 2001 checks for one of them), over the limit of ${MAX_DOCUMENT_CHECKS}`,
    );
    expect(problem.errors[0]?.hint).toContain('Split the document');
  });

  it('refuses with a 422 a 60-byte schema that makes validation exponential in depth, and stores nothing', async () => {
    // Prepare: the schema measured at 2^d checks for a valid document of depth d (anyOf and $ref '#').
    const documents = new InMemoryDocumentStore();
    const to = settingsHandler(documents);
    const branch = (type: string) => ({ properties: { a: { $ref: '#' }, b: { type } } });
    const event = settingsRequest(
      'PUT /v1/schemas/services/{service}',
      '/v1/schemas/services/api',
      { service: 'api' },
      { schema: { anyOf: [branch('string'), branch('number')] }, rules: [], reason: 'r' },
      'editor',
    );
    // Act
    const { status, problem } = await send(event, to);
    // Assess
    expect(status).toBe(422);
    expect(problem.errors.map((e) => [e.pointer, e.rule])).toEqual([
      ['/body/schema/anyOf/0/properties/a/$ref', 'schema.recursive-ref'],
      ['/body/schema/anyOf/1/properties/a/$ref', 'schema.recursive-ref'],
    ]);
    expect(await documents.listKeys('acme', 'schemas')).toEqual([]);
  });

  it('lists at most 20 keys with lone surrogates and counts the rest', async () => {
    // Prepare: 5,000 keys, each with an unpaired high surrogate, escaped as JSON allows.
    const keys = Array.from({ length: 5000 }, (_, i) => `"\\ud800${i.toString(36)}":0`);
    const event = settingsRequest('PUT /v1/settings/global', '/v1/settings/global', {}, {}, 'editor');
    event.body = `{"content":{${keys.join(',')}},"reason":"r"}`;
    // Act
    const { status, problem } = await send(event);
    // Assess
    expect(status).toBe(400);
    expect(problem.errors).toHaveLength(MAX_SHAPE_VIOLATIONS + 1);
    expect(problem.errors.slice(0, MAX_SHAPE_VIOLATIONS).every((e) => e.rule === 'unicode')).toBe(true);
    expect(problem.errors.at(-1)).toMatchObject({
      pointer: '/body',
      rule: UNLISTED_RULE,
      value: 5000 - MAX_SHAPE_VIOLATIONS,
    });
  });
});
