import { randomBytes } from 'node:crypto';
import { type ChangeRequest, newChangeRequestId, toView } from '../../domain/approvals/change-request.ts';
import { markFailed } from '../../domain/approvals/decision-rules.ts';
import {
  type EffectiveChange,
  type EvaluatedConfiguration,
  recordEffectiveChanges,
} from '../../domain/approvals/effective-change.ts';
import {
  approvalTimeoutSeconds,
  environmentConfigFromContent,
} from '../../domain/approvals/environment-config.ts';
import { ApproversRequiredError, ServiceUnavailableError, ValidationError } from '../../domain/errors.ts';
import type { SettingsVersion, WriteIntent } from '../../domain/settings-version.ts';
import type { DocumentRef } from '../../ports/document-store.ts';
import type { Deps } from '../deps.ts';
import type { SharedReads } from '../effective/shared-reads.ts';
import { ENVIRONMENTS_COLLECTION } from '../environments/environments-ref.ts';
import {
  type LoadedEnvironmentConfig,
  loadEnvironmentConfig,
} from '../environments/load-environment-config.ts';
import { evaluateEffectiveImpact } from './effective-impact.ts';
import { environmentOfDocument } from './protected-env-of.ts';
import { isTenantWideLayer, protectedImpact } from './protected-impact.ts';
import type { ChangeRequestOpened } from './write-outcome.ts';

/** The ports of the approval step of the write path: it stores a change request and starts its workflow. */
export type GateDeps = Pick<Deps, 'documents' | 'changeRequests' | 'workflows' | 'logger'>;

/** A write about to happen, as the write path sees it just before appending. */
export interface PendingWrite {
  ref: DocumentRef;
  latest: SettingsVersion | null;
  /** The version that would be appended (content, patch from `latest`, author, reason, ticket). */
  record: SettingsVersion;
  intent: WriteIntent;
  /** The environment configuration, if the write path already started reading it (see {@link prefetchGate}). */
  prefetched?: Promise<LoadedEnvironmentConfig> | undefined;
  /** The reads the write's validation step made, reused to record the effective change. */
  shared?: SharedReads | undefined;
}

/**
 * What the change request records of the write's effect on effective
 * settings (see `ChangeRequest.effective`): `null` for an environment's own
 * configuration, `[]` for documents that feed no effective settings
 * (policies), otherwise every changed configuration of `env` (or, for
 * `global` and profiles, of every protected environment: `evaluated`).
 */
async function recordedEffect(
  deps: Pick<Deps, 'documents'>,
  write: PendingWrite,
  env: string,
  evaluated: EvaluatedConfiguration[] | undefined,
): Promise<EffectiveChange[] | null> {
  if (write.ref.collection === ENVIRONMENTS_COLLECTION) return null;
  if (evaluated) return recordEffectiveChanges(evaluated);
  if (write.ref.collection !== 'settings') return [];
  const configurations = await evaluateEffectiveImpact(deps, {
    tenantId: write.ref.tenantId,
    change: { collection: 'settings', key: write.ref.key, content: write.record.content },
    base: write.latest,
    envs: [env],
    shared: write.shared,
  });
  return recordEffectiveChanges(configurations);
}

/**
 * Starts reading the configuration of the environment a document belongs to,
 * so that the gate's read overlaps the write path's other reads. `undefined`
 * when the gate will not need it (tenant-wide layers, an environment's own
 * configuration).
 */
export function prefetchGate(
  deps: Pick<Deps, 'documents'>,
  ref: DocumentRef,
): Promise<LoadedEnvironmentConfig> | undefined {
  const env = environmentOfDocument(ref);
  if (env === undefined || ref.collection === ENVIRONMENTS_COLLECTION) return undefined;
  const promise = loadEnvironmentConfig(deps, ref.tenantId, env);
  promise.catch(() => undefined); // consumed (or deliberately dropped) by the gate
  return promise;
}

/** What the approval step decided: the write may proceed, or a change request now holds it. */
export type GateOutcome = { kind: 'proceed' } | ChangeRequestOpened;

const PROCEED: GateOutcome = { kind: 'proceed' };

/**
 * The approval step of the write path. Returns `proceed` when the write may
 * go ahead (the document belongs to no protected environment). Otherwise it
 * writes nothing and either throws {@link ApproversRequiredError} when the
 * protected environment has no approvers, or returns `change-request` after
 * storing a change request that holds the proposed version and starting its
 * approval workflow (a result, not an error: the HTTP layer makes it a 202).
 *
 * The environment's own configuration is the exception: while it has no
 * approvers an admin writes it directly; after that, changing it is an
 * approved change too.
 *
 * @example await gateProtectedWrite(deps, { ref, latest, record, intent });
 */
