import { contentHash } from '../canonical-hash.ts';
import { ValidationError } from '../errors.ts';
import { diffDocuments, type PatchOperation } from '../json-patch.ts';
import type { JsonObject } from '../json-value.ts';

/**
 * The versions of the documents that fed one configuration's effective
 * settings, keyed `<collection> <key>` (`settings envs/prod`, `profiles web`,
 * `schemas services/api`, `policies envs/prod`); `null` when the document
 * does not exist. The document a request proposes counts at its base version.
 */
export type EffectiveInputs = Record<string, number | null>;

/** One configuration a change request changes, as recorded when the request is made. */
export interface EffectiveChange {
  /** Scope key of the configuration (`envs/prod`, `envs/prod/services/api` ...). */
  target: string;
  /** {@link contentHash} of its effective settings with the proposal applied. */
  hash: string;
  /** RFC 6902 patch of its effective settings, before → after; `null` past {@link EFFECTIVE_LIMITS}. */
  patch: PatchOperation[] | null;
  /** The documents that fed the after state; `null` past {@link EFFECTIVE_LIMITS}. */
  inputs: EffectiveInputs | null;
}

/** One configuration at apply time: its effective hash with the proposal over the current documents. */
export interface CurrentConfiguration {
  target: string;
  /** {@link contentHash} of its effective settings with the proposal. */
  hash: string;
  /** True when the proposal changes its effective settings. */
  changed: boolean;
  inputs: EffectiveInputs;
}

/** One configuration's effective settings without and with a proposal. */
export interface EvaluatedConfiguration extends CurrentConfiguration {
  before: JsonObject;
  after: JsonObject;
}

/**
 * Evaluates one configuration: hashes its effective settings before and
 * after, to tell whether the proposal changes it.
 *
 * @example evaluateConfiguration('envs/prod', { a: 1 }, { a: 2 }, {}).changed // true
 */
export function evaluateConfiguration(
  target: string,
  before: JsonObject,
  after: JsonObject,
  inputs: EffectiveInputs,
): EvaluatedConfiguration {
  const hash = contentHash(after);
  return { target, before, after, inputs, hash, changed: contentHash(before) !== hash };
}

/**
 * Bounds of what one change request records, so a request stays far below
 * DynamoDB's 400 KB item limit: diffs and inputs for the first `detailed`
 * configurations while their diffs total at most `patchBytes` of JSON; the
 * hash of every changed configuration; and a write that changes more than
 * `configurations` configurations of protected environments is refused.
 */
export const EFFECTIVE_LIMITS = { detailed: 200, patchBytes: 64 * 1024, configurations: 2000 } as const;

/**
 * What a change request records of its effect: every configuration whose
 * effective settings the proposal changes, in the given order, each with
 * the hash of its after state; the first ones (see {@link EFFECTIVE_LIMITS})
 * also with their diff and inputs. Throws a {@link ValidationError} when
 * the proposal changes more configurations than one approval may cover.
 *
 * @example recordEffectiveChanges([evaluateConfiguration('envs/prod', {}, { a: 1 }, {})])[0]?.patch // [{ op: 'add', path: '/a', value: 1 }]
 */
export function recordEffectiveChanges(evaluated: readonly EvaluatedConfiguration[]): EffectiveChange[] {
  const changed = evaluated.filter((e) => e.changed);
  if (changed.length > EFFECTIVE_LIMITS.configurations) {
    throw new ValidationError(
      `This change alters the effective settings of ${changed.length} configurations in protected environments; one approval covers at most ${EFFECTIVE_LIMITS.configurations}`,
      [
        {
          pointer: '/content',
          rule: 'approval.coverage',
          value: changed.length,
          message: `changes ${changed.length} protected configurations (at most ${EFFECTIVE_LIMITS.configurations})`,
          hint: 'Split the change: move the values into environment or service layers, or change fewer profiles at once',
        },
      ],
    );
  }
  let bytes = 0;
  let detailed = true;
  return changed.map((e, i) => {
    const patch = detailed ? diffDocuments(e.before, e.after) : null;
    if (patch !== null) bytes += JSON.stringify(patch).length;
    // Why stop at the first entry over budget: the recorded diffs stay a prefix, so "the first N" holds.
    if (patch === null || i >= EFFECTIVE_LIMITS.detailed || bytes > EFFECTIVE_LIMITS.patchBytes) {
      detailed = false;
      return { target: e.target, hash: e.hash, patch: null, inputs: null };
    }
    return { target: e.target, hash: e.hash, patch, inputs: e.inputs };
  });
}

const NOUNS: Record<string, string> = {
  settings: 'layer',
  profiles: 'profile',
  schemas: 'schema',
  policies: 'policy',
};

function versionText(version: number | null | undefined): string {
  return version === null || version === undefined ? 'none' : `v${version}`;
}

/**
 * The first input whose version differs between two records, in words
 * (`profile web changed from v1 to v2`), or `undefined` when none does.
 */
export function firstInputChange(recorded: EffectiveInputs, current: EffectiveInputs): string | undefined {
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(current)])];
  for (const key of keys) {
    const was = recorded[key] ?? null;
    const now = current[key] ?? null;
    if (was === now) continue;
    const space = key.indexOf(' ');
    const collection = key.slice(0, space);
    return `${NOUNS[collection] ?? collection} ${key.slice(space + 1)} changed from ${versionText(was)} to ${versionText(now)}`;
  }
  return undefined;
}

/**
 * Compares what a request recorded with the configurations as the proposal
 * would leave them now. `null` when the approval still covers the change;
 * otherwise why not, naming the first configuration (in recorded order)
 * whose effective settings would differ and the input that moved, or the
 * first configuration the proposal would now change that was not recorded.
 *
 * @example effectiveDrift(recorded, current) // 'envs/prod/services/api: profile web changed from v1 to v2'
 */
export function effectiveDrift(
  recorded: readonly EffectiveChange[],
  current: readonly CurrentConfiguration[],
): string | null {
  const now = new Map(current.map((c) => [c.target, c]));
  for (const r of recorded) {
    const c = now.get(r.target);
    if (c?.hash === r.hash) continue;
    const input = r.inputs && c ? firstInputChange(r.inputs, c.inputs) : undefined;
    return `${r.target}: ${input ?? 'its effective settings would differ from what was approved'}`;
  }
  const known = new Set(recorded.map((r) => r.target));
  const extra = current.find((c) => c.changed && !known.has(c.target));
  return extra ? `${extra.target} would change too, which the approval did not cover` : null;
}
