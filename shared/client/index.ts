/**
 * `plumbline/client`: the typed settings library. Declare a service's
 * settings once as a valibot schema; load them from explicit values,
 * argv, the environment, dotenv, JSON/YAML/TOML files, package.json, a
 * secrets directory and Plumbline, with provenance for every value.
 * See docs/client-library.md.
 */

export { defineSettings, type Settings } from './define-settings.ts';
export {
  BUILT_IN_SOURCES,
  type BuiltInSource,
  type DefineSettingsOptions,
} from './define-settings-options.ts';
export type { PlumblineOptions } from './plumbline/plumbline-options.ts';
export type { PlumblineAuth } from './plumbline/token-provider.ts';
export { REDACTED } from './redacted.ts';
export { DEFAULT_SECRET_PATTERN, type SecretRules } from './secret-matcher.ts';
export type { SettingExplanation } from './setting-explanation.ts';
export { SettingsError, type SettingsIssue } from './settings-error.ts';
export type { SettingsListener } from './settings-listener.ts';
export type {
  ExtraKeys,
  LeafOrigin,
  SettingsSource,
  SourceContext,
  SourceReading,
} from './settings-source.ts';
