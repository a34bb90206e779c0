import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { round, summarize } from './stats.ts';

/** One request the corpus sends. */
interface HostileRequest {
  method: string;
  /** Path and query string. */
  path: string;
  /** Raw body text (hostile keys such as `__proto__` need raw JSON: an object literal would set a prototype). */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One hostile case: what the attacker sets up in their own tenant, then the request that is timed. */
interface HostileCase {
  name: string;
  what: string;
  /** Requests that set the case up (profiles, schemas, layers), sent in order, untimed. */
  prepare?: HostileRequest[];
  request: HostileRequest;
}

/** What one case did. */
export interface HostileResult {
  name: string;
  what: string;
  /** HTTP status, or `timeout` when no answer came within the client timeout, or `error`. */
  status: number | 'timeout' | 'error';
  ms: number;
  /** `ms` over the plain GET p50. */
  vsPlainGet: number | null;
  /** Another tenant's plain GETs sent one after another while the hostile request ran. */
  concurrentGets: number;
  /** The slowest of them (a timed-out one counts as the timeout). */
  worstConcurrentGetMs: number;
  /** The other tenant's GET right after the case: 200 unless the case broke the process for everyone. */
  bystanderAfter: number | 'timeout' | 'error';
  /** Set-up requests that did not get a 2xx (the case then measures what it could). */
  prepareFailures: string[];
  /** True when the runtime had to be killed and restarted after the case (it stopped answering). */
  restarted: boolean;
}

/** The hostile-corpus figures of one run. */
export interface HostileReport {
  clientTimeoutMs: number;
  /** Plain GET (another tenant's settings) before the corpus, sequential. */
  plainGet: { p50Ms: number; p99Ms: number; n: number };
  goal: string;
  goalRatio: number;
  cases: HostileResult[];
  worst: {
    singleRequest: { name: string; ms: number; vsPlainGetP50: number | null };
    concurrentGet: { name: string; ms: number; vsPlainGetP50: number | null };
  };
}

const GOAL_RATIO = 50;
const BYSTANDER = 'bystander';
const BYSTANDER_PATH = '/v1/settings/envs/dev/services/api';

const json = (value: unknown) => JSON.stringify(value);
const put = (path: string, body: unknown): HostileRequest => ({
  method: 'PUT',
  path,
  body: json(body),
  contentType: 'application/json',
});
const putRaw = (path: string, body: string): HostileRequest => ({
  method: 'PUT',
  path,
  body,
  contentType: 'application/json',
});
const keys = (n: number, value: (i: number) => unknown) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value(i)]));
const layer = '/v1/settings/envs/dev/services/s';
const profile = (name: string, content: unknown) => put(`/v1/profiles/${name}`, { content, reason: 'bench' });
const schema = (body: Record<string, unknown>) =>
  put('/v1/schemas/services/s', { rules: [], strict: false, reason: 'bench', ...body });
const importPlan = (documents: unknown[]): HostileRequest => ({
  method: 'POST',
  path: '/v1/import?mode=plan',
  body: json({ documents }),
  contentType: 'application/json',
});

