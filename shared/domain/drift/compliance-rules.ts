import { escapePointerToken, type JsonValue } from '../json-value.ts';
import type { EnvironmentPolicy } from '../validation/environment-policy.ts';
import type { DriftFinding } from './drift-finding.ts';
import type { FindingSink } from './finding-builder.ts';
import type { ObservedContainer, ObservedHpa, ObservedWorkload } from './observed-state.ts';

/** True when an image reference has no tag and no digest, or the tag `latest`. */
export function isUnpinnedImage(image: string): boolean {
  if (image.includes('@')) return false;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon === -1 || lastSegment.slice(colon + 1) === 'latest';
}

/**
 * Compliance checks in the style of Polaris and kube-score on every watched
 * workload: requests and limits (cpu, memory) present, `runAsNonRoot` true
 * and `runAsUser` not 0, not privileged, `allowPrivilegeEscalation` false
 * (container values over pod values, as Kubernetes applies them), pinned
 * images, images from the environment policy's allowed registries, its
 * required labels, and HPA `minReplicas` at least 2 in a protected
 * environment.
 */
export function checkCompliance(
  workload: ObservedWorkload,
  hpa: ObservedHpa | undefined,
  service: string | undefined,
  environment: { protected: boolean; policy?: EnvironmentPolicy | undefined },
  emit: FindingSink,
): void {
  const ref = { namespace: workload.namespace, kind: workload.kind, name: workload.name };
  const base = { workload: ref, ...(service === undefined ? {} : { service }) };
  for (const container of workload.containers) {
    checkContainer(workload, container, base, environment.policy, emit);
  }
  for (const key of environment.policy?.requiredLabels ?? []) {
    const value = workload.labels[key];
    if (typeof value === 'string' && value.trim() !== '') continue;
    emit('labels-required', {
      ...base,
      pointer: `/labels/${escapePointerToken(key)}`,
      objectPath: `metadata.labels.${key}`,
      message: `label ${key} is required in this environment and missing`,
    });
  }
  if (environment.protected && hpa && (hpa.minReplicas ?? 1) < 2) {
    emit('hpa-min-below-2', {
      ...base,
      pointer: '/hpa/minReplicas',
      objectPath: `HorizontalPodAutoscaler ${hpa.name} spec.minReplicas`,
      expected: 2,
      actual: hpa.minReplicas ?? 1,
      message: `HPA ${hpa.name} minReplicas is ${hpa.minReplicas ?? 1} in a protected environment (at least 2)`,
    });
  }
}

type Base = Pick<DriftFinding, 'workload' | 'service'>;

/** The resources every container must request and limit. */
const REQUIRED_RESOURCES = ['cpu', 'memory'] as const;

function missingResources(values: Record<string, string | number> | undefined): string[] {
  if (values && values.cpu !== undefined && values.memory !== undefined) return [];
  return REQUIRED_RESOURCES.filter((r) => values?.[r] === undefined);
}

function checkContainer(
  workload: ObservedWorkload,
  container: ObservedContainer,
  base: Base,
  policy: EnvironmentPolicy | undefined,
  emit: FindingSink,
): void {
  const at = `spec.template.spec.containers[${container.name}]`;
  for (const section of ['requests', 'limits'] as const) {
    const missing = missingResources(container.resources[section]);
    if (missing.length === 0) continue;
    emit(section === 'requests' ? 'requests-missing' : 'limits-missing', {
      ...base,
      pointer: `/resources/${section}`,
      objectPath: `${at}.resources.${section}`,
      expected: missing,
      message: `container ${container.name} has no ${section === 'requests' ? 'request' : 'limit'} for ${missing.join(' and ')}`,
    });
  }
  const security = container.securityContext;
  const pod = workload.podSecurityContext;
  // Container values override pod values, as Kubernetes applies them.
  const runAsNonRoot: JsonValue | undefined = security?.runAsNonRoot ?? pod?.runAsNonRoot;
  const runAsUser: JsonValue | undefined = security?.runAsUser ?? pod?.runAsUser;
  if (runAsNonRoot !== true || runAsUser === 0) {
    emit('run-as-root', {
      ...base,
      pointer: '/securityContext/runAsNonRoot',
      objectPath: `${at}.securityContext`,
      expected: { runAsNonRoot: true },
      actual: { runAsNonRoot: runAsNonRoot ?? null, runAsUser: runAsUser ?? null },
      message:
        runAsUser === 0
          ? `container ${container.name} runs as user 0 (root)`
          : `container ${container.name} may run as root: runAsNonRoot is ${runAsNonRoot ?? 'not set'}`,
    });
  }
  if (security?.privileged === true) {
    emit('privileged', {
      ...base,
      objectPath: `${at}.securityContext.privileged`,
      expected: false,
      actual: true,
      message: `container ${container.name} runs privileged`,
    });
  }
  const escalation = security?.allowPrivilegeEscalation;
  if (escalation !== false) {
    emit('privilege-escalation', {
      ...base,
      pointer: '/securityContext/allowPrivilegeEscalation',
      objectPath: `${at}.securityContext.allowPrivilegeEscalation`,
      expected: false,
      ...(escalation === undefined ? {} : { actual: escalation }),
      message: `container ${container.name} allows privilege escalation (allowPrivilegeEscalation is ${escalation ?? 'not set'})`,
    });
  }
  const image = container.image;
  if (image === undefined) return;
  if (isUnpinnedImage(image)) {
    emit('image-latest', {
      ...base,
      pointer: '/image',
      objectPath: `${at}.image`,
      actual: image,
      message: `image ${image} is not pinned to a version or digest`,
    });
  }
  const allowed = policy?.allowedRegistries ?? [];
  if (allowed.length > 0 && !allowed.some((prefix) => image.startsWith(prefix))) {
    emit('image-registry', {
      ...base,
      pointer: '/image',
      objectPath: `${at}.image`,
      expected: allowed,
      actual: image,
      message: `image ${image} is not from an allowed registry (${allowed.join(', ')})`,
    });
  }
}
