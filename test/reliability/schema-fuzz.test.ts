import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_LISTED_VIOLATIONS } from '../../shared/domain/errors.ts';
import {
  isJsonObject,
  isPrototypeKey,
  type JsonObject,
  type JsonValue,
} from '../../shared/domain/json-value.ts';
import { analyseSchemaReferences } from '../../shared/domain/validation/schema-references.ts';
import {
  type CheckOutcome,
  type CompiledServiceSchema,
  compileServiceSchema,
  MAX_DOCUMENT_CHECKS,
  SCHEMA_DIALECT,
  schemaDocumentViolations,
} from '../../shared/domain/validation/service-schema.ts';
import type { createHttpHandler } from '../../shared/http/create-http-handler.ts';
import { expectWellFormed } from '../support/problem-assertions.ts';
import {
  expectPrototypesUnchanged,
  type PrototypeSnapshot,
  snapshotPrototypes,
} from '../support/prototype-guard.ts';
import { settingsHandler, settingsRequest } from '../support/settings-lambda.ts';

/**
 * Property tests of the schema pipeline: arbitrary schema-shaped JSON
 * (JSON Schema keywords mixed with junk values of the wrong type, `$ref`s
 * that resolve, dangle or loop, anchors, `$id`s, prototype keys) through the
 * schema PUT route and `compileServiceSchema` is a 201 or a 4xx problem of
 * at most 100 violations, never a 5xx or a throw; arbitrary documents
 * validated under the schemas that compile never throw, list at most 100
 * violations, and are refused `schema.too-costly` exactly when the
 * documented count (each JSON value costs the checks the schema applies at
 * its depth, once more per 64 characters of it and its key) is over
 * 1,000,000. `FUZZ_RUNS` scales the runs, `FUZZ_SEED` replays a failure
 * (fast-check prints the seed of a failing run).
 */

const SCALE = Number(process.env.FUZZ_RUNS ?? 15) / 15;
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const runs = (n: number) => ({
  numRuns: Math.max(1, Math.round(n * SCALE)),
  ...(SEED === undefined ? {} : { seed: SEED }),
});

const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
let prototypes: PrototypeSnapshot;

beforeAll(() => {
  prototypes = snapshotPrototypes();
});

interface Answer {
  status: number;
  body: { errors?: { pointer: string; rule?: string }[]; warnings?: unknown[] };
}

/** Sends `event`; asserts a well-formed answer (no 5xx, a problem on 4xx, at most 100 violations listed). */
async function sendChecked(
  to: ReturnType<typeof createHttpHandler>,
  event: APIGatewayProxyEventV2,
  label: string,
): Promise<Answer> {
  const res = (await to(event, context)) as APIGatewayProxyStructuredResultV2;
  const text = res.body ?? '';
  const headers = Object.fromEntries(
    Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  const status = res.statusCode ?? 0;
  expectWellFormed({ status, headers, text }, `${label} ${event.body?.slice(0, 600)}`);
  expectPrototypesUnchanged(prototypes, label);
  const body = (text === '' ? {} : JSON.parse(text)) as Answer['body'];
  expect(body.errors?.length ?? 0, label).toBeLessThanOrEqual(MAX_LISTED_VIOLATIONS);
  expect(body.warnings?.length ?? 0, label).toBeLessThanOrEqual(MAX_LISTED_VIOLATIONS);
  return { status, body };
}

const putSchema = (schema: JsonObject, strict: boolean) =>
  settingsRequest(
    'PUT /v1/schemas/services/{service}',
    '/v1/schemas/services/api',
    { service: 'api' },
    { schema, rules: [], strict, reason: 'fuzz' },
    'editor',
  );

const validateDocument = (content: JsonValue) =>
  settingsRequest(
    'POST /v1/validate/envs/{env}/services/{service}',
    '/v1/validate/envs/dev/services/api',
    { env: 'dev', service: 'api' },
    { content },
    'viewer',
  );

/** Whether `value` holds an object key the API refuses in every request body (`forbidden-key`, a 400). */
function holdsPrototypeKey(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some(holdsPrototypeKey);
  if (!isJsonObject(value)) return false;
  return Object.entries(value).some(
    ([key, item]) => isPrototypeKey(key) || holdsPrototypeKey(item as JsonValue),
  );
}

/** As the value arrives after JSON.parse: prototype keys are own properties, `-0` is `0`. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];
const NAMES = ['a', 'b', 'x', 'toString', '$ref', '', 'a/b', 'a~b', ...PROTOTYPE_KEYS];
const TYPES = ['object', 'array', 'string', 'integer', 'number', 'boolean', 'null', 'bogus'];
const REFS = [
  '#',
  '#/$defs/a',
  '#/$defs/b',
  '#/$defs/a/properties/x',
  '#/$defs/a/anyOf/0',
  '#/properties/x',
  '#/$defs/missing',
  '#/$defs/__proto__',
  '#/$defs/%25',
  '#/$defs/a~1b',
  '#anc',
  '#nope',
  '##',
  '',
  'other.json',
  'https://example.com/s#/$defs/a',
];
const PATTERNS = [
  '^a',
  'a+b?',
  '[0-9]{2,4}',
  '(a|b)*c',
  '^\\p{L}+$',
  '.*',
  '(?=a)',
  '(a)\\1',
  '(',
  'a{99999}',
];

/** Values of the wrong type for any keyword. */
const junk: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 4 }),
  fc.constant(null),
  fc.boolean(),
  fc.constant<JsonValue>([]),
  fc.constant<JsonValue>({}),
  fc.array(fc.integer({ min: -2, max: 2 }), { maxLength: 3 }),
);

