import {
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from '../../shared/composition/local-runtime.ts';
import type { AppLogger } from '../../shared/ports/app-logger.ts';

/** A logger that keeps every line in memory, for assertions (and silence). */
export class MemoryLogger implements AppLogger {
  readonly lines: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
  info(message: string, attributes: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'INFO', message, attributes });
  }
  warn(message: string, attributes: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'WARN', message, attributes });
  }
  error(message: string, attributes: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'ERROR', message, attributes });
  }
}

/** A response as tests read it. */
export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** A started runtime plus helpers to mint tokens and call the API. */
export interface TestRuntime extends LocalRuntime {
  logger: MemoryLogger;
  token(tenantId: string, userId: string, roles: string[]): Promise<string>;
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<TestResponse>;
}

/** Starts an in-memory local runtime on a free loopback port. */
export async function startTestRuntime(options: LocalRuntimeOptions = {}): Promise<TestRuntime> {
  const logger = new MemoryLogger();
  const runtime = await startLocalRuntime({ logger, ...options });
  return Object.assign(runtime, {
    logger,
    token: (tenantId: string, userId: string, roles: string[]) =>
      runtime.tokens.issue({ tenantId, userId, roles, ttlSeconds: 3600 }),
    call: async (
      method: string,
      path: string,
      opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
    ): Promise<TestResponse> => {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined = opts.rawBody;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${runtime.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
  });
}
