import type { LeafOrigin } from './settings-source.ts';

/** Where a leaf came from: the source's name and its origin within the source. */
export interface Provenance extends LeafOrigin {
  source: string;
}

/**
 * The provenance of a path: its own, or its nearest ancestor's (a whole
 * object read from one variable or file).
 *
 * @example provenanceOf({ db: { source: 'env', detail: 'APP_DB' } }, 'db.host')?.source // 'env'
 */
export function provenanceOf<O = Provenance>(
  origins: Readonly<Record<string, O>>,
  path: string,
): O | undefined {
  let p = path;
  for (;;) {
    const origin = origins[p];
    if (origin) return origin;
    if (p === '') return undefined;
    p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '';
  }
}
