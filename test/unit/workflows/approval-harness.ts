import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoMiddleware } from '../../../shared/adapters/aws/dynamodb-clients.ts';
import { ensureTable } from '../../../shared/adapters/aws/ensure-table.ts';
import { type DynaliteHandle, startDynalite } from '../../../shared/adapters/local/dynalite-server.ts';
import type { LocalWorkflowRunner } from '../../../shared/adapters/local/local-workflow-runner.ts';
import type { OutboxMessage } from '../../../shared/adapters/local/outbox-notifier.ts';
import {
  attachLocalApprovals,
  buildLocalDeps,
  type LocalDeps,
  localDynamoConfig,
} from '../../../shared/composition/build-local-deps.ts';
import type { ChangeRequest } from '../../../shared/domain/approvals/change-request.ts';
import type { Principal } from '../../../shared/domain/rbac.ts';
import type { Clock } from '../../../shared/ports/clock.ts';
import { environmentRef } from '../../../shared/use-cases/environments/environments-ref.ts';
import { putEnvironment } from '../../../shared/use-cases/environments/put-environment.ts';
import { putSettings } from '../../../shared/use-cases/settings/put-settings.ts';
import { MemoryLogger } from '../../support/test-runtime.ts';

/** A fault switch for DynamoDB writes, applied before the SDK's retries. */
export class WriteFault {
  /** When set, PutItem calls whose item mentions this text fail with `errorName`. */
  target: { text: string; errorName: string; times: number } | undefined;
  readonly middleware: DynamoMiddleware = {
    applyToStack: (stack) => {
      stack.add(
        (next, context) => async (args) => {
          const target = this.target;
          const command = (context as { commandName?: string }).commandName;
          if (
            target &&
            target.times > 0 &&
            command === 'PutItemCommand' &&
            JSON.stringify(args.input).includes(target.text)
          ) {
            target.times -= 1;
            const error = new Error(`injected ${target.errorName}`);
            error.name = target.errorName;
            throw error;
          }
          return next(args);
        },
        { step: 'initialize', name: 'approvalsWriteFault' },
      );
    },
  };
}

/** dynalite + the real local approval ports + the real task handlers, no HTTP. */
export interface ApprovalHarness {
  deps: LocalDeps;
  runner: LocalWorkflowRunner;
  stateDir: string;
  fault: WriteFault;
  logger: MemoryLogger;
  outbox(): Promise<OutboxMessage[]>;
  close(): Promise<void>;
}

/** Starts a harness; `clock` lets a test move time. */
export async function startApprovalHarness(options: { clock?: Clock } = {}): Promise<ApprovalHarness> {
  const dynamo: DynaliteHandle = await startDynalite();
  await ensureTable(localDynamoConfig(dynamo.endpoint), 'plumbline');
  const fault = new WriteFault();
  const logger = new MemoryLogger();
  const data = buildLocalDeps({
    dynamoEndpoint: dynamo.endpoint,
    tableName: 'plumbline',
    logger,
    dynamoMiddleware: [fault.middleware],
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const stateDir = await mkdtemp(join(tmpdir(), 'plumbline-approvals-test-'));
  const { deps, runner } = await attachLocalApprovals(data, {
    stateDir,
    publicUrl: () => 'http://127.0.0.1:9',
    retryIntervalMs: 5,
  });
  return {
    deps,
    runner,
    stateDir,
    fault,
    logger,
    outbox: async () => {
      const dir = join(stateDir, 'outbox');
      const names = (await readdir(dir).catch(() => [] as string[])).sort();
      return Promise.all(
        names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as OutboxMessage),
      );
    },
    close: async () => {
      await runner.close();
      await dynamo.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** A principal. */
export function user(tenantId: string, userId: string, ...roles: string[]): Principal {
  return {
    tenantId,
    userId,
    roles: roles.map((r) => {
      const [role, env] = r.split(':');
      return env
        ? { role: role as Principal['roles'][number]['role'], env }
        : { role: role as Principal['roles'][number]['role'] };
    }),
  };
}

/** Configures `prod` with approvers (direct: it has none yet). */
export async function protectProd(
  deps: LocalDeps,
  tenantId: string,
  options: {
    requiredApprovals?: number;
    approvalTimeout?: string;
    approvers?: string[];
    protected?: boolean;
  } = {},
): Promise<void> {
  const current = await deps.documents.latest(environmentRef(tenantId, 'prod'));
  await putEnvironment(deps, {
    principal: user(tenantId, 'root', 'admin'),
    env: 'prod',
    config: {
      protected: options.protected ?? true,
      requiredApprovals: options.requiredApprovals ?? 1,
      approvalTimeout: options.approvalTimeout ?? 'PT1H',
      approvers: (options.approvers ?? ['bob', 'carol']).map((u) => ({ user: u, email: `${u}@example.com` })),
    },
    reason: 'name approvers',
    ticket: null,
    ifMatch: current?.version,
  });
}

/** Proposes `content` for `envs/prod` as `requester`; returns the change request the gate created. */
export async function propose(
  deps: LocalDeps,
  tenantId: string,
  requester: string,
  content: Record<string, unknown>,
  ifMatch?: number,
): Promise<ChangeRequest> {
  const outcome = await putSettings(deps, {
    principal: user(tenantId, requester, 'editor'),
    scope: { kind: 'env', env: 'prod' },
    content: content as never,
    reason: 'raise replicas',
    ticket: 'OPS-1',
    ifMatch,
  });
  if (outcome.kind !== 'change-request') throw new Error('the write was not gated');
  const stored = await deps.changeRequests.get(tenantId, outcome.request.id);
  if (!stored) throw new Error('the change request was not stored');
  return stored;
}

/** Polls until the request's stored state satisfies `until` (the workflow runs in the background). */
export async function waitFor(
  deps: LocalDeps,
  tenantId: string,
  id: string,
  until: (r: ChangeRequest) => boolean,
): Promise<ChangeRequest> {
  // Polls until the condition holds; the generous bound only matters on a very busy machine.
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const r = await deps.changeRequests.get(tenantId, id);
    if (r && until(r)) return r;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`change request ${id} never reached the expected state`);
}
