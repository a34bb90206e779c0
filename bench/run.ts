/**
 * `npm run bench`: measures, side by side in one run, the Lambda bundles
 * (size, init time, next to a floor bundle of the same AWS SDK clients), the
 * DynamoDB calls of every API route, HTTP latency and throughput of the local
 * runtime next to a raw GetItem, the domain hot paths at 1k/10k/100k keys,
 * and the hostile-request corpus (issue 9) next to a plain GET.
 * Writes `bench/results.json` and prints a table per part. Not a test: it
 * asserts nothing. `bench/README.md` explains every figure.
 * `BENCH_ONLY=hostile` runs only the hostile corpus and updates that part of
 * an existing `results.json`; `BENCH_ONLY=bundles` does the same for the bundles.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { measureBundles } from './bundles.ts';
import { measureClientBundle } from './client-size.ts';
import { measureDomain } from './domain-hot-paths.ts';
import { measureDynamoCalls } from './dynamo-calls.ts';
import { type HostileReport, measureHostile } from './hostile.ts';
import { measureHttp } from './http-latency.ts';
import { measureScale, type ScaleReport } from './scale.ts';

const RUNS = Math.max(15, Number(process.env.BENCH_INIT_RUNS ?? 15));
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_HTTP_CONCURRENCY ?? 8);
const HOSTILE_TIMEOUT_MS = Number(process.env.BENCH_HOSTILE_TIMEOUT_MS ?? 30_000);
const ONLY = process.env.BENCH_ONLY;

const log = (line: string) => process.stdout.write(`${line}\n`);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function table(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) return;
  const headers = Object.keys(rows[0] as object);
  const cells = rows.map((r) => headers.map((h) => String(r[h] ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] as number)).join('  ');
  log(line(headers));
  log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) log(line(c));
  log('');
}

async function hostilePart(step: string): Promise<HostileReport> {
  log(`${step} Hostile requests (issue 9), each timed out after ${HOSTILE_TIMEOUT_MS / 1000} s`);
  const hostile = await measureHostile({ timeoutMs: HOSTILE_TIMEOUT_MS }, log);
  log('');
  table(
    hostile.cases.map((c) => ({
      case: c.name,
      status: c.status,
      ms: c.ms,
      'x GET p50': c.vsPlainGet,
      'worst other GET ms': c.worstConcurrentGetMs,
      'other GET after': c.bystanderAfter,
      'set-up refused': c.prepareFailures.length,
      restarted: c.restarted ? 'yes' : '',
    })),
  );
  const { singleRequest, concurrentGet } = hostile.worst;
  log(
    `Plain GET p50 ${hostile.plainGet.p50Ms} ms. Worst hostile request: ${singleRequest.name}, ${singleRequest.ms} ms = ${singleRequest.vsPlainGetP50}x; ` +
      `worst other tenant's GET: ${concurrentGet.ms} ms = ${concurrentGet.vsPlainGetP50}x (during ${concurrentGet.name}). Goal: <= ${hostile.goalRatio}x.\n`,
  );
  return hostile;
}

/** The goal of issue 10: every function within this factor of its floor, on cold-start bytes and init. */
const BUNDLE_GOAL = 1.15;

async function bundlesPart(step: string): Promise<Awaited<ReturnType<typeof measureBundles>>> {
  log(`${step} Lambda bundles (code-split) and module init, each against a floor of only its SDK clients`);
  const bundles = await measureBundles(RUNS, log);
  log('');
  table(
    bundles.entries.map((e) => ({
      entry: e.entry,
      'cold size': kib(e.bytes),
      // Files loaded at cold start, the function's and its floor's (both built by buildHouseBundle).
      'cold files': `${e.coldFiles}/${e.floor.coldFiles}`,
      'all chunks': kib(e.totalBytes),
      'init p50 ms': e.initMs.median,
      'init p90 ms': e.initMs.p90,
      'floor size': kib(e.floor.bytes),
      'floor p50': e.floor.initMs.median,
      'size x': e.ratio.bytes,
      'init x': e.ratio.initMedian,
      // For information: against the same clients with the SDK command classes in the cold-start chunks.
      'size x cmds': e.ratioWithCommands.bytes ?? '',
      'init x cmds': e.ratioWithCommands.initMedian ?? '',
      // Against the bare DynamoDBClient without commands, for functions that use lib-dynamodb.
      'size x bare': e.ratioWithoutDocumentClient?.bytes ?? '',
      'init x bare': e.ratioWithoutDocumentClient?.initMedian ?? '',
      // Cold start plus the chunks of the first request's route group (lightest-heaviest), for lazily routed functions.
      'with route group': e.firstRequest
        ? `${(e.firstRequest.lightest.bytes / 1024).toFixed(1)}-${kib(e.firstRequest.heaviest.bytes)}`
        : '',
      clients: e.coldSdkClients.map((c) => c.replace('@aws-sdk/client-', '')).join(' ') || 'none',
      error: e.error ?? '',
    })),
  );
  // A function that loads no SDK client at cold start (system, the authorizers, the Cognito trigger, whose
  // clients load on first use) has an empty cold-start floor: its goal is to carry none, not a ratio.
  const over = bundles.entries.filter(
    (e) =>
      e.coldSdkClients.length > 0 &&
      ((e.ratio.bytes ?? 0) > BUNDLE_GOAL || (e.ratio.initMedian ?? 0) > BUNDLE_GOAL),
  );
  log(
    `(node -e 0: p50 ${bundles.nodeEmptyProcessMs.median} ms per process; "x" is against a floor of the function's cold-start SDK clients, DynamoDBDocumentClient where it uses lib-dynamodb; "x cmds", for information, against the same clients with the SDK command classes in its cold-start chunks (the commands its cold-start modules reference); "x bare" against the bare DynamoDBClient) Goal: <= ${BUNDLE_GOAL}x on size and init; ` +
      (over.length === 0
        ? 'every function meets it.\n'
        : `over it: ${over.map((e) => e.entry).join(', ')}.\n`),
  );
  return bundles;
}

