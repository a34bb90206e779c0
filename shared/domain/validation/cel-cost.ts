import type { ASTNode } from '@marcbachmann/cel-js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';

/*
 * Cost of CEL rules, in the spirit of Kubernetes' CRD validation rules: a
 * static estimate at schema write, from the schema's maxItems / maxLength /
 * maxProperties (unbounded ones get a default derived from the largest
 * document), and a runtime budget counted while the rule runs. One unit is
 * one read of a value of the document, one comprehension iteration per node
 * of its step, ten characters of a string read, or half a character matched
 * by a regular expression (about 80 ns of this machine's time).
 */

/** Largest document the defaults are derived from (a settings layer's content cap). */
export const MAX_CONTENT_BYTES = 256 * 1024;
/** Items assumed in a list without `maxItems` (each item takes at least 2 bytes: `0,`). */
export const DEFAULT_MAX_ITEMS = MAX_CONTENT_BYTES / 2;
/** Entries assumed in an object without `maxProperties` (each takes at least 4 bytes: `"":0`). */
export const DEFAULT_MAX_PROPERTIES = MAX_CONTENT_BYTES / 4;
/** Characters assumed in a string without `maxLength`. */
export const DEFAULT_MAX_LENGTH = MAX_CONTENT_BYTES;
/** Characters of a string read per cost unit. */
export const CHARS_PER_UNIT = 10;
/** Cost units per character a regular expression scans (RE2 in JavaScript: some 30-170 ns a character). */
export const MATCH_UNITS_PER_CHAR = 2;
/** Largest estimated cost of one rule, refused at schema write above it. */
export const RULE_COST_LIMIT = 1_000_000;
/** Largest estimated cost of all the rules of one schema together. */
export const SCHEMA_COST_LIMIT = 2_000_000;
/**
 * Units one rule may spend on one evaluation: one and a half times the
 * static limit, since the engine's own type probes read a few values the
 * estimate does not count. (About 80 ns a unit: some 120 ms.)
 */
export const RULE_RUNTIME_BUDGET = 1.5 * RULE_COST_LIMIT;
/** Units all the rules of a schema may spend together on one document (some 240 ms). */
export const SCHEMA_RUNTIME_BUDGET = 1.5 * SCHEMA_COST_LIMIT;

/** The comprehension macros of CEL (`list.all(x, p)` ...), each iterating its receiver. */
export const COMPREHENSIONS: ReadonlySet<string> = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** What the estimate knows of a value: its schema (if any), its size bound and the cost of reading all of it. */
interface Shape {
  kind: 'scalar' | 'string' | 'list' | 'map' | 'unknown';
  schema?: JsonObject | undefined;
  /** Items, entries or characters at most. */
  size: number;
  /** Units to read the whole value. */
  deep: number;
  /** For a list the rule builds itself: the shape of its items. */
  element?: Shape | undefined;
}

const SCALAR: Shape = { kind: 'scalar', size: 1, deep: 1 };
const UNKNOWN: Shape = { kind: 'unknown', size: DEFAULT_MAX_LENGTH, deep: MAX_CONTENT_BYTES };
const chars = (n: number) => Math.ceil(n / CHARS_PER_UNIT);
const cap = (n: number) => Math.min(n, MAX_CONTENT_BYTES);

type Node = { op: string; args: unknown };

/** The sub-expressions of a node (receiver and arguments of a call, operands ...). */
export function celChildren(node: ASTNode): ASTNode[] {
  const { op, args } = node as Node;
  switch (op) {
    case 'value':
    case 'id':
      return [];
    case '.':
    case '.?':
      return [(args as [ASTNode])[0]];
    case '!_':
    case '-_':
      return [args as ASTNode];
    case 'call':
      return (args as [string, ASTNode[]])[1];
    case 'rcall': {
      const [, receiver, list] = args as [string, ASTNode, ASTNode[]];
      return [receiver, ...list];
    }
    case 'map':
      return (args as [ASTNode, ASTNode][]).flat();
    default:
      return Array.isArray(args) ? (args as ASTNode[]) : [];
  }
}

