import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../shared/domain/quantity.ts';

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['2', 2],
    ['1.5', 1.5],
    ['0.5', 0.5],
    ['250m', 0.25],
    ['512Mi', 512 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['128Mi', 128 * 2 ** 20],
    ['256Gi', 256 * 2 ** 30],
    ['1Ki', 1024],
    ['1k', 1000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['+3', 3],
    ['.5', 0.5],
    [4, 4],
  ])('parses %s as %d base units', (input, expected) => {
    expect(parseQuantity(input)).toBeCloseTo(expected, 9);
  });

  it.each(['', ' 1', '1 ', 'Mi', '1mi', '1MiB', '1.2.3', 'abc', '1gi', '--1', '1Zi'])(
    'rejects %j',
    (input) => {
      expect(parseQuantity(input)).toBeUndefined();
    },
  );

  it('rejects non-strings and non-finite numbers', () => {
    for (const input of [null, true, {}, [], Number.NaN, Number.POSITIVE_INFINITY])
      expect(parseQuantity(input)).toBeUndefined();
  });

  it('scales every binary and decimal suffix exactly for whole numbers', () => {
    const suffixes: [string, number][] = [
      ['', 1],
      ['m', 1e-3],
      ['k', 1e3],
      ['M', 1e6],
      ['G', 1e9],
      ['Ki', 2 ** 10],
      ['Mi', 2 ** 20],
      ['Gi', 2 ** 30],
      ['Ti', 2 ** 40],
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.constantFrom(...suffixes),
        (n, [suffix, factor]) => {
          expect(parseQuantity(`${n}${suffix}`)).toBeCloseTo(n * factor, 6);
        },
      ),
    );
  });

  it('orders quantities as Kubernetes does: 100m < 1 < 1500m < 2 and 512Mi < 1Gi < 1G * 2', () => {
    const order = ['100m', '1', '1500m', '2'].map(parseQuantity) as number[];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect((parseQuantity('512Mi') as number) < (parseQuantity('1Gi') as number)).toBe(true);
    expect((parseQuantity('1Gi') as number) < (parseQuantity('2G') as number)).toBe(true);
  });
});
