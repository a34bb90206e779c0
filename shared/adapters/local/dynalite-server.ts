import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

/** A running dynalite (in-process DynamoDB) on loopback. */
export interface DynaliteHandle {
  /** `http://127.0.0.1:<port>` for the SDK's `endpoint`. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1 and a free port: persisting to `path` (a
 * LevelDB folder) or, without one, in memory.
 */
export async function startDynalite(options: { path?: string } = {}): Promise<DynaliteHandle> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