/** Number of nodes of an expression. */
export function celNodeCount(node: ASTNode): number {
  let n = 1;
  for (const child of celChildren(node)) n += celNodeCount(child);
  return n;
}

/**
 * Worst-case cost of a parsed rule over documents that satisfy `schema`
 * (`self` is the document): every comprehension multiplies the cost of its
 * step by the size bound of the list or map it iterates.
 *
 * @example estimateRuleCost(env.parse('self.l.all(x, self.l.all(y, x == y))').ast, { properties: { l: { type: 'array', maxItems: 10 } } }) // a few hundred
 */
export function estimateRuleCost(ast: ASTNode, schema: JsonObject): number {
  const root = shapeOf(schema, schema, 0);
  return estimate(ast, new Map([['self', root]]), schema).cost;
}

function estimate(
  node: ASTNode,
  vars: ReadonlyMap<string, Shape>,
  root: JsonObject,
): { cost: number; shape: Shape } {
  const { op, args } = node as Node;
  const sub = (n: ASTNode, v: ReadonlyMap<string, Shape> = vars) => estimate(n, v, root);
  switch (op) {
    case 'value':
      return { cost: 0, shape: typeof args === 'string' ? stringShape(args.length) : SCALAR };
    case 'id':
      return { cost: 1, shape: vars.get(args as string) ?? UNKNOWN };
    case '.':
    case '.?': {
      const [object, field] = args as [ASTNode, string];
      const parent = sub(object);
      const shape = childShape(parent.shape, field, root);
      return { cost: parent.cost + 1 + stringCharge(shape), shape };
    }
    case '[]':
    case '[?]': {
      const [object, key] = args as [ASTNode, ASTNode];
      const parent = sub(object);
      const index = sub(key);
      const literal = (key as Node).op === 'value' ? (key as Node).args : undefined;
      const shape =
        typeof literal === 'string' || parent.shape.kind !== 'list'
          ? childShape(parent.shape, typeof literal === 'string' ? literal : undefined, root)
          : elementShape(parent.shape, root);
      return { cost: parent.cost + index.cost + 1 + stringCharge(shape), shape };
    }
    case 'list': {
      const items = (args as ASTNode[]).map((n) => sub(n));
      return {
        cost: sum(items.map((i) => i.cost)) + items.length,
        shape: {
          kind: 'list',
          size: items.length,
          deep: 1 + sum(items.map((i) => i.shape.deep)),
          element: widest(items.map((i) => i.shape)),
        },
      };
    }
    case 'map': {
      const entries = (args as [ASTNode, ASTNode][]).flat().map((n) => sub(n));
      return {
        cost: sum(entries.map((e) => e.cost)) + entries.length,
        shape: { kind: 'map', size: entries.length / 2, deep: 1 + sum(entries.map((e) => e.shape.deep)) },
      };
    }
    case 'rcall':
    case 'call':
      return estimateCall(node, vars, root);
    case '?:': {
      const [test, yes, no] = (args as ASTNode[]).map((n) => sub(n)) as [Est, Est, Est];
      const shape = yes.shape.deep >= no.shape.deep ? yes.shape : no.shape;
      return { cost: test.cost + Math.max(yes.cost, no.cost) + 1, shape };
    }
    case '==':
    case '!=': {
      const [a, b] = (args as ASTNode[]).map((n) => sub(n)) as [Est, Est];
      return { cost: a.cost + b.cost + 1 + 2 * Math.min(a.shape.deep, b.shape.deep), shape: SCALAR };
    }
    case 'in': {
      const [a, b] = (args as ASTNode[]).map((n) => sub(n)) as [Est, Est];
      return { cost: a.cost + b.cost + 1 + b.shape.deep + b.shape.size * a.shape.deep, shape: SCALAR };
    }
    case '+': {
      const [a, b] = (args as ASTNode[]).map((n) => sub(n)) as [Est, Est];
      const copy = (s: Shape) => (s.kind === 'list' || s.kind === 'unknown' ? s.deep : 0);
      const kind = a.shape.kind === b.shape.kind ? a.shape.kind : 'unknown';
      const shape: Shape =
        kind === 'scalar'
          ? SCALAR
          : {
              kind,
              size: a.shape.size + b.shape.size,
              deep: a.shape.deep + b.shape.deep,
              element:
                kind === 'list'
                  ? widest([elementShape(a.shape, root), elementShape(b.shape, root)])
                  : undefined,
            };
      return { cost: a.cost + b.cost + 1 + copy(a.shape) + copy(b.shape), shape };
    }
    default: {
      const parts = celChildren(node).map((n) => sub(n));
      return { cost: sum(parts.map((p) => p.cost)) + 1, shape: SCALAR };
    }
  }
}

