import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary folder that `cleanup()` removes. */
export async function tempDir(): Promise<{
  dir: string;
  path(name: string): string;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'plumbline-client-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** One answer of the fake Plumbline API. */
export interface FakeAnswer {
  status?: number;
  content?: Record<string, unknown>;
  explain?: Record<string, { scope: string; version: number }>;
  etag?: string;
}

/**
 * A `fetch` that answers like `GET /v1/effective/...`: the current answer,
 * 304 when `If-None-Match` matches its ETag; it records every request.
 */
export function fakePlumbline(initial: FakeAnswer): {
  fetch: typeof fetch;
  requests: { url: string; headers: Record<string, string> }[];
  set(answer: FakeAnswer): void;
  down(): void;
} {
  let answer: FakeAnswer | undefined = initial;
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    requests.push({ url: String(input), headers });
    if (!answer) throw new TypeError('fetch failed');
    const etag = answer.etag ?? '"v1"';
    if (headers['if-none-match'] === etag) return new Response(null, { status: 304, headers: { etag } });
    const body = { content: answer.content ?? {}, layers: [], profiles: [], explain: answer.explain ?? {} };
    return new Response(JSON.stringify(body), {
      status: answer.status ?? 200,
      headers: { etag, 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return {
    fetch: fetchFn,
    requests,
    set: (next) => {
      answer = next;
    },
    down: () => {
      answer = undefined;
    },
  };
}

/** A loopback port nothing listens on (free when asked; a "down" server's port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
