import { type ASTNode, Environment, serialize } from '@marcbachmann/cel-js';
import type { Violation } from '../errors.ts';
import { escapePointerToken, type JsonObject, type JsonValue } from '../json-value.ts';
import { valueAt } from '../layers/json-pointer.ts';
import {
  CelCostExceeded,
  COMPREHENSIONS,
  celChildren,
  celNodeCount,
  estimateRuleCost,
  MATCH_UNITS_PER_CHAR,
  type MeteredDocument,
  RULE_COST_LIMIT,
} from './cel-cost.ts';
import {
  compileLinearRegExp,
  LINEAR_REGEXP_HINT,
  type LinearRegExp,
  linearRegExpProblem,
} from './linear-regexp.ts';

/** One cross-field rule in CEL; `self` is the effective settings document. */
export interface CelRule {
  id: string;
  expr: string;
  message: string;
}

/** A rule ready to run: the program, its estimated worst-case cost and its literal patterns, compiled. */
export interface CompiledCelRule {
  rule: CelRule;
  estimatedCost: number;
  program: (context: Record<string, unknown>) => unknown;
  patterns: ReadonlyMap<string, LinearRegExp>;
}

// Internal functions the rewritten rules call: a metered comprehension receiver and RE2 `matches`.
const ITERATE = 'plumbline_iterate';
const MATCHES = 'plumbline_matches';

/** The meter and regular expressions of the evaluation running now (evaluation is synchronous). */
let running: { document: MeteredDocument; patterns: Map<string, LinearRegExp> } | undefined;
let environment: Environment | undefined;

/**
 * The CEL environment, built on first use: `self` and other unlisted
 * variables are dynamic, parsing is bounded (AST nodes, depth, literal
 * sizes), and two internal functions carry the cost meter and RE2.
 */
function celEnvironment(): Environment {
  environment ??= new Environment({
    unlistedVariablesAreDyn: true,
    limits: {
      maxAstNodes: 4096,
      maxDepth: 48,
      maxListElements: 256,
      maxMapEntries: 256,
      maxCallArguments: 8,
    },
  })
    .registerFunction(`${ITERATE}(dyn, int): dyn`, (value: unknown, weight: bigint) =>
      currentRun().document.iterate(value, Number(weight)),
    )
    .registerFunction(`string.${MATCHES}(string): bool`, (input: string, pattern: string) => {
      const run = currentRun();
      run.document.meter.charge(1 + MATCH_UNITS_PER_CHAR * (input.length + pattern.length));
      let compiled = run.patterns.get(pattern);
      if (!compiled) {
        compiled = compileLinearRegExp(pattern, 're2');
        run.patterns.set(pattern, compiled);
      }
      return compiled.test(input);
    });
  return environment;
}

function currentRun(): NonNullable<typeof running> {
  if (!running) throw new Error('a CEL rule ran outside runCelRule');
  return running;
}

/**
 * Compiles rule `index` of a schema document: parses it, refuses literal
 * `matches` patterns RE2 cannot run and a worst-case cost (estimated from
 * `schema`) over {@link RULE_COST_LIMIT}, then rewrites it so that
 * `matches` runs on RE2 and every comprehension is metered. Pointers are
 * relative to the document.
 *
 * @example compileCelRule({ id: 'r', expr: 'self.a <= self.b', message: 'a <= b' }, 0, { type: 'object' }).compiled?.estimatedCost
 */
export function compileCelRule(
  rule: CelRule,
  index: number,
  schema: JsonObject,
): { compiled: CompiledCelRule; violations?: undefined } | { compiled?: undefined; violations: Violation[] } {
  const env = celEnvironment();
  let ast: ASTNode;
  try {
    ast = env.parse(rule.expr).ast;
  } catch (error) {
    return {
      violations: [
        {
          pointer: `/rules/${index}/expr`,
          rule: 'rule.syntax',
          value: rule.expr,
          message: `the CEL expression does not parse: ${(error as Error).message.split('\n')[0]}`,
          hint: 'Rules are CEL over `self`, e.g. self.hpa.minReplicas <= self.hpa.maxReplicas',
        },
      ],
    };
  }
  const violations: Violation[] = [];
  const patterns = new Map<string, LinearRegExp>();
  for (const source of literalPatterns(ast)) {
    const problem = linearRegExpProblem(source, 're2');
    if (problem === undefined) patterns.set(source, compileLinearRegExp(source, 're2'));
    else
      violations.push({
        pointer: `/rules/${index}/expr`,
        rule: 'rule.pattern-unsupported',
        value: source,
        message: `rule '${rule.id}': the pattern cannot run in linear time: ${problem}`,
        hint: LINEAR_REGEXP_HINT,
      });
  }
  const estimatedCost = estimateRuleCost(ast, schema);
  if (estimatedCost > RULE_COST_LIMIT) {
    violations.push({
      pointer: `/rules/${index}/expr`,
      rule: 'rule.cost-exceeded',
      value: estimatedCost,
      message: `rule '${rule.id}' has an estimated worst-case cost of ${estimatedCost}, over the limit of ${RULE_COST_LIMIT}`,
      hint: 'Bound what it iterates in the JSON Schema: maxItems on lists, maxProperties on maps, maxLength on strings (nested comprehensions multiply them)',
    });
  }
  if (violations.length > 0) return { violations };
  const program = env.parse(serialize(rewrite(ast))) as unknown as CompiledCelRule['program'];
  return { compiled: { rule, estimatedCost, program, patterns } };
}

