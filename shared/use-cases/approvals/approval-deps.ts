import type { Deps } from '../deps.ts';

/** What the approval use cases need: the base ports plus every approval port. */
export type ApprovalDeps = Pick<Deps, 'documents' | 'clock' | 'logger'> &
  Required<
    Pick<Deps, 'changeRequests' | 'workflows' | 'notifier' | 'linkSigner' | 'tokenCipher' | 'publicUrl'>
  >;

/**
 * Narrows `Deps` to {@link ApprovalDeps}, failing loudly when the
 * composition root did not wire the approval ports (a deployment error,
 * never a user error).
 *
 * @example const approvals = requireApprovalDeps(deps);
 */
export function requireApprovalDeps(deps: Deps): ApprovalDeps {
  const missing = (
    ['changeRequests', 'workflows', 'notifier', 'linkSigner', 'tokenCipher', 'publicUrl'] as const
  ).filter((key) => deps[key] === undefined);
  if (missing.length > 0) throw new Error(`approval ports are not wired: ${missing.join(', ')}`);
  return deps as ApprovalDeps;
}
