import { describe, expect, it } from 'vitest';
import {
  appendViolations,
  capViolations,
  countViolations,
  MAX_LISTED_VIOLATIONS,
  UNLISTED_RULE,
  UnprocessableError,
  unlistedViolation,
  ValidationError,
  type Violation,
} from '../../../shared/domain/errors.ts';

const at = (pointer: string): Violation => ({ pointer, message: 'bad' });

describe('capViolations', () => {
  it('keeps a list of at most 100 violations as it is', () => {
    // Prepare
    const list = Array.from({ length: MAX_LISTED_VIOLATIONS }, (_, i) => at(`/body/${i}`));
    // Act / Assess
    expect(capViolations(list)).toEqual(list);
  });

  it('lists the first 99 of a longer list and counts the rest under the pointer they share', () => {
    // Prepare
    const list = Array.from({ length: 250 }, (_, i) => at(`/body/items/${i}/name`));
    // Act
    const capped = capViolations(list);
    // Assess
    expect(capped).toHaveLength(MAX_LISTED_VIOLATIONS);
    expect(capped.slice(0, -1)).toEqual(list.slice(0, MAX_LISTED_VIOLATIONS - 1));
    expect(capped.at(-1)).toEqual(unlistedViolation(151, '/body/items'));
  });

  it('counts what a left-out unlisted violation stood for, so the total stays exact', () => {
    // Prepare: 99 listed, then one that stands for 1,000 more and one plain one.
    const list = [
      ...Array.from({ length: MAX_LISTED_VIOLATIONS - 1 }, (_, i) => at(`/body/a/${i}`)),
      unlistedViolation(1000, '/body/b'),
      at('/body/c'),
    ];
    // Act
    const capped = capViolations(list);
    // Assess
    expect(capped.at(-1)).toMatchObject({ pointer: '/body', rule: UNLISTED_RULE, value: 1001 });
    expect(countViolations(capped)).toBe(countViolations(list));
    expect(countViolations(list)).toBe(MAX_LISTED_VIOLATIONS - 1 + 1001);
  });

  it('caps the errors and warnings of the problems that list violations', () => {
    // Prepare
    const list = Array.from({ length: 1000 }, (_, i) => at(`/body/${i}`));
    // Act
    const invalid = new ValidationError('bad', list);
    const refused = new UnprocessableError('refused', list, list);
    // Assess
    expect(invalid.errors).toHaveLength(MAX_LISTED_VIOLATIONS);
    expect(refused.errors).toHaveLength(MAX_LISTED_VIOLATIONS);
    expect(refused.warnings).toHaveLength(MAX_LISTED_VIOLATIONS);
    expect(invalid.errors.at(-1)).toEqual(unlistedViolation(901, '/body'));
  });
});

describe('appendViolations', () => {
  it('appends 200,000 violations, which push(...list) cannot pass as arguments', () => {
    // Prepare
    const target = [at('/body/first')];
    const more = new Array<Violation>(200_000).fill(at('/body/x'));
    // Act
    appendViolations(target, more);
    // Assess
    expect(target).toHaveLength(200_001);
    expect(target[0]?.pointer).toBe('/body/first');
  });
});
