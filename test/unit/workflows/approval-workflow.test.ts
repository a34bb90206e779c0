import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApproversRequiredError,
  ChangeRequestClosedError,
  ServiceUnavailableError,
} from '../../../shared/domain/errors.ts';
import { appliedReasonSuffix } from '../../../shared/use-cases/approvals/apply-change-request.ts';
import { decideChangeRequest } from '../../../shared/use-cases/approvals/decide-change-request.ts';
import { withdrawChangeRequest } from '../../../shared/use-cases/approvals/withdraw-change-request.ts';
import { putSettings } from '../../../shared/use-cases/settings/put-settings.ts';
import { settingsRef } from '../../../shared/use-cases/settings/settings-ref.ts';
import {
  APPROVAL_SUBSTITUTION_KEYS,
  approvalWorkflowDefinition,
  localTaskArns,
  PARTITION_SUBSTITUTION,
  renderApprovalWorkflow,
} from '../../../shared/workflows/approval-workflow.ts';
import {
  type ApprovalHarness,
  propose,
  protectProd,
  startApprovalHarness,
  user,
  waitFor,
} from './approval-harness.ts';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText(sep?: string): string;
};

const T = 'acme';
const prodRef = settingsRef(T, { kind: 'env', env: 'prod' });

describe('approval workflow definition', () => {
  it('is valid Amazon States Language once its placeholders are substituted', () => {
    // Prepare
    const rendered = renderApprovalWorkflow(localTaskArns());
    // Act
    const result = aslValidator(rendered);
    // Assess
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('names one substitution per task and leaves no placeholder unresolved', () => {
    // Prepare
    const text = JSON.stringify(approvalWorkflowDefinition);
    // Act
    const placeholders = new Set([...text.matchAll(/\$\{([A-Za-z]+)\}/g)].map((m) => m[1]));
    // Assess
    expect([...placeholders].sort()).toEqual([...APPROVAL_SUBSTITUTION_KEYS].sort());
    expect(() => renderApprovalWorkflow({})).toThrow(/no substitution/);
  });

  it('waits with a task token and a timeout read from the input, and catches the timeout', () => {
    // Prepare
    const wait = approvalWorkflowDefinition.States.AwaitDecision;
    // Act
    const catchers = wait.Catch.map((c) => c.ErrorEquals[0]);
    // Assess
    expect(wait.Resource).toBe(
      `arn:${'$'}{${PARTITION_SUBSTITUTION}}:states:::lambda:invoke.waitForTaskToken`,
    );
    expect(wait.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
    expect(wait.TimeoutSecondsPath).toBe('$.Payload.approvalTimeoutSeconds');
    expect(wait.Parameters.Payload['approvalTimeoutSeconds.$']).toBe(wait.TimeoutSecondsPath);
    expect(catchers).toEqual(['States.Timeout', 'States.ALL']);
  });
});

describe('approval workflow run locally with the real task handlers against dynalite', () => {
  let h: ApprovalHarness;
  beforeEach(async () => {
    h = await startApprovalHarness();
    // Seed version 1 of envs/prod while prod is (explicitly) unprotected.
    await protectProd(h.deps, T, { protected: false, approvers: [] });
    await putSettings(h.deps, {
      principal: user(T, 'root', 'admin'),
      scope: { kind: 'env', env: 'prod' },
      content: { replicas: 2 },
      reason: 'initial',
      ticket: null,
      ifMatch: undefined,
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it('applies the proposal as the next version once approved, and tells the requester', async () => {
    // Prepare
    await protectProd(h.deps, T);
    const request = await propose(h.deps, T, 'alice', { replicas: 5 }, 1);
    await waitFor(h.deps, T, request.id, (r) => r.taskToken !== null);
    // Act
    await decideChangeRequest(h.deps, {
      principal: user(T, 'bob', 'approver:prod'),
      id: request.id,
      decision: 'approve',
      comment: 'ok',
    });
    const done = await waitFor(h.deps, T, request.id, (r) => r.status === 'applied');
    const run = await h.runner.settled(done.executionId as string);
    // Assess
    const latest = await h.deps.documents.latest(prodRef);
    expect(latest?.version).toBe(2);
    expect(latest?.content).toEqual({ replicas: 5 });
    expect(latest?.author).toBe('alice');
    expect(latest?.reason).toBe(`raise replicas${appliedReasonSuffix(request.id)}`);
    expect(done.appliedVersion).toBe(2);
    expect(done.history.map((e) => e.action)).toEqual([
      'requested',
      'notified',
      'approved',
      'quorum-reached',
      'applied',
    ]);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.states).toEqual([
      'Validate',
      'AwaitDecision',
      'RouteDecision',
      'Apply',
      'NotifyRequester',
      'Done',
    ]);
    const outbox = await h.outbox();
    expect(
      outbox
        .filter((m) => m.kind === 'approval-requested')
        .map((m) => m.to)
        .sort(),
    ).toEqual(['bob', 'carol']);
    expect(outbox.find((m) => m.kind === 'outcome')).toMatchObject({
      to: 'alice',
      subject: expect.stringContaining('applied'),
    });
  });

  it('closes the request as rejected after one eligible rejection and writes nothing', async () => {
    // Prepare
    await protectProd(h.deps, T, { requiredApprovals: 2 });
    const request = await propose(h.deps, T, 'alice', { replicas: 5 }, 1);
    await waitFor(h.deps, T, request.id, (r) => r.taskToken !== null);
    // Act
    await decideChangeRequest(h.deps, {
      principal: user(T, 'bob', 'approver'),
      id: request.id,
      decision: 'approve',
      comment: null,
    });
    await decideChangeRequest(h.deps, {
      principal: user(T, 'carol', 'approver'),
      id: request.id,
      decision: 'reject',
      comment: 'not now',
    });
    const done = await waitFor(h.deps, T, request.id, (r) => r.status === 'rejected');
    const run = await h.runner.settled(done.executionId as string);
    // Assess
    expect((await h.deps.documents.latest(prodRef))?.version).toBe(1);
    expect(run.states).toEqual(['Validate', 'AwaitDecision', 'RouteDecision', 'NotifyRequester', 'Done']);
    expect(done.decisions.map((d) => [d.actor, d.decision, d.comment])).toEqual([
      ['bob', 'approve', null],
      ['carol', 'reject', 'not now'],
    ]);
    expect((await h.outbox()).find((m) => m.kind === 'outcome')?.subject).toContain('rejected');
  });

  it('expires the request when nobody decides within the environment’s approval timeout', async () => {
    // Prepare
    await protectProd(h.deps, T, { approvalTimeout: 'PT1S' });
    const request = await propose(h.deps, T, 'alice', { replicas: 5 }, 1);
    // Act
    const done = await waitFor(h.deps, T, request.id, (r) => r.status === 'expired');
    const run = await h.runner.settled(done.executionId as string);
    // Assess
    expect(run.states).toEqual([
      'Validate',
      'AwaitDecision',
      'ResolveTimeout',
      'RouteDecision',
      'NotifyRequester',
      'Done',
    ]);
    expect((await h.deps.documents.latest(prodRef))?.version).toBe(1);
    await expect(
      decideChangeRequest(h.deps, {
        principal: user(T, 'bob', 'approver'),
        id: request.id,
        decision: 'approve',
        comment: null,
      }),
    ).rejects.toBeInstanceOf(ChangeRequestClosedError);
  });

  it('marks an approved request conflicted when the document moved past its base version', async () => {
    // Prepare
    await protectProd(h.deps, T);
    const first = await propose(h.deps, T, 'alice', { replicas: 5 }, 1);
    const second = await propose(h.deps, T, 'dave', { replicas: 7 }, 1);
    await waitFor(h.deps, T, first.id, (r) => r.taskToken !== null);
    await waitFor(h.deps, T, second.id, (r) => r.taskToken !== null);
    await decideChangeRequest(h.deps, {
      principal: user(T, 'bob', 'approver'),
      id: first.id,
      decision: 'approve',
      comment: null,
    });
    await waitFor(h.deps, T, first.id, (r) => r.status === 'applied');
    // Act
    await decideChangeRequest(h.deps, {
      principal: user(T, 'bob', 'approver'),
      id: second.id,
      decision: 'approve',
      comment: null,
    });
    const done = await waitFor(h.deps, T, second.id, (r) => r.status === 'conflicted');
    await h.runner.settled(done.executionId as string);
    // Assess
    const latest = await h.deps.documents.latest(prodRef);
    expect(latest?.version).toBe(2);
    expect(latest?.content).toEqual({ replicas: 5 });
    expect(done.history.at(-1)?.detail).toContain('not the base version 1');
    expect(
      (await h.outbox()).some(
        (m) => m.kind === 'outcome' && m.to === 'dave' && m.subject.includes('conflicted'),
      ),
    ).toBe(true);
  });

  it('retries a transient task failure with backoff and still applies', async () => {
    // Prepare
    await protectProd(h.deps, T);
    const request = await propose(h.deps, T, 'alice', { replicas: 5 }, 1);
    await waitFor(h.deps, T, request.id, (r) => r.taskToken !== null);
    h.fault.target = { text: '#settings#envs/prod', errorName: 'ThrottlingException', times: 2 };
    // Act
    await decideChangeRequest(h.deps, {
      principal: user(T, 'bob', 'approver'),
      id: request.id,
      decision: 'approve',
      comment: null,
    });
    const done = await waitFor(h.deps, T, request.id, (r) => r.status === 'applied');
    const run = await h.runner.settled(done.executionId as string);
    // Assess
    expect(h.fault.target.times).toBe(0);
    expect(run.retried).toEqual(['Apply', 'Apply']);
    expect((await h.deps.documents.latest(prodRef))?.version).toBe(2);
  });

  it('marks the request failed and notifies the requester when a task fails for good', async () => {
    // Prepare
    await protectProd(h.deps, T);
    const request = await propose(h.deps, T, 'alice', { replicas: 5 }, 1);
    await waitFor(h.deps, T, request.id, (r) => r.taskToken !== null);
    h.fault.target = { text: '#settings#envs/prod', errorName: 'ValidationException', times: 100 };
    // Act
    await decideChangeRequest(h.deps, {
      principal: user(T, 'bob', 'approver'),
      id: request.id,
      decision: 'approve',
      comment: null,
    });
    const done = await waitFor(h.deps, T, request.id, (r) => r.status === 'failed');
    const run = await h.runner.settled(done.executionId as string);
    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.states).toEqual([
      'Validate',
      'AwaitDecision',
      'RouteDecision',
      'Apply',
      'MarkFailed',
      'Failed',
    ]);
    expect(done.failure?.error).toBe('Plumbline.ValidationException');
    expect((await h.deps.documents.latest(prodRef))?.version).toBe(1);
    expect((await h.outbox()).find((m) => m.kind === 'outcome')).toMatchObject({
      to: 'alice',
      subject: expect.stringContaining('failed'),
    });
  });

  it('closes a withdrawn request without writing', async () => {
    // Prepare
    await protectProd(h.deps, T);
    const request = await propose(h.deps, T, 'alice', { replicas: 5 }, 1);
    await waitFor(h.deps, T, request.id, (r) => r.taskToken !== null);
    // Act
    await withdrawChangeRequest(h.deps, {
      principal: user(T, 'alice', 'editor'),
      id: request.id,
      comment: 'superseded',
    });
    const done = await waitFor(h.deps, T, request.id, (r) => r.status === 'withdrawn');
    const run = await h.runner.settled(done.executionId as string);
    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect((await h.deps.documents.latest(prodRef))?.version).toBe(1);
  });

  it('follows a decision that landed before the workflow stored its task token', async () => {
    // Prepare
    await protectProd(h.deps, T);
    const request = await propose(h.deps, T, 'alice', { replicas: 5 }, 1);
    // Act: decide at once, racing the workflow's first steps
    await decideChangeRequest(h.deps, {
      principal: user(T, 'bob', 'approver'),
      id: request.id,
      decision: 'approve',
      comment: null,
    });
    const done = await waitFor(h.deps, T, request.id, (r) => r.status === 'applied');
    // Assess
    expect(done.appliedVersion).toBe(2);
  });

  it('answers 503 and closes the request as failed when its workflow cannot start', async () => {
    // Prepare
    await protectProd(h.deps, T);
    const realWorkflows = h.deps.workflows;
    h.deps.workflows = {
      ...realWorkflows,
      startApproval: async () => {
        throw new Error('Step Functions is down');
      },
    };
    // Act
    const write = putSettings(h.deps, {
      principal: user(T, 'alice', 'editor'),
      scope: { kind: 'env', env: 'prod' },
      content: { replicas: 9 },
      reason: 'x',
      ticket: null,
      ifMatch: 1,
    });
    // Assess
    await expect(write).rejects.toBeInstanceOf(ServiceUnavailableError);
    h.deps.workflows = realWorkflows;
    const [stored] = (await h.deps.changeRequests.list(T, { limit: 10 })).items;
    expect(stored?.status).toBe('failed');
    expect(stored?.failure?.error).toBe('Plumbline.WorkflowNotStarted');
    expect((await h.deps.documents.latest(prodRef))?.version).toBe(1);
  });

  it('refuses writes to a protected environment that has no approvers, storing nothing', async () => {
    // Prepare
    await protectProd(h.deps, T, { approvers: [] });
    // Act
    const write = putSettings(h.deps, {
      principal: user(T, 'alice', 'editor'),
      scope: { kind: 'env', env: 'prod' },
      content: { replicas: 9 },
      reason: 'x',
      ticket: null,
      ifMatch: 1,
    });
    // Assess
    await expect(write).rejects.toBeInstanceOf(ApproversRequiredError);
    await expect(write).rejects.toThrow(/configure approvers/);
    expect((await h.deps.changeRequests.list(T, { limit: 10 })).items).toHaveLength(0);
  });
});
