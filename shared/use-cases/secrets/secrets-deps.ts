import type { Deps } from '../deps.ts';

/** The ports the secrets use cases need. */
export type SecretsDeps = Pick<
  Deps,
  'documents' | 'clock' | 'logger' | 'changeRequests' | 'workflows' | 'secrets' | 'keys' | 'audit'
>;
