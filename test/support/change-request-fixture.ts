import type { ChangeRequest } from '../../shared/domain/approvals/change-request.ts';

/** The instant the fixture request was made. */
export const FIXTURE_NOW = new Date('2026-05-01T10:00:00Z');

/**
 * A pending change request of `acme` to `envs/prod` (base version 3, two of
 * four approvers needed, alice asking), with `overrides` applied.
 *
 * @example const r = changeRequestFixture({ requiredApprovals: 1 });
 */
export function changeRequestFixture(overrides: Partial<ChangeRequest> = {}): ChangeRequest {
  return {
    id: 'cr-000000001-0123456789abcdef',
    tenantId: 'acme',
    env: 'prod',
    target: { collection: 'settings', key: 'envs/prod' },
    operation: 'settings-write',
    baseVersion: 3,
    proposed: { a: 2 },
    patch: [{ op: 'replace', path: '/a', value: 2 }],
    effective: null,
    reason: 'why',
    ticket: null,
    requester: 'alice',
    createdAt: FIXTURE_NOW.toISOString(),
    expiresAt: new Date(FIXTURE_NOW.getTime() + 3600_000).toISOString(),
    approvalTimeoutSeconds: 3600,
    requiredApprovals: 2,
    approvers: [{ user: 'alice' }, { user: 'bob' }, { user: 'carol' }, { user: 'dave' }],
    decisions: [],
    status: 'pending',
    revision: 1,
    history: [],
    appliedVersion: null,
    executionId: null,
    taskToken: null,
    failure: null,
    slackWebhookSecret: null,
    ...overrides,
  };
}
