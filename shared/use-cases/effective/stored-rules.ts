import * as v from 'valibot';
import { PolicyContentSchema } from '../../domain/documents/policy-content.ts';
import type { Violation } from '../../domain/errors.ts';
import { checkPolicyDocument, type EnvironmentPolicy } from '../../domain/validation/environment-policy.ts';
import type { CompiledServiceSchema } from '../../domain/validation/service-schema.ts';

/**
 * A stored environment policy, checked again before it judges anything.
 * Every write path checks a policy before storing it, but a policy stored
 * before those checks existed (or by an older release) may be malformed.
 * Why fail closed: a malformed policy that was silently ignored would let
 * every value through; one that was used as is could throw (a 500). Instead
 * it yields one error per configuration of its environment until an admin
 * writes a valid policy.
 *
 * @example storedPolicy('prod', { allowedRegistries: 'r.io/' }) // { violation: { rule: 'policy.stored-invalid', ... } }
 */
export function storedPolicy(
  env: string,
  content: unknown,
): { policy: EnvironmentPolicy; violation?: undefined } | { policy?: undefined; violation: Violation } {
  const parsed = v.safeParse(PolicyContentSchema, content);
  const problems = parsed.success ? checkPolicyDocument(parsed.output as EnvironmentPolicy, '') : [];
  if (parsed.success && problems.length === 0) return { policy: parsed.output as EnvironmentPolicy };
  const first = parsed.success
    ? problems[0]?.pointer
    : v.getDotPath(parsed.issues[0] as v.BaseIssue<unknown>);
  return {
    violation: {
      pointer: '',
      rule: 'policy.stored-invalid',
      message: `The stored policy of environment '${env}' is malformed${first ? ` (at ${first})` : ''}; nothing in '${env}' can be validated against it`,
      hint: `Ask an admin to write a valid policy: PUT /v1/policies/envs/${env}`,
    },
  };
}

/**
 * Stands in for a stored service schema that no longer compiles (it breaks
 * a limit added since it was stored, say). Why fail closed: skipping it
 * would let values through that the schema's author meant to refuse; every
 * configuration of the service instead fails with one error naming the
 * first problem until the schema is written again.
 *
 * @example brokenSchema('api', [{ pointer: '/rules/0', message: 'too costly' }]).validate({}).errors[0]?.rule // 'schema.stored-invalid'
 */
export function brokenSchema(service: string, problems: readonly Violation[]): CompiledServiceSchema {
  const first = problems[0];
  const violation: Violation = {
    pointer: '',
    rule: 'schema.stored-invalid',
    message: `The stored schema of service '${service}' no longer compiles${first ? ` (${first.pointer || '/'}: ${first.message})` : ''}; values of '${service}' cannot be validated against it`,
    hint: `Write the schema again within the current limits: PUT /v1/schemas/services/${service}`,
  };
  return { validate: () => ({ errors: [violation], warnings: [] }) };
}
