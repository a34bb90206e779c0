/**
 * The local runtime in its own process, for the hostile corpus
 * (`bench/hostile.ts`): a request that blocks this process's event loop
 * cannot block the client that times it, and a hung runtime can be killed
 * and replaced. Prints one JSON line `{url, tokens}` once it listens, then
 * serves until it is killed.
 *
 * Usage: node --import tsx bench/hostile-server.ts <tenant>...
 */

import { startLocalRuntime } from '../shared/composition/local-runtime.ts';
import { ROLES } from '../shared/domain/rbac.ts';
import { silentLogger } from '../test/support/silent-logger.ts';

const runtime = await startLocalRuntime({ logger: silentLogger, port: 0 });
const tokens: Record<string, string> = {};
for (const tenant of process.argv.slice(2)) {
  tokens[tenant] = await runtime.tokens.issue({
    tenantId: tenant,
    userId: 'bench',
    roles: [...ROLES],
    ttlSeconds: 3600,
  });
}
process.stdout.write(`${JSON.stringify({ url: runtime.url, tokens })}\n`);
const stop = () => {
  runtime.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
