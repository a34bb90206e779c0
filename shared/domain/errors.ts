/**
 * Domain errors. Each has a stable `code` and no HTTP status or header of
 * its own: `shared/http/problem-details.ts` maps them to RFC 9457 problem
 * details in exactly one table.
 */

/** One violation of an input rule, addressed by a JSON pointer. */
export interface Violation {
  /** JSON pointer into the request (`/body/content`, `/query/limit`, `/path/env`). */
  pointer: string;
  /** What is wrong, for a person. */
  message: string;
  /** Stable id of the rule that failed (`type`, `pattern`, `required` ...). */
  rule?: string;
  /** The offending value, when it is safe to echo back. */
  value?: unknown;
  /** How to fix it. */
  hint?: string;
  /** The settings layer that supplied the value, for validation of merged settings. */
  scope?: string;
  /** The effective configuration the violation was found in (`envs/prod/services/api`), for validation of merged settings. */
  target?: string;
}

/** Most violations one problem lists: the rest are counted in a last `violations.unlisted` one. */
export const MAX_LISTED_VIOLATIONS = 100;

/** The rule of the violation that stands for the violations a list leaves out (its `value` counts them). */
export const UNLISTED_RULE = 'violations.unlisted';

/**
 * The violation that stands for `count` violations left out of a list,
 * under `pointer` (the part of the request they are in).
 *
 * @example unlistedViolation(5, '/body').message // '5 more violations are not listed'
 */
export function unlistedViolation(count: number, pointer: string): Violation {
  return {
    pointer,
    rule: UNLISTED_RULE,
    value: count,
    message: `${count} more violation${count === 1 ? ' is' : 's are'} not listed`,
    hint: 'Fix the listed ones and send the request again to see the rest',
  };
}

/** How many violations `violation` stands for: its count when it is an unlisted one, else 1. */
function weight(violation: Violation): number {
  return violation.rule === UNLISTED_RULE && typeof violation.value === 'number' ? violation.value : 1;
}

/**
 * How many violations a list stands for, counting what its unlisted ones
 * ({@link unlistedViolation}) left out.
 *
 * @example countViolations([v, unlistedViolation(5, '/body')]) // 6
 */
export function countViolations(violations: readonly Violation[]): number {
  let total = 0;
  for (const violation of violations) total += weight(violation);
  return total;
}

/**
 * The first {@link MAX_LISTED_VIOLATIONS} violations of a list: when it is
 * longer, the first ones and one last violation counting the rest (under the
 * pointer they share), so that a problem's size stays bounded however bad
 * the input. The one cap every problem body goes through
 * ({@link ValidationError}, {@link UnprocessableError}).
 *
 * @example capViolations(new Array(500).fill({ pointer: '/body/a', message: 'x' })).length // 100
 */
export function capViolations(violations: readonly Violation[]): Violation[] {
  if (violations.length <= MAX_LISTED_VIOLATIONS) return [...violations];
  const listed = violations.slice(0, MAX_LISTED_VIOLATIONS - 1);
  const rest = violations.slice(MAX_LISTED_VIOLATIONS - 1);
  listed.push(unlistedViolation(countViolations(rest), sharedPointer(rest)));
  return listed;
}

/**
 * Appends `more` to `violations` one by one: `push(...more)` passes every
 * element as an argument and overflows the stack past ~100,000 of them.
 */
export function appendViolations(violations: Violation[], more: readonly Violation[]): void {
  for (const violation of more) violations.push(violation);
}

/** The longest pointer every violation's pointer is under (whole tokens), `''` when none. */
function sharedPointer(violations: readonly Violation[]): string {
  let shared = violations[0]?.pointer ?? '';
  for (const { pointer } of violations) {
    while (shared !== '' && pointer !== shared && !pointer.startsWith(`${shared}/`))
      shared = shared.slice(0, shared.lastIndexOf('/'));
  }
  return shared;
}

/** Base class of every error the core raises on purpose. */
export abstract class DomainError extends Error {
  /** Stable machine code, also the last segment of the problem `type`. */
  abstract readonly code: string;
  /** Short, stable summary of the problem type. */
  abstract readonly title: string;
  /** Extra members for the problem body (never secrets). */
  extensions(): Record<string, unknown> {
    return {};
  }
}

/**
 * The request is malformed: bad JSON, a bad field, a bad parameter. Lists
 * every violation (past {@link MAX_LISTED_VIOLATIONS}, the first ones and a
 * count of the rest: {@link capViolations}).
 */
export class ValidationError extends DomainError {
  readonly code = 'validation-failed';
  readonly title = 'The request is not valid';
  /** The violations listed in the problem. */
  readonly errors: Violation[];
  constructor(detail: string, errors: readonly Violation[] = []) {
    super(detail);
    this.errors = capViolations(errors);
  }
  override extensions(): Record<string, unknown> {
    return { errors: this.errors };
  }
}