type Est = { cost: number; shape: Shape };

function estimateCall(node: ASTNode, vars: ReadonlyMap<string, Shape>, root: JsonObject): Est {
  const { op, args } = node as Node;
  const [name, receiverNode, list] =
    op === 'rcall'
      ? (args as [string, ASTNode, ASTNode[]])
      : [(args as [string, ASTNode[]])[0], undefined, (args as [string, ASTNode[]])[1]];
  const sub = (n: ASTNode, v: ReadonlyMap<string, Shape> = vars) => estimate(n, v, root);
  if (name === 'has' && receiverNode === undefined && list.length === 1) {
    // has(a.b) tests for the key without reading its value.
    const target = list[0] as Node;
    const inner = target.op === '.' ? sub((target.args as [ASTNode])[0]).cost : sub(list[0] as ASTNode).cost;
    return { cost: inner + 1, shape: SCALAR };
  }
  if (receiverNode && COMPREHENSIONS.has(name) && list.length >= 2) {
    const receiver = sub(receiverNode);
    const variable = (list[0] as Node).op === 'id' ? ((list[0] as Node).args as string) : '';
    const element = elementShape(receiver.shape, root);
    const inner = new Map(vars).set(variable, element);
    const steps = list.slice(1);
    const weight = sum(steps.map(celNodeCount));
    const step = sum(steps.map((s) => sub(s, inner).cost));
    const n = receiver.shape.kind === 'scalar' ? 0 : receiver.shape.size;
    const transformed = name === 'map' ? sub(steps[steps.length - 1] as ASTNode, inner).shape : element;
    const shape: Shape =
      name === 'map' || name === 'filter'
        ? { kind: 'list', size: n, deep: 1 + n * transformed.deep, element: transformed }
        : SCALAR;
    return { cost: receiver.cost + n * (weight + 1 + stringCharge(element) + step), shape };
  }
  const receiver = receiverNode ? sub(receiverNode) : undefined;
  const parts = list.map((n) => sub(n));
  const own = sum(parts.map((p) => p.cost)) + (receiver?.cost ?? 0) + 1;
  const all = receiver ? [receiver, ...parts] : parts;
  switch (name) {
    case 'matches':
      return { cost: own + MATCH_UNITS_PER_CHAR * sum(all.map((p) => p.shape.size)), shape: SCALAR };
    case 'size':
      return {
        cost:
          own +
          sum(all.map((p) => (p.shape.kind === 'map' || p.shape.kind === 'unknown' ? p.shape.size : 0))),
        shape: SCALAR,
      };
    case 'join':
      return {
        cost: own + sum(all.map((p) => p.shape.deep)),
        shape: stringShape(sum(all.map((p) => p.shape.deep)) * CHARS_PER_UNIT),
      };
    default:
      // Any other function may read all of its arguments.
      return { cost: own + sum(all.map((p) => p.shape.deep)), shape: UNKNOWN };
  }
}

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** The most expensive of several shapes (unknown when their kinds differ). */
function widest(shapes: Shape[]): Shape {
  if (shapes.length === 0) return SCALAR;
  const kinds = new Set(shapes.map((s) => s.kind));
  return {
    kind: kinds.size === 1 ? (shapes[0] as Shape).kind : 'unknown',
    size: Math.max(...shapes.map((s) => s.size)),
    deep: Math.max(...shapes.map((s) => s.deep)),
  };
}

function stringShape(length: number): Shape {
  return { kind: 'string', size: length, deep: 1 + chars(length) };
}

