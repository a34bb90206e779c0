import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../shared/composition/local-runtime.ts';
import { type ChainLink, verifyChain } from '../../shared/domain/hash-chain.ts';
import { bearer, jsonOf, send } from '../support/http-client.ts';
import { silentLogger } from '../support/silent-logger.ts';
import { scanTable } from '../support/table-snapshot.ts';

const WRITERS = 50;
const UPDATES = 20;

/** What one writer saw for one attempted update. */
interface Attempt {
  writer: number;
  update: number;
  path: string;
  basedOn: number;
  status: number;
  /** Version the server answered with (201) or said is current (412). */
  version: number | undefined;
  content: Record<string, unknown> | undefined;
}

interface StoredVersion {
  version: number;
  content: Record<string, unknown>;
  contentHash: string;
  prevHash: string | null;
  reason: string;
  author: string;
}

let runtime: LocalRuntime;
const tenant = `conc${Date.now().toString(36)}`;
let token: string;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    logger: silentLogger,
    port: 0,
    // Semantics under contention, not timeouts: a loaded 2-core CI box may keep dynalite busy past 3 s.
    dynamoClientConfig: {
      requestHandler: { requestTimeout: 60_000, connectionTimeout: 10_000, throwOnRequestTimeout: true },
    },
  });
  token = await runtime.tokens.issue({
    tenantId: tenant,
    userId: 'writer',
    roles: ['editor'],
    ttlSeconds: 3600,
  });
});

afterAll(async () => {
  await runtime.close();
});

async function seed(path: string): Promise<void> {
  const res = await send(runtime.url, {
    method: 'PUT',
    path,
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify({ content: { seed: true }, reason: 'seed' }),
  });
  expect(res.status).toBe(201);
}

/**
 * One writer: 20 updates, each a PUT (even) or a merge PATCH (odd) with
 * If-Match of the version it last saw; a 412 tells it the current version.
 */
async function writer(
  w: number,
  pathFor: (update: number) => string,
  known: Map<string, number>,
): Promise<Attempt[]> {
  const out: Attempt[] = [];
  for (let u = 0; u < UPDATES; u++) {
    const path = pathFor(u);
    const basedOn = known.get(`${w}:${path}`) ?? 1;
    const mark = { writer: w, update: u, basedOn };
    const usePatch = u % 2 === 1;
    const res = await send(runtime.url, {
      method: usePatch ? 'PATCH' : 'PUT',
      path,
      headers: {
        ...bearer(token),
        'if-match': `"${basedOn}"`,
        'content-type': usePatch ? 'application/merge-patch+json' : 'application/json',
        ...(usePatch ? { 'plumbline-reason': `w${w}-u${u}` } : {}),
      },
      body: JSON.stringify(usePatch ? { last: mark } : { content: { last: mark }, reason: `w${w}-u${u}` }),
    });
    const body = jsonOf(res) as
      | { version?: number; currentVersion?: number; content?: Record<string, unknown> }
      | undefined;
    const version = res.status === 201 ? body?.version : (body?.currentVersion ?? undefined);
    out.push({ writer: w, update: u, path, basedOn, status: res.status, version, content: body?.content });
    if (version !== undefined) known.set(`${w}:${path}`, version);
  }
  return out;
}

async function history(path: string): Promise<StoredVersion[]> {
  const key = path.replace(/^\/v1\/settings\//, '');
  const items = (await scanTable(runtime)).filter(
    (i) => (i.pk as { S: string }).S === `${tenant}#settings#${key}`,
  );
  return items
    .map((i) => ({
      version: Number((i.version as { N: string }).N),
      content: JSON.parse((i.content as { S: string }).S) as Record<string, unknown>,
      contentHash: (i.contentHash as { S: string }).S,
      prevHash: (i.prevHash as { S: string } | undefined)?.S ?? null,
      reason: (i.reason as { S: string }).S,
      author: (i.author as { S: string }).S,
    }))
    .sort((a, b) => a.version - b.version);
}

/** Every invariant of a contended document: contiguous, chained, and exactly the accepted writes. */
async function assessDocument(path: string, attempts: Attempt[]): Promise<void> {
  const stored = await history(path);
  const accepted = attempts.filter((a) => a.status === 201);
  // Nothing lost, nothing extra: version 1 (the seed) plus one version per accepted write.
  expect(stored.map((s) => s.version)).toEqual(Array.from({ length: accepted.length + 1 }, (_, i) => i + 1));
  expect(verifyChain(stored as unknown as ChainLink[])).toEqual({ ok: true, versions: stored.length });
  // Each accepted write is its own version, based on the version before it, with the content it was told.
  const byVersion = new Map(accepted.map((a) => [a.version, a]));
  expect(byVersion.size).toBe(accepted.length);
  for (const s of stored.slice(1)) {
    const a = byVersion.get(s.version);
    expect(a, `version ${s.version} of ${path} matches an accepted write`).toBeDefined();
    expect(s.reason).toBe(`w${a?.writer}-u${a?.update}`);
    expect(s.content.last).toEqual({ writer: a?.writer, update: a?.update, basedOn: s.version - 1 });
    expect(a?.content).toEqual(s.content);
  }
  // Every rejected write was a 412 naming a version newer than the one it was based on.
  for (const r of attempts.filter((a) => a.status !== 201)) {
    expect(r.status).toBe(412);
    expect(r.version ?? 0).toBeGreaterThan(r.basedOn);
  }
}

describe('concurrent writers', () => {
  it('keeps every accepted write of 50 writers x 20 updates on one document as its own contiguous, chained version', async () => {
    // Prepare
    const path = '/v1/settings/envs/dev/services/contended';
    await seed(path);
    const known = new Map<string, number>();
    // Act
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) => writer(w, () => path, known)),
    );
    // Assess
    const attempts = results.flat();
    expect(attempts).toHaveLength(WRITERS * UPDATES);
    expect(attempts.some((a) => a.status === 201)).toBe(true);
    await assessDocument(path, attempts);
  });

  it('keeps every accepted write of 50 writers x 20 updates spread over 20 documents, per document', async () => {
    // Prepare
    const paths = Array.from({ length: 20 }, (_, d) => `/v1/settings/envs/dev/services/svc-${d}`);
    for (const path of paths) await seed(path);
    const known = new Map<string, number>();
    // Act
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        writer(w, (u) => paths[(w + u) % paths.length] as string, known),
      ),
    );
    // Assess
    const attempts = results.flat();
    expect(attempts).toHaveLength(WRITERS * UPDATES);
    for (const path of paths)
      await assessDocument(
        path,
        attempts.filter((a) => a.path === path),
      );
  });

  it('lists through the API exactly the history that is stored, newest first', async () => {
    // Prepare
    const path = '/v1/settings/envs/dev/services/contended';
    const stored = await history(path);
    // Act
    const listed: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await send(runtime.url, {
        method: 'GET',
        path: `${path}/versions?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        headers: bearer(token),
      });
      expect(res.status).toBe(200);
      const page = jsonOf(res) as { items: { version: number }[]; nextCursor: string | null };
      listed.push(...page.items.map((i) => i.version));
      cursor = page.nextCursor;
    } while (cursor);
    // Assess
    expect(listed).toEqual(stored.map((s) => s.version).reverse());
  });
});