/**
 * The request is well formed but the settings it would produce break a rule
 * (schema, policy, HPA). Errors and warnings are capped as in {@link ValidationError}.
 */
export class UnprocessableError extends DomainError {
  readonly code = 'settings-invalid';
  readonly title = 'The settings break a validation rule';
  /** The violations that refuse the request, as listed in the problem. */
  readonly errors: Violation[];
  /** The violations that do not block it, as listed in the problem. */
  readonly warnings: Violation[];
  constructor(detail: string, errors: readonly Violation[], warnings: readonly Violation[] = []) {
    super(detail);
    this.errors = capViolations(errors);
    this.warnings = capViolations(warnings);
  }
  override extensions(): Record<string, unknown> {
    return this.warnings.length > 0
      ? { errors: this.errors, warnings: this.warnings }
      : { errors: this.errors };
  }
}

/** No valid credentials. */
export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
  readonly title = 'Authentication required';
}

/** The caller is known but lacks the permission the action needs. */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
  readonly title = 'Permission denied';
  constructor(
    detail: string,
    readonly permission: string,
  ) {
    super(detail);
  }
  override extensions(): Record<string, unknown> {
    return { permission: this.permission };
  }
}

/** The resource does not exist for this tenant (also: it belongs to another tenant). */
export class NotFoundError extends DomainError {
  readonly code = 'not-found';
  readonly title = 'Not found';
}

/** The request conflicts with the current state (a failed JSON Patch `test`, a duplicate tag ...). */
export class ConflictError extends DomainError {
  readonly code = 'conflict';
  readonly title = 'Conflict with the current state';
}

/** `If-Match` names a version that is no longer the latest. */
export class PreconditionFailedError extends DomainError {
  readonly code = 'precondition-failed';
  readonly title = 'The document changed since you read it';
  constructor(
    detail: string,
    readonly currentVersion: number | null,
  ) {
    super(detail);
  }
  override extensions(): Record<string, unknown> {
    return { currentVersion: this.currentVersion };
  }
}

/** Updating an existing document without `If-Match`. */
export class PreconditionRequiredError extends DomainError {
  readonly code = 'precondition-required';
  readonly title = 'If-Match is required';
  constructor(
    detail: string,
    readonly currentVersion: number | null,
  ) {
    super(detail);
  }
  override extensions(): Record<string, unknown> {
    return { currentVersion: this.currentVersion };
  }
}

/** The payload is larger than allowed. */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload-too-large';
  readonly title = 'Payload too large';
  constructor(
    detail: string,
    readonly limitBytes: number,
  ) {
    super(detail);
  }
  override extensions(): Record<string, unknown> {
    return { limitBytes: this.limitBytes };
  }
}

/** The request body has a content type the route does not accept. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported-media-type';
  readonly title = 'Unsupported media type';
  constructor(
    detail: string,
    readonly accepted: string[],
  ) {
    super(detail);
  }
  override extensions(): Record<string, unknown> {
    return { accepted: this.accepted };
  }
}

/** The route exists but not with this method. */
export class MethodNotAllowedError extends DomainError {
  readonly code = 'method-not-allowed';
  readonly title = 'Method not allowed';
  constructor(
    detail: string,
    readonly allowed: string[],
  ) {
    super(detail);
  }
}

/** A dependency (the database) is throttling or unavailable after the SDK's retries. */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'service-unavailable';
  readonly title = 'Temporarily unavailable';
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(detail);
  }
}

/** A protected environment has no approvers yet, so nothing can be written there. */
export class ApproversRequiredError extends DomainError {
  readonly code = 'approvers-required';
  readonly title = 'The protected environment has no approvers';
  constructor(readonly env: string) {
    super(
      `Environment '${env}' is protected and has no approvers, so no change can be approved there. ` +
        `An admin must first configure approvers: PUT /v1/environments/${env} (plumb environments put ${env} ...)`,
    );
  }
  override extensions(): Record<string, unknown> {
    return { env: this.env };
  }
}

/** An approval rule forbids this decision (self-approval, not a listed approver, already decided). */
export class ApprovalRuleError extends DomainError {
  readonly code = 'approval-rule';
  readonly title = 'An approval rule forbids this decision';
  constructor(
    detail: string,
    readonly rule: 'self-approval' | 'not-an-approver' | 'approver-role-required' | 'requester-only',
  ) {
    super(detail);
  }
  override extensions(): Record<string, unknown> {
    return { rule: this.rule };
  }
}

/** The change request is closed (or already decided by this approver): nothing more can be decided. */
export class ChangeRequestClosedError extends DomainError {
  readonly code = 'change-request-closed';
  readonly title = 'The change request takes no more decisions';
  constructor(
    detail: string,
    readonly requestStatus: string,
  ) {
    super(detail);
  }
  override extensions(): Record<string, unknown> {
    return { requestStatus: this.requestStatus };
  }
}
