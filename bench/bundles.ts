import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import {
  BUNDLE_FILE,
  buildHouseBundle,
  bundleOutputs,
  type HouseBundle,
  houseBuildOptions,
} from '../lib/shared/house-bundling.ts';
import { contextEnvNames } from '../shared/composition/context-env.ts';
import { ENV } from '../shared/composition/env-vars.ts';
import { taskEnvNames } from '../shared/composition/workflow-task-env.ts';
import type { RouteContext } from '../shared/http/route.ts';
import type { ApprovalTaskName } from '../shared/workflows/approval-workflow.ts';
import { ratio, type Summary, summarize } from './stats.ts';

/** One measured bundle (code-split: an entry and chunks loaded on first use). */
export interface BundleFigures {
  /** Bytes loaded at cold start: the entry and the chunks it imports statically. */
  bytes: number;
  /** Files loaded at cold start (the entry and, after `buildHouseBundle`'s merge, one shared chunk). */
  coldFiles: number;
  /** Bytes of the whole output folder, chunks loaded on first use included. */
  totalBytes: number;
  gzipBytes: number;
  /** Time to `import()` the bundle in a fresh Node process (parse, link, evaluate top-level code). */
  initMs: Summary;
  /** Wall time of the whole fresh process (spawn to exit), for context. */
  processMs: Summary;
  /** Set when the bundle threw while loading. */
  error?: string;
}

/** An entry point next to its floor. */
export interface EntryFigures extends BundleFigures {
  entry: string;
  /**
   * For a function whose routes load by group on first request (`shared/http/lazy-routes.ts`):
   * the cold-start bytes plus the chunks of the first request's route group (its schemas and
   * handlers, valibot included; not the body parser or use cases loaded on first use), for its
   * lightest and its heaviest group. Closer to what a real cold request loads; `bytes` leaves the group out.
   */
  firstRequest?: { lightest: { group: string; bytes: number }; heaviest: { group: string; bytes: number } };
  /** `@aws-sdk/client-*` packages the bundle contains. */
  sdkClients: string[];
  /** Those of them loaded at cold start (the rest load on first use). */
  coldSdkClients: string[];
  /**
   * The floor the goal is judged on, as issue 10 defines it: the SDK clients it loads at cold
   * start, constructed (a document client on DynamoDB when it uses lib-dynamodb).
   */
  floor: BundleFigures & { imports: string[] };
  /**
   * For information: the same clients with every SDK command class found in the function's
   * cold-start chunks: the commands its cold-start modules reference. An upper bound of the SDK code
   * its calls need (a store class brings the commands of all its methods), no longer inflated by
   * lib-dynamodb's re-exports or by the local runtime's Scans (both fixed in session 5).
   */
  floorWithCommands: BundleFigures;
  ratioWithCommands: { bytes: number | null; initMedian: number | null };
  /** For a function using lib-dynamodb: the floor with the bare DynamoDBClient and no command class. */
  floorWithoutDocumentClient?: BundleFigures;
  ratioWithoutDocumentClient?: { bytes: number | null; initMedian: number | null };
  ratio: {
    bytes: number | null;
    gzipBytes: number | null;
    initMedian: number | null;
    initP90: number | null;
  };
}

/** The bundle figures of one run. */
export interface BundleReport {
  esbuild: Record<string, unknown>;
  processesPerBundle: number;
  nodeEmptyProcessMs: Summary;
  entries: EntryFigures[];
  /** Files under lambdas/ that export no `handler` (modules the entries import). */
  skipped: string[];
}

const ROOT = join(import.meta.dirname, '..');

/** `@aws-sdk/client-*` packages among the inputs of some outputs. */
function clientsIn(metafile: Metafile, outputs: string[]): string[] {
  const inputs = outputs.flatMap((name) => Object.keys(metafile.outputs[name]?.inputs ?? {}));
  return [
    ...new Set(
      inputs
        .map((p) => /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(p)?.[1])
        .filter((p): p is string => p !== undefined),
    ),
  ].sort();
}

/** An SDK command class a bundle sends: `{ pkg: '@aws-sdk/lib-dynamodb', name: 'GetCommand' }`. */
interface SdkCommand {
  pkg: string;
  name: string;
}

