import type { TestResponse, TestRuntime } from './test-runtime.ts';

/**
 * Makes `env` protected with one required approval from `bob` (bob@example.com),
 * as an admin would: the set-up every approval test starts from.
 *
 * @example await protectEnvironment(rt, adminToken, 'prod');
 */
export function protectEnvironment(rt: TestRuntime, adminToken: string, env: string): Promise<TestResponse> {
  return rt.call('PUT', `/v1/environments/${env}`, {
    token: adminToken,
    body: {
      protected: true,
      requiredApprovals: 1,
      approvalTimeout: 'PT1H',
      approvers: [{ user: 'bob', email: 'bob@example.com' }],
      reason: 'approvers',
    },
  });
}
