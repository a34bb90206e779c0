import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { closestKey } from '../../../shared/domain/documents/closest-key.ts';
import { DriftPolicyContentSchema } from '../../../shared/domain/documents/drift-policy-content.ts';
import {
  issuesToViolations,
  MAX_HINTED_UNKNOWN_FIELDS,
} from '../../../shared/domain/documents/issues-to-violations.ts';
import { PolicyContentSchema } from '../../../shared/domain/documents/policy-content.ts';
import { MAX_LISTED_VIOLATIONS, UNLISTED_RULE } from '../../../shared/domain/errors.ts';
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

  it('converts the first 99 of 5,000 issues and counts the rest in one last violation under the prefix', () => {
    // Act
    const found = violationsOf(
      PolicyContentSchema,
      { allowedRegistries: new Array(5000).fill(1) },
      '/body/policy',
    );
    // Assess
    expect(found).toHaveLength(MAX_LISTED_VIOLATIONS);
    expect(found[MAX_LISTED_VIOLATIONS - 2]?.pointer).toBe(
      `/body/policy/allowedRegistries/${MAX_LISTED_VIOLATIONS - 2}`,
    );
    expect(found.at(-1)).toMatchObject({
      pointer: '/body/policy',
      rule: UNLISTED_RULE,
      value: 5000 - (MAX_LISTED_VIOLATIONS - 1),
      message: `${5000 - (MAX_LISTED_VIOLATIONS - 1)} more violations are not listed`,
    });
  });

  it('suggests a field for the first 20 unknown fields only, and still names each one', () => {
    // Prepare: 30 workloads, each with one key an edit away from 'namespace'.
    const workloads = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`w${i}`, { namespce: 'a', kind: 'Deployment', name: 'x' }]),
    );
    // Act
    const found = violationsOf(DriftPolicyContentSchema, { watch: { namespaces: ['a'] }, workloads }).filter(
      (f) => f.message === "unknown field 'namespce'",
    );
    // Assess
    expect(found).toHaveLength(30);
    expect(found.filter((f) => f.hint === "did you mean 'namespace'?")).toHaveLength(
      MAX_HINTED_UNKNOWN_FIELDS,
    );
    expect(found.at(-1)?.hint).toBe('Remove it or check its spelling');
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

  it('finds the same key as a full-matrix optimal string alignment distance', () => {
    // Prepare: the textbook recurrence over a whole matrix, as reference.
    const reference = (a: string, b: string): number => {
      const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
      );
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++) {
          const row = d[i] as number[];
          const above = d[i - 1] as number[];
          row[j] = Math.min(
            (above[j] as number) + 1,
            (row[j - 1] as number) + 1,
            (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
          );
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
            row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
        }
      return (d[a.length] as number[])[b.length] as number;
    };
    const closest = (unknown: string, known: string[]): string | undefined => {
      let best: string | undefined;
      let bestDistance = Math.floor((unknown.length + 1) / 3) + 1;
      for (const candidate of known) {
        const distance = reference(unknown.toLowerCase(), candidate.toLowerCase());
        if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
      }
      return best;
    };
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 9 });
    // Act / Assess
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 6 }), (unknown, known) => {
        expect(closestKey(unknown, known)).toBe(closest(unknown, known));
      }),
    );
  });
});
