import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { houseBuildOptions, lambdaEntry, PROJECT_ROOT } from '../../lib/shared/house-bundling.ts';

/** The packages a bundle holds: at cold start (the entry and what it imports statically), and in all its chunks. */
interface BundlePackages {
  coldStart: Set<string>;
  all: Set<string>;
}

/** Every Lambda entry: `http/settings`, `workflow/apply`, `cognito/pre-token-generation` ... */
const ENTRIES = readdirSync(join(PROJECT_ROOT, 'lambdas'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(PROJECT_ROOT, 'lambdas', d.name))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `${d.name}/${f.slice(0, -3)}`),
  );

const packageOf = (input: string): string | undefined =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];

function packagesOf(metafile: Metafile): BundlePackages {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((name) => name.endsWith('index.mjs')) as string;
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
  const packages = (names: Iterable<string>) =>
    new Set(
      [...names]
        .flatMap((name) => Object.keys(outputs[name]?.inputs ?? {}))
        .map(packageOf)
        .filter((name): name is string => name !== undefined),
    );
  return { coldStart: packages(cold), all: packages(Object.keys(outputs)) };
}

const bundles = new Map<string, BundlePackages>();

beforeAll(async () => {
  for (const entry of ENTRIES) {
    const result = await build({ ...houseBuildOptions(lambdaEntry(entry), '/nonexistent'), write: false });
    bundles.set(entry, packagesOf(result.metafile));
  }
}, 240_000);

const sdkClients = (packages: Set<string>) => [...packages].filter((p) => p.startsWith('@aws-sdk/client-'));
const of = (entry: string): BundlePackages => {
  const found = bundles.get(entry);
  if (!found) throw new Error(`no bundle for ${entry}`);
  return found;
};
/** Modules only some contexts use: schema compiler, rule engine, RE2, YAML, the schema converter. */
const HEAVY = ['ajv', 'ajv-formats', '@marcbachmann/cel-js', 're2js', 'yaml', '@valibot/to-json-schema'];

describe('what each Lambda bundle carries (the same esbuild options as HouseFunction)', () => {
  it('finds every entry, among them the three HTTP contexts', () => {
    expect(ENTRIES).toEqual(expect.arrayContaining(['http/system', 'http/settings', 'http/approvals']));
  });

  it('carries the Kubernetes client in no bundle (only a drift scanner may)', () => {
    for (const entry of ENTRIES.filter((e) => !e.startsWith('scheduled/'))) {
      expect(
        [...of(entry).all].filter((p) => p.startsWith('@kubernetes/')),
        entry,
      ).toEqual([]);
    }
  });

  it('gives the system function no SDK client, no schema compiler and no schema converter at all', () => {
    const system = of('http/system');
    expect(sdkClients(system.all)).toEqual([]);
    expect([...system.all].filter((p) => HEAVY.includes(p) && p !== 'yaml')).toEqual([]);
  });

  it('loads only DynamoDB and STS at the cold start of the settings and approvals functions, nothing heavy', () => {
    for (const entry of ['http/settings', 'http/approvals']) {
      const { coldStart } = of(entry);
      expect(sdkClients(coldStart).sort(), entry).toEqual([
        '@aws-sdk/client-dynamodb',
        '@aws-sdk/client-sts',
      ]);
      expect(
        [...coldStart].filter((p) => HEAVY.includes(p)),
        entry,
      ).toEqual([]);
    }
  });

  it('gives the approvals and settings functions no SNS client: they send no notification', () => {
    for (const entry of ['http/settings', 'http/approvals']) {
      expect(of(entry).all.has('@aws-sdk/client-sns'), entry).toBe(false);
    }
  });

  it('loads nothing heavy and no client but DynamoDB and STS at the cold start of a workflow task', () => {
    for (const entry of ENTRIES.filter((e) => e.startsWith('workflow/'))) {
      const { coldStart } = of(entry);
      expect(sdkClients(coldStart).sort(), entry).toEqual([
        '@aws-sdk/client-dynamodb',
        '@aws-sdk/client-sts',
      ]);
      expect(
        [...coldStart].filter((p) => HEAVY.includes(p)),
        entry,
      ).toEqual([]);
    }
  });
});