export async function gateProtectedWrite(deps: GateDeps, write: PendingWrite): Promise<GateOutcome> {
  let env = environmentOfDocument(write.ref);
  let affects: string[] = [];
  let evaluated: EvaluatedConfiguration[] | undefined;
  if (env === undefined && isTenantWideLayer(write.ref)) {
    // `global` and profiles feed every environment: gated when they change a protected one's effective settings.
    const impact = await protectedImpact(deps, write.ref, write.record.content, write.latest, write.shared);
    affects = impact.envs;
    evaluated = impact.configurations;
    env = affects[0];
  }
  if (env === undefined) return PROCEED;
  const isEnvConfig = write.ref.collection === ENVIRONMENTS_COLLECTION;
  // An environment's own document is `latest`: its current configuration decides whether changing it needs approval.
  const config = isEnvConfig
    ? environmentConfigFromContent(env, write.latest?.content ?? null)
    : (await (write.prefetched ?? loadEnvironmentConfig(deps, write.ref.tenantId, env))).config;
  if (!config.protected) return PROCEED;
  if (config.approvers.length === 0) {
    if (isEnvConfig) return PROCEED;
    throw new ApproversRequiredError(env);
  }
  const eligible = config.approvers.filter((a) => a.user !== write.intent.author);
  if (eligible.length < config.requiredApprovals) {
    throw new ValidationError(
      `Environment '${env}' needs ${config.requiredApprovals} approval(s) from someone other than you`,
      [
        {
          pointer: '/env',
          rule: 'approvers',
          message: `only ${eligible.length} approver(s) other than ${write.intent.author} are listed; nobody could approve this change`,
          hint: `Ask an admin to list more approvers for '${env}'`,
        },
      ],
    );
  }
  const { changeRequests, workflows } = deps;
  // What the approver is shown and what the apply step re-checks (refused when too wide to cover).
  const effective = await recordedEffect(deps, write, env, evaluated);
  const now = new Date(write.intent.createdAt);
  const timeout = approvalTimeoutSeconds(config);
  const request: ChangeRequest = {
    id: newChangeRequestId(now, randomBytes(8).toString('hex')),
    tenantId: write.ref.tenantId,
    env,
    target: { collection: write.ref.collection, key: write.ref.key },
    operation: isEnvConfig ? 'environment-config' : `${write.ref.collection}-write`,
    baseVersion: write.latest?.version ?? null,
    proposed: write.record.content,
    patch: write.record.patch,
    effective,
    reason: write.intent.reason,
    ticket: write.intent.ticket,
    requester: write.intent.author,
    ...(write.intent.authorEmail ? { requesterEmail: write.intent.authorEmail } : {}),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + timeout * 1000).toISOString(),
    approvalTimeoutSeconds: timeout,
    requiredApprovals: config.requiredApprovals,
    approvers: config.approvers,
    decisions: [],
    status: 'pending',
    revision: 1,
    history: [
      {
        at: now.toISOString(),
        actor: write.intent.author,
        action: 'requested',
        comment: write.intent.reason,
        detail:
          `${write.ref.collection} ${write.ref.key} ${write.latest ? `from version ${write.latest.version}` : '(new document)'}; needs ${config.requiredApprovals} approval(s)` +
          (affects.length > 0 ? `; changes the effective settings of protected ${affects.join(', ')}` : '') +
          (effective === null ? '' : `; changes ${effective.length} effective configuration(s)`),
      },
    ],
    appliedVersion: null,
    executionId: null,
    taskToken: null,
    failure: null,
    slackWebhookSecret: config.notify?.slackWebhookSecret ?? null,
  };
  await changeRequests.create(request);
  try {
    await workflows.startApproval({ tenantId: request.tenantId, requestId: request.id });
  } catch (error) {
    // Why: a request without a workflow would stay pending forever; close it and let the caller retry.
    await changeRequests
      .replace(
        markFailed(
          request,
          'Plumbline.WorkflowNotStarted',
          'the approval workflow could not be started',
          now,
        ),
      )
      .catch(() => undefined);
    deps.logger.error('approval workflow not started', {
      tenant: request.tenantId,
      changeRequestId: request.id,
      errorName: (error as Error).name,
    });
    throw new ServiceUnavailableError(
      'The approval workflow could not be started; nothing was written, retry shortly',
      2,
    );
  }
  deps.logger.info('change request created', {
    tenant: request.tenantId,
    changeRequestId: request.id,
    env,
  });
  return { kind: 'change-request', request: toView(request) };
}
