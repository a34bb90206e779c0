import { type Scope, scopeKey } from '../../domain/scope.ts';
import type { DocumentRef } from '../../ports/document-store.ts';

/** The document reference of a tenant's settings layer. */
export function settingsRef(tenantId: string, scope: Scope): DocumentRef {
  return { tenantId, collection: 'settings', key: scopeKey(scope) };
}