/**
 * The command classes of `@aws-sdk/client-*` and `@aws-sdk/lib-dynamodb` among the inputs of some
 * outputs: the SDK modules (`dist-es/commands/<Name>Command.js`) the function needs to call its clients.
 */
function commandsIn(metafile: Metafile, outputs: string[]): SdkCommand[] {
  const inputs = outputs.flatMap((name) => Object.keys(metafile.outputs[name]?.inputs ?? {}));
  const found = inputs
    .map((p) =>
      /node_modules\/(@aws-sdk\/(?:client-[a-z0-9-]+|lib-dynamodb))\/dist-es\/commands\/([A-Za-z0-9]+Command)\.js$/.exec(
        p,
      ),
    )
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pkg: m[1] as string, name: m[2] as string }));
  const unique = new Map(found.map((c) => [`${c.pkg}:${c.name}`, c]));
  return [...unique.values()].sort((a, b) => `${a.pkg}:${a.name}`.localeCompare(`${b.pkg}:${b.name}`));
}

/** Packages among the inputs of some outputs (`@aws-sdk/lib-dynamodb` ...). */
function packagesIn(metafile: Metafile, outputs: string[]): string[] {
  const inputs = outputs.flatMap((name) => Object.keys(metafile.outputs[name]?.inputs ?? {}));
  return [
    ...new Set(
      inputs.map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1]).filter((p) => p !== undefined),
    ),
  ];
}

/** Outputs reachable from `start` through static imports (`start` included). */
function staticClosure(metafile: Metafile, start: string): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const imported of metafile.outputs[queue.shift() as string]?.imports ?? []) {
      if (
        imported.kind === 'import-statement' &&
        metafile.outputs[imported.path] &&
        !seen.has(imported.path)
      ) {
        seen.add(imported.path);
        queue.push(imported.path);
      }
    }
  }
  return seen;
}

/**
 * For a bundle whose route groups load on first request: cold-start bytes plus each route
 * group's chunk and what it imports statically (the written chunk made from pass 1's chunk
 * whose entry is a route module of `shared/http/routes/`), for the lightest and the heaviest
 * group; `undefined` without groups.
 */
function firstRequestBytes({
  metafile,
  sourceMetafile,
  coldStart,
}: HouseBundle): EntryFigures['firstRequest'] {
  const sourceEntry = (name: string) =>
    sourceMetafile.outputs[metafile.outputs[name]?.entryPoint ?? '']?.entryPoint ?? '';
  const groups = Object.keys(metafile.outputs)
    .filter((name) => sourceEntry(name).startsWith('shared/http/routes/'))
    .map((name) => {
      const loaded = new Set([...coldStart, ...staticClosure(metafile, name)]);
      const bytes = [...loaded].reduce((sum, n) => sum + (metafile.outputs[n]?.bytes ?? 0), 0);
      return { group: sourceEntry(name).replace(/^shared\/http\/routes\/|\.ts$/g, ''), bytes };
    })
    .sort((a, b) => a.bytes - b.bytes);
  const [lightest, heaviest] = [groups[0], groups.at(-1)];
  return lightest && heaviest ? { lightest, heaviest } : undefined;
}

/** The sizes of a written bundle (pass 2 of `buildHouseBundle`). */
async function sizes(
  base: string,
  { metafile, coldStart }: HouseBundle,
): Promise<{ bytes: number; coldFiles: number; totalBytes: number; gzipBytes: number }> {
  const { all } = bundleOutputs(metafile);
  const coldFiles = await Promise.all(coldStart.map((n) => readFile(join(base, n))));
  const bytes = coldFiles.reduce((sum, b) => sum + b.length, 0);
  return {
    bytes,
    coldFiles: coldFiles.length,
    totalBytes: all.reduce((sum, n) => sum + (metafile.outputs[n]?.bytes ?? 0), 0),
    gzipBytes: gzipSync(Buffer.concat(coldFiles)).length,
  };
}

/** Every `.ts` file under `lambdas/`. */
function lambdaFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(join(ROOT, 'lambdas'));
  return out.sort();
}

/** What Lambda itself sets, and dummy credentials (no call leaves the machine at import). */
const LAMBDA_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_DEV: 'false',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
};

