import type { Approver, EnvironmentConfig } from '../../domain/approvals/environment-config.ts';
import { ValidationError, type Violation } from '../../domain/errors.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { IfMatch, SettingsVersion } from '../../domain/settings-version.ts';
import type { WriteOutcome } from '../approvals/write-outcome.ts';
import { type WriteDeps, writeNextVersion } from '../settings/write-next-version.ts';
import { environmentRef } from './environments-ref.ts';

/** Input of {@link putEnvironment}. */
export interface PutEnvironmentInput {
  principal: Principal;
  env: string;
  config: EnvironmentConfig;
  reason: string;
  ticket: string | null;
  ifMatch: IfMatch | undefined;
}

/** The members of an environment configuration its cross-field rules read, as far as they are well-formed. */
export interface EnvironmentParts {
  requiredApprovals?: number | undefined;
  approvers?: readonly (Partial<Approver> | undefined)[] | undefined;
}

/**
 * Cross-field rules of an environment configuration; every violation listed.
 * Takes the parts of a configuration that are well-formed (`wellFormedParts`
 * of a refused request): a rule is checked only on members that are there,
 * and the number of distinct approvers only when every approver has a user.
 *
 * @example environmentViolations({ requiredApprovals: 3, approvers: [{ user: 'ann' }] })[0]?.pointer // '/body/requiredApprovals'
 */
export function environmentViolations(config: EnvironmentParts): Violation[] {
  const out: Violation[] = [];
  const approvers = config.approvers ?? [];
  const seen = new Set<string>();
  approvers.forEach((approver, i) => {
    if (approver?.user === undefined) return;
    if (seen.has(approver.user)) {
      out.push({
        pointer: `/body/approvers/${i}/user`,
        rule: 'unique',
        message: `approver ${approver.user} is listed twice`,
        value: approver.user,
      });
    }
    seen.add(approver.user);
  });
  const counted = approvers.every((approver) => approver?.user !== undefined);
  if (
    counted &&
    config.requiredApprovals !== undefined &&
    approvers.length > 0 &&
    config.requiredApprovals > seen.size
  ) {
    out.push({
      pointer: '/body/requiredApprovals',
      rule: 'max',
      message: `requiredApprovals (${config.requiredApprovals}) exceeds the ${seen.size} distinct approver(s) listed`,
      value: config.requiredApprovals,
      hint: 'List more approvers or require fewer approvals',
    });
  }
  return out;
}

/**
 * Configures an environment's protection (a new version of its document).
 * While a protected environment has no approvers, an admin writes it
 * directly; once it has approvers, the write path turns this into a change
 * request those approvers decide (202).
 *
 * @example await putEnvironment(deps, { principal, env: 'prod', config, reason: 'name approvers', ticket: null, ifMatch: undefined });
 */
export async function putEnvironment(
  deps: WriteDeps,
  input: PutEnvironmentInput,
): Promise<WriteOutcome<SettingsVersion>> {
  const violations = environmentViolations(input.config);
  if (violations.length > 0)
    throw new ValidationError('The environment configuration is not consistent', violations);
  const content = JSON.parse(JSON.stringify(input.config)) as JsonObject;
  return writeNextVersion(
    deps,
    environmentRef(input.principal.tenantId, input.env),
    { ifMatch: input.ifMatch, mode: 'create-or-replace' },
    {
      author: input.principal.userId,
      reason: input.reason,
      ticket: input.ticket,
      createdAt: deps.clock.now().toISOString(),
    },
    () => content,
  );
}
