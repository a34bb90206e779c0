import {
  BUILT_IN_SOURCES,
  type BuiltInSource,
  type DefineSettingsOptions,
} from './define-settings-options.ts';
import { plumblineSource } from './plumbline/plumbline-source.ts';
import type { SettingsSource } from './settings-source.ts';
import { argvSource } from './sources/argv-source.ts';
import { dotenvSource } from './sources/dotenv-source.ts';
import { envSource } from './sources/env-source.ts';
import { explicitSource } from './sources/explicit-source.ts';
import { fileSource } from './sources/file-source.ts';
import { packageJsonSource } from './sources/package-json-source.ts';
import { secretsDirSource } from './sources/secrets-dir-source.ts';

/**
 * The sources the options configure, highest priority first: the order of
 * `options.sources` (built-in names and custom sources) or the default
 * order; a built-in source the options do not configure is left out.
 *
 * @example buildSources({ env: { prefix: 'APP_' }, files: ['config.toml'] }, isSecret).map((s) => s.name) // ['argv', 'env', 'file']
 */
export function buildSources(
  options: DefineSettingsOptions,
  isSecret: (path: string) => boolean,
): SettingsSource[] {
  const env = options.env === false ? undefined : (options.env ?? {});
  const naming = { prefix: env?.prefix ?? '', delimiter: env?.delimiter ?? '__' };
  const builtIn = (name: BuiltInSource): SettingsSource | undefined => {
    switch (name) {
      case 'explicit':
        return options.explicit && explicitSource(options.explicit);
      case 'argv':
        return options.argv === false ? undefined : argvSource(options.argv);
      case 'env':
        return env && envSource(env);
      case 'dotenv':
        return options.dotenv && dotenvSource(options.dotenv, naming);
      case 'file':
        return options.files && fileSource(options.files);
      case 'package.json':
        return options.packageJson && packageJsonSource(options.packageJson);
      case 'secrets-dir':
        return options.secretsDir === undefined
          ? undefined
          : secretsDirSource(options.secretsDir, naming.delimiter);
      case 'plumbline':
        return options.plumbline && plumblineSource(options.plumbline, isSecret);
    }
  };
  return (options.sources ?? BUILT_IN_SOURCES).flatMap((entry) => {
    const source = typeof entry === 'string' ? builtIn(entry) : entry;
    return source ? [source] : [];
  });
}
