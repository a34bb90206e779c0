import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { DriftPolicyContentSchema } from '../../../shared/domain/documents/drift-policy-content.ts';
import { issuesToViolations } from '../../../shared/domain/documents/issues-to-violations.ts';

const check = (content: unknown) => {
  const parsed = v.safeParse(DriftPolicyContentSchema, content);
  return parsed.success ? [] : issuesToViolations(parsed.issues, '/body/policy').map((x) => x.pointer);
};

describe('drift policy content', () => {
  it('accepts the contract example', () => {
    expect(
      check({
        watch: { namespaces: ['shop'], labelSelector: 'drift-monitoring=enabled' },
        workloads: { web: { namespace: 'shop', kind: 'Deployment', name: 'web', container: 'server' } },
        tolerances: { default: 0.1, '/resources/requests/cpu': 0.2, '/image': 0 },
        severity: { 'image-drift': 'critical', compliance: 'high' },
      }),
    ).toEqual([]);
  });

  it('lists every violation: unknown keys, bad pointers, tolerances outside [0, 10], bad kinds and severities', () => {
    // Act
    const pointers = check({
      watch: { namespaces: ['Shop'], selector: 'x' },
      workloads: { web: { namespace: 'shop', kind: 'DaemonSet', name: 'web' } },
      tolerances: { '/resources/cpu': 0.1, default: 11, '/hpa/maxReplicas': -1 },
      severity: { 'no-such-rule': 'high', value: 'urgent' },
      extra: true,
    });
    // Assess
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/body/policy/watch/namespaces/0',
        '/body/policy/watch/selector',
        '/body/policy/workloads/web/kind',
        '/body/policy/tolerances/~1resources~1cpu',
        '/body/policy/tolerances/default',
        '/body/policy/tolerances/~1hpa~1maxReplicas',
        '/body/policy/severity/no-such-rule',
        '/body/policy/severity/value',
        '/body/policy/extra',
      ]),
    );
    expect(pointers).toHaveLength(9);
  });

  it('requires at least one watched namespace', () => {
    expect(check({ watch: { namespaces: [] } })).toEqual(['/body/policy/watch/namespaces']);
  });
});
