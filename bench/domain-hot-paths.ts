import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ratio, round } from './stats.ts';

/** One hot path at one size. */
export interface HotPath {
  op: string;
  keys: number;
  documentBytes: number;
  /** RFC 6902 operations between the two benchmark documents (10 % of values changed, 1 % added, 1 % removed). */
  patchOps: number;
  medianMs: number;
  repeats: number;
  /** Heap allocated by one run (young generation large enough that no collection interrupts it): an upper bound of its peak heap. */
  allocatedMB: number;
  /** Growth of the process's peak RSS during that run (0 when it stayed below an earlier peak). */
  peakRssGrowthMB: number;
}

/** The domain figures of one run, with growth factors between sizes. */
export interface DomainReport {
  document: string;
  results: HotPath[];
  /** Per op: time and memory at 10k over 1k and at 100k over 10k (10 = linear). */
  growth: {
    op: string;
    time10kOver1k: number | null;
    time100kOver10k: number | null;
    alloc100kOver10k: number | null;
  }[];
}

const OPS = ['hash', 'diff', 'apply-json-patch', 'apply-merge-patch', 'keys-touched'];
const SIZES = [1_000, 10_000, 100_000];

/** Runs every hot path at every size, each in a fresh Node process. */
export async function measureDomain(log: (line: string) => void): Promise<DomainReport> {
  const dir = await mkdtemp(join(tmpdir(), 'plumbline-bench-domain-'));
  const worker = join(dir, 'domain-worker.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'domain-worker.ts')],
    outfile: worker,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'silent',
  });
  const results: HotPath[] = [];
  for (const keys of SIZES) {
    for (const op of OPS) {
      const repeats = keys >= 100_000 ? 5 : keys >= 10_000 ? 9 : 21;
      const out = await new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '--expose-gc',
            '--min-semi-space-size=256',
            '--max-semi-space-size=256',
            worker,
            op,
            String(keys),
            String(repeats),
          ],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        let text = '';
        child.stdout.on('data', (c: Buffer) => {
          text += c.toString();
        });
        child.on('close', (code) =>
          code === 0 ? resolve(text) : reject(new Error(`${op} ${keys}: exit ${code}`)),
        );
      });
      const r = JSON.parse(out) as {
        medianMs: number;
        allocatedBytes: number;
        peakRssGrowthBytes: number;
        documentBytes: number;
        patchOps: number;
      };
      const row: HotPath = {
        op,
        keys,
        documentBytes: r.documentBytes,
        patchOps: r.patchOps,
        medianMs: round(r.medianMs),
        repeats,
        allocatedMB: round(r.allocatedBytes / 1024 / 1024),
        peakRssGrowthMB: round(r.peakRssGrowthBytes / 1024 / 1024),
      };
      results.push(row);
      log(`  ${op} @ ${keys} keys: ${row.medianMs} ms, ${row.allocatedMB} MB allocated`);
    }
  }
  await rm(dir, { recursive: true, force: true });
  const find = (op: string, keys: number) => results.find((r) => r.op === op && r.keys === keys);
  return {
    document:
      'services > groups > 10 leaves; leaves mix numbers, strings, booleans, small objects and arrays. The second document changes every 10th value, drops every 97th key and adds one key in 100.',
    results,
    growth: OPS.map((op) => ({
      op,
      time10kOver1k: ratio(find(op, 10_000)?.medianMs ?? Number.NaN, find(op, 1_000)?.medianMs ?? Number.NaN),
      time100kOver10k: ratio(
        find(op, 100_000)?.medianMs ?? Number.NaN,
        find(op, 10_000)?.medianMs ?? Number.NaN,
      ),
      alloc100kOver10k: ratio(
        find(op, 100_000)?.allocatedMB ?? Number.NaN,
        find(op, 10_000)?.allocatedMB ?? Number.NaN,
      ),
    })),
  };
}