function stringCharge(shape: Shape): number {
  return shape.kind === 'string' || shape.kind === 'unknown' ? chars(shape.size) : 0;
}

/** The shape of values a JSON Schema allows, with defaults for what it leaves unbounded. */
function shapeOf(schema: JsonValue | undefined, root: JsonObject, depth: number): Shape {
  const node = resolve(schema, root);
  if (!node || depth > 8) return UNKNOWN;
  const declared = node.type;
  const types = Array.isArray(declared)
    ? declared
    : typeof declared === 'string'
      ? [declared]
      : inferTypes(node);
  if (types.length === 0) return { ...UNKNOWN, schema: node };
  const shapes = types.map((type): Shape => {
    switch (type) {
      case 'string':
        return { ...stringShape(bound(node.maxLength, DEFAULT_MAX_LENGTH)), schema: node };
      case 'array': {
        const size = bound(node.maxItems, DEFAULT_MAX_ITEMS);
        const item = shapeOf(node.items, root, depth + 1);
        return { kind: 'list', schema: node, size, deep: cap(1 + size * item.deep) };
      }
      case 'object': {
        const names = isJsonObject(node.properties) ? Object.keys(node.properties) : [];
        const closed = node.additionalProperties === false && !isJsonObject(node.patternProperties);
        const size = closed
          ? Math.min(names.length, bound(node.maxProperties, DEFAULT_MAX_PROPERTIES))
          : bound(node.maxProperties, DEFAULT_MAX_PROPERTIES);
        const values = [
          ...names.map((n) => shapeOf((node.properties as JsonObject)[n], root, depth + 1)),
          ...(closed
            ? []
            : [childShape({ kind: 'map', schema: node, size, deep: 0 }, undefined, root, depth + 1)]),
        ];
        const widest = Math.max(1, ...values.map((v) => v.deep));
        return { kind: 'map', schema: node, size, deep: cap(1 + size * widest) };
      }
      default:
        return { ...SCALAR, schema: node };
    }
  });
  return shapes.length === 1 ? (shapes[0] as Shape) : { ...widest(shapes), schema: node };
}

function inferTypes(node: JsonObject): string[] {
  if ('properties' in node || 'additionalProperties' in node || 'patternProperties' in node)
    return ['object'];
  if ('items' in node || 'prefixItems' in node) return ['array'];
  if ('maxLength' in node || 'pattern' in node) return ['string'];
  return [];
}

function bound(declared: JsonValue | undefined, fallback: number): number {
  return typeof declared === 'number' && declared >= 0 ? Math.min(declared, fallback) : fallback;
}

/** Follows local `$ref`s (`#/$defs/x`); anything else is unknown. */
function resolve(schema: JsonValue | undefined, root: JsonObject): JsonObject | undefined {
  let node = schema;
  for (let hops = 0; isJsonObject(node) && typeof node.$ref === 'string' && hops < 8; hops++) {
    const ref = node.$ref;
    if (!ref.startsWith('#')) return undefined;
    let target: JsonValue | undefined = root;
    for (const token of ref.slice(1).split('/').slice(1)) {
      const key = decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isJsonObject(target) && Object.hasOwn(target, key) ? target[key] : undefined;
    }
    node = target;
  }
  return isJsonObject(node) ? node : undefined;
}

/** The shape of `parent.field` (or of any entry when `field` is not known). */
function childShape(parent: Shape, field: string | undefined, root: JsonObject, depth = 0): Shape {
  const schema = parent.schema;
  if (!schema || parent.kind === 'scalar' || parent.kind === 'string') return UNKNOWN;
  if (parent.kind === 'list') return elementShape(parent, root);
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  if (field !== undefined && Object.hasOwn(properties, field))
    return shapeOf(properties[field], root, depth + 1);
  if (
    isJsonObject(schema.patternProperties) ||
    schema.additionalProperties === undefined ||
    schema.additionalProperties === true
  )
    return UNKNOWN;
  if (schema.additionalProperties === false) return field === undefined ? UNKNOWN : SCALAR;
  return shapeOf(schema.additionalProperties, root, depth + 1);
}

