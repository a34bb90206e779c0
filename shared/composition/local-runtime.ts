import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DynamoMiddleware } from '../adapters/aws/dynamodb-clients.ts';
import { ensureTable } from '../adapters/aws/ensure-table.ts';
import { type DynaliteHandle, startDynalite } from '../adapters/local/dynalite-server.ts';
import { LocalServiceAccountDirectory } from '../adapters/local/local-service-account-directory.ts';
import { LocalTokenAuthority, toApiGatewayClaims } from '../adapters/local/local-token-authority.ts';
import type { LocalWorkflowRunner } from '../adapters/local/local-workflow-runner.ts';
import { LockHeldError, PidLockFile } from '../adapters/local/pid-lock-file.ts';
import { startLocalReportBucket } from '../adapters/local/s3rver-report-bucket.ts';
import { createHttpHandler, type HttpHandler } from '../http/create-http-handler.ts';
import { devTokenRoute, LOCAL_DEV_TOKEN_ROUTE } from '../http/local-dev-token-route.ts';
import { LOCAL_OAUTH_TOKEN_ROUTE, oauthTokenRoute } from '../http/local-oauth-token-route.ts';
import { type LocalServer, startLocalServer } from '../http/local-server.ts';
import type { RouteContext } from '../http/route.ts';
import { routesOf, routeTable } from '../http/route-table.ts';
import type { AppLogger } from '../ports/app-logger.ts';
import type { Clock } from '../ports/clock.ts';
import { loopbackClustersAllowed } from '../use-cases/clusters/loopback-clusters.ts';
import {
  attachLocalApprovals,
  buildLocalDeps,
  localDynamoConfig,
  resumeOpenApprovals,
} from './build-local-deps.ts';
import { createLogger } from './create-logger.ts';
import {
  LOCAL_SCAN_CONCURRENCY,
  type LocalDriftOptions,
  type LocalDriftScanner,
  LocalScanQueue,
  startLocalDriftScanner,
} from './local-drift-scanner.ts';
import { startLocalSecretRotation } from './local-secret-rotation.ts';
import { LocalStartError } from './local-start-error.ts';

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
  /** Milliseconds between runs of the secret rotation job (issue 13); off when absent. */
  secretRotationIntervalMs?: number;
  /** Milliseconds between drift scans of every cluster (issue 14, `PLUMBLINE_SCAN_INTERVAL`); off when absent or 0. */
  scanIntervalMs?: number;
  /** Drift scanner limits and EKS signing credentials (tests). */
  drift?: Pick<LocalDriftOptions, 'eksCredentials' | 'clusterTimeoutMs' | 'requestTimeoutMs' | 'resolve'>;
}

/** A running local runtime. */
export interface LocalRuntime {
  url: string;
  port: number;
  dataDir: string | undefined;
  tokens: LocalTokenAuthority;
  /** Service accounts, whose clients get tokens from `POST /oauth2/token` (issue 15). */
  serviceAccounts: LocalServiceAccountDirectory;
  dynamoEndpoint: string;
  tableName: string;
  /** Where approval notifications land, one JSON file each. */
  outboxDir: string;
  /** The local approval workflow runner (aws-local-stepfunctions). */
  workflows: LocalWorkflowRunner;
  /** The drift dispatcher and scanner (issue 14): `dispatch()` runs what the timer runs. */
  drift: LocalDriftScanner;
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
  // What start-up has opened so far, undone in reverse if a later step fails (a busy port).
  const undo: (() => Promise<void>)[] = [];
  try {
    return await start(options, dataDir, logger, undo);
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw error;
  }
}

