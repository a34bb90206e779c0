import { ValidationError, type Violation } from '../errors.ts';
import { isJsonObject } from '../json-value.ts';
import type { ObservedState } from './observed-state.ts';
import { addObserved, OBSERVED_KINDS, toObservedObject } from './to-observed-state.ts';

/** The largest observation a cluster may push: 5 MiB. */
export const MAX_OBSERVATION_BYTES = 5 * 1024 * 1024;

const KINDS: ReadonlySet<string> = new Set(OBSERVED_KINDS);
const API_VERSIONS: Record<string, ReadonlySet<string>> = {
  Deployment: new Set(['apps/v1']),
  StatefulSet: new Set(['apps/v1']),
  HorizontalPodAutoscaler: new Set(['autoscaling/v2']),
};

/**
 * Parses an observation pushed by a cluster with no route from AWS: the
 * JSON of `kubectl get deploy,sts,hpa -A -o json`, a `v1` `List` of
 * apps/v1 Deployments and StatefulSets and autoscaling/v2 HPAs, at most
 * {@link MAX_OBSERVATION_BYTES}. Refuses malformed JSON, another shape,
 * other kinds or API versions with a {@link ValidationError} listing every
 * violation (pointers under `/body`).
 *
 * @example parseObservations(Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }))) // { workloads: [], hpas: [] }
 */
export function parseObservations(body: string | Uint8Array): ObservedState {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (bytes > MAX_OBSERVATION_BYTES) {
    throw new ValidationError(
      `The observation is ${bytes} bytes; the limit is ${MAX_OBSERVATION_BYTES} (5 MiB)`,
      [{ pointer: '/body', rule: 'observation.size', message: 'at most 5 MiB' }],
    );
  }
  let list: unknown;
  try {
    list = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    throw new ValidationError('The observation is not JSON', [
      { pointer: '/body', rule: 'observation.json', message: 'must be the JSON of kubectl get -o json' },
    ]);
  }
  if (!isJsonObject(list) || list.apiVersion !== 'v1' || list.kind !== 'List' || !Array.isArray(list.items)) {
    throw new ValidationError('The observation is not a v1 List', [
      {
        pointer: '/body',
        rule: 'observation.list',
        message: 'must be a v1 List with items, as kubectl get deploy,sts,hpa -A -o json prints',
      },
    ]);
  }
  const violations: Violation[] = [];
  const state: ObservedState = { workloads: [], hpas: [] };
  for (const [i, item] of list.items.entries()) {
    const pointer = `/body/items/${i}`;
    const kind = isJsonObject(item) ? item.kind : undefined;
    const apiVersion = isJsonObject(item) ? item.apiVersion : undefined;
    if (typeof kind !== 'string' || !KINDS.has(kind)) {
      violations.push({
        pointer: `${pointer}/kind`,
        rule: 'observation.kind',
        message: 'must be Deployment, StatefulSet or HorizontalPodAutoscaler',
        ...(typeof kind === 'string' ? { value: kind.slice(0, 100) } : {}),
      });
      continue;
    }
    if (typeof apiVersion !== 'string' || !API_VERSIONS[kind]?.has(apiVersion)) {
      violations.push({
        pointer: `${pointer}/apiVersion`,
        rule: 'observation.api-version',
        message: `a ${kind} must be ${[...(API_VERSIONS[kind] ?? [])].join(' or ')}`,
      });
      continue;
    }
    const object = toObservedObject(item, kind, pointer, violations);
    if (object) addObserved(state, object);
  }
  if (violations.length > 0) {
    throw new ValidationError(`The observation has ${violations.length} invalid item(s)`, violations);
  }
  return state;
}
