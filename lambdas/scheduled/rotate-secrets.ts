/** The daily secret rotation job (EventBridge schedule, issue 13). Lambda entry point. */
import { listSecretScopes } from '../../shared/adapters/aws/secrets-manager-scopes.ts';
import { buildAwsRotationDeps, type RotationDeps } from '../../shared/composition/build-aws-rotation-deps.ts';
import { rotateDueSecrets } from '../../shared/use-cases/secrets/rotate-due-secrets.ts';

let deps: RotationDeps | undefined;

/**
 * Runs the rotation job for every tenant and environment that has secrets.
 * A failure in one scope is logged and does not stop the others; the run
 * fails (and is retried, then lands in the failure destination) only when
 * the scopes cannot be listed.
 */
export async function handler(event: {
  id?: string;
  time?: string;
}): Promise<{ scopes: number; failed: number }> {
  deps ??= buildAwsRotationDeps(process.env);
  const runId = `rotation-${event.id ?? event.time ?? deps.clock.now().toISOString()}`;
  let failed = 0;
  const scopes = await listSecretScopes();
  for (const { tenantId, env } of scopes) {
    try {
      const report = await rotateDueSecrets(deps, tenantId, env, runId);
      failed += report.failed.length;
    } catch (error) {
      failed += 1;
      deps.logger.error('secret rotation failed for a scope', {
        tenant: tenantId,
        env,
        errorName: (error as Error).name,
      });
    }
  }
  return { scopes: scopes.length, failed };
}
