import { describe, expect, it } from 'vitest';
import { isUnpinnedImage } from '../../../shared/domain/drift/compliance-rules.ts';
import { detectDrift } from '../../../shared/domain/drift/detect-drift.ts';
import type { ObservedWorkload } from '../../../shared/domain/drift/observed-state.ts';
import { compliantSettings, hpaFor, inputFor, workloadFor } from './drift-fixtures.ts';

/** Runs the engine on a compliant workload changed by `change` and returns the compliance rules found. */
function complianceRules(change: (w: ObservedWorkload) => void, environment = { protected: false }) {
  const settings = compliantSettings();
  delete settings.securityContext;
  delete settings.resources;
  delete settings.image;
  const workload = workloadFor(compliantSettings());
  change(workload);
  return detectDrift(inputFor(settings, workload, [], { environment }))
    .findings.filter((f) => f.category === 'compliance')
    .map((f) => f.rule);
}

describe('compliance rules', () => {
  it('finds nothing on a compliant workload', () => {
    expect(complianceRules(() => {})).toEqual([]);
  });

  it('reports a missing CPU or memory request and limit', () => {
    expect(complianceRules((w) => delete w.containers[0]!.resources.requests!.memory)).toEqual([
      'requests-missing',
    ]);
    expect(complianceRules((w) => delete w.containers[0]!.resources.limits)).toEqual(['limits-missing']);
  });

  it('reports runAsNonRoot not true and runAsUser 0, container values over pod values', () => {
    expect(complianceRules((w) => delete w.podSecurityContext!.runAsNonRoot)).toEqual(['run-as-root']);
    expect(complianceRules((w) => (w.containers[0]!.securityContext!.runAsUser = 0))).toEqual([
      'run-as-root',
    ]);
    expect(
      complianceRules((w) => {
        w.podSecurityContext = {};
        w.containers[0]!.securityContext!.runAsNonRoot = true;
      }),
    ).toEqual([]);
  });

  it('reports a privileged container as critical', () => {
    // Prepare
    const settings = compliantSettings();
    const workload = workloadFor(settings);
    workload.containers[0]!.securityContext!.privileged = true;
    // Act
    const found = detectDrift(inputFor(settings, workload)).findings;
    // Assess
    expect(found).toMatchObject([{ rule: 'privileged', severity: 'critical', category: 'compliance' }]);
  });

  it('reports allowPrivilegeEscalation that is not false', () => {
    expect(complianceRules((w) => delete w.containers[0]!.securityContext!.allowPrivilegeEscalation)).toEqual(
      ['privilege-escalation'],
    );
  });

  it('reports :latest and untagged images but not tags with a registry port or digests', () => {
    expect(complianceRules((w) => (w.containers[0]!.image = 'registry.example.com/web:latest'))).toEqual([
      'image-latest',
    ]);
    expect(isUnpinnedImage('registry.example.com:5000/web')).toBe(true);
    expect(isUnpinnedImage('registry.example.com:5000/web:1.2')).toBe(false);
    expect(isUnpinnedImage('web@sha256:abc')).toBe(false);
  });

  it("reports images outside the environment policy's registries and its missing required labels", () => {
    // Prepare
    const environment = {
      protected: false,
      policy: { allowedRegistries: ['ghcr.io/acme/'], requiredLabels: ['team', 'cost-center'] },
    };
    // Act
    const found = complianceRules(() => {}, environment as never);
    // Assess
    expect(found).toEqual(['image-registry', 'labels-required']);
  });

  it('reports an HPA minimum below 2 only in a protected environment', () => {
    // Prepare
    const settings = compliantSettings({
      hpa: { minReplicas: 1, maxReplicas: 4, targetAverageUtilization: 75 },
    });
    delete settings.replicas;
    const workload = workloadFor(settings);
    const hpa = hpaFor(settings.hpa as never);
    const rulesIn = (isProtected: boolean) =>
      detectDrift(inputFor(settings, workload, [hpa], { environment: { protected: isProtected } }))
        .findings.filter((f) => f.severity !== 'info')
        .map((f) => f.rule);
    // Act / Assess
    expect(rulesIn(true)).toEqual(['hpa-min-below-2']);
    expect(rulesIn(false)).toEqual([]);
  });
});
