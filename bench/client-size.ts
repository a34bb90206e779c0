/**
 * Size of `plumbline/client` as a tenant's service bundles it: esbuild,
 * minified ESM for Node, everything (valibot, yaml, smol-toml) inlined.
 * `buildClientBundle` is also what test/unit/client/bundle.test.ts checks
 * for server-side packages.
 */

import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

/** The client entry point, as the package's `exports["./client"]` names it. */
export const CLIENT_ENTRY = new URL('../shared/client/index.ts', import.meta.url).pathname;

/** The bundled client: the entry chunk, every chunk (YAML and TOML load on first use) and esbuild's metafile. */
export async function buildClientBundle(): Promise<{
  code: Uint8Array;
  chunks: Uint8Array[];
  metafile: Metafile;
}> {
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    splitting: true,
    outdir: 'client-bundle',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const entry = result.outputFiles.find((file) => file.path.endsWith('/index.js'));
  if (!entry) throw new Error('esbuild wrote no index.js');
  return {
    code: entry.contents,
    chunks: result.outputFiles.map((file) => file.contents),
    metafile: result.metafile,
  };
}

/** The figures for `bench/results.json`: bytes minified and gzipped, and the largest packages. */
export async function measureClientBundle(
  log: (line: string) => void,
): Promise<{ bytes: number; gzipBytes: number; allChunksBytes: number; packages: Record<string, number> }> {
  const { code, chunks, metafile } = await buildClientBundle();
  const packages: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = match?.[1] ?? 'plumbline (shared/client)';
      packages[name] = (packages[name] ?? 0) + bytesInOutput;
    }
  }
  const gzipBytes = gzipSync(code).length;
  const allChunksBytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  log(
    `plumbline/client bundle: entry ${(code.length / 1024).toFixed(1)} KiB minified, ${(gzipBytes / 1024).toFixed(1)} KiB gzip; with the YAML/TOML chunks loaded on first use ${(allChunksBytes / 1024).toFixed(1)} KiB (${Object.entries(
      packages,
    )
      .sort((a, b) => b[1] - a[1])
      .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KiB`)
      .join(', ')})\n`,
  );
  return { bytes: code.length, gzipBytes, allChunksBytes, packages };
}
