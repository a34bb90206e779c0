import type { PatchOperation } from '../json-patch.ts';
import type { JsonObject } from '../json-value.ts';
import type { EffectiveChange } from './effective-change.ts';
import type { Approver } from './environment-config.ts';

/** Every status a change request can be in. */
export const CHANGE_REQUEST_STATUSES = [
  'pending',
  'approved',
  'applied',
  'rejected',
  'expired',
  'conflicted',
  'withdrawn',
  'failed',
] as const;

/** One status of a change request. */
export type ChangeRequestStatus = (typeof CHANGE_REQUEST_STATUSES)[number];

/** Statuses after which nothing can change any more. */
export const CLOSED_STATUSES: readonly ChangeRequestStatus[] = [
  'applied',
  'rejected',
  'expired',
  'conflicted',
  'withdrawn',
  'failed',
];

/** True once the request can take no more decisions. */
export function isClosed(status: ChangeRequestStatus): boolean {
  return CLOSED_STATUSES.includes(status);
}

/** The versioned document a change request would write. */
export interface ChangeTarget {
  /** `settings`, `environments`, later `profiles`, `schemas`, `policies`. */
  collection: string;
  /** The document key (`envs/prod`, `envs/prod/services/api`, `prod`). */
  key: string;
}

/** One approve or reject decision. */
export interface Decision {
  actor: string;
  decision: 'approve' | 'reject';
  /** ISO-8601 UTC. */
  at: string;
  comment: string | null;
  /** How the decision arrived: the API (CLI) or a signed link (approval page). */
  via: 'api' | 'link';
}

/** One line of a request's story. */
export interface HistoryEntry {
  at: string;
  /** A user id, or `workflow` for the state machine's own steps. */
  actor: string;
  action:
    | 'requested'
    | 'notified'
    | 'approved'
    | 'rejected'
    | 'quorum-reached'
    | 'withdrawn'
    | 'expired'
    | 'applied'
    | 'conflicted'
    | 'failed';
  comment?: string;
  detail?: string;
}

/** The AES-256-GCM (or KMS envelope) encrypted Step Functions task token. Never logged, never returned. */
export interface EncryptedBlob {
  /** Which cipher made it (`local-aes-256-gcm`, `kms-envelope`). */
  scheme: string;
  /** base64 fields, scheme-specific. */
  [field: string]: string;
}

/** A proposed change to a protected environment, awaiting approval. */
export interface ChangeRequest {
  id: string;
  tenantId: string;
  /** The protected environment the change touches. */
  env: string;
  target: ChangeTarget;
  /** `put`, `patch`, `rollback`, `environment` ... (for people). */
  operation: string;
  /** The version the proposal is based on (`null`: the document does not exist yet). */
  baseVersion: number | null;
  proposed: JsonObject;
  /** RFC 6902 patch from the base version's content (or `{}`) to the proposal. */
  patch: PatchOperation[];
  /**
   * Every effective configuration of the protected environment(s) whose
   * settings the proposal changes, with its effective diff, the hash of its
   * after state and the versions of the documents that fed it, as they were
   * when the request was made; what the approval covers. `[]` when the
   * proposal changes no effective settings (a policy); `null` when not
   * recorded (an environment's configuration, requests made before this existed).
   */
  effective: EffectiveChange[] | null;
  reason: string;
  ticket: string | null;
  requester: string;
  /** The requester's address from their token when they asked (issue 16); the outcome email goes there. */
  requesterEmail?: string;
  createdAt: string;
  /** When the approval window closes (ISO-8601). */
  expiresAt: string;
  approvalTimeoutSeconds: number;
  requiredApprovals: number;
  /** The approvers the environment listed when the request was made. */
  approvers: Approver[];
  decisions: Decision[];
  status: ChangeRequestStatus;
  /** Incremented by every write; each transition is conditional on it. */
  revision: number;
  history: HistoryEntry[];
  appliedVersion: number | null;
  executionId: string | null;
  taskToken: EncryptedBlob | null;
  /** Why it failed, for `failed` requests. */
  failure: { error: string; cause: string } | null;
  /** Slack webhook secret name copied from the environment. */
  slackWebhookSecret: string | null;
}

/** A change request as the API shows it: no tenant id, no task token. */
export type ChangeRequestView = Omit<ChangeRequest, 'tenantId' | 'taskToken'> & {
  receivedApprovals: number;
};

/** The API view of a request. */
export function toView(request: ChangeRequest): ChangeRequestView {
  const { tenantId: _t, taskToken: _token, ...rest } = request;
  return { ...rest, receivedApprovals: approvalsOf(request).length };
}

/** The distinct approvals a request has received from eligible approvers. */
export function approvalsOf(request: ChangeRequest): Decision[] {
  return request.decisions.filter((d) => d.decision === 'approve');
}

/** A new request id: time-ordered (newest sort last), URL safe. */
export function newChangeRequestId(now: Date, random: string): string {
  return `cr-${now.getTime().toString(36).padStart(9, '0')}-${random}`;
}

/** Change request ids as the API accepts them. */
export const CHANGE_REQUEST_ID_PATTERN = /^cr-[0-9a-z]{9}-[0-9a-f]{8,32}$/;