/** The string literals passed to `matches`. */
function literalPatterns(node: ASTNode): string[] {
  const out: string[] = [];
  const visit = (n: ASTNode): void => {
    if (n.op === 'rcall' && n.args[0] === 'matches' && n.args[2].length === 1) {
      const pattern = n.args[2][0] as ASTNode;
      if (pattern.op === 'value' && typeof pattern.args === 'string') out.push(pattern.args);
    }
    for (const child of celChildren(n)) visit(child);
  };
  visit(node);
  return out;
}

/**
 * Rewrites a parsed rule in place: `x.matches(p)` calls the RE2 function,
 * and `l.all(v, step)` (every comprehension) iterates
 * `plumbline_iterate(l, <nodes of step>)`, which charges the meter for
 * every element it yields.
 */
function rewrite(node: ASTNode): ASTNode {
  for (const child of celChildren(node)) rewrite(child);
  if (node.op !== 'rcall') return node;
  const args = node.args as [string, ASTNode, ASTNode[]];
  if (args[0] === 'matches' && args[2].length === 1) args[0] = MATCHES;
  if (COMPREHENSIONS.has(args[0]) && args[2].length >= 2) {
    const weight = args[2].slice(1).reduce((n, step) => n + celNodeCount(step), 0);
    const wrapper = celEnvironment().parse(`${ITERATE}(x, ${weight})`).ast;
    (wrapper.args as [string, ASTNode[]])[1][0] = args[1];
    args[1] = wrapper;
  }
  return node;
}

/**
 * Runs a compiled rule over `self` (the metered view of `content`) and
 * returns its violation, if any: the rule's message when it gives false,
 * a hint when it cannot be evaluated or gives no boolean, and
 * `cel-cost-exceeded` when it spent its budget.
 */
export function runCelRule(
  compiled: CompiledCelRule,
  content: JsonObject,
  metered: MeteredDocument,
): Violation[] {
  const { rule } = compiled;
  const pointer = firstSelfPath(rule.expr);
  const value = valueAt(content, pointer);
  const base = { pointer, rule: rule.id, value: value === undefined ? null : (value as JsonValue) };
  let result: unknown;
  let failure: unknown;
  const { meter } = metered;
  meter.startRule();
  running = { document: metered, patterns: new Map(compiled.patterns) };
  try {
    result = compiled.program({ self: metered.self });
  } catch (error) {
    failure = error;
  } finally {
    running = undefined;
  }
  if (meter.exceeded || failure instanceof CelCostExceeded) {
    return [
      {
        ...base,
        rule: 'cel-cost-exceeded',
        message: `rule '${rule.id}' was stopped: it used more than its cost budget on this document`,
        hint: 'The document is larger than the bounds the rule was estimated with: keep lists and strings within the schema (maxItems, maxLength), or make the rule iterate less',
      },
    ];
  }
  if (failure !== undefined) {
    return [
      {
        ...base,
        message: rule.message,
        hint: `The rule could not be evaluated (${(failure as Error).message.split('\n')[0]}); guard optional keys with has(self.x)`,
      },
    ];
  }
  if (result === true) return [];
  if (result === false) return [{ ...base, message: rule.message, hint: `Rule: ${rule.expr}` }];
  return [
    { ...base, message: rule.message, hint: `The rule gave ${String(result)}, not a boolean: ${rule.expr}` },
  ];
}

/**
 * `!has(self.hpa) || self.hpa.minReplicas <= ...` -> `/hpa/minReplicas`: the
 * deepest path the rule reads (the first of equal depth, method names
 * left out), to point at.
 */
function firstSelfPath(expr: string): string {
  let best: string[] = [];
  for (const match of expr.matchAll(/\bself((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
    const tokens = (match[1] ?? '').slice(1).split('.');
    // `self.name.matches(...)`: the last token is a method, not a key.
    if (expr[(match.index ?? 0) + match[0].length] === '(') tokens.pop();
    if (tokens.length > best.length) best = tokens;
  }
  return best.map((token) => `/${escapePointerToken(token)}`).join('');
}
