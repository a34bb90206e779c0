import type { DocumentStore } from '../../ports/document-store.ts';
import { createLimiter } from './map-limit.ts';

/**
 * Store reads one request may have in flight. The SDK's HTTP agent has 50
 * sockets per process (per warm Lambda container, and for every tenant of the
 * local runtime): a request that queues hundreds of reads at once holds them
 * all, its own reads time out waiting for a socket (503), and so do other
 * tenants' requests. 16 leaves room for two more busy requests and plain GETs.
 */
export const READS_IN_FLIGHT = 16;

/** Stores already wrapped, so that wrapping twice keeps one shared limit. */
const limitedStores = new WeakSet<DocumentStore>();

/**
 * Wraps a document store so that at most `limit` of its reads (`latest`,
 * `get`, `list`, `listKeys`, `latestAll`) are in flight at once; the others wait their
 * turn, unsent, so they do not count against the SDK's request timeout.
 * Writes (and announcements) pass through. Wrapping an already wrapped store returns it as is:
 * create one per request (or per fan-out) and pass it down.
 *
 * @example const documents = limitReads(deps.documents); await importWith({ ...deps, documents });
 */
export function limitReads(store: DocumentStore, limit = READS_IN_FLIGHT): DocumentStore {
  if (limitedStores.has(store)) return store;
  const run = createLimiter(limit);
  const limited: DocumentStore = {
    latest: (ref) => run(() => store.latest(ref)),
    get: (ref, version) => run(() => store.get(ref, version)),
    list: (ref, options) => run(() => store.list(ref, options)),
    listKeys: (tenantId, collection, options) => run(() => store.listKeys(tenantId, collection, options)),
    latestAll: (tenantId, collections, options) => run(() => store.latestAll(tenantId, collections, options)),
    append: (ref, version, options) => store.append(ref, version, options),
    announce: (ref) => store.announce(ref),
    withdraw: (ref, announced) => store.withdraw(ref, announced),
  };
  limitedStores.add(limited);
  return limited;
}
