import { contentHash } from '../../domain/canonical-hash.ts';
import { flattenSettings, renderDotenv, secretReferenceNote } from '../../domain/layers/flatten-settings.ts';
import type { Principal } from '../../domain/rbac.ts';
import { parseScopeKey, type Scope, scopeKey } from '../../domain/scope.ts';
import type { ProjectedDocument } from '../../ports/document-store.ts';
import { mapLimit } from '../concurrency/map-limit.ts';
import type { Deps } from '../deps.ts';
import { DocumentCache, type LayeredCollection } from '../effective/document-cache.ts';
import { loadEffective } from '../effective/load-effective.ts';
import { effectiveTargets } from '../effective/targets.ts';

/** Export formats. */
export type ExportFormat = 'json' | 'yaml' | 'dotenv' | 'configmap';

/** The collections a snapshot holds, in the order an import applies them. */
export const SNAPSHOT_COLLECTIONS: readonly LayeredCollection[] = [
  'profiles',
  'schemas',
  'policies',
  'settings',
];

/** One document of a snapshot. */
export interface SnapshotDocument extends ProjectedDocument {
  collection: LayeredCollection;
}

/** A tenant's (or a part's) documents at one instant: what export writes and import reads. */
export interface Snapshot {
  kind: 'plumbline.snapshot';
  apiVersion: 1;
  /** When the snapshot was taken. */
  createdAt: string;
  /** The instant exported (`null`: the latest state). */
  at: string | null;
  selection: { env: string | null; service: string | null };
  documents: SnapshotDocument[];
}

/** Input of {@link exportSnapshot}. */
export interface ExportInput {
  principal: Principal;
  env?: string | undefined;
  service?: string | undefined;
  /** ISO-8601 instant; the latest state when absent. */
  at?: string | undefined;
}

/**
 * Which documents a selection covers: everything without `env`/`service`;
 * with `env`, its layers and policy; with `service`, its layers (in `env`,
 * or in every environment) and its schema. Profiles and `global` belong to
 * the whole tenant only.
 */
export function selects(collection: LayeredCollection, key: string, env?: string, service?: string): boolean {
  if (env === undefined && service === undefined) return true;
  if (collection === 'settings') {
    const scope = parseScopeKey(key);
    if (!scope || scope.kind === 'global') return false;
    if (env !== undefined && scope.env !== env) return false;
    if (service === undefined) return true;
    return (scope.kind === 'service' || scope.kind === 'instance') && scope.service === service;
  }
  if (collection === 'policies') return service === undefined && key === `envs/${env}`;
  if (collection === 'schemas') return service !== undefined && key === `services/${service}`;
  return false;
}

/**
 * Exports the latest (or point-in-time) documents of a tenant or part of
 * it: one Query per collection for the keys, then one parallel round trip
 * for the latest versions (with `at`, a history walk for documents changed
 * since then).
 *
 * @example const snap = await exportSnapshot(deps, { principal, env: 'prod', at: '2026-01-01T00:00:00Z' });
 */
export async function exportSnapshot(
  deps: Pick<Deps, 'documents' | 'clock'>,
  input: ExportInput,
): Promise<Snapshot> {
  const { documents } = await readSelection(deps, input);
  return {
    kind: 'plumbline.snapshot',
    apiVersion: 1,
    createdAt: deps.clock.now().toISOString(),
    at: input.at ?? null,
    selection: { env: input.env ?? null, service: input.service ?? null },
    documents,
  };
}

async function readSelection(
  deps: Pick<Deps, 'documents'>,
  input: ExportInput,
): Promise<{ documents: SnapshotDocument[]; cache: DocumentCache }> {
  const tenantId = input.principal.tenantId;
  const cache = new DocumentCache(deps.documents, tenantId, [], input.at);
  // The latest state comes whole from the tenant's projection (one paginated Query, a number of
  // requests that does not grow per service); a past instant reads each document's history.
  const keysPer =
    input.at === undefined
      ? await cache
          .preload(SNAPSHOT_COLLECTIONS)
          .then((docs) =>
            SNAPSHOT_COLLECTIONS.map((c) => docs.filter((d) => d.collection === c).map((d) => d.key)),
          )
      : await Promise.all(SNAPSHOT_COLLECTIONS.map((c) => deps.documents.listKeys(tenantId, c)));
  const wanted = SNAPSHOT_COLLECTIONS.flatMap((collection, i) =>
    (keysPer[i] ?? [])
      .filter((key) => selects(collection, key, input.env, input.service))
      .map((key) => ({ collection, key })),
  );
  // Why peek first: after the preload every document is in memory; a promise each would cost more
  // than the export itself at 10 000 services. Only what the preload does not know is awaited.
  const found = wanted.map(({ collection, key }) => cache.peek(collection, key));
  const waits: Promise<void>[] = [];
  found.forEach((doc, i) => {
    const { collection, key } = wanted[i] as (typeof wanted)[number];
    if (doc === undefined)
      waits.push(
        cache.get(collection, key).then((read) => {
          found[i] = read;
        }),
      );
  });
  await Promise.all(waits);
  const documents = wanted.flatMap(({ collection, key }, i) => {
    const doc = found[i];
    return doc
      ? [
          {
            collection,
            key,
            version: doc.version,
            author: doc.author,
            createdAt: doc.createdAt,
            contentHash: doc.contentHash ?? contentHash(doc.content),
            content: doc.content,
          },
        ]
      : [];
  });
  return { documents, cache };
}

