import type { EnvironmentConfig } from '../../domain/approvals/environment-config.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { Deps } from '../deps.ts';
import { loadEnvironmentConfig } from './load-environment-config.ts';

/** An environment as the API shows it. */
export interface EnvironmentView extends EnvironmentConfig {
  env: string;
  /** `false` while the environment runs on defaults. */
  configured: boolean;
  /** The configuration's version, `null` for the default. */
  version: number | null;
  updatedBy: string | null;
  updatedAt: string | null;
  reason: string | null;
}

/**
 * Reads an environment's protection settings (the default when never configured).
 *
 * @example const view = await getEnvironment(deps, { principal, env: 'prod' });
 */
export async function getEnvironment(
  deps: Pick<Deps, 'documents'>,
  input: { principal: Principal; env: string },
): Promise<EnvironmentView> {
  const { config, version } = await loadEnvironmentConfig(deps, input.principal.tenantId, input.env);
  return {
    env: input.env,
    ...config,
    configured: version !== null,
    version: version?.version ?? null,
    updatedBy: version?.author ?? null,
    updatedAt: version?.createdAt ?? null,
    reason: version?.reason ?? null,
  };
}
