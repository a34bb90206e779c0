/** Where every problem `type` of the API lives (`<base><code>`). */
export const PROBLEM_TYPE_BASE = 'https://plumbline.dev/problems/';

/**
 * The RFC 9457 body of an unexpected failure: a 500 whose detail leaks
 * nothing but the request id to quote. Small and in a module of its own, so
 * that the problem middleware can answer with it even when the problem table
 * (`problem-details.ts`, loaded with the first failed request) cannot load.
 *
 * @example internalProblem({ instance: '/v1/x', requestId: 'r-1' }).status // 500
 */
export function internalProblem(context: { instance?: string; requestId?: string }): {
  type: string;
  title: string;
  status: 500;
  detail: string;
  instance?: string;
  requestId?: string;
} {
  return {
    type: `${PROBLEM_TYPE_BASE}internal`,
    title: 'Internal error',
    status: 500,
    detail: `Something went wrong on our side. Quote request id ${context.requestId ?? 'unknown'} when reporting it.`,
    ...context,
  };
}
