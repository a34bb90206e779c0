import type { Provenance } from './provenance.ts';

/**
 * A provenance as issues show it: `APP_DB__HOST` read by `env` becomes
 * `env APP_DB__HOST`; a Plumbline layer adds its version.
 *
 * @example describeProvenance({ source: 'plumbline', detail: 'envs/prod', version: 3 }) // 'plumbline envs/prod v3'
 */
export function describeProvenance(origin: Provenance): string {
  const version = origin.version === undefined ? '' : ` v${origin.version}`;
  return origin.detail && origin.detail !== origin.source
    ? `${origin.source} ${origin.detail}${version}`
    : origin.source;
}
