import { CONTEXT_PORTS } from '../http/context-ports.ts';
import type { RouteContext } from '../http/route.ts';
import type { EnvName } from './workflow-task-env.ts';
import { portEnvNames } from './workflow-task-env.ts';

/**
 * The variables the AWS root of `context` reads: those of the ports
 * `CONTEXT_PORTS` gives it (`PORT_ENV`). CDK sets exactly these on the
 * context's function (`ContextFunctions.provide`) and fails synthesis when
 * one is missing or another is set.
 *
 * @example contextEnvNames('system') // ['PLUMBLINE_PUBLIC_URL']
 */
export function contextEnvNames(context: RouteContext): EnvName[] {
  return portEnvNames(CONTEXT_PORTS[context]);
}
