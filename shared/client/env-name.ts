/**
 * The environment-variable segment of a schema key: `poolSize` -> `POOL_SIZE`,
 * `max-conns` -> `MAX_CONNS`.
 *
 * @example envName('poolSize') // 'POOL_SIZE'
 */
export function envName(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}