/** An object built with own properties only (prototype keys included), from unique-keyed entries. */
function objectOf<T extends JsonValue>(
  keys: fc.Arbitrary<string>,
  values: fc.Arbitrary<T>,
  maxKeys: number,
): fc.Arbitrary<JsonObject> {
  return fc
    .uniqueArray(fc.tuple(keys, values), { maxLength: maxKeys, selector: ([k]) => k })
    .map((entries) => Object.fromEntries(entries) as JsonObject);
}

/**
 * Schema-shaped JSON: objects of JSON Schema keywords (applicators,
 * validators, references, identifiers, unknown and prototype keys) whose
 * values are mostly of the right shape, and junk with weight `junkWeight`.
 */
function schemaArbitrary(junkWeight: number): fc.Arbitrary<JsonObject> {
  const right = <T extends JsonValue>(arb: fc.Arbitrary<T>): fc.Arbitrary<JsonValue> =>
    junkWeight === 0 ? arb : fc.oneof({ arbitrary: arb, weight: 4 }, { arbitrary: junk, weight: junkWeight });
  const depth = { maxDepth: 4, depthIdentifier: 'schema' } as const;
  const tree = fc.letrec<{ schema: JsonValue; object: JsonObject; entry: [string, JsonValue] }>((tie) => {
    const schema = tie('schema');
    const schemas = fc.array(schema, { maxLength: 3, depthIdentifier: 'schema' });
    const named = (keys: fc.Arbitrary<string>) => objectOf(keys, schema, 3);
    const keyword = (name: string, value: fc.Arbitrary<JsonValue>) =>
      fc.tuple(fc.constant(name), right(value));
    return {
      schema: fc.oneof(depth, fc.boolean(), tie('object')),
      object: fc
        .uniqueArray(tie('entry'), { maxLength: 5, selector: ([k]) => k, depthIdentifier: 'schema' })
        .map((entries) => Object.fromEntries(entries) as JsonObject),
      entry: fc.oneof(
        keyword('type', fc.oneof(fc.constantFrom(...TYPES), fc.uniqueArray(fc.constantFrom(...TYPES)))),
        keyword('properties', named(fc.constantFrom(...NAMES))),
        keyword('patternProperties', named(fc.constantFrom(...PATTERNS))),
        keyword('$defs', named(fc.constantFrom('a', 'b', 'a/b', '%', ...PROTOTYPE_KEYS))),
        ...['additionalProperties', 'items', 'not', 'if', 'then', 'else', 'propertyNames', 'contains'].map(
          (name) => keyword(name, schema),
        ),
        ...['prefixItems', 'allOf', 'anyOf', 'oneOf'].map((name) => keyword(name, schemas)),
        keyword('$ref', fc.constantFrom(...REFS)),
        keyword('$anchor', fc.constantFrom('anc', 'nope', 'bad anchor', '1x')),
        keyword('$id', fc.constantFrom('https://example.com/s', 'x.json', '#frag', 'urn:x')),
        keyword(
          '$schema',
          fc.constantFrom(SCHEMA_DIALECT, `${SCHEMA_DIALECT}#`, 'http://json-schema.org/draft-07/schema#'),
        ),
        keyword('$dynamicRef', fc.constant('#meta')),
        keyword('enum', fc.array(fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<JsonValue>, { maxLength: 3 })),
        keyword('const', fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<JsonValue>),
        keyword('required', fc.uniqueArray(fc.constantFrom(...NAMES), { maxLength: 3 })),
        keyword('format', fc.constantFrom('email', 'date-time', 'uri', 'bogus')),
        keyword('pattern', fc.constantFrom(...PATTERNS)),
        ...['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'maxProperties'].map(
          (name) => keyword(name, fc.integer({ min: 0, max: 5 })),
        ),
        fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS, 'x-unknown'), fc.oneof(junk, schema)),
      ),
    };
  });
  // The root: an object, often with `$defs` a and b and the anchor `anc` for the `$ref`s to find (or loop through).
  return fc
    .tuple(tree.object, fc.option(fc.tuple(tree.schema, tree.schema, fc.boolean()), { nil: undefined }))
    .map(([root, defs]) => {
      if (!defs) return root;
      const [a, b, anchored] = defs;
      const first = anchored && isJsonObject(a) ? { ...a, $anchor: 'anc' } : a;
      return { ...root, $defs: { a: first, b } } as JsonObject;
    });
}