/** The shape of what iterating a value yields: list items, or the keys of a map. */
function elementShape(shape: Shape, root: JsonObject): Shape {
  if (shape.element) return shape.element;
  if (shape.kind === 'list') return shape.schema ? shapeOf(shape.schema.items, root, 1) : UNKNOWN;
  if (shape.kind === 'map') {
    const names = shape.schema && isJsonObject(shape.schema.propertyNames) ? shape.schema.propertyNames : {};
    return stringShape(bound(names.maxLength, DEFAULT_MAX_LENGTH));
  }
  return UNKNOWN;
}

/** Thrown inside an evaluation when its meter runs out; the evaluation stops at the next read. */
export class CelCostExceeded extends Error {
  constructor(readonly budget: number) {
    super(`the rule used more than ${budget} cost units`);
  }
}

/**
 * Counts the cost of evaluations against a per-rule and a shared budget.
 * Once either is spent every further charge throws {@link CelCostExceeded},
 * so that loops inside the engine stop at their next read.
 */
export class CostMeter {
  private ruleUsed = 0;
  private totalUsed = 0;
  /** Set once a budget ran out during the current rule. */
  exceeded = false;

  constructor(
    readonly ruleBudget: number = RULE_RUNTIME_BUDGET,
    readonly totalBudget: number = SCHEMA_RUNTIME_BUDGET,
  ) {}

  /** Starts the next rule's count (the shared count goes on). */
  startRule(): void {
    this.ruleUsed = 0;
    this.exceeded = false;
  }

  /** Adds `units`; throws once a budget is spent. */
  charge(units: number): void {
    this.ruleUsed += units;
    this.totalUsed += units;
    if (this.ruleUsed > this.ruleBudget || this.totalUsed > this.totalBudget) {
      this.exceeded = true;
      throw new CelCostExceeded(this.ruleUsed > this.ruleBudget ? this.ruleBudget : this.totalBudget);
    }
  }
}

/**
 * A document seen by CEL rules through read-only views that charge a
 * {@link CostMeter}: every read of an own member costs 1 unit plus one per
 * ten characters of a string, listing keys one per key. (A frozen value
 * cannot be viewed this way; documents never are.)
 */
export class MeteredDocument {
  private readonly views = new WeakMap<object, object>();
  private readonly targets = new WeakMap<object, object>();
  /** The view of the document itself, to pass as `self`. */
  readonly self: unknown;

  constructor(
    content: object,
    readonly meter: CostMeter,
  ) {
    this.self = this.view(content);
  }

  /** The view of a value of the document (primitives pass through). */
  view = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const known = this.views.get(value);
    if (known) return known;
    const view = readOnlyView(value, this.meter, contentPrice, this.view);
    this.views.set(value, view);
    this.targets.set(view, value);
    return view;
  };

  /**
   * The receiver of a comprehension, seen through a view that also charges
   * `weight` units (the size of the step) for every element or key the
   * comprehension reads, so that iterations over lists the rule builds
   * itself count too.
   */
  iterate(value: unknown, weight: number): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const target = this.targets.get(value);
    if (target) return readOnlyView(target, this.meter, (v) => weight + contentPrice(v), this.view);
    return readOnlyView(
      value,
      this.meter,
      () => weight,
      (v) => v,
    );
  }
}

function contentPrice(value: unknown): number {
  return 1 + (typeof value === 'string' ? chars(value.length) : 0);
}

function readOnlyView(
  target: object,
  meter: CostMeter,
  price: (value: unknown) => number,
  wrap: (value: unknown) => unknown,
): object {
  const isArray = Array.isArray(target);
  return new Proxy(target, {
    get(t, key, receiver) {
      const v: unknown = Reflect.get(t, key, receiver);
      if (typeof key === 'symbol' || (isArray && key === 'length') || !Object.hasOwn(t, key)) return v;
      meter.charge(price(v));
      return wrap(v);
    },
    ownKeys(t) {
      const keys = Reflect.ownKeys(t);
      meter.charge(keys.length * price(undefined));
      return keys;
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