/** A dummy value of the right shape for one of our variables (ARNs, URLs, names). */
function dummyValue(name: string): string {
  if (name.endsWith('_ARN')) return `arn:aws:iam::000000000000:role/${name.toLowerCase()}`;
  if (name.includes('LOG_LEVEL')) return 'ERROR';
  if (name === ENV.tokenIssuer) return 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench';
  if (name.endsWith('_URL')) return 'https://example.invalid/';
  if (name === ENV.clusterTimeoutMs) return '60000';
  return `bench-${name.toLowerCase()}`;
}

/**
 * The variables the stack declares on the function of `entry` (`lambdas/<entry>.ts`): an HTTP
 * context's `contextEnvNames`, a workflow task's `taskEnvNames`, the authorizer's issuer and
 * client id; for the other functions (their variables set in lib/ one by one), every name of `ENV`.
 */
function templateEnvNames(entry: string): string[] {
  const [trigger, name = ''] = entry.split('/');
  const camel = name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
  if (trigger === 'http') return contextEnvNames(name as RouteContext);
  if (trigger === 'workflow') return taskEnvNames(camel as ApprovalTaskName);
  if (entry === 'auth/http-authorizer') return [ENV.tokenIssuer, ENV.userClientId];
  return Object.values(ENV);
}

/** A function's environment as its template gives it (dummy values), plus what HouseFunction adds. */
function functionEnv(entry: string): Record<string, string> {
  const env: Record<string, string> = {
    ...LAMBDA_ENV,
    [ENV.serviceName]: 'plumbline',
    [ENV.logLevel]: 'ERROR',
  };
  for (const name of templateEnvNames(entry)) env[name] = dummyValue(name);
  return env;
}

/** The client class a `@aws-sdk/client-*` package exports (`DynamoDBClient` ...). */
function clientClassOf(pkg: string): string | undefined {
  const dir = join(ROOT, 'node_modules', pkg, 'dist-types');
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir)
    .find((f) => /^[A-Z][A-Za-z0-9]*Client\.d\.ts$/.test(f))
    ?.replace(/\.d\.ts$/, '');
}

function spawnTimed(
  args: string[],
  env: Record<string, string>,
): Promise<{ stdout: string; ms: number; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (code) => resolve({ stdout, stderr, code, ms: performance.now() - started }));
  });
}

const IMPORT_SCRIPT = `
const url = process.argv[1];
const t0 = performance.now();
try {
  await import(url);
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0 }));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e && e.message || e).slice(0, 300) }));
}
`;

/**
 * Builds every Lambda entry point and its floor bundle, then loads each in
 * `runs` fresh Node processes, interleaved so that machine noise hits all alike.
 */
