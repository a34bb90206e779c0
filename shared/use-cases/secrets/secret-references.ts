import type { Violation } from '../../domain/errors.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import { parseScopeKey, scopeEnv } from '../../domain/scope.ts';
import type { SecretReferrer } from '../../domain/secrets/secret-errors.ts';
import { findSecretReferences } from '../../domain/secrets/secret-reference.ts';
import type { Deps } from '../deps.ts';

/**
 * Every settings layer that references secret `name` where it reaches
 * environment `env`: the environment's own layers, and `global` (resolved
 * in every environment). One catalog Query plus one read per candidate layer.
 */
export async function settingsReferencing(
  deps: Pick<Deps, 'documents'>,
  tenantId: string,
  env: string,
  name: string,
): Promise<SecretReferrer[]> {
  const keys = await deps.documents.listKeys(tenantId, 'settings');
  const candidates = keys.filter((key) => {
    const scope = parseScopeKey(key);
    return scope !== undefined && (scope.kind === 'global' || scopeEnv(scope) === env);
  });
  const docs = await Promise.all(
    candidates.map(async (key) => ({
      key,
      doc: await deps.documents.latest({ tenantId, collection: 'settings', key }),
    })),
  );
  return docs.flatMap(({ key, doc }) =>
    doc
      ? findSecretReferences(doc.content)
          .filter((r) => r.name === name)
          .map((r) => ({ document: key, pointer: r.pointer }))
      : [],
  );
}

/**
 * Violations (rule `secret.reference-missing`) for references in effective
 * content of `target` (in environment `env`) to secrets that do not exist
 * there (or are scheduled for deletion).
 */
export async function missingSecretReferences(
  deps: Required<Pick<Deps, 'secrets'>>,
  tenantId: string,
  env: string,
  target: string,
  content: JsonObject,
): Promise<Violation[]> {
  const references = findSecretReferences(content);
  const names = [...new Set(references.map((r) => r.name))];
  const heads = new Map(
    await Promise.all(
      names.map(async (name) => [name, await deps.secrets.get({ tenantId, env, name })] as const),
    ),
  );
  return references
    .filter((r) => heads.get(r.name)?.state !== 'active')
    .map((r) => ({
      pointer: r.pointer,
      rule: 'secret.reference-missing',
      message: `secret '${r.name}' does not exist in environment '${env}'`,
      value: { $secret: r.name },
      hint: `Create it first: plumb secrets put ${r.name} --env ${env}`,
      target,
    }));
}
