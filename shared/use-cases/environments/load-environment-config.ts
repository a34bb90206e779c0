import {
  type EnvironmentConfig,
  environmentConfigFromContent,
} from '../../domain/approvals/environment-config.ts';
import type { SettingsVersion } from '../../domain/settings-version.ts';
import type { Deps } from '../deps.ts';
import { environmentRef } from './environments-ref.ts';

/** An environment's effective configuration and the version it came from (`null`: the default). */
export interface LoadedEnvironmentConfig {
  env: string;
  config: EnvironmentConfig;
  version: SettingsVersion | null;
}

/**
 * Reads an environment's protection settings: the latest stored version, or
 * the default (`prod`/`production` protected, no approvers) when none.
 *
 * @example const { config } = await loadEnvironmentConfig(deps, 'acme', 'prod');
 */
export async function loadEnvironmentConfig(
  deps: Pick<Deps, 'documents'>,
  tenantId: string,
  env: string,
): Promise<LoadedEnvironmentConfig> {
  const latest = await deps.documents.latest(environmentRef(tenantId, env));
  return { env, config: environmentConfigFromContent(env, latest?.content ?? null), version: latest };
}