/** The corpus: every reproduction of issue 9 and variants. Each case runs in a tenant of its own. */
function corpus(): HostileCase[] {
  const evil = (n: number) => `${'a'.repeat(n)}!`;
  const list35k = Array.from({ length: 3500 }, (_, i) => `item-${String(i).padStart(4, '0')}`);
  // The list's bounds, declared as a schema would (a cost estimator reads maxItems and maxLength).
  const boundedItems = {
    type: 'object',
    properties: { items: { type: 'array', maxItems: 3500, items: { type: 'string', maxLength: 9 } } },
  };
  return [
    {
      name: 'proto-validate',
      what: 'POST /v1/validate with content {"__proto__": {"$profile": "x"}} (repro 1)',
      prepare: [profile('x', { image: 'evil:1' })],
      request: {
        method: 'POST',
        path: '/v1/validate/envs/dev/services/s',
        body: '{"content":{"__proto__":{"$profile":"x"}}}',
        contentType: 'application/json',
      },
    },
    {
      name: 'proto-put',
      what: 'PUT a layer with content {"__proto__": {"$profile": "x"}} (repro 1)',
      prepare: [profile('x', { image: 'evil:1' })],
      request: putRaw(layer, '{"content":{"__proto__":{"$profile":"x"}},"reason":"r"}'),
    },
    {
      name: 'proto-constructor',
      what: 'PUT a layer with content {"constructor": {"prototype": {"approved": true}}}',
      request: putRaw(layer, '{"content":{"constructor":{"prototype":{"approved":true}}},"reason":"r"}'),
    },
    {
      name: 'proto-json-patch',
      what: 'PATCH (JSON Patch) adding /__proto__/approved and /constructor/prototype/x',
      prepare: [put(layer, { content: { a: 1 }, reason: 'r' })],
      request: {
        method: 'PATCH',
        path: layer,
        body: json([
          { op: 'add', path: '/__proto__/approved', value: true },
          { op: 'add', path: '/constructor/prototype/x', value: 1 },
        ]),
        contentType: 'application/json-patch+json',
        headers: { 'plumbline-reason': 'r', 'if-match': '"1"' },
      },
    },
    {
      name: 'proto-merge-patch',
      what: 'PATCH (merge patch) {"__proto__": {"approved": true}}',
      prepare: [put(layer, { content: { a: 1 }, reason: 'r' })],
      request: {
        method: 'PATCH',
        path: layer,
        body: '{"__proto__":{"approved":true}}',
        contentType: 'application/merge-patch+json',
        headers: { 'plumbline-reason': 'r', 'if-match': '"1"' },
      },
    },
    {
      name: 'proto-profile',
      what: 'PUT a profile with content {"__proto__": {"image": "evil"}}',
      request: putRaw('/v1/profiles/p', '{"content":{"__proto__":{"image":"evil"}},"reason":"r"}'),
    },
    {
      name: 'proto-import',
      what: 'POST /v1/import?mode=plan with a layer whose content holds __proto__',
      request: {
        method: 'POST',
        path: '/v1/import?mode=plan',
        body: '{"documents":[{"collection":"settings","key":"envs/dev/services/s","content":{"__proto__":{"$profile":"x"}}}]}',
        contentType: 'application/json',
      },
    },
    ...[31, 64].map(
      (n): HostileCase => ({
        name: `regex-pattern-${n}`,
        what: `schema pattern ^(a+)+$, then a layer whose value is ${n} a's and a "!" (repro 4)`,
        prepare: [
          schema({
            schema: { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } },
          }),
        ],
        request: put(layer, { content: { name: evil(n) }, reason: 'r' }),
      }),
    ),
    {
      name: 'regex-pattern-schema-write',
      what: 'a layer with 31 a\'s and "!" first, then the schema with pattern ^(a+)+$ (the schema write validates it)',
      prepare: [put(layer, { content: { name: evil(31) }, reason: 'r' })],
      request: schema({
        schema: { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } },
      }),
    },
    {
      name: 'cel-matches-31',
      what: "CEL rule self.name.matches('^(a+)+$'), then a layer with 31 a's and \"!\"",
      prepare: [
        schema({
          schema: { type: 'object' },
          rules: [{ id: 'm', expr: "self.name.matches('^(a+)+$')", message: 'm' }],
        }),
      ],
      request: put(layer, { content: { name: evil(31) }, reason: 'r' }),
    },
    {
      name: 'cel-nested-comprehension',
      what: 'CEL rule self.items.all(x, self.items.all(y, size(x) + size(y) > 0)) over a 35 KB list, bounds declared (repro 4)',
      prepare: [
        schema({
          schema: boundedItems,
          rules: [
            { id: 'n', expr: 'self.items.all(x, self.items.all(y, size(x) + size(y) > 0))', message: 'n' },
          ],
        }),
      ],
      request: put(layer, { content: { items: list35k }, reason: 'r' }),
    },
    {
      name: 'cel-triple-comprehension',
      what: 'CEL rule with three nested all() over a 35 KB list, in a schema that declares no bounds',
      prepare: [
        schema({
          schema: { type: 'object' },
          rules: [
            {
              id: 't',
              expr: 'self.items.all(x, self.items.all(y, self.items.all(z, size(x) + size(y) + size(z) > 0)))',
              message: 't',
            },
          ],
        }),
      ],
      request: put(layer, { content: { items: list35k }, reason: 'r' }),
    },
    {
      name: 'schema-recursive-anyof',
      what: 'schema write of a 60-byte recursive anyOf (evaluation doubles per nesting level: refused at write)',
      request: schema({
        schema: {
          anyOf: [
            { properties: { a: { $ref: '#' }, b: { type: 'string' } } },
            { properties: { a: { $ref: '#' }, b: { type: 'number' } } },
          ],
        },
      }),
    },
    {
      name: 'schema-wide-anyof-unknown-keys',
      what: 'schema with a 1,000-branch anyOf under additionalProperties, then a layer with 8,000 keys',
      prepare: [
        schema({
          schema: {
            type: 'object',
            additionalProperties: {
              anyOf: Array.from({ length: 1000 }, (_, i) => ({
                type: 'object',
                properties: { [`p${i}`]: { type: 'string' } },
              })),
            },
          },
        }),
      ],
      request: put(layer, { content: keys(8000, () => ({ q: 1 })), reason: 'r' }),
    },
    {
      name: 'schema-every-error-4000x1000',
      what: 'schema applying one check 4,000 times to each value (within the 4,096 limit), then 1,000 bad values',
      prepare: [
        schema({
          schema: {
            type: 'object',
            additionalProperties: { allOf: Array.from({ length: 1000 }, () => ({ type: 'string' })) },
          },
        }),
      ],
      request: put(layer, { content: keys(1000, (i) => i), reason: 'r' }),
    },
    ...(
      [
        [200, 200],
        [250, 1000],
      ] as const
    ).map(
      ([refs, size]): HostileCase => ({
        name: `profile-refs-${refs}x${size}`,
        what: `a layer with ${refs} $profile references to a ${size}-key profile (repro 4)`,
        prepare: [
          profile(
            'big',
            keys(size, (i) => `value-${i}`),
          ),
        ],
        request: put(layer, { content: keys(refs, () => ({ $profile: 'big' })), reason: 'r' }),
      }),
    ),
    {
      name: 'import-plan-80+80',
      what: 'import plan of 80 profiles and 80 instance layers referencing them (repro 5)',
      request: importPlan([
        ...Array.from({ length: 80 }, (_, i) => ({
          collection: 'profiles',
          key: `p${i}`,
          content: keys(10, (j) => `v${i}-${j}`),
        })),
        ...Array.from({ length: 80 }, (_, i) => ({
          collection: 'settings',
          key: `envs/dev/services/s${i % 8}/instances/i${i}`,
          content: { $profile: `p${i}`, replicas: i },
        })),
      ]),
    },
    {
      name: 'import-plan-1000',
      what: 'import plan of 1000 service layers (build item 5)',
      request: importPlan(
        Array.from({ length: 1000 }, (_, i) => ({
          collection: 'settings',
          key: `envs/dev/services/s${i}`,
          content: { replicas: i, image: `registry.example.com/s${i}:1` },
        })),
      ),
    },
    {
      name: 'global-write-fanout',
      what: 'a global write that re-validates 200 services in 10 environments, each with a registry policy (build item 5)',
      prepare: [
        put('/v1/settings/global', { content: { replicas: 1 }, reason: 'r' }),
        ...Array.from({ length: 10 }, (_, e) =>
          put(`/v1/policies/envs/e${e}`, {
            policy: { allowedRegistries: ['registry.example.com/'] },
            reason: 'r',
          }),
        ),
        ...Array.from({ length: 200 }, (_, i) =>
          put(`/v1/settings/envs/e${i % 10}/services/f${i}`, {
            content: { image: `registry.example.com/f${i}:1` },
            reason: 'r',
          }),
        ),
      ],
      request: {
        ...put('/v1/settings/global', { content: { replicas: 2 }, reason: 'r' }),
        headers: { 'if-match': '"1"' },
      },
    },
  ];
}