async function start(
  options: LocalRuntimeOptions,
  dataDir: string | undefined,
  logger: AppLogger,
  undo: (() => Promise<void>)[],
): Promise<LocalRuntime> {
  // Without a data dir (tests, the bench) data stays in memory and keys and the outbox go to a
  // temporary folder that close() removes.
  const scratchDir = dataDir ? undefined : await mkdtemp(join(tmpdir(), 'plumbline-'));
  if (scratchDir) undo.push(() => rm(scratchDir, { recursive: true, force: true }));
  const stateDir = dataDir ?? (scratchDir as string);
  let dynamo: DynaliteHandle;
  if (dataDir) {
    await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
    const lock = await lockDataDir(dataDir);
    undo.push(() => lock.release());
    dynamo = await startDynalite({ path: join(dataDir, 'dynamodb') });
  } else {
    dynamo = await startDynalite();
  }
  undo.push(() => dynamo.close());
  const tokens = await LocalTokenAuthority.open(stateDir);
  const serviceAccounts = await LocalServiceAccountDirectory.open(
    join(stateDir, 'service-accounts.json'),
    () => `${serverUrl}/oauth2/token`,
  );
  await ensureTable(localDynamoConfig(dynamo.endpoint), LOCAL_TABLE_NAME);
  // Drift reports (issue 14): s3rver in this process, under <data dir>/s3, through the S3 adapter.
  const reportBucket = await startLocalReportBucket(join(stateDir, 's3'));
  undo.push(() => reportBucket.close());
  const scanQueue = new LocalScanQueue({ concurrency: LOCAL_SCAN_CONCURRENCY, logger });

  const data = buildLocalDeps({
    dynamoEndpoint: dynamo.endpoint,
    tableName: LOCAL_TABLE_NAME,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.dynamoClientConfig ? { clientConfig: options.dynamoClientConfig } : {}),
    ...(options.dynamoMiddleware ? { dynamoMiddleware: options.dynamoMiddleware } : {}),
    keysDir: stateDir,
    reports: reportBucket.store,
    scanQueue,
  });
  // Approvals: keys and outbox in the data dir (a temp dir without one); links point at this server.
  const approvalsDir = stateDir;
  let serverUrl = '';
  const { deps, runner: workflows } = await attachLocalApprovals(data, {
    stateDir: approvalsDir,
    publicUrl: () => serverUrl,
    serviceAccounts,
    ...(options.slackWebhooks ? { slackWebhooks: options.slackWebhooks } : {}),
    ...(options.workflowRetryIntervalMs === undefined
      ? {}
      : { retryIntervalMs: options.workflowRetryIntervalMs }),
  });
  undo.push(() => workflows.close());
  const drift = startLocalDriftScanner({
    deps,
    queue: scanQueue,
    allowLoopback: loopbackClustersAllowed(),
    ...(options.scanIntervalMs ? { intervalMs: options.scanIntervalMs } : {}),
    ...options.drift,
  });
  undo.push(() => drift.stop());
  // Secret rotation (issue 13): the local twin of the daily rule, only when an interval is set.
  if (options.secretRotationIntervalMs !== undefined) {
    const rotation = startLocalSecretRotation({
      deps,
      dynamoEndpoint: dynamo.endpoint,
      tableName: LOCAL_TABLE_NAME,
      intervalMs: options.secretRotationIntervalMs,
    });
    undo.push(() => rotation.stop());
  }
  const handlers = new Map<RouteContext, HttpHandler>();
  const server = await listen(options.port, {
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
    localRoutes: {
      [LOCAL_DEV_TOKEN_ROUTE]: devTokenRoute((request) => tokens.issue(request)),
      [LOCAL_OAUTH_TOKEN_ROUTE]: oauthTokenRoute({
        authenticate: (clientId, secret) => serviceAccounts.authenticate(clientId, secret),
        issue: (request) => tokens.issue(request),
      }),
    },
  });
  undo.push(() => server.close());
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
    drift,
    tokens,
    serviceAccounts,
    dynamoEndpoint: dynamo.endpoint,
    tableName: LOCAL_TABLE_NAME,
    // Start-up in reverse: the server (requests being handled answer), the workflows (running steps
    // finish), then the database they read, then the lock or the scratch folder. A second close()
    // awaits the first.
    close: () =>
      (closing ??= (async () => {
        for (const step of [...undo].reverse()) await step();
      })()),
  };
}

/** The name of the lock file in the data directory; it holds the PID of the runtime using the directory. */
export const DATA_DIR_LOCK_FILE = 'plumbline.lock';

/** Takes the data directory's lock: one runtime per directory (dynalite's LevelDB allows one process). */
async function lockDataDir(dataDir: string): Promise<PidLockFile> {
  try {
    return await PidLockFile.acquire(join(dataDir, DATA_DIR_LOCK_FILE));
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error;
    throw new LocalStartError(
      'data-dir-locked',
      `The data directory ${dataDir} is in use by another Plumbline runtime (PID ${error.pid}, see ${error.path}): stop it, or set PLUMBLINE_DATA_DIR to another directory.`,
    );
  }
}

/** Starts the local server, turning a taken port into a {@link LocalStartError}. */
async function listen(
  port: number | undefined,
  options: Omit<Parameters<typeof startLocalServer>[0], 'port'>,
): Promise<LocalServer> {
  try {
    return await startLocalServer({ ...options, ...(port === undefined ? {} : { port }) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new LocalStartError(
      'port-in-use',
      `Port ${port} on 127.0.0.1 is already in use (another Plumbline runtime?): stop that process, or set PLUMBLINE_PORT to a free port.`,
    );
  }
}
