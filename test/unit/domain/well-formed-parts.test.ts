import { describe, expect, it } from 'vitest';
import { PolicyContentSchema } from '../../../shared/domain/documents/policy-content.ts';
import { wellFormedParts } from '../../../shared/domain/documents/well-formed-parts.ts';
import { PutEnvironmentBody } from '../../../shared/http/routes/environment-routes.ts';
import { ImportBody } from '../../../shared/http/routes/snapshot-routes.ts';

describe('wellFormedParts', () => {
  it('keeps the well-formed members of a refused object, at any depth, and drops values of the wrong type', () => {
    // Act
    const parts = wellFormedParts(PolicyContentSchema, {
      allowedRegistries: 'r.io/',
      colour: 'red',
      resources: { cpu: { min: 4, max: 2, step: 1 }, memory: { min: true, max: '1Gi' } },
    });
    // Assess
    expect(parts).toEqual({ resources: { cpu: { min: 4, max: 2 }, memory: { max: '1Gi' } } });
  });

  it('gives a valid value as parsed, with its defaults', () => {
    expect(wellFormedParts(PutEnvironmentBody, { protected: true, reason: 'x' })).toEqual({
      protected: true,
      requiredApprovals: 1,
      approvalTimeout: 'PT24H',
      approvers: [],
      reason: 'x',
    });
  });

  it('looks at each item of a refused array, leaving a hole where nothing is well-formed', () => {
    // Act
    const parts = wellFormedParts(ImportBody, {
      documents: [
        { collection: 'bogus', key: 'x', content: {} },
        'not a document',
        { collection: 'policies', key: 'envs/a', content: { a: 1 } },
      ],
    });
    // Assess
    expect(parts).toEqual({
      documents: [
        { key: 'x', content: {} },
        undefined,
        { collection: 'policies', key: 'envs/a', content: { a: 1 } },
      ],
    });
  });

  it('takes keys from the schema only, never from the input', () => {
    // Act
    const parts = wellFormedParts(PolicyContentSchema, JSON.parse('{"__proto__": {"polluted": 1}, "x": 1}'));
    // Assess
    expect(parts).toEqual({});
    expect(Object.getPrototypeOf(parts)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
