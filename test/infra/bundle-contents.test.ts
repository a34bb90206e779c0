import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildHouseBundle,
  bundleOutputs,
  type HouseBundle,
  houseBuildOptions,
  lambdaEntry,
  PROJECT_ROOT,
} from '../../lib/shared/house-bundling.ts';
import { settingsRouteGroups } from '../../shared/http/context-routes/settings-context-routes.ts';
import { encodeRouteIndex, routeIndexDefine, routeIndexOf } from '../../shared/http/lazy-routes.ts';

/** What a bundle holds: packages and our own modules, at cold start (the entry and what it imports statically) and in all its chunks. */
interface BundlePackages {
  coldStart: Set<string>;
  all: Set<string>;
  /** Our own modules (`shared/...`) loaded at cold start. */
  coldModules: Set<string>;
  /** Our own modules in any chunk. */
  allModules: Set<string>;
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
  const { coldStart, all } = bundleOutputs(metafile);
  const packages = (names: string[]) =>
    new Set(
      names
        .flatMap((name) => Object.keys(metafile.outputs[name]?.inputs ?? {}))
        .map(packageOf)
        .filter((name): name is string => name !== undefined),
    );
  const ownModules = (names: string[]) =>
    new Set(
      names
        .flatMap((name) => Object.keys(metafile.outputs[name]?.inputs ?? {}))
        .filter((input) => !input.includes('node_modules')),
    );
  return {
    coldStart: packages(coldStart),
    all: packages(all),
    coldModules: ownModules(coldStart),
    allModules: ownModules(all),
  };
}

const bundles = new Map<string, BundlePackages>();
/** Each entry's bundle as `HouseFunction` builds it (two passes). */
const built = new Map<string, HouseBundle>();
const outDir = mkdtempSync(join(tmpdir(), 'plumbline-bundle-contents-'));

