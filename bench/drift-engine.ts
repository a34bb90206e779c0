/**
 * Drift engine and cluster read figures (issue 14):
 * 1. `detectDrift` on 10 000 workloads (10 % drifted: image, CPU request,
 *    label) next to microdiff over the same desired/observed object pairs:
 *    goal within 2x microdiff's time and under 256 MB.
 * 2. A 5 000-workload cluster read through the loopback fixture API server
 *    (TLS, bearer token, pages of 500) with `KubernetesClusterReader` and
 *    then compared: goal within 60 s and 512 MB.
 * Memory is the growth of RSS over the run, sampled every 5 ms (an upper
 * bound of what the step needs, since garbage is not forced out).
 * `npx tsx bench/drift-engine.ts` runs it alone.
 */

import diff from 'microdiff';
import { KubernetesClusterReader } from '../shared/adapters/k8s/kubernetes-cluster-reader.ts';
import { detectDrift } from '../shared/domain/drift/detect-drift.ts';
import type { ObservedWorkload } from '../shared/domain/drift/observed-state.ts';
import type { JsonObject } from '../shared/domain/json-value.ts';
import { bulkNamespace, startFakeApiServer } from '../test/fixtures/k8s/fake-kube-apiserver.ts';

/** The figures of {@link measureDriftEngine}. */
export interface DriftBenchReport {
  engine: {
    workloads: number;
    findings: number;
    medianMs: number;
    microdiffMedianMs: number;
    vsMicrodiff: number;
    rssGrowthMB: number;
    goal: string;
  };
  clusterRead: {
    workloads: number;
    readMs: number;
    detectMs: number;
    totalMs: number;
    rssGrowthMB: number;
    goal: string;
  };
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Runs `fn` while sampling RSS; returns its result, duration and RSS growth in MB. */
async function measured<T>(fn: () => T | Promise<T>): Promise<{ value: T; ms: number; rssGrowthMB: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  const value = await fn();
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { value, ms, rssGrowthMB: round((peak - base) / 2 ** 20) };
}

function settingsFor(i: number): JsonObject {
  return {
    image: `registry.example.com/shop/svc-${i}:1.${i % 50}.0`,
    replicas: 2 + (i % 5),
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    labels: { app: `svc-${i}`, team: `team-${i % 20}` },
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
  };
}

function workloadFor(i: number, settings: JsonObject): ObservedWorkload {
  const drifted = i % 10 === 0;
  return {
    namespace: 'shop',
    kind: 'Deployment',
    name: `svc-${i}`,
    labels: drifted ? { app: `svc-${i}` } : { ...(settings.labels as Record<string, string>) },
    replicas: settings.replicas as number,
    podSecurityContext: { runAsNonRoot: true, runAsUser: 1000 },
    containers: [
      {
        name: 'server',
        image: drifted ? `registry.example.com/shop/svc-${i}:9.9.9` : (settings.image as string),
        resources: {
          requests: { cpu: drifted ? '0.4' : '250m', memory: '256Mi' },
          limits: { cpu: '500m', memory: '512Mi' },
        },
        securityContext: { allowPrivilegeEscalation: false },
      },
    ],
  };
}

/** The observed workload in the settings' shape, for microdiff to compare like with like. */
function asSettings(w: ObservedWorkload): JsonObject {
  const container = w.containers[0];
  return {
    image: container?.image ?? null,
    replicas: w.replicas ?? null,
    resources: container?.resources as JsonObject,
    labels: w.labels,
    securityContext: {
      runAsNonRoot: (container?.securityContext?.runAsNonRoot ??
        w.podSecurityContext?.runAsNonRoot ??
        null) as boolean,
      allowPrivilegeEscalation: (container?.securityContext?.allowPrivilegeEscalation ?? null) as boolean,
    },
  };
}

async function engineFigures(log: (line: string) => void): Promise<DriftBenchReport['engine']> {
  const count = 10_000;
  const services: Record<string, JsonObject> = {};
  const workloads: ObservedWorkload[] = [];
  for (let i = 0; i < count; i++) {
    const settings = settingsFor(i);
    services[`svc-${i}`] = settings;
    workloads.push(workloadFor(i, settings));
  }
  const input = {
    policy: { watch: { namespaces: ['shop'] }, tolerances: { default: 0.1 } },
    services,
    observed: { workloads, hpas: [] },
    environment: { protected: false },
  };
  const pairs = workloads.map((w) => [services[w.name] as JsonObject, asSettings(w)] as const);
  const runs = 11;
  detectDrift(input);
  for (const [a, b] of pairs) diff(a, b);
  const engineMs: number[] = [];
  const microdiffMs: number[] = [];
  let findings = 0;
  let rssGrowthMB = 0;
  for (let r = 0; r < runs; r++) {
    const engine = await measured(() => detectDrift(input));
    engineMs.push(engine.ms);
    findings = engine.value.findings.length;
    rssGrowthMB = Math.max(rssGrowthMB, engine.rssGrowthMB);
    const plain = await measured(() => {
      let changes = 0;
      for (const [a, b] of pairs) changes += diff(a, b).length;
      return changes;
    });
    microdiffMs.push(plain.ms);
  }
  const medianMs = round(median(engineMs), 2);
  const microdiffMedianMs = round(median(microdiffMs), 2);
  log(
    `  engine ${medianMs} ms, microdiff ${microdiffMedianMs} ms over ${count} workloads (${findings} findings)`,
  );
  return {
    workloads: count,
    findings,
    medianMs,
    microdiffMedianMs,
    vsMicrodiff: round(medianMs / microdiffMedianMs, 2),
    rssGrowthMB,
    goal: 'within 2x microdiff, under 256 MB',
  };
}

async function clusterFigures(log: (line: string) => void): Promise<DriftBenchReport['clusterRead']> {
  const count = 5_000;
  const token = 'bench-token';
  const api = await startFakeApiServer({ token, namespaces: { bulk: bulkNamespace('bulk', count) } });
  try {
    const reader = new KubernetesClusterReader();
    const run = await measured(async () => {
      const started = performance.now();
      const observed = await reader.read(
        { endpoint: api.endpoint, caData: api.caPem, bearerToken: async () => token },
        { namespaces: ['bulk'], labelSelector: 'drift-monitoring=enabled', pageSize: 500 },
      );
      const readMs = performance.now() - started;
      const services: Record<string, JsonObject> = {};
      for (const w of observed.workloads.slice(0, count / 2))
        services[w.name] = { image: 'registry.example.com/x:1' };
      const policy = {
        watch: { namespaces: ['bulk'] },
        workloads: Object.fromEntries(
          observed.workloads
            .slice(0, count / 2)
            .map((w) => [w.name, { namespace: w.namespace, kind: w.kind, name: w.name }]),
        ),
      };
      const detected = detectDrift({ policy, services, observed, environment: { protected: false } });
      return { readMs, detectMs: performance.now() - started - readMs, workloads: detected.workloads };
    });
    log(
      `  read ${run.value.workloads} workloads in ${round(run.value.readMs)} ms, compared in ${round(run.value.detectMs)} ms`,
    );
    return {
      workloads: run.value.workloads,
      readMs: round(run.value.readMs),
      detectMs: round(run.value.detectMs),
      totalMs: round(run.ms),
      rssGrowthMB: run.rssGrowthMB,
      goal: 'within 60 s and 512 MB',
    };
  } finally {
    await api.stop();
  }
}

/** Measures the drift engine and a 5 000-workload cluster read; see the file's comment. */
export async function measureDriftEngine(log: (line: string) => void): Promise<DriftBenchReport> {
  log('Drift engine (issue 14)');
  const engine = await engineFigures(log);
  const clusterRead = await clusterFigures(log);
  return { engine, clusterRead };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  measureDriftEngine((line) => process.stdout.write(`${line}\n`)).then(
    (report) => {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack}\n`);
      process.exit(1);
    },
  );
}
