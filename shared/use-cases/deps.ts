import type { AppLogger } from '../ports/app-logger.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { ChangeRequestStore } from '../ports/change-request-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterStore } from '../ports/cluster-store.ts';
import type { DocumentStore } from '../ports/document-store.ts';
import type { KeyService } from '../ports/key-service.ts';
import type { LinkSigner } from '../ports/link-signer.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { ReportStore } from '../ports/report-store.ts';
import type { ScanQueue } from '../ports/scan-queue.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import type { ServiceAccountDirectory } from '../ports/service-account-directory.ts';
import type { TokenCipher } from '../ports/token-cipher.ts';
import type { WorkflowGateway } from '../ports/workflow-gateway.ts';

/**
 * The catalogue of every port a use case may declare. Nothing builds all of
 * it: a use case takes `Pick<Deps, ...>` of exactly the ports it uses, and
 * each composition root (`shared/composition`, one per bounded context)
 * builds exactly the ports its context declares (`CONTEXT_PORTS`,
 * `WORKFLOW_TASK_PORTS`). No member is optional, so no use case checks at
 * run time whether a port is there.
 */
export interface Deps {
  /** Versioned documents of the caller's tenant. */
  documents: DocumentStore;
  clock: Clock;
  logger: AppLogger;
  /** Change requests and used approval-link ids. */
  changeRequests: ChangeRequestStore;
  /** The approval state machine (Step Functions, or the local runner). */
  workflows: WorkflowGateway;
  /** Email/Slack (AWS) or outbox/Slack (local) notifications. */
  notifier: Notifier;
  /** Signs and verifies approval links. */
  linkSigner: LinkSigner;
  /** Encrypts the task token at rest. */
  tokenCipher: TokenCipher;
  /** The API's public base URL, for the links in notifications (`https://api.example.com`). */
  publicUrl: () => string;
  /** Envelopes and metadata of secrets (issue 13). */
  secrets: SecretStore;
  /** Data keys for envelope encryption (issue 13). */
  keys: KeyService;
  /** The audit trail (`secret.read` ...) (issue 13). */
  audit: AuditLog;
  /** Registered clusters, scans and report summaries (issue 14). */
  clusters: ClusterStore;
  /** Report files and pushed observations (issue 14). */
  reports: ReportStore;
  /** Hands scans to the scanner (issue 14). */
  scanQueue: ScanQueue;
  /** Machine identities: OAuth clients with the client-credentials grant (issue 15). */
  serviceAccounts: ServiceAccountDirectory;
}

/** A port a context or task may declare; the clock and the logger every one of them holds. */
export type Port = Exclude<keyof Deps, 'clock' | 'logger'>;

/** The ports `P` plus the clock and the logger: what a composition root built from a port list holds. */
export type PortsOf<P extends Port> = Pick<Deps, 'clock' | 'logger' | P>;
