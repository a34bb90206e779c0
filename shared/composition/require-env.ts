import type { EnvName } from './workflow-task-env.ts';

/**
 * The values of `names` in `env`; throws once, naming every missing one (a
 * deployment error, seen at the first invocation of a cold start).
 *
 * @example const [topicArn] = requireEnv(process.env, [ENV.approvalsTopicArn]);
 */
export function requireEnv(env: Record<string, string | undefined>, names: readonly EnvName[]): string[] {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`missing environment: ${missing.join(', ')}`);
  return names.map((name) => env[name] as string);
}
