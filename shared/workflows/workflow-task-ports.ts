import type { ApprovalDeps } from '../use-cases/approvals/approval-deps.ts';
import type { Deps } from '../use-cases/deps.ts';
import type { ApprovalTaskName } from './approval-workflow.ts';

/** A port a workflow task may hold besides the clock and the logger, which every task has. */
export type WorkflowTaskPort =
  | 'documents'
  | 'changeRequests'
  | 'workflows'
  | 'notifier'
  | 'linkSigner'
  | 'tokenCipher'
  | 'publicUrl'
  | 'secrets';

/**
 * The one declaration of what each approval task holds. The task handlers
 * are typed by it ({@link ApprovalTaskDeps}), the AWS composition roots build
 * exactly these ports, and CDK derives each task function's environment and
 * grants from it (`PORT_ENV` in `shared/composition/workflow-task-env.ts`):
 * a port a use case needs but the list lacks does not compile, and a port
 * the list names but the function lacks fails the infra and bundle tests.
 */
export const WORKFLOW_TASK_PORTS = {
  Validate: ['changeRequests'],
  AwaitDecision: ['changeRequests', 'workflows', 'tokenCipher', 'linkSigner', 'publicUrl', 'notifier'],
  ResolveTimeout: ['changeRequests'],
  // `secrets`: an approved secret write moves its sealed pending envelope in (issue 13).
  Apply: ['documents', 'changeRequests', 'secrets'],
  NotifyRequester: ['changeRequests', 'notifier'],
  MarkFailed: ['changeRequests', 'notifier'],
} as const satisfies Record<ApprovalTaskName, readonly WorkflowTaskPort[]>;

/** The ports of task `T`: its declared ones plus the clock and the logger. */
export type ApprovalTaskDeps<T extends ApprovalTaskName> = Pick<
  ApprovalDeps & Pick<Deps, 'secrets'>,
  'clock' | 'logger' | (typeof WORKFLOW_TASK_PORTS)[T][number]
>;
