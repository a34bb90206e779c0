import type { AppLogger } from '../ports/app-logger.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { ChangeRequestStore } from '../ports/change-request-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { DocumentStore } from '../ports/document-store.ts';
import type { KeyService } from '../ports/key-service.ts';
import type { LinkSigner } from '../ports/link-signer.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import type { TokenCipher } from '../ports/token-cipher.ts';
import type { WorkflowGateway } from '../ports/workflow-gateway.ts';

/** Everything a use case may touch, built once in `shared/composition`. */
export interface Deps {
  documents: DocumentStore;
  clock: Clock;
  logger: AppLogger;
  // Approvals (issue 5). Optional because not every context needs them; the
  // approval use cases assert them with `requireApprovalDeps`, and the write
  // path refuses (fails closed) to write to a protected environment without them.
  /** Change requests and used approval-link ids. */
  changeRequests?: ChangeRequestStore;
  /** The approval state machine (Step Functions, or the local runner). */
  workflows?: WorkflowGateway;
  /** Email/Slack (AWS) or outbox/Slack (local) notifications. */
  notifier?: Notifier;
  /** Signs and verifies approval links. */
  linkSigner?: LinkSigner;
  /** Encrypts the task token at rest. */
  tokenCipher?: TokenCipher;
  /** The API's public base URL, for the links in notifications (`https://api.example.com`). */
  publicUrl?: () => string;
  // Secrets (issue 13): asserted by `requireSecretsDeps`; without them secret references are not resolved.
  /** Envelopes and metadata of secrets. */
  secrets?: SecretStore;
  /** Data keys for envelope encryption. */
  keys?: KeyService;
  /** The audit trail (`secret.read` ...). */
  audit?: AuditLog;
}
