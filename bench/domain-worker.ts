/**
 * Runs one domain hot path on one document size in a fresh process and
 * prints its figures as JSON. Started by `bench/domain-hot-paths.ts` with
 * `--expose-gc` and a large young generation, so that the heap growth
 * during one run is the memory that run allocated.
 */
import { contentHash } from '../shared/domain/canonical-hash.ts';
import {
  applyJsonPatch,
  applyMergePatch,
  diffDocuments,
  keysTouchedPercent,
} from '../shared/domain/json-patch.ts';
import type { JsonObject, JsonValue } from '../shared/domain/json-value.ts';

const [op = 'hash', keysArg = '1000', repeatsArg = '5'] = process.argv.slice(2);
const keys = Number(keysArg);
const repeats = Number(repeatsArg);

/** The object under `key`, created when missing. */
function child(parent: JsonObject, key: string): JsonObject {
  const existing = parent[key];
  if (existing && typeof existing === 'object' && !Array.isArray(existing)) return existing;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

/** A settings-like document with `n` leaf keys: services > groups > 10 leaves of mixed types. */
function documentOf(n: number, variant: number): JsonObject {
  const doc: JsonObject = {};
  for (let i = 0; i < n; i++) {
    const service = `service-${String(Math.floor(i / 100)).padStart(4, '0')}`;
    const group = `group-${Math.floor(i / 10) % 10}`;
    const leaf = `key-${i % 10}`;
    const svc = child(doc, service);
    const grp = child(svc, group);
    // variant 1 changes every 10th value, drops every 97th key and adds one key in 100
    if (variant === 1 && i % 97 === 0) continue;
    const values: JsonValue[] = [i, `value-${i}`, i % 3 === 0, { cpu: `${i % 8}00m` }, [i, i + 1]];
    grp[leaf] = variant === 1 && i % 10 === 3 ? `changed-${i}` : (values[i % values.length] as JsonValue);
    if (variant === 1 && i % 100 === 42) grp[`${leaf}-added`] = 'added';
  }
  return doc;
}

const before = documentOf(keys, 0);
const after = documentOf(keys, 1);
const patch = diffDocuments(before, after);
const mergePatch: JsonObject = {};
for (const [service, groups] of Object.entries(after)) {
  for (const [group, leaves] of Object.entries(groups as JsonObject)) {
    for (const [leaf, value] of Object.entries(leaves as JsonObject)) {
      const old = ((before[service] as JsonObject | undefined)?.[group] as JsonObject | undefined)?.[leaf];
      if (JSON.stringify(old) !== JSON.stringify(value)) {
        child(child(mergePatch, service), group)[leaf] = value;
      }
    }
  }
}

const ops: Record<string, () => unknown> = {
  hash: () => contentHash(before),
  diff: () => diffDocuments(before, after),
  'apply-json-patch': () => applyJsonPatch(before, patch),
  'apply-merge-patch': () => applyMergePatch(before, mergePatch),
  'keys-touched': () => keysTouchedPercent(before, after),
};
const run = ops[op];
if (!run) throw new Error(`unknown op ${op}`);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

// Memory: one run with the heap settled before it.
gc();
gc();
const heap0 = process.memoryUsage().heapUsed;
const rss0 = process.memoryUsage().rss;
const maxRss0 = process.resourceUsage().maxRSS * 1024;
let sink: unknown = run();
const heap1 = process.memoryUsage().heapUsed;
const maxRss1 = process.resourceUsage().maxRSS * 1024;
sink = undefined;

// Time: median of `repeats` runs, each on a settled heap.
const times: number[] = [];
for (let i = 0; i < repeats; i++) {
  gc();
  const t0 = performance.now();
  sink = run();
  times.push(performance.now() - t0);
  sink = undefined;
}
times.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    op,
    keys,
    patchOps: patch.length,
    documentBytes: JSON.stringify(before).length,
    medianMs: times[Math.floor(times.length / 2)],
    minMs: times[0],
    repeats,
    allocatedBytes: Math.max(0, heap1 - heap0),
    peakRssGrowthBytes: Math.max(0, maxRss1 - Math.max(maxRss0, rss0)),
    sink: sink === undefined,
  }),
);