/** A runtime in a child process. */
interface Server {
  url: string;
  tokens: Record<string, string>;
  child: ChildProcess;
}

async function startServer(tenants: string[]): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'hostile-server.ts'), ...tenants],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end >= 0) resolve(text.slice(0, end));
    });
    child.once('exit', (code) => reject(new Error(`hostile server exited (${code})`)));
  });
  const { url, tokens } = JSON.parse(line) as { url: string; tokens: Record<string, string> };
  return { url, tokens, child };
}

async function stopServer(server: Server, force = false): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill(force ? 'SIGKILL' : 'SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Sends one request with a client timeout; the status is `timeout` when none came in time. */
async function timed(
  server: Server,
  tenant: string,
  req: HostileRequest,
  timeoutMs: number,
): Promise<{ status: number | 'timeout' | 'error'; ms: number }> {
  const started = performance.now();
  try {
    const res = await fetch(`${server.url}${req.path}`, {
      method: req.method,
      headers: {
        authorization: `Bearer ${server.tokens[tenant]}`,
        ...(req.contentType ? { 'content-type': req.contentType } : {}),
        ...req.headers,
      },
      ...(req.body === undefined ? {} : { body: req.body }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return { status: res.status, ms: round(performance.now() - started) };
  } catch (error) {
    const name = (error as Error).name;
    return {
      status: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'error',
      ms: round(performance.now() - started),
    };
  }
}

const plainGet: HostileRequest = { method: 'GET', path: BYSTANDER_PATH };

async function seedBystander(server: Server, timeoutMs: number): Promise<void> {
  const res = await timed(
    server,
    BYSTANDER,
    put(BYSTANDER_PATH, { content: { replicas: 3, image: 'registry.example.com/api:1' }, reason: 'bench' }),
    timeoutMs,
  );
  if (res.status !== 201) throw new Error(`could not seed the bystander tenant: ${res.status}`);
}

/**
 * Sends every hostile case of issue 9 (and variants) to a local runtime
 * running in a child process, each from a tenant of its own, while another
 * tenant sends plain GETs one after another; records each case's status and
 * time and the slowest concurrent GET, as ratios to a plain GET's p50. A
 * runtime that stops answering is killed and replaced, so the corpus runs
 * whatever state the fixes are in.
 *
 * `only` restricts the run to the named cases.
 *
 * @example const report = await measureHostile({ timeoutMs: 30_000 }, console.log);
 */
export async function measureHostile(
  options: { timeoutMs: number; only?: readonly string[] },
  log: (line: string) => void,
): Promise<HostileReport> {
  const cases = corpus().filter((c) => !options.only?.length || options.only.includes(c.name));
  const tenants = [BYSTANDER, ...cases.map((_, i) => `hostile-${i}`)];
  let server = await startServer(tenants);
  try {
    await seedBystander(server, options.timeoutMs);
    for (let i = 0; i < 20; i++) await timed(server, BYSTANDER, plainGet, options.timeoutMs);
    const baseline: number[] = [];
    for (let i = 0; i < 100; i++)
      baseline.push((await timed(server, BYSTANDER, plainGet, options.timeoutMs)).ms);
    const base = summarize(baseline);
    log(`  plain GET (another tenant): p50 ${base.median} ms, p99 ${base.p99} ms`);
    const ratioToBase = (ms: number) => (base.median > 0 ? round(ms / base.median) : null);

    const results: HostileResult[] = [];
    for (const [i, hostile] of cases.entries()) {
      const tenant = `hostile-${i}`;
      const prepareFailures: string[] = [];
      for (const step of hostile.prepare ?? []) {
        const res = await timed(server, tenant, step, options.timeoutMs);
        if (typeof res.status !== 'number' || res.status >= 300) {
          prepareFailures.push(`${step.method} ${step.path.split('?')[0]}: ${res.status}`);
        }
      }
      let done = false;
      const gets: number[] = [];
      const bystander = (async () => {
        while (!done) gets.push((await timed(server, BYSTANDER, plainGet, options.timeoutMs)).ms);
      })();
      const outcome = await timed(server, tenant, hostile.request, options.timeoutMs);
      done = true;
      await bystander;
      const after = await timed(server, BYSTANDER, plainGet, Math.min(options.timeoutMs, 10_000));
      let restarted = false;
      if (after.status !== 200) {
        // The runtime stopped answering (or answers everyone with errors): replace it for the next case.
        await stopServer(server, true);
        server = await startServer(tenants);
        await seedBystander(server, options.timeoutMs);
        restarted = true;
      }
      const worstGet = Math.max(0, ...gets);
      const result: HostileResult = {
        name: hostile.name,
        what: hostile.what,
        status: outcome.status,
        ms: outcome.ms,
        vsPlainGet: ratioToBase(outcome.ms),
        concurrentGets: gets.length,
        worstConcurrentGetMs: round(worstGet),
        bystanderAfter: after.status,
        prepareFailures,
        restarted,
      };
      results.push(result);
      log(
        `  ${hostile.name}: ${outcome.status} in ${outcome.ms} ms (${result.vsPlainGet}x); worst concurrent GET ${result.worstConcurrentGetMs} ms; bystander after: ${after.status}${restarted ? ' (runtime restarted)' : ''}${prepareFailures.length > 0 ? `; set-up failed: ${prepareFailures.join(', ')}` : ''}`,
      );
    }
    const worstSingle = results.reduce((a, b) => (b.ms > a.ms ? b : a));
    const worstGet = results.reduce((a, b) => (b.worstConcurrentGetMs > a.worstConcurrentGetMs ? b : a));
    return {
      clientTimeoutMs: options.timeoutMs,
      plainGet: { p50Ms: base.median, p99Ms: base.p99, n: base.n },
      goal: `every hostile request refused or answered within ${GOAL_RATIO}x a plain GET's p50, and no other tenant's GET slower than that`,
      goalRatio: GOAL_RATIO,
      cases: results,
      worst: {
        singleRequest: { name: worstSingle.name, ms: worstSingle.ms, vsPlainGetP50: worstSingle.vsPlainGet },
        concurrentGet: {
          name: worstGet.name,
          ms: worstGet.worstConcurrentGetMs,
          vsPlainGetP50: ratioToBase(worstGet.worstConcurrentGetMs),
        },
      },
    };
  } finally {
    await stopServer(server);
  }
}
