import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoConfig } from '../shared/composition/build-local-deps.ts';
import { startLocalRuntime } from '../shared/composition/local-runtime.ts';
import { ROLES } from '../shared/domain/rbac.ts';
import { routeTable } from '../shared/http/route-table.ts';
import { bearer, send } from '../test/support/http-client.ts';
import { sampleFor, urlOf } from '../test/support/route-samples.ts';
import { silentLogger } from '../test/support/silent-logger.ts';
import { ratio, round, summarize } from './stats.ts';

/** Latency and throughput of one scenario. */
export interface Scenario {
  name: string;
  what: string;
  requests: number;
  /** Requests that did not get the expected status. */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  rps: number;
  /** This scenario over the raw GetItem of the same run (>1 = slower / more throughput). */
  vsRawGetItem: { p50: number | null; p99: number | null; rps: number | null };
}

/** The HTTP figures of one run. */
export interface HttpReport {
  concurrency: number;
  warmupSeconds: number;
  measureSeconds: number;
  scenarios: Scenario[];
}

type Step = () => Promise<boolean>;

/** Runs `concurrency` closed-loop workers for `seconds` and records each request's latency. */
async function load(step: (worker: number) => Step, concurrency: number, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      const run = step(w);
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const ok = await run();
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { latencies, errors, elapsed };
}

/**
 * Drives the local runtime over HTTP (keep-alive, `concurrency` workers in
 * this process) and, in the same run, a raw DynamoDB GetItem against the same
 * dynalite: the floor every API read stands on.
 */
export async function measureHttp(
  options: { concurrency: number; warmupSeconds: number; measureSeconds: number },
  log: (line: string) => void,
): Promise<HttpReport> {
  const runtime = await startLocalRuntime({ logger: silentLogger, port: 0 });
  const raw = new DynamoDBClient(localDynamoConfig(runtime.dynamoEndpoint));
  try {
    const tenant = 'bench';
    const token = await runtime.tokens.issue({
      tenantId: tenant,
      userId: 'bench',
      roles: [...ROLES],
      ttlSeconds: 3600,
    });
    const auth = bearer(token);
    const content = {
      replicas: 3,
      image: 'registry.example.com/api:1.2.3',
      limits: { cpu: '500m', memory: '256Mi' },
      flags: { a: true, b: false },
    };
    const put = (path: string, ifMatch?: string) =>
      send(runtime.url, {
        method: 'PUT',
        path,
        headers: { ...auth, 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
        body: JSON.stringify({ content, reason: 'bench' }),
      });
    // The layers a service's effective settings merge, each at version 2.
    for (const path of [
      '/v1/settings/global',
      '/v1/settings/envs/bench',
      '/v1/settings/envs/bench/services/api',
    ]) {
      await put(path);
      await put(path, '"1"');
    }
    const readPath = '/v1/settings/envs/bench/services/api';
    const pk = `${tenant}#settings#envs/bench/services/api`;

    const putVersions = new Map<number, number>();
    const scenarios: { name: string; what: string; step: (w: number) => Step }[] = [
      {
        name: 'raw GetItem',
        what: `DynamoDB GetItem of one version item, SDK straight to dynalite`,
        step: () => async () => {
          const out = await raw.send(
            new GetItemCommand({
              TableName: runtime.tableName,
              Key: { pk: { S: pk }, sk: { S: 'v#000000000002' } },
            }),
          );
          return out.Item !== undefined;
        },
      },
      {
        name: 'raw Query (latest)',
        what: 'DynamoDB Query descending, Limit 1: the one call GET settings makes',
        step: () => async () => {
          const out = await raw.send(
            new QueryCommand({
              TableName: runtime.tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': { S: pk } },
              ScanIndexForward: false,
              Limit: 1,
            }),
          );
          return (out.Items?.length ?? 0) === 1;
        },
      },
      {
        name: 'GET settings',
        what: `GET ${readPath} (latest version)`,
        step: () => async () =>
          (await send(runtime.url, { method: 'GET', path: readPath, headers: auth })).status === 200,
      },
      {
        name: 'PUT settings',
        what: 'PUT /v1/settings/envs/bench/services/put-<worker> with If-Match of its last version (each worker its own document, so every write lands)',
        step: (w) => async () => {
          // The version each worker's document is at survives the warm-up into the measured phase.
          const version = putVersions.get(w) ?? 0;
          const res = await put(
            `/v1/settings/envs/bench/services/put-${w}`,
            version > 0 ? `"${version}"` : undefined,
          );
          if (res.status === 201) putVersions.set(w, version + 1);
          return res.status === 201;
        },
      },
    ];
    const effective = routeTable.find(
      (r) => r.method === 'GET' && r.path.startsWith('/v1/effective') && r.permission !== null,
    );
    if (effective) {
      const sample = sampleFor(effective, routeTable, { env: 'bench', service: 'api' });
      const path = urlOf(sample);
      scenarios.push({
        name: 'GET effective',
        what: `GET ${path} (merge of global, env and service layers)`,
        step: () => async () =>
          (await send(runtime.url, { method: 'GET', path, headers: auth })).status === 200,
      });
    } else {
      log('  no GET /v1/effective route in the route table: GET effective not measured');
    }

    // Warm every scenario up, then measure in rounds of one second per scenario, round-robin,
    // so that a burst of load on a shared machine hits every scenario alike.
    for (const scenario of scenarios) await load(scenario.step, options.concurrency, options.warmupSeconds);
    const samples = scenarios.map(() => ({ latencies: [] as number[], errors: 0, elapsed: 0 }));
    for (let pass = 0; pass < options.measureSeconds; pass++) {
      for (const [i, scenario] of scenarios.entries()) {
        const part = await load(scenario.step, options.concurrency, 1);
        const into = samples[i] as { latencies: number[]; errors: number; elapsed: number };
        into.latencies.push(...part.latencies);
        into.errors += part.errors;
        into.elapsed += part.elapsed;
      }
    }
    const results: Omit<Scenario, 'vsRawGetItem'>[] = scenarios.map((scenario, i) => {
      const { latencies, errors, elapsed } = samples[i] as {
        latencies: number[];
        errors: number;
        elapsed: number;
      };
      const s = summarize(latencies);
      log(
        `  ${scenario.name}: p50 ${s.median} ms, p99 ${s.p99} ms, ${round(latencies.length / elapsed)} req/s (${errors} errors)`,
      );
      return {
        name: scenario.name,
        what: scenario.what,
        requests: latencies.length,
        errors,
        p50Ms: s.median,
        p99Ms: s.p99,
        rps: round(latencies.length / elapsed),
      };
    });
    const base = results[0] as Omit<Scenario, 'vsRawGetItem'>;
    return {
      ...options,
      scenarios: results.map((r) => ({
        ...r,
        vsRawGetItem: {
          p50: ratio(r.p50Ms, base.p50Ms),
          p99: ratio(r.p99Ms, base.p99Ms),
          rps: ratio(r.rps, base.rps),
        },
      })),
    };
  } finally {
    raw.destroy();
    await runtime.close();
  }
}