beforeAll(() => {
  for (const entry of ENTRIES) {
    const bundle = buildHouseBundle(lambdaEntry(entry), join(outDir, entry));
    built.set(entry, bundle);
    // Pass 2 only merges files: pass 1's split into cold start and first use holds for the written bundle.
    bundles.set(entry, packagesOf(bundle.sourceMetafile));
  }
}, 240_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const sdkClients = (packages: Set<string>) => [...packages].filter((p) => p.startsWith('@aws-sdk/client-'));
const of = (entry: string): BundlePackages => {
  const found = bundles.get(entry);
  if (!found) throw new Error(`no bundle for ${entry}`);
  return found;
};
/** Modules only some contexts use: schema compiler, rule engine, RE2, YAML, the schema converter. */
const HEAVY = ['ajv', 'ajv-formats', '@marcbachmann/cel-js', 're2js', 'yaml', '@valibot/to-json-schema'];

describe('how many files each Lambda bundle loads at cold start (issue 10)', () => {
  it('starts every Lambda bundle with at most 2 files, the entry and one shared chunk (esbuild alone makes up to 25)', () => {
    for (const entry of ENTRIES) {
      // Act
      const { coldStart } = built.get(entry) as HouseBundle;
      // Assess
      expect(coldStart.length, entry).toBeLessThanOrEqual(2);
      expect(coldStart[0], entry).toMatch(/\/index\.mjs$/);
    }
  });

  it('merges files only: the cold start of the written bundle is made of exactly the cold-start files of the first pass', () => {
    for (const entry of ENTRIES) {
      // Prepare: the first pass's outputs are the second pass's inputs.
      const { metafile, sourceMetafile, coldStart } = built.get(entry) as HouseBundle;
      const firstPass = bundleOutputs(sourceMetafile);
      const firstPassFilesIn = (outputs: string[]) =>
        new Set(
          outputs
            .flatMap((name) => Object.keys(metafile.outputs[name]?.inputs ?? {}))
            .filter((input) => sourceMetafile.outputs[input]),
        );
      // Act
      const cold = firstPassFilesIn(coldStart);
      const lazy = firstPassFilesIn(bundleOutputs(metafile).all.filter((name) => !coldStart.includes(name)));
      // Assess
      expect([...cold].sort(), entry).toEqual([...firstPass.coldStart].sort());
      expect(
        [...lazy].filter((file) => firstPass.coldStart.includes(file)),
        entry,
      ).toEqual([]);
    }
  });
});

describe('what each Lambda bundle carries (the same esbuild options as HouseFunction)', () => {
  it('finds every entry, among them the three HTTP contexts', () => {
    expect(ENTRIES).toEqual(expect.arrayContaining(['http/system', 'http/settings', 'http/approvals']));
  });

  it('carries the Kubernetes client in the drift scanner only, in a chunk loaded with the first cluster read', () => {
    expect(of('scheduled/drift-scanner').all.has('@kubernetes/client-node')).toBe(true);
    expect(of('scheduled/drift-scanner').coldStart.has('@kubernetes/client-node')).toBe(false);
    expect(ENTRIES).toEqual(expect.arrayContaining(['http/clusters', 'scheduled/drift-dispatcher']));
  });

  it('carries the Kubernetes client in no other bundle (the clusters API and the dispatcher included)', () => {
    for (const entry of ENTRIES.filter((e) => e !== 'scheduled/drift-scanner')) {
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

  it('loads no use case of the settings and approvals routes at cold start: the write path (JSON Patch) comes with the first request that needs it', () => {
    for (const entry of ['http/settings', 'http/approvals']) {
      // Act
      const { coldStart, all } = of(entry);
      // Assess: in a chunk of its own, not at cold start.
      expect(coldStart.has('fast-json-patch'), entry).toBe(false);
      expect(all.has('fast-json-patch'), entry).toBe(true);
    }
  });

  it('carries Powertools Logger in no bundle: the AppLogger port is a JSON-lines writer', () => {
    expect(ENTRIES.filter((entry) => of(entry).all.has('@aws-lambda-powertools/logger'))).toEqual([]);
  });

  it('gives the approvals function no schema compiler, rule engine or RE2 in any chunk: its routes validate no settings', () => {
    // Prepare: what only the settings validators use.
    const validators = ['ajv', 'ajv-formats', '@marcbachmann/cel-js', 're2js'];
    // Act
    const { all } = of('http/approvals');
    // Assess
    expect([...all].filter((p) => validators.includes(p))).toEqual([]);
    // The settings function carries them (in lazily loaded chunks), so the check above can fail.
    expect(validators.filter((p) => of('http/settings').all.has(p))).toEqual(validators);
  });

  it('gives the approvals, settings, secrets and clusters functions and the drift dispatcher no SNS client: they send no notification', () => {
    for (const entry of [
      'http/settings',
      'http/approvals',
      'http/secrets',
      'http/clusters',
      'scheduled/drift-dispatcher',
    ]) {
      expect(of(entry).all.has('@aws-sdk/client-sns'), entry).toBe(false);
    }
  });

  it('loads only DynamoDB and STS and nothing heavy at the cold start of the settings and approvals functions and every workflow task', () => {
    const tenantData = [
      'http/settings',
      'http/approvals',
      // Secrets (issue 13): KMS and Secrets Manager load on the first secret operation.
      'http/secrets',
      // Clusters (issue 14): S3 and SQS load on the first report, observation or scan request.
      'http/clusters',
      ...ENTRIES.filter((e) => e.startsWith('workflow/')),
    ];
    for (const entry of tenantData) {
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

  it('loads S3 at the cold start of the drift scanner, with DynamoDB and STS: every scan writes its reports, so the client is not left to the first invocation', () => {
    // Act
    const { coldStart } = of('scheduled/drift-scanner');
    // Assess
    expect(sdkClients(coldStart).sort()).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-s3',
      '@aws-sdk/client-sts',
    ]);
  });

  it('loads no route declaration (schemas, handlers) and no valibot at the cold start of the settings, approvals, clusters, secrets and service-accounts functions: each route group loads with its first request', () => {
    for (const entry of [
      'http/settings',
      'http/approvals',
      'http/clusters',
      'http/secrets',
      'http/service-accounts',
    ]) {
      // Act
      const { coldStart, coldModules, all } = of(entry);
      // Assess: the route modules and valibot sit in chunks loaded on first use.
      expect(
        [...coldModules].filter((m) => m.startsWith('shared/http/routes/')),
        entry,
      ).toEqual([]);
      expect(coldStart.has('valibot'), entry).toBe(false);
      expect(all.has('valibot'), entry).toBe(true);
    }
  });

  it('loads the problem table (error classes to statuses and headers) with the first failed request, not at the cold start of any HTTP function', () => {
    for (const entry of ENTRIES.filter((e) => e.startsWith('http/'))) {
      // Act
      const { coldModules } = of(entry);
      // Assess: the middleware is there, the table it imports on first error is not.
      expect(coldModules.has('shared/http/problem-middleware.ts'), entry).toBe(true);
      expect(coldModules.has('shared/http/problem-details.ts'), entry).toBe(false);
    }
  });

  it('loads the conversion of schema issues into violations (plain messages, did-you-mean hints) with the first invalid request, not at the cold start of any HTTP function', () => {
    const conversion = [
      'shared/domain/documents/issues-to-violations.ts',
      'shared/domain/documents/closest-key.ts',
    ];
    for (const entry of ENTRIES.filter((e) => e.startsWith('http/') && e !== 'http/system')) {
      // Act
      const { coldModules, allModules } = of(entry);
      // Assess: the edge that validates is at cold start; the conversion is in the bundle, in a chunk of its own.
      expect(coldModules.has('shared/http/parse-part.ts'), entry).toBe(true);
      expect(
        conversion.filter((m) => coldModules.has(m)),
        entry,
      ).toEqual([]);
      expect(allModules.has(conversion[0] as string), entry).toBe(true);
    }
  });

  it('prebuilds the route index of each lazy context front-coded: the settings function holds no plain list of its route keys', () => {
    // Act
    const define = houseBuildOptions(lambdaEntry('http/settings'), '/nonexistent').define ?? {};
    const index = define[routeIndexDefine('settings')];
    // Assess: the encoded index (0.9 KiB instead of 2.3 KiB of JSON at every cold start).
    expect(index).toBe(JSON.stringify(encodeRouteIndex(routeIndexOf(settingsRouteGroups))));
    expect(index).not.toContain('GET /v1/settings/global');
  });

  it('loads the secret ports of the settings function with the first content that references a secret, and those of the secrets function at cold start', () => {
    const wiring = 'shared/composition/aws-secret-ports.ts';
    expect(of('http/settings').coldModules.has(wiring)).toBe(false);
    expect(of('http/settings').coldModules.has('shared/composition/lazy-secret-ports.ts')).toBe(true);
    // Every secrets route reads a secret: there the wiring is at cold start, so the check above can fail.
    expect(of('http/secrets').coldModules.has(wiring)).toBe(true);
  });

  it('wires the approval step (workflow gateway, link signer, token cipher) with the first protected write or decision in the HTTP functions, and at cold start in the task that uses it', () => {
    const wiring = 'shared/composition/aws-approval-step-ports.ts';
    for (const entry of ['http/settings', 'http/approvals', 'http/secrets']) {
      expect(of(entry).coldModules.has(wiring), entry).toBe(false);
    }
    expect(of('workflow/await-decision').coldModules.has(wiring)).toBe(true);
  });

  it("loads the table of every port's variables (PORT_ENV) only where a port it names is wired at cold start: not in the settings, secrets, clusters and service-accounts functions", () => {
    const table = 'shared/composition/workflow-task-env.ts';
    for (const entry of ['http/settings', 'http/secrets', 'http/clusters', 'http/service-accounts']) {
      expect(of(entry).coldModules.has(table), entry).toBe(false);
    }
    // The approvals function wires its public URL from it at cold start, so the check above can fail.
    expect(of('http/approvals').coldModules.has(table)).toBe(true);
  });

  it('loads the change request store with the first route that touches a change request in the HTTP functions, and at cold start in every workflow task', () => {
    const store = 'shared/adapters/aws/dynamodb-change-request-store.ts';
    for (const entry of ['http/settings', 'http/approvals', 'http/secrets']) {
      expect(of(entry).coldModules.has(store), entry).toBe(false);
    }
    for (const entry of ENTRIES.filter((e) => e.startsWith('workflow/'))) {
      expect(of(entry).coldModules.has(store), entry).toBe(true);
    }
  });

  it('loads body parsing (JSON shape and prototype-key checks) with the first route that has a body, not at the cold start of any HTTP function', () => {
    for (const entry of ENTRIES.filter((e) => e.startsWith('http/'))) {
      expect(of(entry).coldModules.has('shared/http/forbidden-keys.ts'), entry).toBe(false);
    }
    // The loop is not empty: it covers the settings function, whose writes have a body.
    expect(ENTRIES).toContain('http/settings');
  });

  it('loads the change request code of a secret write (the approval step, RFC 6902 diffs) only when the write is gated, in the rotation job and the secrets API', () => {
    for (const entry of ['scheduled/rotate-secrets', 'http/secrets']) {
      // Act
      const { coldStart, coldModules, all } = of(entry);
      // Assess: not at cold start; in a chunk loaded by a write to a protected environment.
      expect(coldModules.has('shared/use-cases/approvals/gate-protected-write.ts'), entry).toBe(false);
      expect(coldStart.has('fast-json-patch'), entry).toBe(false);
      expect(all.has('fast-json-patch'), entry).toBe(true);
    }
  });

  it('loads the write side of the document store with the first write, not at the cold start of a function that reads documents', () => {
    // Prepare: the write side (announce, append, withdraw) and the projection updates it shares with readers' repairs.
    const writeSide = ['shared/adapters/aws/document-writes.ts', 'shared/adapters/aws/projection-updates.ts'];
    const readers = ['http/settings', 'http/approvals', 'http/secrets', 'scheduled/drift-scanner'];
    for (const entry of readers) {
      // Act
      const { coldModules, allModules } = of(entry);
      // Assess: the store's reads at cold start; its write side in a chunk of its own, so the check can fail.
      expect(coldModules.has('shared/adapters/aws/projection-reads.ts'), entry).toBe(true);
      expect(
        writeSide.filter((m) => coldModules.has(m)),
        entry,
      ).toEqual([]);
      expect(
        writeSide.filter((m) => allModules.has(m)),
        entry,
      ).toEqual(writeSide);
    }
  });

  it("loads lib-dynamodb's write commands with the write side, not at the cold start of a function that only reads there (its index re-exports every command)", () => {
    const writeCommands = ['PutCommand', 'UpdateCommand', 'DeleteCommand', 'ScanCommand'];
    for (const entry of ['http/settings', 'http/approvals', 'http/secrets']) {
      // Prepare
      const { sourceMetafile } = built.get(entry) as HouseBundle;
      const { coldStart, all } = bundleOutputs(sourceMetafile);
      const commandsIn = (outputs: string[]) =>
        new Set(
          outputs
            .flatMap((name) => Object.keys(sourceMetafile.outputs[name]?.inputs ?? {}))
            .map((input) => /lib-dynamodb\/dist-es\/commands\/(\w+Command)\.js$/.exec(input)?.[1])
            .filter((name): name is string => name !== undefined),
        );
      // Act
      const cold = commandsIn(coldStart);
      const anywhere = commandsIn(all);
      // Assess: the reads' commands at cold start; the write commands in the bundle, so the check can fail.
      expect(cold.has('QueryCommand'), entry).toBe(true);
      expect(
        writeCommands.filter((command) => cold.has(command)),
        entry,
      ).toEqual([]);
      expect(anywhere.has('PutCommand'), entry).toBe(true);
    }
  });

  it('carries no code that only the local runtime runs: no full-table Scan where only the local runtime scans, no bucket creation', () => {
    // Prepare: SDK commands anywhere in a bundle, as `package:Command`.
    const commandsOf = (entry: string) => {
      const { sourceMetafile } = built.get(entry) as HouseBundle;
      return new Set(
        Object.values(sourceMetafile.outputs)
          .flatMap((output) => Object.keys(output.inputs))
          .map((input) => /@aws-sdk\/([\w-]+)\/dist-es\/commands\/(\w+Command)\.js$/.exec(input))
          .filter((match): match is RegExpExecArray => match !== null)
          .map(([, pkg, command]) => `${pkg}:${command}`),
      );
    };
    // The Scans of open change requests (workflow resume) and secret scopes (rotation timer) are local only;
    // the drift dispatcher's Scan of every tenant's clusters is its job, and the cluster store's class carries it.
    const noScan = ENTRIES.filter((entry) =>
      /^(http\/(settings|approvals|secrets)|workflow\/|scheduled\/rotate)/.test(entry),
    );
    for (const entry of noScan) {
      // Act
      const commands = commandsOf(entry);
      // Assess: the bundle does read DynamoDB, so the check can fail.
      expect(
        commands.has('lib-dynamodb:QueryCommand') || commands.has('lib-dynamodb:GetCommand'),
        entry,
      ).toBe(true);
      expect(commands.has('lib-dynamodb:ScanCommand'), entry).toBe(false);
    }
    for (const entry of ENTRIES) {
      expect(commandsOf(entry).has('client-s3:CreateBucketCommand'), entry).toBe(false);
    }
    expect(commandsOf('scheduled/drift-scanner').has('client-s3:PutObjectCommand')).toBe(true);
  });

  it('loads the write side of the document store at the cold start of the Apply task: it writes on every invocation', () => {
    // Act
    const { coldModules } = of('workflow/apply');
    // Assess
    expect(coldModules.has('shared/adapters/aws/document-writes.ts')).toBe(true);
    expect(coldModules.has('shared/adapters/aws/projection-updates.ts')).toBe(true);
  });

  it('carries no module of the document store in the functions that never touch documents (clusters, service accounts, the drift dispatcher, every workflow task but Apply)', () => {
    const storeModule = (m: string) =>
      /^shared\/adapters\/aws\/(dynamodb-document-store|document-|projection-)/.test(m);
    const others = [
      'http/clusters',
      'http/service-accounts',
      'scheduled/drift-dispatcher',
      ...ENTRIES.filter((e) => e.startsWith('workflow/') && e !== 'workflow/apply'),
    ];
    for (const entry of others) {
      // Act: any chunk counts (esbuild loads at cold start what an entry shares with a lazy chunk).
      const reached = [...of(entry).allModules].filter(storeModule);
      // Assess
      expect(reached, entry).toEqual([]);
    }
    // The pattern finds the store where it is used, so the check can fail.
    expect([...of('workflow/apply').allModules].filter(storeModule)).toContain(
      'shared/adapters/aws/document-writes.ts',
    );
  });

  it('loads the write path of a rotation (new value, envelope, version) with the first due generated secret, and the notifier wiring with the first owner told, not at the cold start of the rotation job', () => {
    // Act
    const { coldModules } = of('scheduled/rotate-secrets');
    // Assess: what finds the due secrets is at cold start; what rotates or tells is not.
    expect(coldModules.has('shared/use-cases/secrets/rotation-due.ts')).toBe(true);
    expect(coldModules.has('shared/use-cases/secrets/rotate-secret.ts')).toBe(false);
    expect(coldModules.has('shared/use-cases/secrets/write-secret-version.ts')).toBe(false);
    expect(coldModules.has('shared/composition/aws-notifier.ts')).toBe(false);
  });

  it('loads what only one kind of cluster needs with the first cluster of that kind, not at the cold start of the drift scanner', () => {
    // Act
    const { coldModules, all } = of('scheduled/drift-scanner');
    // Assess: the scan itself is at cold start; the EKS signer, the endpoint guard of API clusters and
    // the secret reading of token clusters are in chunks of their own.
    expect(coldModules.has('shared/use-cases/drift/scan-cluster.ts')).toBe(true);
    for (const module of [
      'shared/adapters/aws/eks-token.ts',
      'shared/adapters/aws/eks-token-source.ts',
      'shared/use-cases/drift/guard-endpoint.ts',
      'shared/use-cases/secrets/reveal-secret.ts',
      'shared/composition/aws-secret-ports.ts',
    ]) {
      expect(coldModules.has(module), module).toBe(false);
    }
    expect(all.has('@smithy/signature-v4')).toBe(true);
  });

  it("loads the apply step of a secret change (pending envelope, next metadata) and the secret ports' wiring with the first request that needs them, not at the cold start of the Apply task", () => {
    // Act
    const { coldModules } = of('workflow/apply');
    // Assess: the step and its predicate are at cold start; the secret write code is not.
    expect(coldModules.has('shared/use-cases/approvals/apply-change-request.ts')).toBe(true);
    expect(coldModules.has('shared/use-cases/secrets/secret-change-request.ts')).toBe(true);
    for (const module of [
      'shared/use-cases/secrets/apply-secret-change.ts',
      'shared/use-cases/secrets/write-secret-version.ts',
      'shared/composition/aws-secret-ports.ts',
    ]) {
      expect(coldModules.has(module), module).toBe(false);
    }
  });

  it('gives each workflow task only its own use case: JSON Patch in the apply task alone, no Slack adapter in any task', () => {
    const tasks = ENTRIES.filter((e) => e.startsWith('workflow/'));
    // Act
    const withPatch = tasks.filter((entry) => of(entry).all.has('fast-json-patch'));
    const withSlack = tasks.filter((entry) =>
      [...of(entry).coldModules].some((m) => m.startsWith('shared/adapters/slack/')),
    );
    // Assess
    expect(withPatch).toEqual(['workflow/apply']);
    expect(withSlack).toEqual([]);
  });
});
