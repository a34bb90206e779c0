import type { Principal } from '../../domain/rbac.ts';
import type { Deps } from '../deps.ts';
import { rotationDue } from './rotation-due.ts';
import type { SecretsDeps } from './secrets-deps.ts';

/** The actor the rotation job writes as (audited as such). */
export const ROTATION_ACTOR = 'plumbline-rotation';

/** What one run did in one environment. */
export interface RotationRunReport {
  rotated: string[];
  notified: string[];
  /** Secrets whose rotation failed (or opened a change request in a protected environment), by name. */
  failed: { name: string; error: string }[];
}

/**
 * The rotation job for one tenant's environment (daily on AWS, a timer
 * locally): rotates every generated secret that is due, and tells the owner
 * of every provided secret that is due (nobody else knows its next value).
 * One failure does not stop the others.
 *
 * @example await rotateDueSecrets(deps, 'acme', 'prod', 'rotation-2026-11-27');
 */
export async function rotateDueSecrets(
  deps: SecretsDeps & Pick<Deps, 'notifier'>,
  tenantId: string,
  env: string,
  runId: string,
): Promise<RotationRunReport> {
  const report: RotationRunReport = { rotated: [], notified: [], failed: [] };
  const principal: Principal = { tenantId, userId: ROTATION_ACTOR, roles: [] };
  for (const due of await rotationDue(deps, tenantId, env)) {
    const { name, owner } = due.metadata;
    try {
      if (due.metadata.generated) {
        // The write path (new value, envelope, version, approval step) loads with the first due generated secret: most runs rotate nothing.
        const { rotateSecret } = await import('./rotate-secret.ts');
        const outcome = await rotateSecret(deps, {
          principal,
          env,
          name,
          reason: `rotation due since ${due.dueAt}`,
          ifMatch: due.metadata.version,
          requestId: runId,
        });
        // In a protected environment the rotation waits for approval: not rotated yet.
        if (outcome.kind === 'change-request') report.failed.push({ name, error: 'ApprovalRequired' });
        else report.rotated.push(name);
      } else if (owner) {
        await deps.notifier.send({
          kind: 'secret-rotation-due',
          tenantId,
          requestId: runId,
          to: owner,
          email: owner,
          subject: `[Plumbline] Secret ${name} in ${env} is due for rotation`,
          text: `Secret '${name}' in environment '${env}' (${due.metadata.criticality}) was last rotated at ${due.metadata.rotatedAt}; its ${due.periodDays}-day period ended at ${due.dueAt}.\nRotate it: plumb secrets rotate ${name} --env ${env} --reason "..." --from-file <file>`,
        });
        report.notified.push(name);
      }
    } catch (error) {
      report.failed.push({ name, error: (error as Error).name });
    }
  }
  deps.logger.info('secret rotation run', {
    tenant: tenantId,
    env,
    rotated: report.rotated.length,
    notified: report.notified.length,
    failed: report.failed.length,
  });
  return report;
}
