import * as v from 'valibot';
import {
  MAX_APPROVAL_TIMEOUT_SECONDS,
  MIN_APPROVAL_TIMEOUT_SECONDS,
  parseIsoDuration,
} from '../approvals/iso-duration.ts';

/** One approver as the tenant names them. */
export const ApproverSchema = v.strictObject({
  user: v.pipe(v.string(), v.trim(), v.minLength(1, 'user is the approver’s user id'), v.maxLength(256)),
  email: v.optional(v.pipe(v.string(), v.email('must be an email address'), v.maxLength(320))),
  slack: v.optional(
    v.pipe(v.string(), v.regex(/^[UW][A-Z0-9]{2,20}$/, 'must be a Slack member id such as U123ABC')),
  ),
});

/** An ISO 8601 approval timeout between 1 second and 30 days. */
export const ApprovalTimeoutSchema = v.pipe(
  v.string(),
  v.check((text) => {
    const seconds = parseIsoDuration(text);
    return (
      seconds !== undefined &&
      seconds >= MIN_APPROVAL_TIMEOUT_SECONDS &&
      seconds <= MAX_APPROVAL_TIMEOUT_SECONDS
    );
  }, 'must be an ISO 8601 duration between PT1S and P30D, such as PT24H, P2D or PT30M'),
);

/**
 * The content of an environment configuration (collection `environments`,
 * key = the environment): protection, approvals and notification target.
 * Cross-field rules (distinct approvers, enough of them) are
 * `environmentViolations`.
 */
export const EnvironmentContentSchema = v.strictObject({
  protected: v.boolean('protected must be true or false'),
  requiredApprovals: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10)), 1),
  approvalTimeout: v.optional(ApprovalTimeoutSchema, 'PT24H'),
  approvers: v.optional(v.pipe(v.array(ApproverSchema), v.maxLength(50)), []),
  notify: v.optional(
    v.strictObject({
      slackWebhookSecret: v.optional(
        v.pipe(v.string(), v.regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name')),
      ),
    }),
  ),
});
