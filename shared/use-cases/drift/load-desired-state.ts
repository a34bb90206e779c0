import type { DriftPolicy } from '../../domain/documents/drift-policy-content.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import { parseScopeKey } from '../../domain/scope.ts';
import type { EnvironmentPolicy } from '../../domain/validation/environment-policy.ts';
import type { Deps } from '../deps.ts';
import { DocumentCache } from '../effective/document-cache.ts';
import { loadEffective } from '../effective/load-effective.ts';
import { loadEnvironmentConfig } from '../environments/load-environment-config.ts';
import { driftPolicyRef } from './drift-policy-ref.ts';

/** What a scan compares the cluster with. */
export interface DesiredStateInput {
  policy: DriftPolicy;
  policyVersion: number;
  /** Each service's effective settings in the environment. */
  services: Record<string, JsonObject>;
  /** The version of each settings document that fed them (`"settings envs/prod"` → 3). */
  layers: Record<string, number>;
  environment: { protected: boolean; policy?: EnvironmentPolicy };
}

/**
 * Loads the desired state of an environment: its drift policy (`null` when
 * it has none), the effective settings of every service with settings in
 * the environment or a mapping in the policy, the environment's protection
 * and its policy.
 *
 * @example const desired = await loadDesiredState(deps, 'acme', 'prod');
 */
export async function loadDesiredState(
  deps: Pick<Deps, 'documents'>,
  tenantId: string,
  env: string,
): Promise<DesiredStateInput | null> {
  const [policyDoc, settingsKeys, envConfig, envPolicy] = await Promise.all([
    deps.documents.latest(driftPolicyRef(tenantId, env)),
    deps.documents.listKeys(tenantId, 'settings'),
    loadEnvironmentConfig(deps, tenantId, env),
    deps.documents.latest({ tenantId, collection: 'policies', key: `envs/${env}` }),
  ]);
  if (!policyDoc) return null;
  const policy = policyDoc.content as unknown as DriftPolicy;
  const names = new Set(Object.keys(policy.workloads ?? {}));
  for (const key of settingsKeys) {
    const scope = parseScopeKey(key);
    if (scope?.kind === 'service' && scope.env === env) names.add(scope.service);
  }
  const cache = new DocumentCache(deps.documents, tenantId);
  cache.preload(['profiles']).catch(() => undefined);
  const services: Record<string, JsonObject> = {};
  const layers: Record<string, number> = {};
  await Promise.all(
    [...names].sort().map(async (service) => {
      const { effective } = await loadEffective(cache, { kind: 'service', env, service });
      services[service] = effective.content;
      for (const layer of effective.layers) layers[`settings ${layer.scope}`] = layer.version;
    }),
  );
  return {
    policy,
    policyVersion: policyDoc.version,
    services,
    layers,
    environment: {
      protected: envConfig.config.protected,
      ...(envPolicy ? { policy: envPolicy.content as unknown as EnvironmentPolicy } : {}),
    },
  };
}
