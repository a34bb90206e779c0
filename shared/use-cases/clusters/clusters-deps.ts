import type { Deps } from '../deps.ts';

/** The ports of the clusters context's use cases. */
export type ClustersDeps = Pick<Deps, 'clusters' | 'reports' | 'scanQueue' | 'clock' | 'logger'>;