async function callsPart(step: string): Promise<Awaited<ReturnType<typeof measureDynamoCalls>>> {
  log(`${step} DynamoDB calls per route (typical request)`);
  const calls = await measureDynamoCalls();
  table(
    calls.map((c) => ({
      route: c.route,
      status: c.status,
      calls: c.total,
      'critical path': c.criticalPath,
      goal: c.goal ?? '',
      ops: c.ops.join(' > '),
    })),
  );
  return calls;
}

async function scalePart(step: string): Promise<ScaleReport> {
  log(`${step} Scale (issue 11): routes that used to grow per service, at N = 100 and 10 000 services`);
  const scale = await measureScale(log);
  log('');
  for (const run of scale.runs) {
    log(`N = ${run.services} (seeded in ${run.seedSeconds} s)`);
    table(
      run.routes.map((r) => ({
        route: r.name,
        status: r.status,
        'median ms': r.ms,
        'cold ms': r.coldMs,
        calls: r.calls,
        'critical path': r.criticalPath,
        goal: r.goal,
        'max in flight': r.maxInFlight,
      })),
    );
  }
  table(
    scale.ratios.map((r) => ({
      route: r.name,
      'time x (largest/smallest N)': r.timeRatio,
      'cold x': r.coldRatio,
      goal: r.goal,
    })),
  );
  log(`Peak RSS across the scale run (local runtime in this process): ${scale.peakRssMB} MB\n`);
  return scale;
}

async function main(): Promise<void> {
  const started = performance.now();
  log(
    `Plumbline bench on Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})\n`,
  );
  const file = join(import.meta.dirname, 'results.json');
  if (ONLY === 'hostile') {
    const previous = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
    const hostile = await hostilePart('1/1');
    await writeFile(file, `${JSON.stringify({ ...previous, hostile }, null, 2)}\n`);
    log(`Updated the hostile part of ${file}`);
    return;
  }
  if (ONLY === 'scale') {
    const previous = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
    const dynamoCalls = await callsPart('1/2');
    const scale = await scalePart('2/2');
    await writeFile(file, `${JSON.stringify({ ...previous, dynamoCalls, scale }, null, 2)}\n`);
    log(`Updated the dynamoCalls and scale parts of ${file}`);
    return;
  }

  if (ONLY === 'bundles') {
    const previous = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
    const bundles = await bundlesPart('1/1');
    await writeFile(file, `${JSON.stringify({ ...previous, bundles }, null, 2)}\n`);
    log(`Updated the bundles part of ${file}`);
    return;
  }

  const bundles = await bundlesPart('1/6');

  const calls = await callsPart('2/6');

  log(`3/6 HTTP through the local runtime (${CONCURRENCY} concurrent, ${SECONDS} s each after 1 s warm-up)`);
  const http = await measureHttp(
    { concurrency: CONCURRENCY, warmupSeconds: 1, measureSeconds: SECONDS },
    log,
  );
  log('');
  table(
    http.scenarios.map((s) => ({
      scenario: s.name,
      'p50 ms': s.p50Ms,
      'p99 ms': s.p99Ms,
      'req/s': s.rps,
      'p50 x raw': s.vsRawGetItem.p50,
      'p99 x raw': s.vsRawGetItem.p99,
      'req/s x raw': s.vsRawGetItem.rps,
      errors: s.errors,
    })),
  );

  log('4/6 Domain hot paths');
  const domain = await measureDomain(log);
  log('');
  table(
    domain.results.map((r) => ({
      op: r.op,
      keys: r.keys,
      'median ms': r.medianMs,
      'alloc MB': r.allocatedMB,
      'peak RSS +MB': r.peakRssGrowthMB,
      'patch ops': r.patchOps,
    })),
  );
  table(
    domain.growth.map((g) => ({
      op: g.op,
      'time 10k/1k': g.time10kOver1k,
      'time 100k/10k': g.time100kOver10k,
      'alloc 100k/10k': g.alloc100kOver10k,
    })),
  );

  const hostile = await hostilePart('5/6');
  const scale = await scalePart('6/6');

  const results = {
    generatedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGB: Math.round(totalmem() / 1024 ** 3),
    },
    durationSeconds: Math.round((performance.now() - started) / 1000),
    bundles,
    dynamoCalls: calls,
    http,
    domain,
    hostile,
    scale,
    clientBundle: await measureClientBundle(log),
  };
  Object.assign(results, { drift: await (await import('./drift-engine.ts')).measureDriftEngine(log) });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`Wrote ${file} in ${results.durationSeconds} s`);
}

main().then(
  // Why exit explicitly: SDK clients' keep-alive sockets to dynalite can hold the event loop
  // open after the figures are written; the bench is done, so it ends here.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
