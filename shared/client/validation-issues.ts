import * as v from 'valibot';
import { describeProvenance } from './describe-provenance.ts';
import { type Provenance, provenanceOf } from './provenance.ts';
import { REDACTED } from './redacted.ts';
import type { SettingsIssue } from './settings-error.ts';

/**
 * Turns valibot's issues into settings issues: the dot path, a message
 * (one that never quotes a secret value), the source that gave the value
 * (`missing` when none did) and the value, redacted when the key is secret.
 *
 * @example validationIssues(result.issues, origins, isSecret)
 */
export function validationIssues(
  issues: readonly v.BaseIssue<unknown>[],
  origins: Readonly<Record<string, Provenance>>,
  isSecret: (path: string) => boolean,
): SettingsIssue[] {
  return issues.map((issue) => {
    const path = v.getDotPath(issue) ?? '';
    const origin = provenanceOf(origins, path);
    const secret = isSecret(path) || origin?.secret === true;
    const source = origin ? describeProvenance(origin) : issue.input === undefined ? 'missing' : 'default';
    if (issue.input === undefined && origin === undefined) {
      return {
        path,
        message: `required: no source gives a value (expected ${issue.expected ?? 'a value'})`,
        source,
      };
    }
    const reference = secretReference(issue.input);
    if (reference !== undefined) {
      const message = `the secret "${reference}" was not resolved: the principal may not read it`;
      return { path, message, source, value: REDACTED };
    }
    const message = secret
      ? `${issue.kind === 'schema' ? 'invalid type' : 'invalid value'}: expected ${issue.expected ?? 'a valid value'}`
      : issue.message;
    return { path, message, source, value: secret ? REDACTED : issue.input };
  });
}

function secretReference(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const ref = (value as Record<string, unknown>).$secret;
  return typeof ref === 'string' ? ref : undefined;
}
