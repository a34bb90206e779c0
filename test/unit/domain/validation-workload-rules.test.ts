import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../shared/domain/json-value.ts';
import {
  checkPolicyDocument,
  type EnvironmentPolicy,
} from '../../../shared/domain/validation/environment-policy.ts';
import { checkWorkloads } from '../../../shared/domain/validation/workload-rules.ts';

const rules = (content: JsonObject, policy?: EnvironmentPolicy) =>
  checkWorkloads(content, policy).map((v) => v.rule);
const withCpu = (hpa: JsonObject): JsonObject => ({ resources: { requests: { cpu: '500m' } }, hpa });

describe('built-in HPA rules', () => {
  it('passes a well-formed HPA', () => {
    expect(
      checkWorkloads(
        withCpu({ minReplicas: 2, maxReplicas: 10, targetAverageUtilization: 75, tolerance: 0.1 }),
        undefined,
      ),
    ).toEqual([]);
  });

  it('hpa.min-le-max: passes min == max, fails min > max with both values in the message', () => {
    expect(rules(withCpu({ minReplicas: 3, maxReplicas: 3 }))).toEqual([]);
    const [v] = checkWorkloads(withCpu({ minReplicas: 5, maxReplicas: 2 }), undefined);
    expect(v).toMatchObject({ pointer: '/hpa/minReplicas', rule: 'hpa.min-le-max', value: 5 });
    expect(v?.message).toContain('5');
    expect(v?.message).toContain('2');
    expect(v?.hint).toBeDefined();
  });

  it('hpa.replicas-type: fails a fractional or zero replica bound', () => {
    expect(rules(withCpu({ minReplicas: 0, maxReplicas: 2.5 }))).toEqual([
      'hpa.replicas-type',
      'hpa.replicas-type',
    ]);
  });

  it('hpa.target-utilization: passes 70 and 80, fails 69, 81 and a fraction (with a hint)', () => {
    expect(rules(withCpu({ targetAverageUtilization: 70 }))).toEqual([]);
    expect(rules(withCpu({ targetAverageUtilization: 80 }))).toEqual([]);
    expect(rules(withCpu({ targetAverageUtilization: 69 }))).toEqual(['hpa.target-utilization']);
    expect(rules(withCpu({ targetAverageUtilization: 81 }))).toEqual(['hpa.target-utilization']);
    const [fraction] = checkWorkloads(withCpu({ targetAverageUtilization: 0.75 }), undefined);
    expect(fraction?.hint).toContain('75');
  });

  it('hpa.target-utilization: a policy may widen or narrow the range', () => {
    expect(
      rules(withCpu({ targetAverageUtilization: 60 }), {
        hpa: { targetAverageUtilization: { min: 50, max: 90 } },
      }),
    ).toEqual([]);
    expect(
      rules(withCpu({ targetAverageUtilization: 80 }), { hpa: { targetAverageUtilization: { max: 75 } } }),
    ).toEqual(['hpa.target-utilization']);
  });

  it('hpa.tolerance: passes 0.05 and 0.10, fails 0.04, 0.2 and a percentage (hint) also under the name hysteresis', () => {
    expect(rules(withCpu({ tolerance: 0.05 }))).toEqual([]);
    expect(rules(withCpu({ tolerance: 0.1 }))).toEqual([]);
    expect(rules(withCpu({ tolerance: 0.04 }))).toEqual(['hpa.tolerance']);
    expect(rules(withCpu({ hysteresis: 0.2 }))).toEqual(['hpa.tolerance']);
    const [percent] = checkWorkloads(withCpu({ tolerance: 10 }), undefined);
    expect(percent?.hint).toContain('0.1');
    expect(rules(withCpu({ tolerance: 0.2 }), { hpa: { tolerance: { max: 0.25 } } })).toEqual([]);
  });

  it('hpa.request-required: passes with the request set, fails without it, follows hpa.resource', () => {
    expect(rules({ hpa: { targetAverageUtilization: 75 } })).toEqual(['hpa.request-required']);
    expect(rules({ resources: { limits: { cpu: '1' } }, hpa: { targetAverageUtilization: 75 } })).toEqual([
      'hpa.request-required',
    ]);
    expect(
      rules({
        resources: { requests: { memory: '1Gi' } },
        hpa: { targetAverageUtilization: 75, resource: 'memory' },
      }),
    ).toEqual([]);
    const [v] = checkWorkloads({ hpa: { targetAverageUtilization: 75 } }, undefined);
    expect(v?.pointer).toBe('/resources/requests/cpu');
    expect(rules({ hpa: { minReplicas: 1, maxReplicas: 2 } })).toEqual([]);
  });

  it('applies wherever an hpa object appears, also nested and in arrays, and lists every violation', () => {
    const content = {
      web: withCpu({ minReplicas: 4, maxReplicas: 1 }),
      workers: [{ hpa: { targetAverageUtilization: 95 } }],
    };
    const found = checkWorkloads(content, undefined);
    expect(found.map((v) => [v.pointer, v.rule])).toEqual([
      ['/web/hpa/minReplicas', 'hpa.min-le-max'],
      ['/workers/0/hpa/targetAverageUtilization', 'hpa.target-utilization'],
      ['/workers/0/resources/requests/cpu', 'hpa.request-required'],
    ]);
  });
});

