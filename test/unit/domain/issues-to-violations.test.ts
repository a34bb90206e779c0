import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { closestKey } from '../../../shared/domain/documents/closest-key.ts';
import { issuesToViolations } from '../../../shared/domain/documents/issues-to-violations.ts';
import { PolicyContentSchema } from '../../../shared/domain/documents/policy-content.ts';
import { PutSettingsBody, pageQuery, RollbackBody } from '../../../shared/http/schemas.ts';

const violationsOf = (schema: v.GenericSchema, input: unknown, prefix = '/body') => {
  const parsed = v.safeParse(schema, input);
  return parsed.success ? [] : issuesToViolations(parsed.issues, prefix, schema);
};

describe('issuesToViolations', () => {
  it('says a misspelt key is unknown, suggests the known one, and that the real one is required', () => {
    // Act
    const found = violationsOf(PutSettingsBody, { contnet: { a: 1 }, reason: 'x' });
    // Assess
    expect(found).toEqual([
      { pointer: '/body/content', rule: 'strict_object', message: "'content' is required" },
      {
        pointer: '/body/contnet',
        rule: 'strict_object',
        message: "unknown field 'contnet'",
        hint: "did you mean 'content'?",
        value: 'contnet',
      },
    ]);
  });

  it('suggests an optional key of a nested object, and lists the fields when none is close', () => {
    // Act
    const found = violationsOf(
      PolicyContentSchema,
      { allowedRegistry: ['r.io/'], resources: { cpu: { min: '1', maxx: '2' }, colour: {} } },
      '/body/policy',
    );
    // Assess
    expect(found.map((f) => [f.pointer, f.message, f.hint])).toEqual([
      ['/body/policy/resources/cpu/maxx', "unknown field 'maxx'", "did you mean 'max'?"],
      [
        '/body/policy/resources/colour',
        "unknown field 'colour'",
        "Remove it; the fields here are 'cpu', 'memory', 'gpu'",
      ],
      [
        '/body/policy/allowedRegistry',
        "unknown field 'allowedRegistry'",
        "did you mean 'allowedRegistries'?",
      ],
    ]);
  });

  it('words a bound as "must be at least" and a missing reason as required', () => {
    // Act
    const limit = violationsOf(pageQuery(20), { limit: '0' }, '/query');
    const rollback = violationsOf(RollbackBody, { toVersion: 1 });
    // Assess
    expect(limit).toEqual([
      { pointer: '/query/limit', rule: 'min_value', message: 'must be at least 1', value: 0 },
    ]);
    expect(rollback).toEqual([
      { pointer: '/body/reason', rule: 'strict_object', message: "'reason' is required" },
    ]);
  });

  it('words a wrong type plainly and keeps the messages a schema chose', () => {
    // Act
    const found = violationsOf(PolicyContentSchema, { allowedRegistries: 'r.io/' }, '/body/policy');
    const chosen = violationsOf(RollbackBody, { toVersion: 1.5, reason: 'x' });
    // Assess
    expect(found).toEqual([
      {
        pointer: '/body/policy/allowedRegistries',
        rule: 'array',
        message: 'must be an array, not "r.io/"',
        value: 'r.io/',
      },
    ]);
    expect(chosen.map((c) => c.message)).toEqual(['must be an integer']);
  });
});

describe('closestKey', () => {
  it('counts a swap of neighbours as one edit and refuses keys that are too far', () => {
    expect(closestKey('contnet', ['content', 'reason'])).toBe('content');
    expect(closestKey('reasn', ['content', 'reason'])).toBe('reason');
    expect(closestKey('colour', ['content', 'reason'])).toBeUndefined();
    expect(closestKey('x', ['a', 'y'])).toBeUndefined();
    expect(closestKey('maxx', ['min', 'max'])).toBe('max');
  });
});
