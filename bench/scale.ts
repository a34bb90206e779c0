import { dropProjectionCaches } from '../shared/adapters/aws/dynamodb-document-store.ts';
import { startLocalRuntime } from '../shared/composition/local-runtime.ts';
import { callProfile, type DynamoAttempt, DynamoProbe } from '../test/support/dynamo-probe.ts';
import { readOutbox } from '../test/support/poll-until.ts';
import { type SeedDocument, seedDocuments } from '../test/support/seed-documents.ts';
import { silentLogger } from '../test/support/silent-logger.ts';
import { ratio, round, summarize } from './stats.ts';

/** One route measured at one number of services. */
export interface ScaleRoute {
  name: string;
  status: number;
  /** Median wall time of {@link REPEATS} requests with the process's copy of the projection warm. */
  ms: number;
  /** Wall time of one request right after every copy of the projection was dropped (a fresh process). */
  coldMs: number;
  /** Logical DynamoDB calls of the last request. */
  calls: number;
  /** Calls that had to run one after another (the sequential round trips). */
  criticalPath: number;
  /** The most DynamoDB calls in flight at once. */
  maxInFlight: number;
  /** Issue 11's goal for the sequential round trips. */
  goal: string;
}

/** All routes at one number of services. */
export interface ScaleRun {
  services: number;
  seedSeconds: number;
  routes: ScaleRoute[];
}

/** The scale part of the bench (issue 11). */
export interface ScaleReport {
  runs: ScaleRun[];
  /** Per route: time at the largest N over time at the smallest. */
  ratios: { name: string; timeRatio: number | null; coldRatio: number | null; goal: string }[];
  goalRatio: number;
  /** Peak resident set size of the process (the local runtime runs in it) across the scale run. */
  peakRssMB: number;
}

const REPEATS = 3;
const GOAL_RATIO = 10;
const TENANT = 'scale';

const pad = (i: number) => String(i).padStart(5, '0');

/** The tenant: `N` services in `dev` (every 10th uses profile `web`), and a protected `live` whose log level is its own. */
function tenantDocuments(services: number): SeedDocument[] {
  return [
    { collection: 'settings', key: 'global', content: { log: { level: 'info' }, replicas: 1 } },
    { collection: 'settings', key: 'envs/dev', content: { region: 'eu-west-1' } },
    { collection: 'profiles', key: 'web', content: { resources: { cpu: '250m' } } },
    ...Array.from({ length: services }, (_, i) => ({
      collection: 'settings',
      key: `envs/dev/services/s${pad(i)}`,
      content: i % 10 === 0 ? { replicas: 2, web: { $profile: 'web' } } : { replicas: 2, name: `s${pad(i)}` },
    })),
    { collection: 'settings', key: 'envs/live', content: { log: { level: 'warn' } } },
    ...Array.from({ length: 10 }, (_, i) => ({
      collection: 'settings',
      key: `envs/live/services/l${pad(i)}`,
      content: { replicas: 3 },
    })),
  ];
}

/** The most attempts whose lifetimes overlap. */
function maxInFlight(attempts: readonly DynamoAttempt[]): number {
  const edges = attempts.flatMap((a) => [
    [a.start, 1],
    [a.end || a.start, -1],
  ]) as [number, number][];
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let now = 0;
  let most = 0;
  for (const [, step] of edges) {
    now += step;
    most = Math.max(most, now);
  }
  return most;
}

/**
 * Seeds a fresh local runtime with `services` services and measures the
 * routes whose work used to grow per service: writes to `global`, an
 * environment and a profile (with the approval check of a protected
 * environment they leave unchanged), export, an import plan, plus a
 * single service write, an effective read and an approval by link for
 * reference. Each route {@link REPEATS} times; median time, calls of the last.
 */
