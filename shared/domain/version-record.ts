import type { SettingsVersion } from './settings-version.ts';

// A module of its own: the routes answer with version records at load-free cost, without the
// write path's JSON Patch and hashing code that settings-version.ts carries.

/** The public version record (the API's response body): everything but the stored patch. */
export function toRecord(version: SettingsVersion): Omit<SettingsVersion, 'patch'> {
  const { patch: _patch, ...rest } = version;
  return rest;
}
