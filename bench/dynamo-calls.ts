import { startLocalRuntime } from '../shared/composition/local-runtime.ts';
import { ROLES } from '../shared/domain/rbac.ts';
import { routeTable } from '../shared/http/route-table.ts';
import { callProfile, DynamoProbe } from '../test/support/dynamo-probe.ts';
import type { RouteSample } from '../test/support/route-samples.ts';
import { silentLogger } from '../test/support/silent-logger.ts';
import { etagOf, seedTenant, sendSample } from '../test/support/tenant-seed.ts';

/** DynamoDB calls of one typical request to one route. */
export interface RouteCalls {
  route: string;
  id: string;
  /** Status of the typical request (a 2xx means the figure is the route's happy path). */
  status: number;
  /** Logical DynamoDB calls (SDK invocations; retries would not count twice). */
  total: number;
  /** Calls that had to run one after another (overlapping calls count once). */
  criticalPath: number;
  /** The calls in order. */
  ops: string[];
}

/**
 * Sends one typical request per route of the route table to a local runtime
 * whose DynamoDB client carries the counting middleware. State is prepared
 * first (`seedTenant`: every PUT route's sample written twice, a protected
 * environment with its change requests), so reads find data and writes take
 * their normal path (If-Match of the current version).
 */
export async function measureDynamoCalls(): Promise<RouteCalls[]> {
  const probe = new DynamoProbe();
  const runtime = await startLocalRuntime({
    logger: silentLogger,
    port: 0,
    dynamoMiddleware: [probe.middleware],
  });
  try {
    const token = await runtime.tokens.issue({
      tenantId: 'bench',
      userId: 'bench',
      roles: [...ROLES],
      ttlSeconds: 3600,
    });
    // One of everything first, so reads find data, writes take their normal path and {id}s are real.
    const { samples: aimed } = await seedTenant(runtime.url, token, routeTable, { postsAndPatches: false });
    const samples = aimed.map(({ sample }) => sample);
    const call = async (sample: RouteSample) => {
      const etag = sample.usesIfMatch ? await etagOf(runtime.url, token, sample) : undefined;
      probe.reset();
      return (await sendSample(runtime.url, token, sample, etag)).status;
    };
    // Reads first (state as prepared), then writes (each on the state the previous one left).
    const ordered = [
      ...samples.filter((s) => s.method === 'GET'),
      ...samples.filter((s) => s.method !== 'GET'),
    ];
    const out: RouteCalls[] = [];
    for (const sample of ordered) {
      const status = await call(sample);
      const profile = callProfile(probe.attempts);
      out.push({ route: `${sample.method} ${sample.route.path}`, id: sample.route.id, status, ...profile });
    }
    return out;
  } finally {
    await runtime.close();
    await probe.close();
  }
}
