import { readFile } from 'node:fs/promises';
import { isPlainObject } from '../is-plain-object.ts';
import type { SettingsSource } from '../settings-source.ts';

/**
 * One key of a `package.json` (`{"myService": {...}}`), as convict and
 * node-config users keep defaults. A missing file or key gives nothing.
 *
 * @example packageJsonSource({ key: 'myService', path: './package.json' })
 */
export function packageJsonSource(options: { key: string; path?: string }): SettingsSource {
  const path = options.path ?? 'package.json';
  return {
    name: 'package.json',
    read: async () => {
      let pkg: unknown;
      try {
        pkg = JSON.parse(await readFile(path, 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { values: {} };
        const message = `${path} does not parse: ${(error as Error).message}`;
        return { values: {}, issues: [{ path: '', message, source: `package.json ${path}` }] };
      }
      const section = isPlainObject(pkg) ? pkg[options.key] : undefined;
      if (section === undefined) return { values: {} };
      if (!isPlainObject(section)) {
        const message = `the "${options.key}" key of ${path} must be an object`;
        return { values: {}, issues: [{ path: '', message, source: `package.json ${path}` }] };
      }
      return { values: section, origins: { '': { detail: `${path}#${options.key}` } } };
    },
  };
}
