import { parseIsoDuration } from './iso-duration.ts';

/** A person the tenant names as able to approve changes to an environment. */
export interface Approver {
  /** The approver's user id (the `sub` of their token). */
  user: string;
  email?: string;
  /** Slack member id (`U123`), mentioned in Slack messages. */
  slack?: string;
}

/** Where notifications about an environment go besides the approvers' email. */
export interface NotifyConfig {
  /** Name of the secret holding a Slack incoming-webhook URL. */
  slackWebhookSecret?: string;
}

/** An environment's protection, as the tenant configured it (or the default). */
export interface EnvironmentConfig {
  protected: boolean;
  requiredApprovals: number;
  /** ISO 8601 duration (`PT24H`). */
  approvalTimeout: string;
  approvers: Approver[];
  notify?: NotifyConfig;
}

/** Environments that are protected until the tenant configures them otherwise. */
export const PROTECTED_BY_DEFAULT: readonly string[] = ['prod', 'production'];

/** The default approval timeout. */
export const DEFAULT_APPROVAL_TIMEOUT = 'PT24H';

/**
 * The configuration of an environment nobody configured yet: `prod` and
 * `production` are protected (with no approvers, so writes there are
 * refused until someone names them); every other environment is open.
 *
 * @example defaultEnvironmentConfig('prod').protected // true
 */
export function defaultEnvironmentConfig(env: string): EnvironmentConfig {
  return {
    protected: PROTECTED_BY_DEFAULT.includes(env),
    requiredApprovals: 1,
    approvalTimeout: DEFAULT_APPROVAL_TIMEOUT,
    approvers: [],
  };
}

/**
 * Reads a stored environment document (already validated when written);
 * falls back to the default for missing fields.
 */
export function environmentConfigFromContent(
  env: string,
  content: Record<string, unknown> | null,
): EnvironmentConfig {
  const base = defaultEnvironmentConfig(env);
  if (content === null) return base;
  const approvers = Array.isArray(content.approvers) ? (content.approvers as Approver[]) : base.approvers;
  const notify =
    typeof content.notify === 'object' && content.notify !== null
      ? (content.notify as NotifyConfig)
      : undefined;
  return {
    protected: typeof content.protected === 'boolean' ? content.protected : base.protected,
    requiredApprovals:
      typeof content.requiredApprovals === 'number' ? content.requiredApprovals : base.requiredApprovals,
    approvalTimeout:
      typeof content.approvalTimeout === 'string' ? content.approvalTimeout : base.approvalTimeout,
    approvers,
    ...(notify ? { notify } : {}),
  };
}

/** The approval timeout in seconds (24 h when the stored text is somehow unreadable). */
export function approvalTimeoutSeconds(config: EnvironmentConfig): number {
  return parseIsoDuration(config.approvalTimeout) ?? 86400;
}

/** True when writes to the environment must go through a change request. */
export function needsApproval(config: EnvironmentConfig): boolean {
  return config.protected;
}
