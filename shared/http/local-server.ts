import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
} from '../domain/errors.ts';
import type { AppLogger } from '../ports/app-logger.ts';
import type { HttpHandler } from './create-http-handler.ts';
import { MAX_BODY_BYTES } from './parse-body.ts';
import { problemResult } from './problem-details.ts';
import { logRequest, RouteNamer, redactingLogger } from './request-log.ts';
import type { Route, RouteContext } from './route.ts';
import { RouteMatcher } from './route-matcher.ts';

/** What the local server needs: the route table, a handler per context and a token verifier. */
export interface LocalServerOptions {
  routes: readonly Route[];
  handlerFor(context: RouteContext): HttpHandler;
  /** Verifies a bearer token; returns API Gateway-shaped claims or `undefined`. */
  authenticate(token: string): Promise<Record<string, string> | undefined>;
  logger: AppLogger;
  host?: string;
  port?: number;
  /**
   * Routes of the local runtime only, by `"METHOD /path"` (e.g. `POST /local/dev/token`): not in
   * the route table, so absent from AWS and OpenAPI, and answered only to loopback clients (any
   * other client gets the 404 of an unknown path).
   */
  localRoutes?: Readonly<Record<string, LocalRouteHandler>>;
}

/** A route of the local runtime only: the raw body (and the request headers) in, a response out (it validates its own input). */
export type LocalRouteHandler = (
  body: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A running local server. */
export interface LocalServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the route table over HTTP the way API Gateway would: it does the
 * JWT authorizer's job, turns each request into an API Gateway v2 event and
 * the handler's result back into a response. Handlers cannot tell it from AWS.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const matcher = new RouteMatcher(options.routes);
  // Why: the path may hold a signed approval link; log lines name a template or a redacted path.
  const log: RequestLogging = {
    namer: new RouteNamer(options.routes),
    logger: redactingLogger(options.logger),
  };
  // Requests being handled: close() lets them finish before the runtime closes the database.
  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    const handling = handle(req, res, matcher, options, log, { started, requestId }).catch(
      (error: unknown) => {
        const method = (req.method ?? 'GET').toUpperCase();
        log.logger.error('local server failure', {
          requestId,
          errorName: (error as Error).name,
          errorMessage: (error as Error).message,
        });
        const result = problemResult(error, { requestId });
        logRequest(log.logger, {
          requestId,
          tenant: undefined,
          route: log.namer.name(method, requestUrl(req.url).pathname),
          method,
          status: result.statusCode ?? 500,
          durationMs: performance.now() - started,
        });
        if (!res.headersSent) send(res, result);
        else res.destroy();
      },
    );
    inFlight.add(handling);
    void handling.then(() => inFlight.delete(handling));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      // Stop accepting, drop idle keep-alive sockets, let running requests answer, then drop the rest.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
    },
  };
}

/** How the local server writes its own request lines (those the handler does not write). */
interface RequestLogging {
  namer: RouteNamer;
  logger: AppLogger;
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  matcher: RouteMatcher,
  options: LocalServerOptions,
  log: RequestLogging,
  { started, requestId }: { started: number; requestId: string },
): Promise<void> {
  const url = requestUrl(req.url);
  const method = (req.method ?? 'GET').toUpperCase();
  let template: string | undefined;
  const reject = (error: Error, tenant?: string) => {
    const result = problemResult(error, { instance: url.pathname, requestId });
    logRequest(log.logger, {
      requestId,
      tenant,
      route: log.namer.name(method, url.pathname, template),
      method,
      status: result.statusCode ?? 500,
      durationMs: performance.now() - started,
    });
    send(res, result);
    req.resume();
  };

  const local = options.localRoutes?.[`${method} ${url.pathname}`];
  if (local !== undefined && isLoopbackAddress(req.socket.remoteAddress)) {
    template = url.pathname;
    const body = await readBody(req);
    if (body === undefined)
      return reject(
        new PayloadTooLargeError(`The request body exceeds ${MAX_BODY_BYTES} bytes`, MAX_BODY_BYTES),
      );
    const result = await local(body, req.headers);
    logRequest(log.logger, {
      requestId,
      tenant: undefined,
      route: `${method} ${url.pathname}`,
      method,
      status: result.statusCode ?? 200,
      durationMs: performance.now() - started,
    });
    return send(res, result);
  }

  const matched = matcher.match(method, url.pathname);
  if (matched === undefined) return reject(new NotFoundError(`No route for ${method} ${url.pathname}`));
  if ('allowed' in matched) {
    return reject(new MethodNotAllowedError(`${method} is not allowed on ${url.pathname}`, matched.allowed));
  }
  const { route, params } = matched.found;
  template = route.path;

  let claims: Record<string, string> | undefined;
  if (route.permission !== null) {
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    claims = token ? await options.authenticate(token) : undefined;
    if (!claims)
      return reject(
        new UnauthorizedError(
          token ? 'The bearer token is not valid or has expired' : 'A bearer token is required',
        ),
      );
  }

  const maxBytes = route.maxBodyBytes ?? MAX_BODY_BYTES;
  const body = await readBody(req, maxBytes);
  if (body === undefined)
    return reject(
      new PayloadTooLargeError(`The request body exceeds ${maxBytes} bytes`, maxBytes),
      claims?.tenant_id,
    );

  const event = toEvent(req, url, route, params, body, requestId, claims);
  const context = lambdaContext(route.context, requestId);
  const result = await options.handlerFor(route.context)(event, context);
  send(res, result);
}

/** Whether a client address is this machine (IPv4, IPv6 or IPv4-mapped IPv6 loopback). */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/.test(address);
}

/**
 * The request target as a URL. Why not `new URL(req.url, base)`: it reads a path starting
 * with `//` as a host (`//x/v1/health` became `/v1/health`, `//` threw and gave a 500).
 */
function requestUrl(raw = '/'): URL {
  try {
    return new URL(raw.startsWith('/') ? `http://localhost${raw}` : raw);
  } catch {
    return new URL('http://localhost/');
  }
}

function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes + 1024) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  route: Route,
  params: Record<string, string>,
  body: string,
  requestId: string,
  claims: Record<string, string> | undefined,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const now = new Date();
  const event = {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
    ...(body.length > 0 ? { body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      // The Lambda authorizer's shape (`token-authorizer.ts`): one shape on AWS and locally.
      ...(claims ? { authorizer: { lambda: claims } } : {}),
    },
  };
  return event as unknown as APIGatewayProxyEventV2;
}

function lambdaContext(context: RouteContext, requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `plumbline-local-${context}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:plumbline-local-${context}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/plumbline-local-${context}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(result.headers ?? {})) headers[key] = String(value);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body ?? '');
}
