import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApplyTaskDeps } from '../../../shared/composition/build-aws-apply-task-deps.ts';
import * as roots from '../../../shared/composition/build-aws-workflow-task-deps.ts';
import { taskEnvNames } from '../../../shared/composition/workflow-task-env.ts';
import { APPROVAL_TASKS, type ApprovalTaskName } from '../../../shared/workflows/approval-workflow.ts';
import { WORKFLOW_TASK_PORTS } from '../../../shared/workflows/workflow-task-ports.ts';

const ROOTS: Record<ApprovalTaskName, (env: Record<string, string | undefined>) => object> = {
  Validate: roots.buildValidateTaskDeps,
  AwaitDecision: roots.buildAwaitDecisionTaskDeps,
  ResolveTimeout: roots.buildResolveTimeoutTaskDeps,
  Apply: buildApplyTaskDeps,
  NotifyRequester: roots.buildNotifyRequesterTaskDeps,
  MarkFailed: roots.buildMarkFailedTaskDeps,
};
const TASKS = Object.keys(APPROVAL_TASKS) as ApprovalTaskName[];

/** A value for every variable a task needs (nothing is called: building makes no AWS request). */
const envOf = (task: ApprovalTaskName): Record<string, string> =>
  Object.fromEntries(taskEnvNames(task).map((name) => [name, `value-of-${name}`]));

beforeEach(() => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('per-task AWS composition roots', () => {
  it.each(TASKS)('%s builds exactly its declared ports from exactly its declared variables', (task) => {
    // Prepare
    const env = envOf(task);
    // Act
    const deps = ROOTS[task](env);
    // Assess
    expect(Object.keys(deps).sort()).toEqual(['clock', 'logger', ...WORKFLOW_TASK_PORTS[task]].sort());
  });

  it.each(TASKS)('%s refuses to build without any one of its variables, naming it', (task) => {
    for (const name of taskEnvNames(task)) {
      // Prepare
      const env = { ...envOf(task), [name]: undefined };
      // Act / Assess
      expect(() => ROOTS[task](env), name).toThrow(new RegExp(`missing environment: .*${name}`));
    }
  });

  it('gives only AwaitDecision the token key, the link secret and the state machine', () => {
    const holders = (name: string) => TASKS.filter((task) => taskEnvNames(task).includes(name as never));
    expect(holders('PLUMBLINE_TASK_TOKEN_KEY_ARN')).toEqual(['AwaitDecision']);
    expect(holders('PLUMBLINE_LINK_SIGNING_SECRET_ARN')).toEqual(['AwaitDecision']);
    expect(holders('PLUMBLINE_APPROVAL_STATE_MACHINE_ARN')).toEqual(['AwaitDecision']);
    expect(holders('PLUMBLINE_APPROVALS_TOPIC_ARN').sort()).toEqual(
      ['AwaitDecision', 'MarkFailed', 'NotifyRequester'].sort(),
    );
  });
});