/** Documents: objects over the names the schemas use, with JSON values of modest size. */
const documentArbitrary: fc.Arbitrary<JsonObject> = objectOf(
  fc.oneof(
    { arbitrary: fc.constantFrom(...NAMES.filter((name) => !PROTOTYPE_KEYS.includes(name))), weight: 6 },
    { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS), weight: 1 },
    { arbitrary: fc.string({ maxLength: 3 }), weight: 2 },
  ),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>,
  6,
);

// ---------------------------------------------------------------------------------------------
// The count oracle
// ---------------------------------------------------------------------------------------------

/**
 * The documented count of a document's subschema checks, written out again
 * from docs/reliability.md: each JSON value costs `checksByDepth[depth]`
 * (none past its end), once more per 64 characters of it (a string) and
 * of its key.
 */
function documentedChecks(content: JsonValue, checksByDepth: readonly number[]): number {
  let checks = 0;
  const visit = (value: JsonValue, depth: number, keyLength: number): void => {
    const characters = keyLength + (typeof value === 'string' ? value.length : 0);
    checks += (checksByDepth[depth] ?? 0) * (1 + Math.floor(characters / 64));
    if (Array.isArray(value)) for (const item of value) visit(item, depth + 1, 0);
    else if (isJsonObject(value))
      for (const [k, item] of Object.entries(value)) visit(item, depth + 1, k.length);
  };
  visit(content, 0, 0);
  return checks;
}

