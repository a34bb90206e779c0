/**
 * The settings pointers a drift policy's `tolerances` may name: the mapped
 * workload keys and their parents (a parent's tolerance applies to the
 * leaves under it).
 */
const DRIFT_POINTER =
  /^\/(?:image|replicas|resources(?:\/(?:requests|limits)(?:\/(?:[^~/]|~[01])+)?)?|hpa(?:\/(?:minReplicas|maxReplicas|targetAverageUtilization|tolerance|hysteresis))?|labels(?:\/(?:[^~/]|~[01])+)?|securityContext(?:\/(?:[^~/]|~[01])+)?)$/;

/**
 * True when `pointer` is a JSON pointer to a workload key the drift engine
 * compares (`/image`, `/resources/requests/cpu`, `/hpa/maxReplicas`,
 * `/labels/team` ...).
 *
 * @example isDriftPointer('/resources/requests/cpu') // true
 * @example isDriftPointer('/resources/cpu') // false
 */
export function isDriftPointer(pointer: string): boolean {
  return DRIFT_POINTER.test(pointer);
}

/**
 * The pointer itself, then each parent up to the first token: the order in
 * which tolerances are looked up.
 *
 * @example pointerAndParents('/resources/requests/cpu') // ['/resources/requests/cpu', '/resources/requests', '/resources']
 */
export function pointerAndParents(pointer: string): string[] {
  const out: string[] = [];
  for (let at = pointer; at.length > 0; at = at.slice(0, at.lastIndexOf('/'))) out.push(at);
  return out;
}
