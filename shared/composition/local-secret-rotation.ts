import { createDocumentClient, localDynamoConfig } from '../adapters/aws/dynamodb-clients.ts';
import { scanSecretScopes } from '../adapters/aws/scan-secret-scopes.ts';
import type { Deps } from '../use-cases/deps.ts';
import { rotateDueSecrets } from '../use-cases/secrets/rotate-due-secrets.ts';
import type { SecretsDeps } from '../use-cases/secrets/secrets-deps.ts';

/** The variable that switches the local rotation timer on: its interval in milliseconds. */
export const SECRET_ROTATION_INTERVAL_ENV = 'PLUMBLINE_SECRET_ROTATION_INTERVAL_MS';

/**
 * The local twin of the daily EventBridge rotation rule: every `intervalMs`,
 * runs the rotation job for every tenant and environment that has secrets.
 * Runs never overlap; `stop()` waits for the one in flight.
 *
 * @example const timer = startLocalSecretRotation({ deps, dynamoEndpoint, tableName, intervalMs: 86_400_000 });
 */
export function startLocalSecretRotation(options: {
  deps: SecretsDeps & Pick<Deps, 'notifier'>;
  dynamoEndpoint: string;
  tableName: string;
  intervalMs: number;
}): { runOnce(): Promise<void>; stop(): Promise<void> } {
  const client = createDocumentClient(localDynamoConfig(options.dynamoEndpoint));
  let running: Promise<void> | undefined;
  const runOnce = (): Promise<void> => {
    running ??= (async () => {
      const runId = `rotation-${options.deps.clock.now().toISOString()}`;
      try {
        for (const { tenantId, env } of await scanSecretScopes(client, options.tableName)) {
          await rotateDueSecrets(options.deps, tenantId, env, runId);
        }
      } catch (error) {
        options.deps.logger.error('secret rotation run failed', { errorName: (error as Error).name });
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => void runOnce(), options.intervalMs);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running;
      client.destroy();
    },
  };
}
