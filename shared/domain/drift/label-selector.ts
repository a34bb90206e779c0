/**
 * Compiles a Kubernetes label selector (`app=web`, `tier!=db`, `env in (a,b)`,
 * `env notin (c)`, `team`, `!legacy`, comma-joined = AND) into a predicate
 * on a label map, for observations pushed from `kubectl get -A`, which the
 * API server has not filtered. Returns `undefined` for a selector it cannot
 * parse.
 *
 * @example compileLabelSelector('drift-monitoring=enabled')?.({ 'drift-monitoring': 'enabled' }) // true
 */
export function compileLabelSelector(
  selector: string | undefined,
): ((labels: Readonly<Record<string, string>>) => boolean) | undefined {
  if (selector === undefined || selector.trim() === '') return () => true;
  const requirements: ((labels: Readonly<Record<string, string>>) => boolean)[] = [];
  // Split on commas outside parentheses.
  for (const part of selector.split(/,(?![^(]*\))/)) {
    const term = part.trim();
    const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    const equality = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term);
    const exists = /^(!?)([\w./-]+)$/.exec(term);
    if (set) {
      const [, key = '', op, list = ''] = set;
      const values = new Set(list.split(',').map((v) => v.trim()));
      requirements.push((labels) =>
        op === 'in'
          ? Object.hasOwn(labels, key) && values.has(labels[key] as string)
          : !Object.hasOwn(labels, key) || !values.has(labels[key] as string),
      );
    } else if (equality) {
      const [, key = '', op, value] = equality;
      requirements.push((labels) =>
        op === '!=' ? labels[key] !== value : Object.hasOwn(labels, key) && labels[key] === value,
      );
    } else if (exists) {
      const [, not, key = ''] = exists;
      requirements.push((labels) => Object.hasOwn(labels, key) !== (not === '!'));
    } else {
      return undefined;
    }
  }
  return (labels) => requirements.every((requirement) => requirement(labels));
}
