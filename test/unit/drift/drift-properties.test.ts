import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectDrift } from '../../../shared/domain/drift/detect-drift.ts';
import { beyondTolerance, relativeMagnitude } from '../../../shared/domain/drift/tolerance.ts';
import type { JsonObject } from '../../../shared/domain/json-value.ts';
import { compliantSettings, hpaFor, inputFor, POLICY, workloadFor } from './drift-fixtures.ts';

const millicores = fc.integer({ min: 1, max: 64_000 });
const mebibytes = fc.integer({ min: 1, max: 262_144 });
const settingsArb = fc
  .record({
    cpu: millicores,
    cpuLimit: millicores,
    memory: mebibytes,
    replicas: fc.integer({ min: 0, max: 500 }),
    tag: fc.stringMatching(/^[0-9]{1,3}\.[0-9]{1,3}$/),
    team: fc.stringMatching(/^[a-z]{1,12}$/),
    hpa: fc.option(
      fc.record({
        minReplicas: fc.integer({ min: 2, max: 10 }),
        span: fc.integer({ min: 0, max: 40 }),
        targetAverageUtilization: fc.integer({ min: 70, max: 80 }),
      }),
      { nil: undefined },
    ),
  })
  .map(({ cpu, cpuLimit, memory, replicas, tag, team, hpa }) => {
    const settings = compliantSettings({
      image: `registry.example.com/shop/web:${tag}`,
      replicas,
      resources: {
        requests: { cpu: `${cpu}m`, memory: `${memory}Mi` },
        limits: { cpu: `${cpuLimit}m`, memory: `${memory * 2}Mi` },
      },
      labels: { team },
    });
    if (hpa) {
      delete settings.replicas;
      settings.hpa = {
        minReplicas: hpa.minReplicas,
        maxReplicas: hpa.minReplicas + hpa.span,
        targetAverageUtilization: hpa.targetAverageUtilization,
      };
    }
    return settings;
  });

function observedHpas(settings: JsonObject) {
  return settings.hpa ? [hpaFor(settings.hpa as JsonObject)] : [];
}

describe('drift engine properties', () => {
  it('finds nothing (no counted finding) for a workload equal to its desired state', () => {
    fc.assert(
      fc.property(settingsArb, (settings) => {
        // Act
        const result = detectDrift(inputFor(settings, workloadFor(settings), observedHpas(settings)));
        // Assess
        expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
        expect(result.driftScore).toBe(0);
      }),
    );
  });

  it('never reports drift within tolerance', () => {
    fc.assert(
      fc.property(
        settingsArb,
        fc.integer({ min: 0, max: 100 }).map((p) => p / 100),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(-1, 1),
        (settings, tolerance, share, sign) => {
          // Prepare: move the CPU request by at most the tolerance.
          const requests = (settings.resources as { requests: { cpu: string } }).requests;
          const expected = Number.parseInt(requests.cpu, 10);
          const actual = expected * (1 + sign * tolerance * share);
          const workload = workloadFor(settings);
          workload.containers[0]!.resources.requests!.cpu = actual / 1000;
          const policy = { ...POLICY, tolerances: { '/resources/requests/cpu': tolerance } };
          // Act
          const result = detectDrift(inputFor(settings, workload, observedHpas(settings), { policy }));
          // Assess
          expect(result.findings.filter((f) => f.rule === 'resources-drift')).toEqual([]);
        },
      ),
    );
  });

  it('reports drift beyond tolerance with the magnitude it computed', () => {
    fc.assert(
      fc.property(
        settingsArb,
        fc.integer({ min: 0, max: 100 }).map((p) => p / 100),
        (settings, tolerance) => {
          // Prepare: move the memory request to twice the tolerance plus 1 %.
          const requests = (settings.resources as { requests: { memory: string } }).requests;
          const expected = Number.parseInt(requests.memory, 10);
          const workload = workloadFor(settings);
          workload.containers[0]!.resources.requests!.memory = `${expected * (1 + 2 * tolerance + 0.01)}Mi`;
          const policy = { ...POLICY, tolerances: { default: tolerance } };
          // Act
          const finding = detectDrift(
            inputFor(settings, workload, observedHpas(settings), { policy }),
          ).findings.find((f) => f.rule === 'resources-drift');
          // Assess
          expect(finding?.magnitude).toBeCloseTo(2 * tolerance + 0.01, 5);
          expect(finding?.tolerance).toBe(tolerance);
        },
      ),
    );
  });

  it('decides relative tolerance the same way at any scale (Mi vs Gi, cores vs millicores)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 100 }).map((p) => p / 100),
        (expected, actual, exponent, tolerance) => {
          // Prepare: powers of two scale exactly in binary floating point, as Mi -> Gi does.
          const factor = 2 ** exponent;
          // Act
          const small = beyondTolerance(relativeMagnitude(expected, actual), tolerance);
          const large = beyondTolerance(relativeMagnitude(expected * factor, actual * factor), tolerance);
          // Assess
          expect(large).toBe(small);
        },
      ),
    );
  });

  it('reports the same findings for the same memory in Mi and in Gi', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 64 }),
        (expectedGi, actualGi) => {
          // Prepare
          const settings = compliantSettings({
            resources: {
              requests: { cpu: '1', memory: `${expectedGi}Gi` },
              limits: { cpu: '1', memory: `${expectedGi}Gi` },
            },
          });
          const inGi = workloadFor(settings);
          inGi.containers[0]!.resources.requests!.memory = `${actualGi}Gi`;
          const inMi = workloadFor(settings);
          inMi.containers[0]!.resources.requests!.memory = `${actualGi * 1024}Mi`;
          // Act
          const a = detectDrift(inputFor(settings, inGi)).findings.map((f) => [f.rule, f.magnitude]);
          const b = detectDrift(inputFor(settings, inMi)).findings.map((f) => [f.rule, f.magnitude]);
          // Assess
          expect(b).toEqual(a);
          expect(a.length).toBe(Math.abs(actualGi - expectedGi) / expectedGi > 0.1 + 1e-9 ? 1 : 0);
        },
      ),
    );
  });
});
