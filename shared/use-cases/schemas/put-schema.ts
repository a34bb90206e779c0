import type { JsonObject } from '../../domain/json-value.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { IfMatch, SettingsVersion } from '../../domain/settings-version.ts';
import type { ServiceSchemaDocument } from '../../domain/validation/service-schema.ts';
import type { WriteOutcome } from '../approvals/write-outcome.ts';
import { writeVersionedDocument } from '../effective/versioned-documents.ts';
import type { WriteDeps } from '../settings/write-next-version.ts';

/** Input of {@link putSchema}. */
export interface PutSchemaInput {
  principal: Principal;
  service: string;
  document: ServiceSchemaDocument;
  reason: string;
  ticket: string | null;
  ifMatch: IfMatch | undefined;
}

/**
 * Registers (a new version of) a service's schema: a JSON Schema 2020-12,
 * CEL rules and the strict flag. A schema that does not compile or a rule
 * that does not parse is a 400 listing each; one over a limit (sizes, a
 * pattern RE2 cannot run, a `$ref` outside the document, a rule's estimated
 * cost) a 422; then the service's effective settings in every environment
 * are validated against it (422 on failure). The schema compiles for the
 * caller's tenant only.
 *
 * @example await putSchema(deps, { principal, service: 'api', document: { schema: { type: 'object' }, rules: [], strict: false }, reason: 'init', ticket: null, ifMatch: undefined });
 */
export async function putSchema(
  deps: WriteDeps,
  input: PutSchemaInput,
): Promise<WriteOutcome<SettingsVersion>> {
  // The schema compiler (ajv, CEL, RE2) loads with the first schema written, not at cold start.
  const { compileServiceSchema, schemaDocumentError } = await import(
    '../../domain/validation/service-schema.ts'
  );
  const compiled = compileServiceSchema(input.principal.tenantId, input.document);
  if (compiled.violations) throw schemaDocumentError(compiled.violations, '/body');
  return writeVersionedDocument(deps, {
    principal: input.principal,
    collection: 'schemas',
    key: `services/${input.service}`,
    content: input.document as unknown as JsonObject,
    reason: input.reason,
    ticket: input.ticket,
    ifMatch: input.ifMatch,
  });
}
