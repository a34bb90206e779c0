import { startLocalRuntime } from '../shared/composition/local-runtime.ts';
import { ROLES } from '../shared/domain/rbac.ts';
import { routeTable } from '../shared/http/route-table.ts';
import { callProfile, DynamoProbe } from '../test/support/dynamo-probe.ts';
import { readOutbox } from '../test/support/poll-until.ts';
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
  /** Issue 11's goal for the critical path of this kind of route, when it sets one. */
  goal?: string;
}

/**
 * Issue 11's goal for a route's sequential round trips: any single-document
 * write 2, a write to `global`, an environment layer or a profile 2 plus the
 * projection's pages beyond the first, an effective read 1, an approval by link 3.
 */
export function criticalPathGoal(method: string, path: string): string | undefined {
  if (path.startsWith('/v1/approvals/')) return method === 'POST' ? '3' : undefined;
  if (path.startsWith('/v1/effective/')) return '1';
  if (method === 'GET' || path.endsWith('/tags')) return undefined;
  // Writes of one versioned document (secrets, drift, service accounts and clusters keep their own figures).
  if (!/^\/v1\/(settings|profiles|schemas|policies|environments)\//.test(path)) return undefined;
  const wide =
    path === '/v1/settings/global' || path === '/v1/settings/envs/{env}' || path.startsWith('/v1/profiles');
  return wide ? '2 + pages' : '2';
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
    const { samples: aimed, ids } = await seedTenant(runtime.url, token, routeTable, {
      postsAndPatches: false,
    });
    // Decisions come from a listed approver who is not the requester (the happy path, not a 403),
    // each on a change request of its own (a decided request cannot be decided again).
    const prod = await sendSample(runtime.url, token, {
      route: routeTable[0] as RouteSample['route'],
      method: 'GET',
      path: '/v1/environments/prod',
      query: {},
      headers: {},
      usesIfMatch: false,
      resourcePath: undefined,
      complete: true,
    });
    const approverId =
      (JSON.parse(prod.text) as { approvers?: { user: string }[] }).approvers?.find((a) => a.user !== 'bench')
        ?.user ?? 'approver';
    const approver = await runtime.tokens.issue({
      tenantId: 'bench',
      userId: approverId,
      roles: [...ROLES],
      ttlSeconds: 3600,
    });
    const pending = [...ids];
    const ownRequest = (sample: RouteSample): RouteSample => {
      const id = pending.pop();
      return id === undefined
        ? sample
        : { ...sample, path: sample.path.replace(/[^/]+(?=\/(approve|reject|withdraw)$)/, id) };
    };
    const samples = aimed.map(({ sample }) => sample);
    const call = async (sample: RouteSample) => {
      let aimedAt = sample;
      let as: string | undefined = token;
      if (/\/(approve|reject|withdraw)$/.test(sample.route.path)) {
        aimedAt = ownRequest(sample);
        if (!sample.route.path.endsWith('/withdraw')) as = approver;
      } else if (sample.route.path === '/v1/approvals/{token}') {
        const id = pending.pop();
        const message = (await readOutbox(runtime.outboxDir)).find((m) => m.requestId === id && m.links);
        const link = message?.links?.approve.split('/v1/approvals/')[1];
        if (link) aimedAt = { ...sample, path: `/v1/approvals/${link}` };
        as = sample.method === 'POST' ? undefined : token;
      }
      const etag = aimedAt.usesIfMatch ? await etagOf(runtime.url, token, aimedAt) : undefined;
      probe.reset();
      return (await sendSample(runtime.url, as, aimedAt, etag)).status;
    };
    // Reads first (state as prepared), then writes (each on the state the previous one left).
    const ordered = [
      ...samples.filter((s) => s.method === 'GET'),
      ...samples.filter((s) => s.method !== 'GET'),
    ];
    const out: RouteCalls[] = [];
    for (const sample of ordered) {
      const status = await call(sample);
      // A prefetch still in flight when the answer came (a read the request did not need) is not on its path.
      const profile = callProfile(probe.attempts.filter((a) => a.end > 0));
      const goal = criticalPathGoal(sample.method, sample.route.path);
      out.push({
        route: `${sample.method} ${sample.route.path}`,
        id: sample.route.id,
        status,
        ...profile,
        ...(goal === undefined ? {} : { goal }),
      });
    }
    return out;
  } finally {
    await runtime.close();
    await probe.close();
  }
}
