// The limits the snapshot routes declare in their schemas: a module of their own, so the route
// table reads them at load without loading the import and tag use cases (loaded on first request).

/** A release tag: `v1.2.3`, optionally with a pre-release (`v1.2.3-rc.1`). */
export const TAG_PATTERN =
  /^v(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})(-[0-9A-Za-z.-]{1,40})?$/;

/** Documents one import may carry; split larger snapshots (one per environment, say). */
export const MAX_IMPORT_DOCUMENTS = 1000;
