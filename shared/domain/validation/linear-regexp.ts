import type { CodeOptions } from 'ajv/dist/2020.js';
import { RE2JS } from 're2js';

/**
 * Longest regular expression a tenant may supply (a JSON Schema `pattern`,
 * a `patternProperties` key, a CEL `matches` pattern). RE2 compiles in time
 * linear in the pattern, and counted repetitions (`{1000}`) multiply its
 * program, so the pattern itself is bounded too.
 */
export const MAX_PATTERN_LENGTH = 1000;

/** What a tenant reads when a pattern is refused. */
export const LINEAR_REGEXP_HINT =
  'Patterns run on RE2 (linear time): backreferences (\\1, \\k<name>) and lookaround ((?=, (?!, (?<=, (?<!) are not supported, counted repetitions stop at {1000}, and a pattern has at most 1000 characters';

/**
 * The syntax a pattern is written in: `ecma` for JSON Schema (ECMA-262
 * syntax, translated to RE2: `\u00e9`, `(?<name>...)`, `[^]`), `re2` for CEL
 * `matches` (the CEL specification says RE2).
 */
export type PatternDialect = 'ecma' | 're2';

/** A compiled linear-time regular expression: `test` finds a match anywhere in the input. */
export interface LinearRegExp {
  test(input: string): boolean;
}

/**
 * Compiles a tenant-supplied pattern with RE2 (re2js, a pure JavaScript
 * port): matching takes time linear in the input, whatever the pattern.
 * Throws on a pattern RE2 cannot run or one over {@link MAX_PATTERN_LENGTH}.
 *
 * @example compileLinearRegExp('^(a+)+$', 'ecma').test('a'.repeat(40) + '!') // false, at once
 */
export function compileLinearRegExp(source: string, dialect: PatternDialect): LinearRegExp {
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new RangeError(`the pattern has ${source.length} characters, over ${MAX_PATTERN_LENGTH}`);
  }
  return RE2JS.compile(dialect === 'ecma' ? RE2JS.translateRegExp(source) : source);
}

/**
 * Why RE2 refuses a pattern (the first line of its message), or `undefined`
 * when the pattern compiles.
 *
 * @example linearRegExpProblem('(a)\\1', 'ecma') // 'error parsing regexp: invalid escape sequence: `\1`'
 */
export function linearRegExpProblem(source: string, dialect: PatternDialect): string | undefined {
  try {
    compileLinearRegExp(source, dialect);
    return undefined;
  } catch (error) {
    return ((error as Error).message ?? String(error)).split('\n')[0];
  }
}

/**
 * Ajv's `code.regExp` engine: every `pattern` and `patternProperties` of a
 * JSON Schema compiled by Ajv runs on RE2. (`code` names the engine only for
 * Ajv's standalone code generation, which Plumbline does not use.)
 */
export const ajvLinearRegExp: NonNullable<CodeOptions['regExp']> = Object.assign(
  (pattern: string, _flags: string) => compileLinearRegExp(pattern, 'ecma'),
  { code: 'compileLinearRegExp' },
);
