import { describe, expect, it } from 'vitest';
import { type Change, gapsOf } from '../../../../shared/adapters/aws/projection-changes.ts';

const SETTLE = 60_000;
const NOW = 1_800_000_000_000;

/** A change item read back: number `seq`, written at `at`. */
const change = (seq: number, at: number): Change => ({
  seq,
  kind: 'put',
  collection: 'settings',
  key: `k${seq}`,
  at,
  item: {},
});

describe('gapsOf', () => {
  it('finds no gap when every number after the watermark has its change', () => {
    // Act
    const gaps = gapsOf([change(4, NOW), change(5, NOW)], 3, { seq: 5, at: NOW }, NOW, SETTLE);

    // Assess
    expect(gaps).toEqual({ firstYoung: undefined, anyOld: false });
  });

  it('answers the lowest young gap, judging a gap by the change above it or by the head', () => {
    // Act: 2 lies below an old change (old), 4 below a young one (young), 7 above every change (head young)
    const gaps = gapsOf(
      [change(1, NOW - 2 * SETTLE), change(3, NOW - 2 * SETTLE), change(5, NOW), change(6, NOW)],
      0,
      { seq: 7, at: NOW },
      NOW,
      SETTLE,
    );

    // Assess
    expect(gaps).toEqual({ firstYoung: 4, anyOld: true });
  });

  it('judges millions of expired numbers below the first change at once (a cold read after the log expired)', () => {
    // Act
    const old = gapsOf([], 0, { seq: 50_000_000, at: NOW - 2 * SETTLE }, NOW, SETTLE);
    const young = gapsOf([change(50_000_001, NOW)], 0, { seq: 50_000_001, at: NOW }, NOW, SETTLE);

    // Assess
    expect(old).toEqual({ firstYoung: undefined, anyOld: true });
    expect(young).toEqual({ firstYoung: 1, anyOld: false });
  });
});