/** Validates `content`, asserting it does not throw and that `schema.too-costly` follows the documented count. */
function validateAndAssess(
  compiled: CompiledServiceSchema,
  schema: JsonObject,
  content: JsonObject,
  label: string,
): CheckOutcome {
  let outcome: CheckOutcome | undefined;
  expect(() => {
    outcome = compiled.validate(content);
  }, label).not.toThrow();
  const { errors } = outcome as CheckOutcome;
  const expected = documentedChecks(content, analyseSchemaReferences(schema).checksByDepth);
  const costly = errors.filter((e) => e.rule === 'schema.too-costly');
  if (expected > MAX_DOCUMENT_CHECKS)
    expect(
      costly.map((e) => e.value),
      label,
    ).toEqual([expected]);
  else expect(costly, label).toEqual([]);
  return outcome as CheckOutcome;
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('arbitrary schemas and documents never get a 5xx, a throw or an unbounded answer', () => {
  it('answers any schema-shaped JSON on the schema PUT route with a 201 or a 4xx of at most 100 violations, as compileServiceSchema decides', async () => {
    await fc.assert(
      fc.asyncProperty(schemaArbitrary(1), fc.boolean(), async (generated, strict) => {
        // Prepare
        const schema = wire(generated);
        const label = `PUT ${JSON.stringify(schema).slice(0, 600)}`;
        // Act
        let compiles = false;
        expect(() => {
          compiles = compileServiceSchema('fuzz', { schema, rules: [], strict }).compiled !== undefined;
          schemaDocumentViolations({ schema, rules: [], strict });
        }, label).not.toThrow();
        const put = await sendChecked(settingsHandler(), putSchema(schema, strict), label);
        // Assess
        expect([201, 400, 422], label).toContain(put.status);
        const forbidden = holdsPrototypeKey(schema);
        expect(put.status === 201, label).toBe(compiles && !forbidden);
        if (put.status !== 201) expect(put.body.errors?.length ?? 0, label).toBeGreaterThan(0);
        if (forbidden)
          expect(
            put.body.errors?.some((e) => e.rule === 'forbidden-key'),
            label,
          ).toBe(true);
      }),
      runs(150),
    );
  }, 60_000);

  it('validates arbitrary documents under any schema that compiles without a throw, and through the validate route with a 200 or a 422 of at most 100 violations', async () => {
    await fc.assert(
      fc.asyncProperty(
        schemaArbitrary(0),
        fc.array(documentArbitrary, { minLength: 1, maxLength: 4 }),
        async (generated, generatedDocuments) => {
          // Prepare
          const schema = wire(generated);
          const compiled = compileServiceSchema('fuzz', { schema, rules: [], strict: false }).compiled;
          fc.pre(compiled !== undefined);
          const to = settingsHandler();
          const label = `schema ${JSON.stringify(schema).slice(0, 600)}`;
          const put = await sendChecked(to, putSchema(schema, false), label);
          // The route refuses a prototype key in any body; the pure validation is still fuzzed.
          const stored = !holdsPrototypeKey(schema);
          expect(put.status, label).toBe(stored ? 201 : 400);
          for (const content of generatedDocuments.map(wire)) {
            const docLabel = `${label} document ${JSON.stringify(content).slice(0, 300)}`;
            // Act
            validateAndAssess(compiled as CompiledServiceSchema, schema, content, docLabel);
            if (!stored) continue;
            const answer = await sendChecked(to, validateDocument(content), docLabel);
            // Assess
            // The route validates the merged layer (a null deletes its key), so its verdict may differ from outcome's.
            if (holdsPrototypeKey(content)) expect(answer.status, docLabel).toBe(400);
            else expect([200, 422], docLabel).toContain(answer.status);
          }
        },
      ),
      runs(60),
    );
  }, 60_000);

  it('refuses a document as schema.too-costly exactly when its documented count of checks is over 1,000,000', async () => {
    // Prepare: wide anyOf levels under items and additionalProperties, documents of up to 3,000 values.
    let refused = 0;
    let checked = 0;
    await fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 0, max: 200 }),
        fc.boolean(),
        (branches, width, length, asArray) => {
          const wide = {
            anyOf: Array.from({ length: branches }, (_, i) => ({ type: 'string', maxLength: i + 1 })),
          };
          const schema: JsonObject = asArray
            ? { properties: { list: { items: wide } } }
            : { additionalProperties: wide };
          const compiled = compileServiceSchema('fuzz', { schema, rules: [], strict: false }).compiled;
          expect(compiled).toBeDefined();
          const value = 'v'.repeat(length);
          const content: JsonObject = asArray
            ? { list: new Array<string>(width).fill(value) }
            : Object.fromEntries(Array.from({ length: width }, (_, i) => [`k${i}`, value]));
          const label = `${branches} branches, ${width} values of ${length} characters (${asArray ? 'array' : 'object'})`;
          // Act
          const outcome = validateAndAssess(compiled as CompiledServiceSchema, schema, content, label);
          // Assess (the count itself is asserted in validateAndAssess)
          if (outcome.errors.some((e) => e.rule === 'schema.too-costly')) refused += 1;
          else checked += 1;
        },
      ),
      // The widest schema on the widest document is over the bound, the narrowest on one value under it.
      {
        ...runs(20),
        examples: [
          [1000, 3000, 0, false],
          [1, 1, 0, true],
        ],
      },
    );
    // Both sides of the bound were exercised.
    expect(refused).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(0);
  }, 60_000);
});