/** One flattened configuration of a dotenv or ConfigMap export. */
interface FlatTarget {
  scope: Scope;
  layers: { scope: string; version: number }[];
  entries: [string, string][];
  secretReferences: [string, string][];
  collisions: string[];
}

async function flatTargets(deps: Pick<Deps, 'documents'>, input: ExportInput): Promise<FlatTarget[]> {
  const { documents, cache } = await readSelection(deps, input);
  const targets = effectiveTargets(documents.filter((d) => d.collection === 'settings').map((d) => d.key));
  // Why mapLimit: the merges are CPU work on documents in memory; it yields between them.
  return mapLimit(targets, 16, async (scope) => {
    const { effective } = await loadEffective(cache, scope);
    return { scope, layers: effective.layers, ...flattenSettings(effective.content) };
  });
}

/**
 * Renders an export: `json`/`yaml` give the snapshot (importable);
 * `dotenv`/`configmap` give the effective settings of every service and
 * instance in the selection, flattened (see `flattenSettings`): one dotenv
 * section, or one ConfigMap (namespace = environment, name = service or
 * service-instance), per configuration. A secret reference is left out of
 * both, with one comment line naming its variable and its secret.
 *
 * @example const { contentType, text } = await renderExport(deps, { principal, env: 'prod', service: 'api' }, 'dotenv');
 */
export async function renderExport(
  deps: Pick<Deps, 'documents' | 'clock'>,
  input: ExportInput,
  format: ExportFormat,
): Promise<{ contentType: string; body?: Snapshot; text?: string }> {
  if (format === 'json') return { contentType: 'application/json', body: await exportSnapshot(deps, input) };
  if (format === 'yaml')
    return { contentType: 'application/yaml', text: await yamlText(await exportSnapshot(deps, input)) };
  const targets = await flatTargets(deps, input);
  const when = input.at ?? deps.clock.now().toISOString();
  const layerNote = (t: FlatTarget) => t.layers.map((l) => `${l.scope}@${l.version}`).join(' ');
  if (format === 'dotenv') {
    const header = [
      `# Plumbline export (${input.at ? `state at ${input.at}` : 'latest state'})`,
      '# Names: keys upper-cased, non-alphanumerics as _, nesting joined with __',
    ];
    const sections = targets.map((t) =>
      [
        `# --- ${scopeKey(t.scope)} (layers: ${layerNote(t)})`,
        ...t.collisions.map((c) => `# WARNING collision ${c}`),
        ...t.secretReferences.map((r) => `# ${secretReferenceNote(r)}`),
        renderDotenv(t.entries),
      ]
        .filter((line) => line !== '')
        .join('\n'),
    );
    return { contentType: 'text/plain; charset=utf-8', text: `${[...header, ...sections].join('\n')}\n` };
  }
  const maps = targets.map((t) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name:
        t.scope.kind === 'instance'
          ? `${t.scope.service}-${t.scope.instance}`
          : (t.scope as { service: string }).service,
      namespace: (t.scope as { env: string }).env,
      labels: {
        'app.kubernetes.io/name': (t.scope as { service: string }).service,
        'app.kubernetes.io/managed-by': 'plumbline',
      },
      annotations: {
        'plumbline.dev/scope': scopeKey(t.scope),
        'plumbline.dev/layers': layerNote(t),
        'plumbline.dev/state-at': when,
        ...(t.collisions.length > 0 ? { 'plumbline.dev/collisions': t.collisions.join('; ') } : {}),
      },
    },
    data: Object.fromEntries(t.entries),
  }));
  const doc = maps.length === 1 ? maps[0] : { apiVersion: 'v1', kind: 'List', items: maps };
  // Each ConfigMap's `data` says, as comments, which secret references it leaves out.
  const comments = targets.flatMap((t, i) =>
    t.secretReferences.length === 0
      ? []
      : [
          {
            path: maps.length === 1 ? ['data'] : ['items', i, 'data'],
            text: t.secretReferences.map((r) => ` ${secretReferenceNote(r)}`).join('\n'),
          },
        ],
  );
  return { contentType: 'application/yaml', text: await yamlText(doc, comments) };
}

/**
 * YAML text of a value, with a comment before the node at each `path`; the
 * YAML library loads with the first YAML export, not at cold start.
 */
async function yamlText(
  value: unknown,
  comments: { path: (string | number)[]; text: string }[] = [],
): Promise<string> {
  const { Document, isNode } = await import('yaml');
  const doc = new Document(value);
  for (const { path, text } of comments) {
    const node = doc.getIn(path, true);
    if (isNode(node)) node.commentBefore = text;
  }
  return doc.toString();
}
