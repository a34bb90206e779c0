import type { SettingsSource } from '../settings-source.ts';

/**
 * Values given in code (`options.explicit`): the highest priority by default.
 *
 * @example explicitSource({ db: { host: 'localhost' } })
 */
export function explicitSource(values: Readonly<Record<string, unknown>>): SettingsSource {
  return {
    name: 'explicit',
    read: async () => ({ values: structuredClone(values) as Record<string, unknown> }),
  };
}
