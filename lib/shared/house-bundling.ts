import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, buildSync, type Metafile } from 'esbuild';
import { encodeRouteIndex, routeIndexDefine, routeIndexOf } from '../../shared/http/lazy-routes.ts';
import { buildOpenApi } from '../../shared/http/openapi.ts';
import type { RouteContext } from '../../shared/http/route.ts';
import { lazyRouteGroups, routeTable } from '../../shared/http/route-table.ts';

/** The repository root (where package.json, package-lock.json and `lambdas/` live). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * ESM output needs `require` for the CommonJS packages esbuild inlines
 * (their `require('node:...')` calls); the banner gives them one. esbuild
 * puts it at the top of every output file (pass 1's inside the merged code
 * of {@link buildHouseBundle}), so it is written minified: `__cr` cannot meet a minified name,
 * which esbuild makes as short as it can.
 */
export const ESM_REQUIRE_BANNER =
  "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

/**
 * The house esbuild settings for every Lambda bundle, as plain esbuild
 * options: `HouseFunction` hands them to `NodejsFunction` (local esbuild, no
 * Docker), and the bundle test builds with the very same object and loads
 * the result under Node. Minified ESM, `module` before `main` (smaller,
 * faster-loading bundles), the AWS SDK bundled rather than taken from the
 * runtime (it loaded faster bundled, and the version is the one we test).
 */
export const HOUSE_ESBUILD = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  external: [] as string[],
} as const;

/** The file a bundle's entry is written to (the handler is `index.handler`); its chunks sit beside it. */
export const BUNDLE_FILE = 'index.mjs';

/** Where the chunks of a split bundle go, relative to its output folder. */
export const CHUNK_DIR = 'chunks';

/**
 * The complete esbuild options of one Lambda bundle: {@link HOUSE_ESBUILD}
 * with code splitting into `outdir` (entry `index.mjs`, dynamically imported
 * modules in `chunks/`, loaded only when first used), and a metafile for
 * the tests and the bench that look inside bundles. Both passes of
 * {@link buildHouseBundle}, which deploys, use them.
 *
 * @example await esbuild.build(houseBuildOptions(lambdaEntry('http/settings'), outDir));
 */
export function houseBuildOptions(entry: string, outdir: string): BuildOptions & { metafile: true } {
  return {
    ...HOUSE_ESBUILD,
    banner: { ...HOUSE_ESBUILD.banner },
    mainFields: [...HOUSE_ESBUILD.mainFields],
    external: [...HOUSE_ESBUILD.external],
    entryPoints: { index: entry },
    outdir,
    splitting: true,
    entryNames: '[name]',
    chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
    outExtension: { '.js': '.mjs' },
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    // The OpenAPI document, prebuilt from the route table (see shared/http/openapi-document.ts).
    // The route index of each context that loads its routes lazily (see shared/http/lazy-routes.ts).
    define: {
      PLUMBLINE_OPENAPI_PREBUILT: 'true',
      PLUMBLINE_OPENAPI_DOCUMENT: prebuiltOpenApi(),
      ...routeIndexDefines(),
    },
  };
}

let openApiJson: string | undefined;

/**
 * The OpenAPI document as a JavaScript string literal of its JSON, built
 * once per process. A string, not an object: esbuild would hoist an object
 * into the bundle's entry (loaded at cold start); a string stays in the
 * chunk that reads it.
 */
function prebuiltOpenApi(): string {
  openApiJson ??= JSON.stringify(JSON.stringify(buildOpenApi(routeTable)));
  return openApiJson;
}

/**
 * One `define` per context with lazily loaded routes: its route index
 * (front-coded by `encodeRouteIndex`) as a string literal (only the entry
 * that reads it carries it).
 */
function routeIndexDefines(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(lazyRouteGroups).map(([context, groups]) => [
      routeIndexDefine(context as RouteContext),
      JSON.stringify(encodeRouteIndex(routeIndexOf(groups))),
    ]),
  );
}

/** Absolute path of a Lambda entry point, e.g. `lambdaEntry('http/settings')`. */
export function lambdaEntry(name: string): string {
  return join(PROJECT_ROOT, 'lambdas', `${name}.ts`);
}

