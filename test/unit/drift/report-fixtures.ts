import { detectDrift } from '../../../shared/domain/drift/detect-drift.ts';
import {
  buildDriftReport,
  type DriftReport,
  desiredStateHash,
} from '../../../shared/domain/drift/drift-report.ts';
import { parseObservations } from '../../../shared/domain/drift/parse-observations.ts';
import type { JsonObject } from '../../../shared/domain/json-value.ts';
import { DEMO_IMAGE_PREFIX, demoNamespace } from '../../fixtures/k8s/demo-objects.ts';

/**
 * A report over the microservices demo (as pushed with kubectl) against
 * settings that drift in several ways, plus a hostile service name and
 * label value to prove escaping.
 */
export function demoReport(): DriftReport {
  const objects = demoNamespace('shop');
  const observed = parseObservations(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  const policy = {
    watch: { namespaces: ['shop'] },
    workloads: {
      '<script>alert(1)</script>': { namespace: 'shop', kind: 'Deployment' as const, name: 'adservice' },
    },
    tolerances: { default: 0.1 },
  };
  const services: Record<string, JsonObject> = {
    frontend: {
      image: `${DEMO_IMAGE_PREFIX}frontend:v0.10.4`,
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '300m', memory: '128Mi' } },
      hpa: { minReplicas: 2, maxReplicas: 10, targetAverageUtilization: 75, tolerance: 0.1 },
      labels: { app: 'frontend', team: '"><img src=x onerror=alert(2)>' },
    },
    cartservice: { hpa: { minReplicas: 2, maxReplicas: 5, targetAverageUtilization: 75 } },
    '<script>alert(1)</script>': { replicas: 2 },
    checkoutservice: {},
    'payments-api': { image: 'registry.example.com/payments:1.0' },
  };
  const result = detectDrift({
    policy,
    services,
    observed,
    environment: { protected: true, policy: { requiredLabels: ['team'] } },
  });
  return buildDriftReport(
    {
      id: 'rep_01JDEMO',
      cluster: 'cl_01JDEMO',
      clusterName: 'shop-prod <eu>',
      env: 'prod',
      scannedAt: '2026-11-27T10:00:00.000Z',
      durationMs: 842,
      driftPolicyVersion: 3,
      layers: { 'settings envs/prod': 7, 'policies envs/prod': 2 },
    },
    result,
    desiredStateHash(policy, services),
    [{ code: 'cluster-timeout', message: 'namespace batch: an API request timed out' }],
  );
}
