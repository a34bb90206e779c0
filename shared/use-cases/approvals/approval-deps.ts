import type { Deps } from '../deps.ts';

/**
 * Every port of the approval flow. Use cases pick from it only the ports
 * they use (`Pick<ApprovalDeps, 'changeRequests' | 'clock'>`).
 */
export type ApprovalDeps = Pick<
  Deps,
  | 'documents'
  | 'clock'
  | 'logger'
  | 'changeRequests'
  | 'workflows'
  | 'notifier'
  | 'linkSigner'
  | 'tokenCipher'
  | 'publicUrl'
>;
