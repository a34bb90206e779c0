import { createServer, type Server, type Socket } from 'node:net';
import type { DynamoMiddleware } from '../../shared/adapters/aws/dynamodb-clients.ts';

/**
 * What the probe can do to one attempt of a DynamoDB call:
 * - `throttle`: answer `400 ProvisionedThroughputExceededException` without calling DynamoDB;
 * - `internal`: answer `500 InternalServerError` without calling DynamoDB;
 * - `timeout`: send the request to a socket that never answers, so the SDK's own
 *   request timeout fires (configure a short `requestTimeout` on the client);
 * - `lost-response`: let the call reach DynamoDB (a put lands) and then replace
 *   its response by a `500 InternalServerError`, as a dropped connection would;
 * - `rejected`: answer `400 ValidationException` (not retryable: a bug, not weather).
 */
export type FaultKind = 'throttle' | 'internal' | 'timeout' | 'lost-response' | 'rejected';

/** One attempt of one DynamoDB operation, as the probe saw it on the wire. */
export interface DynamoAttempt {
  /** Wire operation: `GetItem`, `Query`, `PutItem` ... */
  op: string;
  /** SDK invocation id: all attempts of one logical call share it. */
  invocation: string;
  /** 1 for the first attempt, 2 for the first retry ... */
  attempt: number;
  /** `performance.now()` when the attempt left / came back. */
  start: number;
  end: number;
  /** HTTP status DynamoDB (or the probe) answered; 0 when none came back. */
  status: number;
  fault: FaultKind | undefined;
}

interface Rule {
  op: string;
  kinds: FaultKind[];
  /** Applies forever instead of being consumed. */
  always: boolean;
}

const DYNAMO_ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/**
 * An SDK middleware that sits below the SDK's retry middleware (every attempt
 * passes through it), records every attempt and injects faults on request.
 * Plug it in with `startLocalRuntime({ dynamoMiddleware: [probe.middleware] })`.
 *
 * @example probe.failNext('PutItem', 'throttle'); // the next PutItem attempt is throttled, its retry goes through
 */
export class DynamoProbe {
  readonly attempts: DynamoAttempt[] = [];
  #rules: Rule[] = [];
  #blackhole: Server | undefined;
  #blackholePort = 0;
  readonly #sockets = new Set<Socket>();

  /** The middleware plugin for `dynamoMiddleware`. */
  readonly middleware: DynamoMiddleware = {
    applyToStack: (stack) => {
      stack.add(
        (next) => async (args) => {
          const request = (args as { request: WireRequest }).request;
          const op = (request.headers['x-amz-target'] ?? '').split('.').pop() ?? 'unknown';
          const retryInfo = /attempt=(\d+)/.exec(request.headers['amz-sdk-request'] ?? '');
          const record: DynamoAttempt = {
            op,
            invocation: request.headers['amz-sdk-invocation-id'] ?? 'unknown',
            attempt: Number(retryInfo?.[1] ?? 1),
            start: performance.now(),
            end: 0,
            status: 0,
            fault: this.#take(op),
          };
          this.attempts.push(record);
          try {
            if (record.fault === 'throttle' || record.fault === 'internal' || record.fault === 'rejected') {
              const response = fakeError(record.fault);
              record.status = response.statusCode;
              return { response, output: undefined } as never;
            }
            if (record.fault === 'timeout') {
              request.hostname = '127.0.0.1';
              request.port = await this.#blackholePortNumber();
            }
            const out = (await next(args)) as { response: { statusCode: number } };
            record.status = out.response.statusCode;
            if (record.fault === 'lost-response')
              return { response: fakeError('internal'), output: undefined } as never;
            return out as never;
          } finally {
            record.end = performance.now();
          }
        },
        { step: 'deserialize', priority: 'low', name: 'plumblineDynamoProbe', override: true },
      );
    },
  };

  /** The next attempts of `op` (`'*'` = any operation) get these faults, one each, in order. */
  failNext(op: string, ...kinds: FaultKind[]): this {
    this.#rules.push({ op, kinds, always: false });
    return this;
  }

  /** Every attempt of `op` (`'*'` = any operation) gets this fault until {@link DynamoProbe.reset}. */
  failAlways(op: string, kind: FaultKind): this {
    this.#rules.push({ op, kinds: [kind], always: true });
    return this;
  }

  /** Drops every fault rule and every recorded attempt. */
  reset(): void {
    this.#rules = [];
    this.attempts.length = 0;
  }

  /** The attempts of one operation. */
  attemptsOf(op: string): DynamoAttempt[] {
    return this.attempts.filter((a) => a.op === op);
  }

  /** Closes the black-hole socket server used by `timeout` faults. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#blackhole;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #take(op: string): FaultKind | undefined {
    const rule = this.#rules.find((r) => (r.op === op || r.op === '*') && r.kinds.length > 0);
    if (!rule) return undefined;
    if (rule.always) return rule.kinds[0];
    return rule.kinds.shift();
  }

  async #blackholePortNumber(): Promise<number> {
    if (!this.#blackhole) {
      const server = createServer((socket) => {
        // Accept and never answer: the SDK's request timeout must end the attempt.
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      });
      this.#blackhole = server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      const address = server.address();
      this.#blackholePort = typeof address === 'object' && address ? address.port : 0;
    }
    return this.#blackholePort;
  }
}

interface WireRequest {
  headers: Record<string, string | undefined>;
  hostname: string;
  port?: number;
}

const FAKE_ERRORS: Record<'throttle' | 'internal' | 'rejected', [number, string, string]> = {
  throttle: [
    400,
    'ProvisionedThroughputExceededException',
    'The level of configured provisioned throughput for the table was exceeded.',
  ],
  internal: [500, 'InternalServerError', 'Internal server error'],
  rejected: [400, 'ValidationException', 'One or more parameter values were invalid: probe-injected'],
};

function fakeError(kind: 'throttle' | 'internal' | 'rejected'): {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
} {
  const [status, type, message] = FAKE_ERRORS[kind];
  return {
    statusCode: status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'probe' },
    body: new TextEncoder().encode(JSON.stringify({ __type: `${DYNAMO_ERROR_PREFIX}${type}`, message })),
  };
}

/**
 * Calls of one logical request summarised: logical calls (SDK invocations)
 * and the length of the sequential critical path, i.e. the most calls that
 * had to happen one after another (calls whose lifetimes overlap run in parallel).
 */
export function callProfile(attempts: readonly DynamoAttempt[]): {
  total: number;
  criticalPath: number;
  ops: string[];
} {
  const byInvocation = new Map<string, { op: string; start: number; end: number }>();
  for (const a of attempts) {
    const seen = byInvocation.get(a.invocation);
    if (!seen) byInvocation.set(a.invocation, { op: a.op, start: a.start, end: a.end });
    else {
      seen.start = Math.min(seen.start, a.start);
      seen.end = Math.max(seen.end, a.end);
    }
  }
  const calls = [...byInvocation.values()].sort((x, y) => x.start - y.start);
  // Longest chain of calls where each starts after the previous one ended.
  const depth: number[] = [];
  calls.forEach((call, i) => {
    let best = 0;
    for (let j = 0; j < i; j++) {
      const before = calls[j];
      if (before && before.end <= call.start) best = Math.max(best, depth[j] ?? 0);
    }
    depth.push(best + 1);
  });
  return { total: calls.length, criticalPath: Math.max(0, ...depth), ops: calls.map((c) => c.op) };
}
