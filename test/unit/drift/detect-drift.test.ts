import { describe, expect, it } from 'vitest';
import { detectDrift } from '../../../shared/domain/drift/detect-drift.ts';
import { driftScore } from '../../../shared/domain/drift/drift-score.ts';
import { directionChanges } from '../../../shared/domain/drift/history-rules.ts';
import { compliantSettings, hpaFor, inputFor, POLICY, workloadFor } from './drift-fixtures.ts';

const rules = (input: Parameters<typeof detectDrift>[0]) => detectDrift(input).findings.map((f) => f.rule);

describe('drift engine: structural', () => {
  it('reports a mapped service whose workload is missing as critical, and an unmapped watched workload', () => {
    // Prepare
    const settings = compliantSettings();
    const other = workloadFor(settings, 'legacy');
    // Act
    const result = detectDrift(inputFor(settings, other));
    // Assess
    const missing = result.findings.find((f) => f.rule === 'workload-missing');
    expect(missing).toMatchObject({
      category: 'structural',
      severity: 'critical',
      service: 'web',
      workload: { namespace: 'shop', kind: 'Deployment', name: 'web' },
    });
    expect(result.findings.find((f) => f.rule === 'workload-unmapped')?.workload.name).toBe('legacy');
    expect(result.workloads).toBe(2);
  });

  it('maps a service without a workloads entry to a Deployment of its name in the first watched namespace', () => {
    // Prepare
    const settings = compliantSettings();
    const api = { ...workloadFor(settings, 'api') };
    // Act
    const result = detectDrift({
      ...inputFor(settings, api),
      services: { api: settings },
    });
    // Assess
    expect(result.findings).toEqual([]);
  });

  it('reports a missing container and compares nothing else of it', () => {
    // Prepare
    const settings = compliantSettings({ image: 'registry.example.com/shop/web:9' });
    const workload = workloadFor(compliantSettings());
    workload.containers[0]!.name = 'app';
    // Act
    const found = rules(inputFor(settings, workload));
    // Assess
    expect(found).toEqual(['container-missing']);
  });

  it('ignores workloads outside the watched namespaces and label selector', () => {
    // Prepare
    const settings = compliantSettings();
    const elsewhere = { ...workloadFor(settings, 'x'), namespace: 'kube-system' };
    const unlabelled = workloadFor(settings, 'y');
    const policy = {
      ...POLICY,
      watch: { namespaces: ['shop'], labelSelector: 'team=shop,tier notin (batch)' },
    };
    unlabelled.labels = {};
    // Act
    const result = detectDrift({
      ...inputFor(settings, workloadFor(settings)),
      policy,
      observed: { workloads: [workloadFor(settings), elsewhere, unlabelled], hpas: [] },
    });
    // Assess
    expect(result.findings).toEqual([]);
    expect(result.workloads).toBe(1);
  });
});

