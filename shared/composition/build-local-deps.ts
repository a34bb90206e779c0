import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DynamoDbAuditLog } from '../adapters/aws/dynamodb-audit-log.ts';
import { DynamoDbChangeRequestStore } from '../adapters/aws/dynamodb-change-request-store.ts';
import {
  createDocumentClient,
  type DynamoClientConfig,
  type DynamoMiddleware,
  localDynamoConfig,
} from '../adapters/aws/dynamodb-clients.ts';
import { DynamoDbClusterStore } from '../adapters/aws/dynamodb-cluster-store.ts';
import { DynamoDbDocumentStore } from '../adapters/aws/dynamodb-document-store.ts';
import { DynamoDbSecretStore } from '../adapters/aws/dynamodb-secret-store.ts';
import { scanOpenChangeRequests } from '../adapters/aws/scan-open-change-requests.ts';
import { HmacLinkSigner } from '../adapters/crypto/hmac-link-signer.ts';
import { loadOrCreateKey } from '../adapters/local/local-key-file.ts';
import { LOCAL_SECRETS_MASTER_KEY, LocalKeyService } from '../adapters/local/local-key-service.ts';
import { LocalScanQueue } from '../adapters/local/local-scan-queue.ts';
import { MemoryReportStore } from '../adapters/local/local-scan-report-store.ts';
import { LocalServiceAccountDirectory } from '../adapters/local/local-service-account-directory.ts';
import { LocalTokenCipher } from '../adapters/local/local-token-cipher.ts';
import { LocalWorkflowRunner } from '../adapters/local/local-workflow-runner.ts';
import { OutboxNotifier } from '../adapters/local/outbox-notifier.ts';
import { SlackWebhookNotifier } from '../adapters/slack/slack-webhook-notifier.ts';
import type { ContextDeps } from '../http/context-ports.ts';
import type { RouteContext } from '../http/route.ts';
import type { AppLogger } from '../ports/app-logger.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { KeyService } from '../ports/key-service.ts';
import { fanoutNotifier } from '../ports/notifier.ts';
import type { ReportStore } from '../ports/report-store.ts';
import type { ScanQueue } from '../ports/scan-queue.ts';
import type { ApprovalDeps } from '../use-cases/approvals/approval-deps.ts';
import type { PortsOf } from '../use-cases/deps.ts';
import { approvalTaskHandlers } from '../workflows/approval-task-handlers.ts';
import { localTaskArns, renderApprovalWorkflow } from '../workflows/approval-workflow.ts';
import { lazyPort } from './lazy-port.ts';

/** What the local runtime (and tests) choose. */
export interface LocalDepsOptions {
  /** dynalite's endpoint. */
  dynamoEndpoint: string;
  tableName: string;
  logger: AppLogger;
  clock?: Clock;
  /** Extra SDK client config (tests add fault-injecting middleware through `clientConfig`). */
  clientConfig?: DynamoClientConfig;
  /** SDK middleware plugins applied to the DynamoDB client's stack (fault injection, call counting). */
  dynamoMiddleware?: readonly DynamoMiddleware[];
  /**
   * Holds `keys/secrets-master.key` (0600), the local master key of secret
   * envelopes (issue 13); without it a random in-memory key (tests).
   */
  keysDir?: string;
  /** Drift reports (issue 14): the local runtime's s3rver bucket; in memory without one. */
  reports?: ReportStore;
  /** Drift scans (issue 14): the local runtime's in-process queue; one that runs nothing without one. */
  scanQueue?: ScanQueue;
}

export { localDynamoConfig };

/** The data ports of the local runtime, before its approval ports are attached. */
export type LocalDataDeps = PortsOf<
  'documents' | 'changeRequests' | 'secrets' | 'keys' | 'audit' | 'clusters' | 'reports' | 'scanQueue'
>;

/**
 * Everything the local runtime holds: the ports of every HTTP context and of
 * every approval workflow task (it serves all routes and runs the workflow
 * in one process). A new context's ports make this root fail to compile
 * until it builds them.
 */
export type LocalDeps = ContextDeps<RouteContext> & ApprovalDeps;

/**
 * The composition root of the local runtime, first step: the same DynamoDB
 * adapters as on AWS, pointed at dynalite. {@link attachLocalApprovals}
 * completes it.
 */
