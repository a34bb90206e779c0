import type { DriftPolicy } from '../../../shared/domain/documents/drift-policy-content.ts';
import type { DriftInput } from '../../../shared/domain/drift/detect-drift.ts';
import type { ObservedHpa, ObservedWorkload } from '../../../shared/domain/drift/observed-state.ts';
import type { JsonObject } from '../../../shared/domain/json-value.ts';

/** A policy watching `shop`, with `web` mapped explicitly. */
export const POLICY: DriftPolicy = {
  watch: { namespaces: ['shop'] },
  workloads: { web: { namespace: 'shop', kind: 'Deployment', name: 'web', container: 'server' } },
  tolerances: { default: 0.1 },
};

/** Settings that are compliant on their own (pinned image, non-root, requests and limits). */
export function compliantSettings(overrides: JsonObject = {}): JsonObject {
  return {
    image: 'registry.example.com/shop/web:1.4.2',
    replicas: 3,
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    labels: { team: 'shop', app: 'web' },
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
    ...overrides,
  };
}

/** The workload a cluster would run if it matched `settings` exactly. */
export function workloadFor(settings: JsonObject, name = 'web'): ObservedWorkload {
  const resources = settings.resources as {
    requests?: Record<string, string | number>;
    limits?: Record<string, string | number>;
  };
  const security = (settings.securityContext ?? {}) as JsonObject;
  return {
    namespace: 'shop',
    kind: 'Deployment',
    name,
    labels: { ...(settings.labels as Record<string, string>) },
    ...(typeof settings.replicas === 'number' ? { replicas: settings.replicas } : {}),
    podSecurityContext: { runAsNonRoot: security.runAsNonRoot ?? true, runAsUser: 1000 },
    containers: [
      {
        name: 'server',
        image: settings.image as string,
        resources: structuredClone(resources),
        securityContext: { allowPrivilegeEscalation: security.allowPrivilegeEscalation ?? false },
      },
    ],
  };
}

/** An HPA matching `hpa` settings for the workload `name`. */
export function hpaFor(hpa: JsonObject, name = 'web', extra: Partial<ObservedHpa> = {}): ObservedHpa {
  return {
    namespace: 'shop',
    name,
    target: { kind: 'Deployment', name },
    ...(typeof hpa.minReplicas === 'number' ? { minReplicas: hpa.minReplicas } : {}),
    maxReplicas: hpa.maxReplicas as number,
    ...(typeof hpa.targetAverageUtilization === 'number'
      ? { targetAverageUtilization: hpa.targetAverageUtilization }
      : {}),
    ...extra,
  };
}

/** A scan input for one service `web` running as `workload`. */
export function inputFor(
  settings: JsonObject,
  workload: ObservedWorkload,
  hpas: ObservedHpa[] = [],
  rest: Partial<DriftInput> = {},
): DriftInput {
  return {
    policy: POLICY,
    services: { web: settings },
    observed: { workloads: [workload], hpas },
    environment: { protected: false },
    ...rest,
  };
}