describe('drift engine: value drift', () => {
  it('reports an image that differs, exactly, with magnitude 1', () => {
    // Prepare
    const settings = compliantSettings();
    const workload = workloadFor({ ...settings, image: 'registry.example.com/shop/web:1.4.3' });
    // Act
    const [finding] = detectDrift(inputFor(settings, workload)).findings;
    // Assess
    expect(finding).toMatchObject({
      rule: 'image-drift',
      category: 'value',
      severity: 'high',
      pointer: '/image',
      objectPath: 'spec.template.spec.containers[server].image',
      expected: 'registry.example.com/shop/web:1.4.2',
      actual: 'registry.example.com/shop/web:1.4.3',
      magnitude: 1,
    });
  });

  it('compares quantities as numbers: 500m equals 0.5 and 1Gi equals 1024Mi', () => {
    // Prepare
    const settings = compliantSettings({
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: 1, memory: '2Gi' } },
    });
    const workload = workloadFor(settings);
    workload.containers[0]!.resources = {
      requests: { cpu: '0.5', memory: '1024Mi' },
      limits: { cpu: '1000m', memory: '2048Mi' },
    };
    // Act
    const result = detectDrift(inputFor(settings, workload));
    // Assess
    expect(result.findings).toEqual([]);
  });

  it('reports a request beyond tolerance with its relative magnitude and the pointer tolerance', () => {
    // Prepare
    const settings = compliantSettings();
    const workload = workloadFor(settings);
    workload.containers[0]!.resources.requests = { cpu: '400m', memory: '256Mi' };
    const policy = { ...POLICY, tolerances: { default: 0.1, '/resources/requests/cpu': 0.2 } };
    // Act
    const [finding] = detectDrift({ ...inputFor(settings, workload), policy }).findings;
    // Assess
    expect(finding).toMatchObject({
      rule: 'resources-drift',
      pointer: '/resources/requests/cpu',
      expected: '250m',
      actual: '400m',
      magnitude: 0.6,
      tolerance: 0.2,
      severity: 'medium',
    });
  });

  it('compares replicas only when no HPA targets the workload', () => {
    // Prepare
    const settings = compliantSettings({ replicas: 3 });
    const workload = { ...workloadFor(settings), replicas: 6 };
    // Act
    const withoutHpa = rules(inputFor(settings, workload));
    const withHpa = rules(
      inputFor(
        { ...settings, hpa: { minReplicas: 2, maxReplicas: 8, targetAverageUtilization: 75 } },
        workload,
        [hpaFor({ minReplicas: 2, maxReplicas: 8, targetAverageUtilization: 75 })],
      ),
    );
    // Assess
    expect(withoutHpa).toEqual(['replicas-drift']);
    expect(withHpa).toEqual([]);
  });

  it('requires the settings labels present and equal, and treats extra labels as no drift', () => {
    // Prepare
    const settings = compliantSettings({ labels: { team: 'shop', tier: 'front' } });
    const workload = workloadFor(settings);
    workload.labels = { team: 'payments', extra: 'yes' };
    // Act
    const found = detectDrift(inputFor(settings, workload)).findings;
    // Assess
    expect(found.map((f) => [f.rule, f.pointer, f.actual])).toEqual([
      ['labels-drift', '/labels/team', 'payments'],
      ['labels-drift', '/labels/tier', undefined],
    ]);
  });

  it('compares securityContext against the container value first, then the pod value', () => {
    // Prepare
    const settings = compliantSettings({
      securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true },
    });
    const workload = workloadFor(settings);
    workload.containers[0]!.securityContext = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: false,
    };
    // Act
    const [finding, ...rest] = detectDrift(inputFor(settings, workload)).findings;
    // Assess
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      rule: 'security-context-drift',
      objectPath: 'spec.template.spec.containers[server].securityContext.readOnlyRootFilesystem',
      expected: true,
      actual: false,
    });
  });

  it('applies the policy severity overrides by rule first, then by category', () => {
    // Prepare
    const settings = compliantSettings();
    const workload = workloadFor({ ...settings, image: 'registry.example.com/shop/web:2' });
    workload.labels = {};
    const policy = { ...POLICY, severity: { 'image-drift': 'critical', value: 'medium' } as const };
    // Act
    const found = detectDrift({ ...inputFor(settings, workload), policy }).findings;
    // Assess
    expect(found.map((f) => [f.rule, f.severity])).toEqual([
      ['image-drift', 'critical'],
      ['labels-drift', 'medium'],
      ['labels-drift', 'medium'],
    ]);
  });
});