describe('resource and policy rules', () => {
  const policy: EnvironmentPolicy = {
    allowedRegistries: ['r.io/'],
    requiredLabels: ['team', 'cost-center'],
    resources: {
      cpu: { min: '100m', max: '32' },
      memory: { min: '128Mi', max: '256Gi' },
      gpu: { min: 0, max: 8 },
    },
  };
  const good = {
    image: 'r.io/api:1',
    labels: { team: 'core', 'cost-center': 'cc1' },
    resources: {
      requests: { cpu: '250m', memory: '512Mi', 'nvidia.com/gpu': 1 },
      limits: { cpu: '1', memory: '1Gi' },
    },
  };

  it('passes a workload inside every bound', () => {
    expect(checkWorkloads(good, policy)).toEqual([]);
  });

  it('fails an image from another registry, missing labels, out-of-range quantities and GPUs, and limits below requests', () => {
    const bad = {
      image: 'docker.io/api:1',
      labels: { team: 'core' },
      resources: { requests: { cpu: '50m', memory: '300Gi', 'nvidia.com/gpu': 9 }, limits: { cpu: '40m' } },
    };
    expect(checkWorkloads(bad, policy).map((v) => [v.pointer, v.rule])).toEqual([
      ['/image', 'policy.allowed-registries'],
      ['/labels/cost-center', 'policy.required-labels'],
      ['/resources/requests/cpu', 'policy.cpu-bounds'],
      ['/resources/requests/memory', 'policy.memory-bounds'],
      ['/resources/requests/nvidia.com~1gpu', 'policy.gpu-bounds'],
      ['/resources/limits/cpu', 'policy.cpu-bounds'],
      ['/resources/limits/cpu', 'resources.limit-below-request'],
    ]);
  });

  it('fails malformed quantities and fractional GPUs without a policy', () => {
    expect(rules({ resources: { requests: { cpu: 'lots', memory: '1GB', 'nvidia.com/gpu': 0.5 } } })).toEqual(
      ['resources.quantity', 'resources.quantity', 'resources.gpu-integer'],
    );
  });

  it('checks a policy document itself', () => {
    expect(checkPolicyDocument(policy)).toEqual([]);
    const problems = checkPolicyDocument({
      resources: { cpu: { min: '2', max: '1' }, memory: { max: 'big' }, gpu: { max: 1.5 } },
      hpa: { tolerance: { min: 5 } },
    });
    expect(problems.map((p) => [p.pointer, p.rule])).toEqual([
      ['/resources/cpu', 'policy.bounds-order'],
      ['/resources/memory/max', 'policy.bound-format'],
      ['/resources/gpu/max', 'policy.bound-format'],
      ['/hpa/tolerance/min', 'policy.bound-format'],
    ]);
  });
});
