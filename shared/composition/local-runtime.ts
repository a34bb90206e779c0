import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DynamoMiddleware } from '../adapters/aws/dynamodb-clients.ts';
import { ensureTable } from '../adapters/aws/ensure-table.ts';
import { type DynaliteHandle, startDynalite } from '../adapters/local/dynalite-server.ts';
import { LocalTokenAuthority, toApiGatewayClaims } from '../adapters/local/local-token-authority.ts';
import type { LocalWorkflowRunner } from '../adapters/local/local-workflow-runner.ts';
import { createHttpHandler, type HttpHandler } from '../http/create-http-handler.ts';
import { startLocalServer } from '../http/local-server.ts';
import type { RouteContext } from '../http/route.ts';
import { routesOf, routeTable } from '../http/route-table.ts';
import type { AppLogger } from '../ports/app-logger.ts';
import type { Clock } from '../ports/clock.ts';
import {
  attachLocalApprovals,
  buildLocalDeps,
  localDynamoConfig,
  resumeOpenApprovals,
} from './build-local-deps.ts';
import { createLogger } from './create-logger.ts';

/** Options of {@link startLocalRuntime}. */
export interface LocalRuntimeOptions {
  /** Where data, keys and (later) reports and the outbox live; `undefined` = in memory (tests). */
  dataDir?: string;
  port?: number;
  logger?: AppLogger;
  clock?: Clock;
  /** SDK config merged into the DynamoDB client (tests inject faults here). */
  dynamoClientConfig?: import('../adapters/aws/dynamodb-clients.ts').DynamoClientConfig;
  /** SDK middleware plugins applied to the DynamoDB client's stack (tests inject faults and count calls here). */
  dynamoMiddleware?: readonly DynamoMiddleware[];
  /** Slack-compatible webhook URLs by secret name, for approval notifications (also `<dataDir>/slack-webhooks.json`). */
  slackWebhooks?: Record<string, string>;
  /** Milliseconds between approval workflow retries (tests keep it small). */
  workflowRetryIntervalMs?: number;
}

/** A running local runtime. */
export interface LocalRuntime {
  url: string;
  port: number;
  dataDir: string | undefined;
  tokens: LocalTokenAuthority;
  dynamoEndpoint: string;
  tableName: string;
  /** Where approval notifications land, one JSON file each. */
  outboxDir: string;
  /** The local approval workflow runner (aws-local-stepfunctions). */
  workflows: LocalWorkflowRunner;
  close(): Promise<void>;
}

/** The table name the local runtime uses. */
export const LOCAL_TABLE_NAME = 'plumbline';

/**
 * Starts the whole product on this machine: dynalite (persisting under
 * `dataDir`), the table, the local token authority and the route table
 * behind a loopback HTTP server, with the same handlers as on AWS.
 *
 * @example const rt = await startLocalRuntime({ dataDir: '.plumbline', port: 8787 });
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const logger = options.logger ?? createLogger('INFO');
  // Without a data dir (tests, the bench) data stays in memory and keys and the outbox go to a
  // temporary folder that close() removes.
  const scratchDir = dataDir ? undefined : await mkdtemp(join(tmpdir(), 'plumbline-'));
  const stateDir = dataDir ?? (scratchDir as string);
  let dynamo: DynaliteHandle;
  if (dataDir) {
    await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
    dynamo = await startDynalite({ path: join(dataDir, 'dynamodb') });
  } else {
    dynamo = await startDynalite();
  }
  const tokens = await LocalTokenAuthority.open(stateDir);
  await ensureTable(localDynamoConfig(dynamo.endpoint), LOCAL_TABLE_NAME);

  const deps = buildLocalDeps({
    dynamoEndpoint: dynamo.endpoint,
    tableName: LOCAL_TABLE_NAME,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.dynamoClientConfig ? { clientConfig: options.dynamoClientConfig } : {}),
    ...(options.dynamoMiddleware ? { dynamoMiddleware: options.dynamoMiddleware } : {}),
  });
  // Approvals: keys and outbox in the data dir (a temp dir without one); links point at this server.
  const approvalsDir = stateDir;
  let serverUrl = '';
  const workflows = await attachLocalApprovals(deps, {
    stateDir: approvalsDir,
    publicUrl: () => serverUrl,
    ...(options.slackWebhooks ? { slackWebhooks: options.slackWebhooks } : {}),
    ...(options.workflowRetryIntervalMs === undefined
      ? {}
      : { retryIntervalMs: options.workflowRetryIntervalMs }),
  });
  const handlers = new Map<RouteContext, HttpHandler>();
  const server = await startLocalServer({
    routes: routeTable,
    handlerFor: (context) => {
      let handler = handlers.get(context);
      if (!handler) {
        handler = createHttpHandler(routesOf(context), deps);
        handlers.set(context, handler);
      }
      return handler;
    },
    authenticate: async (token) => {
      const payload = await tokens.verify(token);
      return payload ? toApiGatewayClaims(payload) : undefined;
    },
    logger,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  serverUrl = server.url;
  // Local executions live in memory: restart the workflow of every request a previous run left open.
  await resumeOpenApprovals(dynamo.endpoint, LOCAL_TABLE_NAME, workflows, logger);
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    dataDir,
    outboxDir: join(approvalsDir, 'outbox'),
    workflows,
    tokens,
    dynamoEndpoint: dynamo.endpoint,
    tableName: LOCAL_TABLE_NAME,
    // Why this order: requests still being handled and workflow steps still running finish
    // (or are refused) before the database they read closes. A second close() awaits the first.
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await workflows.close();
        await dynamo.close();
        if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
      })()),
  };
}
