import { envName } from './env-name.ts';
import type { EnvNaming } from './env-values.ts';
import { kebabCase } from './kebab-case.ts';
import type { SchemaShape } from './schema-shape.ts';
import { shapePaths } from './shape-paths.ts';

/**
 * The `--help` text, generated from the schema: one line per setting with
 * its flag, type, description, default (or `required`) and, when the
 * environment is read, its variable.
 *
 * @example helpText(shape, { program: 'api', env: { prefix: 'APP_', delimiter: '__' } })
 */
export function helpText(shape: SchemaShape, options: { program?: string; env?: EnvNaming } = {}): string {
  const rows = shapePaths(shape)
    .filter(({ shape: child }) => child.kind !== 'object')
    .map(({ segments, shape: child }) => {
      const type = child.kind === 'array' ? `${child.item?.kind ?? 'value'}[]` : child.kind;
      const flag = `--${segments.map(kebabCase).join('.')}${child.kind === 'boolean' ? '' : ` <${type}>`}`;
      const notes = [
        child.description,
        'default' in child
          ? `default: ${JSON.stringify(child.default)}`
          : child.optional
            ? 'optional'
            : 'required',
        options.env
          ? `env: ${options.env.prefix}${segments.map(envName).join(options.env.delimiter)}`
          : undefined,
      ].filter((note) => note !== undefined);
      return [flag, notes.join('; ')] as const;
    });
  const width = Math.max(0, ...rows.map(([flag]) => flag.length));
  const lines = rows.map(([flag, notes]) => `  ${flag.padEnd(width)}  ${notes}`);
  return [
    `Usage: ${options.program ?? 'service'} [options]`,
    '',
    'Options:',
    ...lines,
    `  ${'--help'.padEnd(width)}  show this help`,
    '',
  ].join('\n');
}