export function buildLocalDeps(options: LocalDepsOptions): LocalDataDeps {
  const client = createDocumentClient(
    { ...localDynamoConfig(options.dynamoEndpoint), ...options.clientConfig },
    options.dynamoMiddleware ?? [],
  );
  return {
    documents: new DynamoDbDocumentStore({ tableName: options.tableName, clientFor: () => client }),
    changeRequests: new DynamoDbChangeRequestStore({ tableName: options.tableName, clientFor: () => client }),
    // Secrets (issue 13): envelopes and metadata in the local table, a master key file in the data dir.
    secrets: new DynamoDbSecretStore({ tableName: options.tableName, clientFor: () => client }),
    audit: new DynamoDbAuditLog({ tableName: options.tableName, clientFor: () => client }),
    keys: localKeyService(options.keysDir),
    // Drift (issue 14): cluster, scan and report items in the local table; report files in s3rver.
    clusters: new DynamoDbClusterStore({ tableName: options.tableName, clientFor: () => client }),
    reports: options.reports ?? new MemoryReportStore(),
    scanQueue: options.scanQueue ?? new LocalScanQueue({ concurrency: 1, logger: options.logger }),
    clock: options.clock ?? systemClock,
    logger: options.logger,
  };
}

/** Options of {@link attachLocalApprovals}. */
export interface LocalApprovalOptions {
  /** Holds `keys/` (link-signing and task-token keys) and `outbox/`. */
  stateDir: string;
  /** The local server's URL, for the links in notifications (known once it listens). */
  publicUrl: () => string;
  /** Slack webhook URLs by secret name (also read from `<stateDir>/slack-webhooks.json`). */
  slackWebhooks?: Record<string, string>;
  /** Milliseconds between workflow retries (the definition's backoff otherwise). */
  retryIntervalMs?: number;
  /** Service accounts (issue 15); an in-memory directory without one. */
  serviceAccounts?: LocalServiceAccountDirectory;
}

/**
 * Adds the approval ports of the local runtime to `deps`: HMAC link signer
 * and AES-256-GCM task-token cipher with keys in `<stateDir>/keys/`, the
 * outbox notifier (`<stateDir>/outbox/`) plus a Slack-compatible webhook when
 * configured, and the local workflow runner executing the approval state
 * machine with the real task handlers. Returns the completed ports and the runner.
 *
 * @example const { deps, runner } = await attachLocalApprovals(data, { stateDir, publicUrl: () => server.url });
 */
export async function attachLocalApprovals(
  data: LocalDataDeps,
  options: LocalApprovalOptions,
): Promise<{ deps: LocalDeps; runner: LocalWorkflowRunner }> {
  const [linkKey, tokenKey] = await Promise.all([
    loadOrCreateKey(options.stateDir, 'approval-link-hmac.key'),
    loadOrCreateKey(options.stateDir, 'task-token-aes.key'),
  ]);
  const resolveWebhook = async (name: string): Promise<string | undefined> => {
    if (options.slackWebhooks?.[name]) return options.slackWebhooks[name];
    try {
      const { readFile } = await import('node:fs/promises');
      const file = JSON.parse(
        await readFile(join(options.stateDir, 'slack-webhooks.json'), 'utf8'),
      ) as Record<string, unknown>;
      return typeof file[name] === 'string' ? file[name] : undefined;
    } catch {
      return undefined;
    }
  };
  const runner = new LocalWorkflowRunner({
    definition: renderApprovalWorkflow(localTaskArns()),
    waitState: 'AwaitDecision',
    logger: data.logger,
    ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
  });
  const clock = data.clock;
  const deps: LocalDeps = {
    ...data,
    workflows: runner,
    linkSigner: new HmacLinkSigner(async () => linkKey),
    tokenCipher: new LocalTokenCipher(tokenKey),
    notifier: fanoutNotifier([
      new OutboxNotifier(join(options.stateDir, 'outbox'), () => clock.now()),
      new SlackWebhookNotifier(resolveWebhook),
    ]),
    publicUrl: options.publicUrl,
    serviceAccounts:
      options.serviceAccounts ??
      (await LocalServiceAccountDirectory.open(undefined, () => `${options.publicUrl()}/oauth2/token`)),
  };
  runner.attach(approvalTaskHandlers(deps));
  return { deps, runner };
}

/**
 * Restarts the approval workflow of every change request a previous run of
 * the local runtime left open (its executions lived in that process). Each
 * resumes with its remaining approval window: approvers get fresh links, an
 * already approved request is applied, an overdue one expires.
 */
export async function resumeOpenApprovals(
  dynamoEndpoint: string,
  tableName: string,
  workflows: LocalWorkflowRunner,
  logger: AppLogger,
): Promise<number> {
  const client = createDocumentClient(localDynamoConfig(dynamoEndpoint));
  try {
    const open = await scanOpenChangeRequests(client, tableName);
    for (const ids of open) await workflows.startApproval(ids);
    if (open.length > 0) logger.info('resumed approval workflows', { count: open.length });
    return open.length;
  } finally {
    client.destroy();
  }
}

/** The local key service: the master key file of `keysDir`, read on first use, or a random in-memory key. */
function localKeyService(keysDir: string | undefined): KeyService {
  if (keysDir === undefined) return new LocalKeyService(randomBytes(32));
  return lazyPort(async () => new LocalKeyService(await loadOrCreateKey(keysDir, LOCAL_SECRETS_MASTER_KEY)));
}
