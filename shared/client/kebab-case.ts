/**
 * The command-line form of a schema key: `poolSize` -> `pool-size`.
 *
 * @example kebabCase('poolSize') // 'pool-size'
 */
export function kebabCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9.]+/g, '-')
    .toLowerCase();
}