describe('drift engine: semantic (HPA-aware)', () => {
  const hpa = { minReplicas: 2, maxReplicas: 10, targetAverageUtilization: 75, tolerance: 0.1 };

  it('treats spec.replicas inside the HPA range as no drift and outside it as drift', () => {
    // Prepare
    const settings = compliantSettings({ hpa });
    const inside = { ...workloadFor(settings), replicas: 10 };
    const outside = { ...workloadFor(settings), replicas: 11 };
    const observedHpa = hpaFor(hpa, 'web', { scaleUpTolerance: 0.1, scaleDownTolerance: 0.1 });
    // Act
    const insideRules = rules(inputFor(settings, inside, [observedHpa]));
    const outsideFinding = detectDrift(inputFor(settings, outside, [observedHpa])).findings[0];
    // Assess
    expect(insideRules).toEqual([]);
    expect(outsideFinding).toMatchObject({
      rule: 'replicas-outside-hpa-range',
      expected: [2, 10],
      actual: 11,
    });
  });

  it('reports HPA min, max and target that differ from the settings beyond tolerance', () => {
    // Prepare
    const settings = compliantSettings({ hpa });
    const observed = hpaFor({ minReplicas: 1, maxReplicas: 20, targetAverageUtilization: 90 });
    // Act
    const found = rules(inputFor(settings, { ...workloadFor(settings), replicas: 4 }, [observed]));
    // Assess
    expect(found).toEqual([
      'hpa-target-out-of-range',
      'hpa-min-drift',
      'hpa-max-drift',
      'hpa-target-drift',
      'hpa-tolerance-not-comparable',
    ]);
  });

  it("uses the environment policy's utilization range instead of 70-80 %", () => {
    // Prepare
    const wide = { ...hpa, targetAverageUtilization: 60 };
    const settings = compliantSettings({ hpa: wide });
    const observed = hpaFor(wide, 'web', { scaleUpTolerance: 0.1, scaleDownTolerance: 0.1 });
    const environment = {
      protected: false,
      policy: { hpa: { targetAverageUtilization: { min: 50, max: 80 } } },
    };
    // Act
    const withDefault = rules(inputFor(settings, workloadFor(settings), [observed]));
    const withPolicy = rules(inputFor(settings, workloadFor(settings), [observed], { environment }));
    // Assess
    expect(withDefault).toEqual(['hpa-target-out-of-range']);
    expect(withPolicy).toEqual([]);
  });

  it('compares hysteresis with the behavior tolerances when the HPA has them, and notes when not', () => {
    // Prepare
    const { tolerance: _, ...withoutTolerance } = hpa;
    const settings = compliantSettings({ hpa: { ...withoutTolerance, hysteresis: 0.05 } });
    const withBehavior = hpaFor(hpa, 'web', { scaleUpTolerance: 0.05, scaleDownTolerance: 0.1 });
    // Act
    const compared = detectDrift(inputFor(settings, workloadFor(settings), [withBehavior]));
    const noted = detectDrift(inputFor(settings, workloadFor(settings), [hpaFor(hpa)]));
    // Assess
    expect(compared.findings).toMatchObject([
      {
        rule: 'hpa-tolerance-drift',
        pointer: '/hpa/hysteresis',
        actual: 0.1,
        objectPath: expect.stringContaining('scaleDown'),
      },
    ]);
    expect(noted.findings).toMatchObject([{ rule: 'hpa-tolerance-not-comparable', severity: 'info' }]);
    expect(noted.counts).toEqual({ critical: 0, high: 0, medium: 0, low: 0 });
    expect(noted.driftScore).toBe(0);
  });

  it('reports hpa-missing when the settings have an hpa and the cluster none', () => {
    // Prepare
    const settings = compliantSettings({ hpa });
    // Act
    const found = rules(inputFor(settings, workloadFor(settings)));
    // Assess
    expect(found).toEqual(['hpa-missing']);
  });

  it('reports replicas-flapping after 3 direction changes over the last scans', () => {
    // Prepare
    const settings = compliantSettings({ replicas: 4 });
    const key = 'shop/Deployment/web';
    const history = [2, 4, 2, 4].map((replicas) => ({ [key]: { replicas } }));
    const steady = [4, 4, 5, 5].map((replicas) => ({ [key]: { replicas } }));
    const workload = { ...workloadFor(settings), replicas: 4 };
    const policy = { ...POLICY, tolerances: { default: 1 } };
    // Act
    const flapping = rules(inputFor(settings, { ...workload, replicas: 2 }, [], { history, policy }));
    const calm = rules(inputFor(settings, workload, [], { history: steady, policy }));
    // Assess
    expect(flapping).toEqual(['replicas-flapping']);
    expect(calm).toEqual([]);
    expect(directionChanges([2, 4, 2, 4, 2])).toBe(3);
  });

  it('reports hpa-saturated when the HPA is at maxReplicas in this scan and the 2 before', () => {
    // Prepare
    const settings = compliantSettings({
      hpa: { minReplicas: 2, maxReplicas: 5, targetAverageUtilization: 75 },
    });
    const observed = hpaFor(settings.hpa as never, 'web', { currentReplicas: 5 });
    const key = 'shop/Deployment/web';
    const atMax = { [key]: { replicas: 5, hpaCurrentReplicas: 5, hpaMaxReplicas: 5 } };
    const below = { [key]: { replicas: 4, hpaCurrentReplicas: 4, hpaMaxReplicas: 5 } };
    const workload = { ...workloadFor(settings), replicas: 5 };
    // Act
    const saturated = rules(inputFor(settings, workload, [observed], { history: [below, atMax, atMax] }));
    const notYet = rules(inputFor(settings, workload, [observed], { history: [atMax, below] }));
    // Assess
    expect(saturated).toEqual(['hpa-saturated']);
    expect(notYet).toEqual([]);
  });
});

describe('drift score', () => {
  it('is 0 without counted findings, grows with findings and stays below 100', () => {
    // Prepare
    const none = { critical: 0, high: 0, medium: 0, low: 0 };
    // Act
    const scores = [
      driftScore(none, 10),
      driftScore({ ...none, low: 1 }, 10),
      driftScore({ ...none, critical: 1 }, 1),
      driftScore({ ...none, critical: 1000 }, 1),
    ];
    // Assess
    expect(scores).toEqual([0, 1, 50, 99]);
  });
});

describe('drift engine: hostile keys', () => {
  it('treats __proto__ and constructor keys as plain data and leaves Object.prototype alone', () => {
    // Prepare
    const settings = compliantSettings();
    const hostile = JSON.parse(
      '{"labels": {"__proto__": "x", "constructor": "y"}, "securityContext": {"__proto__": true}, "resources": {"requests": {"__proto__": "1"}}}',
    );
    const workload = workloadFor(settings);
    // Act
    const found = detectDrift(inputFor({ ...settings, ...hostile }, workload)).findings;
    // Assess
    expect(found.map((f) => [f.rule, f.pointer, f.actual])).toEqual([
      ['resources-drift', '/resources/requests/__proto__', undefined],
      ['labels-drift', '/labels/__proto__', undefined],
      ['labels-drift', '/labels/constructor', undefined],
      ['security-context-drift', '/securityContext/__proto__', undefined],
    ]);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
