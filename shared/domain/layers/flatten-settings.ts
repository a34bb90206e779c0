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
 * Renders entries as a dotenv file that Node's `util.parseEnv` (the dotenv
 * package's rules) reads back value for value, one variable per physical
 * line. Those rules have no escapes: single quotes, backticks and double
 * quotes are all literal, except that double quotes turn `\n` into a line
 * feed (the dotenv package also `\r` into a carriage return), a value ends at
 * the first closing quote, an unquoted value at `#` and is trimmed, and a
 * carriage return anywhere is dropped. So each value takes the first form
 * that carries it: unquoted when plain (`A-Z a-z 0-9 _ . / : @ + , -`), else
 * `'...'` when it holds no `'` and no line feed, else `"..."` (line feeds
 * written `\n`) when it holds no `"` and no backslash before `n` or `r`,
 * else `` `...` `` when it holds no backtick and no line feed. A value that
 * fits none, holds a carriage return or is not well-formed Unicode (lone
 * surrogates do not survive UTF-8) is left out: a `# WARNING` comment line in
 * printable ASCII names its variable instead, never a different value.
 *
 * @example renderDotenv([['A', 'plain'], ['B', "it's"], ['C', 'a\rb']]) // "A=plain\nB=\"it's\"\n# WARNING C: value not exported, it holds a carriage return (dotenv readers drop it)"
 */
export function renderDotenv(entries: readonly [string, string][]): string {
  return entries
    .map(([name, value]) => {
      const form = dotenvValue(value);
      return typeof form === 'string'
        ? `${name}=${form}`
        : `# WARNING ${printableText(name)}: value not exported, ${form.unexportable}`;
    })
    .join('\n');
}

/** A value as dotenv text `util.parseEnv` reads back exactly, or why there is none (see {@link renderDotenv}). */
function dotenvValue(value: string): string | { unexportable: string } {
  if (value.includes('\r')) return { unexportable: 'it holds a carriage return (dotenv readers drop it)' };
  if (/\p{Surrogate}/u.test(value))
    return { unexportable: 'it is not well-formed Unicode (a lone surrogate)' };
  if (/^[A-Za-z0-9_./:@+,-]*$/.test(value)) return value;
  const lineFeed = value.includes('\n');
  if (!lineFeed && !value.includes("'")) return `'${value}'`;
  if (!value.includes('"') && !/\\[nr]/.test(value)) return `"${value.replaceAll('\n', '\\n')}"`;
  if (!lineFeed && !value.includes('`')) return `\`${value}\``;
  return {
    unexportable: lineFeed
      ? 'it holds a line feed and a double quote or a backslash before n or r (no dotenv quoting carries it)'
      : 'it holds a single quote, a backtick, and a double quote or a backslash before n or r (no dotenv quoting carries it)',
  };
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