export async function measureBundles(runs: number, log: (line: string) => void): Promise<BundleReport> {
  const outDir = await mkdtemp(join(tmpdir(), 'plumbline-bench-'));

  type Built = {
    name: string;
    file: string;
    bytes: number;
    coldFiles: number;
    totalBytes: number;
    gzipBytes: number;
    clients: string[];
    coldClients: string[];
    /** The SDK command classes in its cold start. */
    commands: SdkCommand[];
    imports: string[];
    /** The environment it is loaded with. */
    env: Record<string, string>;
    /** Its cold start uses `@aws-sdk/lib-dynamodb` (its floor then has a document client). */
    documentClient: boolean;
    firstRequest?: EntryFigures['firstRequest'];
  };
  const entries: Built[] = [];
  const skipped: string[] = [];
  for (const file of lambdaFiles()) {
    const name = relative(join(ROOT, 'lambdas'), file).replace(/\.ts$/, '');
    const dir = join(outDir, name.replaceAll('/', '__'));
    // Built as HouseFunction builds it. Bytes from the written bundle; what it holds from pass 1's
    // metafile (source modules), whose split into cold start and first use pass 2 keeps.
    const bundle = buildHouseBundle(file, dir);
    const entryOutput = Object.entries(bundle.metafile.outputs).find(([k]) => k.endsWith(BUNDLE_FILE))?.[1];
    if (!entryOutput?.exports.includes('handler')) {
      skipped.push(`lambdas/${name}.ts`);
      continue;
    }
    const source = bundle.sourceMetafile;
    const { coldStart: cold, all } = bundleOutputs(source);
    const measured = await sizes(ROOT, bundle);
    const built: Built = {
      name: `lambdas/${name}.ts`,
      file: join(dir, BUNDLE_FILE),
      ...measured,
      clients: clientsIn(source, all),
      coldClients: clientsIn(source, cold),
      commands: commandsIn(source, cold),
      imports: [],
      env: functionEnv(name),
      documentClient: packagesIn(source, cold).includes('@aws-sdk/lib-dynamodb'),
    };
    const firstRequest = firstRequestBytes(bundle);
    if (firstRequest) built.firstRequest = firstRequest;
    entries.push(built);
    log(
      `  built lambdas/${name}.ts: ${(built.bytes / 1024).toFixed(0)} KiB at cold start (${(built.totalBytes / 1024).toFixed(0)} KiB in all), clients ${built.coldClients.join(', ') || 'none'} (first use: ${built.clients.filter((c) => !built.coldClients.includes(c)).join(', ') || 'none'})`,
    );
  }

  // One floor per distinct set of SDK clients, built the same way: the clients the function loads at cold start
  // imported and constructed, the clients it loads on first use behind a dynamic import (their own chunks).
  // The goal is judged on that floor, with `DynamoDBDocumentClient.from(new DynamoDBClient({}))` where the
  // function uses lib-dynamodb (an @aws-sdk client class every item read and write goes through). Two more
  // floors are printed for information: the same clients with every SDK command class found in the function's
  // cold-start chunks (the commands its cold-start modules reference: an upper bound of the SDK code its calls
  // need, since a store class brings the commands of all its methods), and the bare DynamoDBClient.
  type FloorKind = 'judged' | 'with commands' | 'bare';
  const floors = new Map<string, Built>();
  const floorKey = (e: Built, kind: FloorKind) => {
    const documentClient = e.documentClient && kind !== 'bare';
    const commands = kind === 'with commands' ? e.commands.map((c) => `${c.pkg}:${c.name}`).join('+') : '';
    return `${e.coldClients.join('+') || 'none'}|${e.clients.filter((c) => !e.coldClients.includes(c)).join('+')}${documentClient ? '|document client' : ''}${commands ? `|${commands}` : ''}`;
  };
  const kindsOf = (e: Built): FloorKind[] => [
    'judged',
    'with commands',
    ...(e.documentClient ? ['bare' as const] : []),
  ];
  for (const entry of entries) {
    for (const kind of kindsOf(entry)) {
      const key = floorKey(entry, kind);
      if (floors.has(key)) continue;
      const documentClient = entry.documentClient && kind !== 'bare';
      const commands = kind === 'with commands' ? entry.commands : [];
      const withClass = (pkgs: string[]) =>
        pkgs.map((pkg) => ({ pkg, cls: clientClassOf(pkg) })).filter((c) => c.cls !== undefined);
      const eager = withClass(entry.coldClients);
      const lazy = withClass(entry.clients.filter((c) => !entry.coldClients.includes(c)));
      const construct = (cls: string | undefined) =>
        documentClient && cls === 'DynamoDBClient'
          ? `DynamoDBDocumentClient.from(new ${cls}({}))`
          : `new ${cls}({})`;
      const commandPackages = [...new Set(commands.map((c) => c.pkg))];
      const source = [
        ...eager.map(({ pkg, cls }) => `import { ${cls} } from '${pkg}';`),
        ...(documentClient ? ["import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';"] : []),
        // Aliased: lib-dynamodb and client-dynamodb both export a `QueryCommand`.
        ...commandPackages.map(
          (pkg) =>
            `import { ${commands
              .flatMap((c, i) => (c.pkg === pkg ? [`${c.name} as command${i}`] : []))
              .join(', ')} } from '${pkg}';`,
        ),
        `export const clients = [${eager.map(({ cls }) => construct(cls)).join(', ')}];`,
        `export const commands = [${commands.map((_, i) => `command${i}`).join(', ')}];`,
        `export const later = [${lazy.map(({ pkg, cls }) => `async () => new (await import('${pkg}')).${cls}({})`).join(', ')}];`,
        'export const handler = async () => ({ statusCode: 200 });',
      ].join('\n');
      const n = floors.size;
      const src = join(outDir, `floor-${n}.ts`);
      await writeFile(src, source);
      const dir = join(outDir, `floor-${n}`);
      // Built the same two-pass way as the functions (else the floor would pay for files they no longer load).
      const bundle = buildHouseBundle(src, dir, { nodePaths: [join(ROOT, 'node_modules')] });
      floors.set(key, {
        name: `floor(${key})`,
        file: join(dir, BUNDLE_FILE),
        ...(await sizes(ROOT, bundle)),
        clients: entry.clients,
        coldClients: entry.coldClients,
        commands,
        env: LAMBDA_ENV,
        documentClient,
        imports: [
          ...(documentClient ? ['DynamoDBDocumentClient from @aws-sdk/lib-dynamodb'] : []),
          ...eager.map(({ pkg, cls }) => `${cls} from ${pkg}`),
          ...commands.map((c) => `${c.name} from ${c.pkg}`),
          ...lazy.map(({ pkg, cls }) => `${cls} from ${pkg} (on first use)`),
        ],
      });
    }
  }

  // Interleaved fresh-process loads.
  const targets = [...entries, ...floors.values()];
  const initSamples = new Map<string, number[]>(targets.map((t) => [t.file, []]));
  const processSamples = new Map<string, number[]>(targets.map((t) => [t.file, []]));
  const errors = new Map<string, string>();
  const empty: number[] = [];
  log(`  loading ${targets.length} bundles in ${runs} fresh processes each ...`);
  for (let i = 0; i < runs; i++) {
    empty.push((await spawnTimed(['-e', '0'], LAMBDA_ENV)).ms);
    for (const target of targets) {
      const out = await spawnTimed(
        ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(target.file).href],
        target.env,
      );
      processSamples.get(target.file)?.push(out.ms);
      try {
        const parsed = JSON.parse(out.stdout) as { ms?: number; error?: string };
        if (parsed.ms !== undefined) initSamples.get(target.file)?.push(parsed.ms);
        if (parsed.error) errors.set(target.file, parsed.error);
      } catch {
        errors.set(target.file, (out.stderr || out.stdout || `exit ${out.code}`).slice(0, 300));
      }
    }
  }

  await rm(outDir, { recursive: true, force: true });
  const figures = (t: Built): BundleFigures => ({
    bytes: t.bytes,
    coldFiles: t.coldFiles,
    totalBytes: t.totalBytes,
    gzipBytes: t.gzipBytes,
    initMs: summarize(initSamples.get(t.file) ?? []),
    processMs: summarize(processSamples.get(t.file) ?? []),
    ...(errors.has(t.file) ? { error: errors.get(t.file) as string } : {}),
  });
  return {
    esbuild: Object.fromEntries(
      Object.entries(houseBuildOptions('<entry>', '<outdir>')).filter(
        ([k]) => k !== 'banner' && k !== 'define',
      ),
    ),
    processesPerBundle: runs,
    nodeEmptyProcessMs: summarize(empty),
    entries: entries.map((e) => {
      const floor = floors.get(floorKey(e, 'judged')) as Built;
      const mine = figures(e);
      const base = figures(floor);
      const withCommands = figures(floors.get(floorKey(e, 'with commands')) as Built);
      const bare = e.documentClient ? figures(floors.get(floorKey(e, 'bare')) as Built) : undefined;
      return {
        entry: e.name,
        ...(e.firstRequest ? { firstRequest: e.firstRequest } : {}),
        sdkClients: e.clients,
        coldSdkClients: e.coldClients,
        ...mine,
        floor: { ...base, imports: floor.imports },
        ratio: {
          bytes: ratio(mine.bytes, base.bytes),
          gzipBytes: ratio(mine.gzipBytes, base.gzipBytes),
          initMedian: ratio(mine.initMs.median, base.initMs.median),
          initP90: ratio(mine.initMs.p90, base.initMs.p90),
        },
        floorWithCommands: withCommands,
        ratioWithCommands: {
          bytes: ratio(mine.bytes, withCommands.bytes),
          initMedian: ratio(mine.initMs.median, withCommands.initMs.median),
        },
        ...(bare
          ? {
              floorWithoutDocumentClient: bare,
              ratioWithoutDocumentClient: {
                bytes: ratio(mine.bytes, bare.bytes),
                initMedian: ratio(mine.initMs.median, bare.initMs.median),
              },
            }
          : {}),
      };
    }),
    skipped,
  };
}