async function measureAt(services: number, log: (line: string) => void): Promise<ScaleRun> {
  const probe = new DynamoProbe();
  const runtime = await startLocalRuntime({
    logger: silentLogger,
    port: 0,
    dynamoMiddleware: [probe.middleware],
  });
  try {
    const admin = await runtime.tokens.issue({
      tenantId: TENANT,
      userId: 'ada',
      roles: ['admin'],
      ttlSeconds: 3600,
    });
    const approver = await runtime.tokens.issue({
      tenantId: TENANT,
      userId: 'bob',
      roles: ['approver'],
      ttlSeconds: 3600,
    });
    const seeded = performance.now();
    await seedDocuments(runtime, TENANT, tenantDocuments(services));
    const seedSeconds = round((performance.now() - seeded) / 1000);
    log(`  N = ${services}: seeded in ${seedSeconds} s`);
    const call = async (method: string, path: string, body?: unknown, token: string | undefined = admin) => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'plumbline-reason': 'bench',
      };
      if (token) headers.authorization = `Bearer ${token}`;
      if (method !== 'GET' && method !== 'POST') {
        const current = await fetch(`${runtime.url}${path}`, { headers });
        const etag = current.headers.get('etag');
        await current.arrayBuffer();
        if (current.ok && etag) headers['if-match'] = etag;
      }
      probe.reset();
      const started = performance.now();
      const res = await fetch(`${runtime.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      const ms = performance.now() - started;
      const attempts = probe.attempts.filter((a) => a.end > 0);
      return {
        status: res.status,
        text,
        ms,
        profile: callProfile(attempts),
        inFlight: maxInFlight(attempts),
      };
    };
    const protect = await call('PUT', '/v1/environments/live', {
      protected: true,
      approvers: [{ user: 'bob' }],
      reason: 'protect live',
    });
    if (protect.status >= 300) throw new Error(`protecting live answered ${protect.status}: ${protect.text}`);
    const routes: ScaleRoute[] = [];
    const measure = async (
      name: string,
      goal: string,
      request: (i: number) => ReturnType<typeof call>,
    ): Promise<void> => {
      const times: number[] = [];
      // The cold figure first: every copy of the projection dropped, as in a fresh process.
      dropProjectionCaches();
      const cold = await request(REPEATS);
      let last: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < REPEATS; i++) {
        last = await request(i);
        times.push(last.ms);
      }
      if (!last) return;
      routes.push({
        name,
        status: last.status,
        ms: summarize(times).median,
        coldMs: round(cold.ms),
        calls: last.profile.total,
        criticalPath: last.profile.criticalPath,
        maxInFlight: last.inFlight,
        goal,
      });
    };
    const levels = ['debug', 'info', 'trace', 'warn'];
    await measure('PUT global (protected live unchanged)', '2 + pages', (i) =>
      call('PUT', '/v1/settings/global', {
        content: { log: { level: levels[i % 4] }, replicas: 1 },
        reason: 'r',
      }),
    );
    await measure('PUT envs/dev', '2 + pages', (i) =>
      call('PUT', '/v1/settings/envs/dev', { content: { region: `eu-central-${i + 1}` }, reason: 'r' }),
    );
    await measure('PUT profiles/web', '2 + pages', (i) =>
      call('PUT', '/v1/profiles/web', { content: { resources: { cpu: `${250 + i}m` } }, reason: 'r' }),
    );
    await measure('GET export', 'pages', () => call('GET', '/v1/export'));
    await measure('POST import (plan, 100 documents)', '1 + pages', (i) =>
      call('POST', '/v1/import', {
        documents: Array.from({ length: 100 }, (_, j) => ({
          collection: 'settings',
          key: `envs/dev/services/s${pad(j * 7 + 1)}`,
          content: { replicas: 3 + i },
        })),
      }),
    );
    await measure('GET effective (one service)', '1', () =>
      call('GET', '/v1/effective/envs/dev/services/s00010'),
    );
    await measure('PUT one service', '2', (i) =>
      call('PUT', '/v1/settings/envs/dev/services/s00003', { content: { replicas: 4 + i }, reason: 'r' }),
    );
    // The approval happy path: a proposal in live, then bob's approval through his emailed link.
    await measure('POST approval link (approve)', '3', async (i) => {
      const proposed = await call('PUT', '/v1/settings/envs/live/services/l00001', {
        content: { replicas: 5 + i },
        reason: 'r',
      });
      const id = (JSON.parse(proposed.text) as { id?: string }).id;
      let link: string | undefined;
      for (let tries = 0; !link && tries < 200; tries++) {
        link = (await readOutbox(runtime.outboxDir)).find((m) => m.requestId === id && m.links)?.links
          ?.approve;
        if (!link) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const decided = await call('POST', `/v1/approvals/${link?.split('/v1/approvals/')[1]}`, {}, undefined);
      // Let the approved change apply before the next proposal (its If-Match needs the new version).
      for (let tries = 0; tries < 200; tries++) {
        const request = await call('GET', `/v1/change-requests/${id}`, undefined, approver);
        if ((JSON.parse(request.text) as { status?: string }).status !== 'approved') break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return decided;
    });
    return { services, seedSeconds, routes };
  } finally {
    await runtime.close();
    await probe.close();
  }
}

/**
 * Runs {@link measureAt} at each number of services (default 100 and
 * 10 000) and reports the time ratio of the largest over the smallest next
 * to the goal (< 10x), with the peak RSS of the process across the run.
 */
export async function measureScale(
  log: (line: string) => void,
  sizes: readonly number[] = [100, 10_000],
): Promise<ScaleReport> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const runs: ScaleRun[] = [];
    for (const services of sizes) runs.push(await measureAt(services, log));
    const small = runs[0];
    const large = runs.at(-1);
    const ratios = (large?.routes ?? []).map((route) => ({
      name: route.name,
      timeRatio: ratio(route.ms, small?.routes.find((r) => r.name === route.name)?.ms ?? Number.NaN),
      coldRatio: ratio(route.coldMs, small?.routes.find((r) => r.name === route.name)?.coldMs ?? Number.NaN),
      goal: route.goal.includes('pages') ? `< ${GOAL_RATIO}x` : '',
    }));
    return { runs, ratios, goalRatio: GOAL_RATIO, peakRssMB: round(peak / 1024 / 1024) };
  } finally {
    clearInterval(sampler);
  }
}