/**
 * The outputs of a split bundle: those loaded at cold start (the entry
 * `index.mjs` and what it imports statically, transitively) and all of them.
 *
 * @example const { coldStart } = bundleOutputs(result.metafile);
 */
export function bundleOutputs(metafile: Metafile): { coldStart: string[]; all: string[] } {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((name) => name.endsWith(BUNDLE_FILE)) as string;
  const cold = new Set([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    for (const imported of outputs[queue.shift() as string]?.imports ?? []) {
      if (imported.kind === 'import-statement' && outputs[imported.path] && !cold.has(imported.path)) {
        cold.add(imported.path);
        queue.push(imported.path);
      }
    }
  }
  return { coldStart: [...cold], all: Object.keys(outputs).filter((name) => !name.endsWith('.map')) };
}

/** What {@link buildHouseBundle} built. */
export interface HouseBundle {
  /** The metafile of the written bundle (pass 2): its outputs, with their bytes; its inputs are pass 1's files. */
  metafile: Metafile;
  /**
   * The metafile of pass 1 (deleted files; inputs are the source modules). Pass 2 only merges files, so
   * `bundleOutputs(sourceMetafile)` tells which source modules load at cold start and which on first use.
   */
  sourceMetafile: Metafile;
  /** The written outputs loaded at cold start (the entry first), as keys of `metafile.outputs`. */
  coldStart: string[];
}

/**
 * Builds one Lambda bundle into `outdir` as `HouseFunction` deploys it: the
 * entry `index.mjs`, ONE shared chunk it imports statically, and the chunks
 * loaded on first use. esbuild's code splitting alone makes one chunk per
 * distinct set of dynamic-import entry points sharing code (the settings
 * function started with 25 files), and no option merges them (esbuild issues
 * #207, #1128, #3780). So, two passes with the same options
 * ({@link houseBuildOptions}):
 *
 * 1. builds the entry into a temporary folder;
 * 2. writes there `cold-set.mjs`, importing every cold-start chunk in the
 *    order the entry imports them, and prepends `import "<cold-set.mjs>";`
 *    to every output not loaded at cold start (not esbuild's `inject`, which
 *    makes import cycles), then bundles pass 1's `index.mjs` again: every
 *    lazy chunk now reaches every cold chunk, so esbuild puts them all in one
 *    chunk. Nothing moves into or out of the cold start: only files merge.
 *
 * Synchronous: CDK's local bundling is. Pass 1 runs in a child process
 * ({@link buildWithPlugins}: it needs a plugin), pass 2 with `buildSync`. Pass 1's
 * `require` banners end up renamed inside the merged code; pass 2 adds its own.
 *
 * @param options.nodePaths where pass 1 resolves packages from (for an entry outside the project).
 * @throws Error when the entry does not import every cold-start chunk itself (the order of
 *   `cold-set.mjs` would then not be the entry's).
 * @example const { coldStart } = buildHouseBundle(lambdaEntry('http/settings'), outDir);
 */
export function buildHouseBundle(
  entry: string,
  outdir: string,
  options: { nodePaths?: string[] } = {},
): HouseBundle {
  const pass1 = mkdtempSync(join(tmpdir(), 'plumbline-pass1-'));
  try {
    const sourceMetafile = buildWithPlugins({
      ...houseBuildOptions(entry, pass1),
      ...options,
      absWorkingDir: PROJECT_ROOT,
    });
    const { coldStart, all } = bundleOutputs(sourceMetafile);
    const [entryOutput] = coldStart;
    const coldChunks = (sourceMetafile.outputs[entryOutput as string]?.imports ?? [])
      .filter((imported) => imported.kind === 'import-statement' && sourceMetafile.outputs[imported.path])
      .map((imported) => imported.path);
    if (coldChunks.length + 1 !== coldStart.length) {
      throw new Error(`${entry}: the entry does not import every cold-start chunk itself; cannot merge them`);
    }
    // Relative specifiers only, and pass 2 runs in pass 1's folder: the output (chunk names are content
    // hashes over paths relative to the working folder) must not depend on the temporary folder's name,
    // or every synth would make new assets for unchanged code.
    const coldSet = join(pass1, 'cold-set.mjs');
    const absolute = (output: string) => resolve(PROJECT_ROOT, output);
    const specifier = (from: string, to: string) => {
      const path = relative(dirname(from), to);
      return JSON.stringify(path.startsWith('.') ? path : `./${path}`);
    };
    writeFileSync(
      coldSet,
      coldChunks.map((chunk) => `import ${specifier(coldSet, absolute(chunk))};\n`).join(''),
    );
    for (const lazy of all.filter((output) => !coldStart.includes(output))) {
      const file = absolute(lazy);
      writeFileSync(file, `import ${specifier(file, coldSet)};\n${readFileSync(file, 'utf8')}`);
    }
    // Pass 1 already replaced the defines.
    const second = buildSync({
      ...houseBuildOptions(BUNDLE_FILE, resolve(outdir)),
      define: {},
      absWorkingDir: pass1,
    });
    const metafile = rebasePaths(second.metafile, pass1);
    return { metafile, sourceMetafile, coldStart: bundleOutputs(metafile).coldStart };
  } finally {
    rmSync(pass1, { recursive: true, force: true });
  }
}

/**
 * Packages bundled as free of side effects though their package.json does
 * not say so. `@aws-sdk/lib-dynamodb` is the one AWS SDK package we use
 * without `"sideEffects": false`; its index re-exports every command
 * (`export *`), so any module importing one command would carry all of them
 * (Put, Update, Delete, Scan and their client commands, about 3 KiB) into
 * the chunk it sits in: the cold start of functions that only read there.
 * Its modules only declare classes and functions.
 */
export const SIDE_EFFECT_FREE_PACKAGES: readonly string[] = ['@aws-sdk/lib-dynamodb'];

/** The script that runs an asynchronous esbuild build for {@link buildWithPlugins}. */
const ESBUILD_WORKER = join(PROJECT_ROOT, 'lib', 'shared', 'esbuild-worker.mjs');

/**
 * Runs `options` through esbuild with the plugin marking
 * {@link SIDE_EFFECT_FREE_PACKAGES} free of side effects, and returns the
 * metafile. esbuild takes plugins only in its asynchronous API, so the build
 * runs in a child process (`esbuild-worker.mjs`) this waits for, as CDK runs
 * esbuild itself.
 *
 * @throws Error with esbuild's messages when the build fails.
 */
function buildWithPlugins(options: BuildOptions & { metafile: true }): Metafile {
  const run = spawnSync(process.execPath, [ESBUILD_WORKER], {
    input: JSON.stringify({ options, sideEffectFree: SIDE_EFFECT_FREE_PACKAGES }),
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(`esbuild failed on ${JSON.stringify(options.entryPoints)}: ${run.error ?? run.stderr}`);
  }
  return JSON.parse(run.stdout) as Metafile;
}

/**
 * `metafile` with its paths (outputs, the paths outputs import each other
 * by, their entry points and inputs: pass 1's files) made relative to {@link PROJECT_ROOT}
 * instead of `workingDir`, as a build run in the project root names them.
 */
function rebasePaths(metafile: Metafile, workingDir: string): Metafile {
  const rebase = (path: string) => relative(PROJECT_ROOT, resolve(workingDir, path));
  const rekey = <T>(record: Record<string, T>) =>
    Object.fromEntries(Object.entries(record).map(([path, value]) => [rebase(path), value]));
  const outputs: Metafile['outputs'] = {};
  for (const [name, output] of Object.entries(metafile.outputs)) {
    outputs[rebase(name)] = {
      ...output,
      ...(output.entryPoint === undefined ? {} : { entryPoint: rebase(output.entryPoint) }),
      inputs: rekey(output.inputs),
      imports: output.imports.map((imported) =>
        metafile.outputs[imported.path] ? { ...imported, path: rebase(imported.path) } : imported,
      ),
    };
  }
  return { inputs: rekey(metafile.inputs), outputs };
}
