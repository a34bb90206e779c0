import { parseArgv } from '../parse-argv.ts';
import type { SettingsSource } from '../settings-source.ts';

/**
 * Command-line arguments (`process.argv.slice(2)` unless given), parsed by
 * {@link parseArgv}. `--help` is handled by `defineSettings`.
 *
 * @example argvSource(['--db.host=x'])
 */
export function argvSource(args: readonly string[] = process.argv.slice(2)): SettingsSource {
  return {
    name: 'argv',
    read: async ({ shape }) => {
      const { help: _help, ...reading } = parseArgv(args, shape);
      return reading;
    },
  };
}
