import { Agent, request } from 'node:http';

/** A raw HTTP response as the suites inspect it. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** A request as the suites send it: any method, any path, any header, any bytes. */
export interface RawRequest {
  method: string;
  /** Path and query string, sent as is. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * Sends one request with `node:http` (not fetch: fetch normalises paths and
 * refuses some headers the fuzzer wants to send).
 *
 * @example const res = await send(runtime.url, { method: 'GET', path: '/v1/health' });
 */
export function send(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const base = new URL(baseUrl);
  const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
  // Always frame the body: node:http sends a GET body unframed otherwise, which desynchronises the connection.
  const headers =
    body === undefined ? (req.headers ?? {}) : { ...req.headers, 'content-length': String(body.length) };
  return new Promise((resolve, reject) => {
    const out = request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers[k] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    if (body !== undefined) out.write(body);
    out.end();
  });
}

/** Parses a response body as JSON; `undefined` when it is not JSON. */
export function jsonOf(res: RawResponse): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    return undefined;
  }
}

/** The bearer header for a token. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
