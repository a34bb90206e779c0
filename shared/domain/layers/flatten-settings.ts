import { isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';
import { SECRET_NAME_PATTERN } from '../secrets/secret-model.ts';
import { isSecretReference } from '../secrets/secret-reference.ts';

/**
 * The flattening convention of dotenv and ConfigMap exports: each leaf
 * becomes one variable whose name is its path, each key upper-cased with
 * every character outside `A-Z 0-9` turned into `_`, segments joined with
 * `__` (the nested delimiter), array elements by index:
 * `{"hpa": {"minReplicas": 2}}` -> `HPA__MINREPLICAS=2`,
 * `{"resources": {"requests": {"nvidia.com/gpu": 1}}}` -> `RESOURCES__REQUESTS__NVIDIA_COM_GPU=1`,
 * `{"tags": ["a"]}` -> `TAGS__0=a`. Strings are taken as they are, numbers
 * and booleans as JSON text, empty objects and arrays as `{}` and `[]`.
 * A name that two paths flatten to is reported as a collision (the first
 * path keeps it; a path is quoted, see {@link printableText}, unless it is
 * printable ASCII, so the report stays one comment line). A secret reference (`{"$secret": "db-password"}`) is no
 * variable: it goes to `secretReferences` as `[name, secret]`, so that no
 * export hands a fake `DB__PASSWORD___SECRET=db-password` to a workload.
 *
 * @example flattenSettings({ log: { level: 'info' } }).entries // [['LOG__LEVEL', 'info']]
 */
export function flattenSettings(
  content: JsonObject,
  prefix = '',
): { entries: [string, string][]; secretReferences: [string, string][]; collisions: string[] } {
  const entries: [string, string][] = [];
  const secretReferences: [string, string][] = [];
  const owner = new Map<string, string>();
  const collisions: string[] = [];
  const walk = (node: JsonValue, names: string[], path: string): void => {
    const reference = isSecretReference(node);
    const isEmpty =
      (isJsonObject(node) && Object.keys(node).length === 0) || (Array.isArray(node) && node.length === 0);
    if (!reference && !isEmpty && (isJsonObject(node) || Array.isArray(node))) {
      const pairs: [string, JsonValue][] = Array.isArray(node)
        ? node.map((v, i) => [String(i), v])
        : Object.entries(node);
      for (const [key, child] of pairs) walk(child, [...names, envSegment(key)], `${path}/${key}`);
      return;
    }
    const name = `${prefix}${names.join('__')}`;
    const previous = owner.get(name);
    if (previous !== undefined) {
      collisions.push(`${name}: ${printableText(path)} collides with ${printableText(previous)}`);
      return;
    }
    owner.set(name, path);
    if (reference) secretReferences.push([name, node.$secret]);
    else entries.push([name, typeof node === 'string' ? node : JSON.stringify(node)]);
  };
  for (const [key, value] of Object.entries(content)) walk(value, [envSegment(key)], `/${key}`);
  return { entries, secretReferences, collisions };
}

/** One path segment as a variable name part: upper case, `_` for anything outside A-Z and 0-9. */
export function envSegment(key: string): string {
  return key.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Renders entries as a dotenv file: values quoted (with `\\`, `"`, `$`, line
 * feeds and carriage returns escaped, so each value stays on one physical
 * line for every reader) unless plain.
 */
export function renderDotenv(entries: readonly [string, string][]): string {
  return entries
    .map(([name, value]) => {
      const plain = /^[A-Za-z0-9_./:@+,-]*$/.test(value);
      const quoted = `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('$', '\\$').replaceAll('\n', '\\n').replaceAll('\r', '\\r')}"`;
      return `${name}=${plain ? value : quoted}`;
    })
    .join('\n');
}

/**
 * The comment an export writes instead of a secret reference: its variable
 * name and the secret's name, never a value. A name that is no valid secret
 * name (one stored where the missing-secret check does not run) is written
 * quoted, in printable ASCII ({@link printableText}), so it cannot end the
 * comment line and start a variable of its own.
 *
 * @example secretReferenceNote(['DB__PASSWORD', 'db-password']) // "DB__PASSWORD: secret reference 'db-password', not exported"
 */
export function secretReferenceNote([name, secret]: readonly [string, string]): string {
  return SECRET_NAME_PATTERN.test(secret)
    ? `${name}: secret reference '${secret}', not exported`
    : `${name}: secret reference ${printableText(secret, true)} (not a valid secret name), not exported`;
}

/**
 * Text for one line of a comment: as it is when it is printable ASCII (and
 * `quote` is not set), else a JSON string whose every character outside
 * printable ASCII is a `\\uXXXX` escape. No line break of any reader (LF,
 * CR, NEL, U+2028 ...) survives.
 *
 * @example printableText('/a\nB=1') // '"/a\\nB=1"'
 */
export function printableText(text: string, quote = false): string {
  if (!quote && /^[\x20-\x7e]*$/.test(text)) return text;
  return JSON.stringify(text).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
