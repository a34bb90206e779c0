import type { SettingsError } from './settings-error.ts';

/**
 * Told when polled settings change and the new object validates; an
 * invalid update (or an unreachable Plumbline) goes to `onError` and the
 * last good settings stay in force.
 *
 * @example settings.subscribe({ onChange: (next) => pool.resize(next.db.pool), onError: (e) => log.warn(e.format()) })
 */
export type SettingsListener<T> =
  | ((settings: T, previous: T) => void)
  | { onChange(settings: T, previous: T): void; onError?(error: SettingsError): void };
