import { describe, expect, it } from 'vitest';
import {
  EFFECTIVE_LIMITS,
  type EffectiveInputs,
  effectiveDrift,
  evaluateConfiguration,
  firstInputChange,
  recordEffectiveChanges,
} from '../../../shared/domain/approvals/effective-change.ts';
import { ValidationError } from '../../../shared/domain/errors.ts';

const inputs: EffectiveInputs = {
  'settings global': null,
  'settings envs/prod': 3,
  'settings envs/prod/services/api': 1,
  'profiles web': 1,
  'schemas services/api': null,
  'policies envs/prod': 2,
};

function service(i: number, before: Record<string, unknown>, after: Record<string, unknown>) {
  return evaluateConfiguration(
    `envs/prod/services/s${String(i).padStart(4, '0')}`,
    before as never,
    after as never,
    inputs,
  );
}

describe('recording the effective change of a request', () => {
  it('records each changed configuration with its diff, after hash and inputs, and skips unchanged ones', () => {
    // Prepare
    const changed = evaluateConfiguration(
      'envs/prod/services/api',
      { image: 'r.io/api:1', replicas: 2 },
      { image: 'r.io/web:1', replicas: 2 },
      inputs,
    );
    const same = evaluateConfiguration(
      'envs/prod/services/billing',
      { replicas: 1 },
      { replicas: 1 },
      inputs,
    );
    // Act
    const recorded = recordEffectiveChanges([changed, same]);
    // Assess
    expect(recorded).toEqual([
      {
        target: 'envs/prod/services/api',
        hash: changed.hash,
        patch: [{ op: 'replace', path: '/image', value: 'r.io/web:1' }],
        inputs,
      },
    ]);
    expect(changed.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(same.changed).toBe(false);
  });

  it('keeps diffs for the first configurations only, but a hash for every one', () => {
    // Prepare
    const n = EFFECTIVE_LIMITS.detailed + 5;
    const evaluated = Array.from({ length: n }, (_, i) => service(i, { a: 0 }, { a: i + 1 }));
    // Act
    const recorded = recordEffectiveChanges(evaluated);
    // Assess
    expect(recorded).toHaveLength(n);
    expect(recorded.filter((r) => r.patch !== null)).toHaveLength(EFFECTIVE_LIMITS.detailed);
    expect(
      recorded.slice(EFFECTIVE_LIMITS.detailed).every((r) => r.patch === null && r.inputs === null),
    ).toBe(true);
    expect(recorded.map((r) => r.hash)).toEqual(evaluated.map((e) => e.hash));
  });

  it('stops recording diffs once they reach the byte budget', () => {
    // Prepare: 40 KB per diff, so the second one crosses 64 KB
    const big = 'x'.repeat(40 * 1024);
    const evaluated = [1, 2, 3].map((i) => service(i, {}, { blob: `${i}${big}` }));
    // Act
    const recorded = recordEffectiveChanges(evaluated);
    // Assess
    expect(recorded.map((r) => r.patch !== null)).toEqual([true, false, false]);
  });

  it('refuses a change that alters more configurations than one approval covers', () => {
    // Prepare
    const evaluated = Array.from({ length: EFFECTIVE_LIMITS.configurations + 1 }, (_, i) =>
      service(i, {}, { a: 1 }),
    );
    // Act
    const attempt = () => recordEffectiveChanges(evaluated);
    // Assess
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(/at most 2000/);
  });
});

describe('comparing a recorded effective change with the current one', () => {
  const recorded = recordEffectiveChanges([
    evaluateConfiguration('envs/prod/services/api', { image: 'a' }, { image: 'web:1' }, inputs),
  ]);

  it('finds no drift when every recorded configuration would end up as recorded', () => {
    // Prepare
    const current = [
      evaluateConfiguration('envs/prod/services/api', { image: 'b' }, { image: 'web:1' }, inputs),
    ];
    // Act
    const drift = effectiveDrift(recorded, current);
    // Assess
    expect(drift).toBeNull();
  });

  it('names the configuration and the input that changed when the result differs', () => {
    // Prepare
    const current = [
      evaluateConfiguration(
        'envs/prod/services/api',
        { image: 'a' },
        { image: 'evil:2' },
        { ...inputs, 'profiles web': 2 },
      ),
    ];
    // Act
    const drift = effectiveDrift(recorded, current);
    // Assess
    expect(drift).toBe('envs/prod/services/api: profile web changed from v1 to v2');
  });

  it('names a configuration the proposal would now change that was not recorded', () => {
    // Prepare
    const current = [
      evaluateConfiguration('envs/prod/services/api', { image: 'a' }, { image: 'web:1' }, inputs),
      evaluateConfiguration('envs/prod/services/new', {}, { image: 'web:1' }, inputs),
    ];
    // Act
    const drift = effectiveDrift(recorded, current);
    // Assess
    expect(drift).toBe('envs/prod/services/new would change too, which the approval did not cover');
  });

  it('describes documents that appeared or disappeared with "none"', () => {
    // Prepare
    // Act
    const appeared = firstInputChange(inputs, { ...inputs, 'schemas services/api': 1 });
    const gone = firstInputChange(inputs, { ...inputs, 'policies envs/prod': null });
    // Assess
    expect(appeared).toBe('schema services/api changed from none to v1');
    expect(gone).toBe('policy envs/prod changed from v2 to none');
  });
});
