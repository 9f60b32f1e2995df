import { Construct, IConstruct } from 'constructs';
import { z } from 'zod';
import { addProblems, formatProblem, Problem } from './problem';
import { accepts } from './schema-accepts';

/**
 * Runtime checks of what constructs and factories are given. The library is called from plain
 * JavaScript and from generators fed by JSON or YAML, so the TypeScript types are not enough:
 * each Props interface has a zod schema next to it (strict: an unknown field is an error), and
 * what the schema refuses becomes a {@link Problem} naming the field, the value and the fix.
 */

/** A problem raised while a stack is defined; the Platform lists it with the others instead of stopping. @internal */
export class ProblemError extends Error {
  constructor(
    public readonly problems: Problem[],
    /** Construct path the problems belong to (without the environment), when there is one. */
    public readonly path?: string,
    /** Whether the problems are already registered as validations of the construct at `path`. */
    public readonly registered = false,
  ) {
    super(problems.map((p) => `${path ? `[${path}] ` : ''}${formatProblem(p)}`).join('\n'));
    this.name = 'ProblemError';
  }
}

/**
 * The problems of `input` against `schema`, with fields under `prefix` (e.g. `timing.`); `root`
 * names the field when `input` itself is refused.
 * @internal
 */
export function schemaProblems(schema: z.ZodType, input: unknown, prefix = '', root = 'props'): Problem[] {
  if (accepts(schema, input)) return [];
  const result = schema.safeParse(input, parseOptions(schema));
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => issueProblems(issue, schema, input, prefix)).map((p) => (p.field === 'props' ? { ...p, field: root } : p));
}

/**
 * How zod parses with `schema`. zod compiles a parser per object schema on its first use
 * (`new Function`), which pays off only over many parses: a synth of a few hundred constructs
 * never earns it back, a fleet of thousands parses its hot schemas about a third faster compiled.
 * So a schema is interpreted for its first {@link COMPILE_AFTER} parses, then compiled. Set per
 * parse, not through zod's global config, which a consumer's zod may share.
 * @internal
 */
export function parseOptions(schema: z.ZodType): { jitless: boolean } {
  const n = (parses.get(schema) ?? 0) + 1;
  if (n <= COMPILE_AFTER) parses.set(schema, n);
  return n > COMPILE_AFTER ? COMPILED : INTERPRETED;
}

const COMPILE_AFTER = 200;
const parses = new WeakMap<z.ZodType, number>();
const COMPILED = { jitless: false };
const INTERPRETED = { jitless: true };

/**
 * The problems of a factory's arguments, each checked against its own schema and reported under
 * its name. No object schema is built per call: building a zod schema costs more than checking a
 * value, and factories run once per value a stack uses.
 * @internal
 */
export function argumentProblems(shape: Readonly<Record<string, z.ZodType>>, values: Readonly<Record<string, unknown>>): Problem[] {
  return Object.keys(shape).flatMap((name) => schemaProblems(shape[name], values[name], name, name));
}

/** Problems of arguments given to factories, by the value object they made. */
const refusedArguments = new WeakMap<object, Problem[]>();

/**
 * Checks the arguments of a factory (`Probe.fromHttpGet`, `EnvValue.value`, ...), which has no
 * construct path to report at: what does not fit is carried by the value `made`, and the construct
 * that uses the value reports it under its own field ({@link refusedArgumentsOf}). Returns `made`.
 * @internal
 */
export function checkArguments<T extends object>(made: T, problems: Problem[]): T {
  if (problems.length) refusedArguments.set(made, [...(refusedArguments.get(made) ?? []), ...problems]);
  return made;
}

/** The refused arguments a value object carries, with fields under `field`. @internal */
export function refusedArgumentsOf(value: unknown, field: string): Problem[] {
  const problems = typeof value === 'object' && value !== null ? refusedArguments.get(value) : undefined;
  return (problems ?? []).map((p) => ({ ...p, field: p.field === '' ? field : p.field.startsWith('[') ? `${field}${p.field}` : `${field}.${p.field}` }));
}

/**
 * Checks a construct's props against its schema. When they do not fit, the problems are
 * registered on the construct (so the synth lists them with its path) and a registered
 * {@link ProblemError} is thrown: building the construct from such props would fail in ways
 * that say nothing to its author.
 * @internal
 */
export function checkProps(scope: IConstruct, schema: z.ZodType, props: unknown): void {
  const problems = schemaProblems(schema, props);
  if (problems.length) {
    addProblems(scope, () => problems);
    throw new ProblemError(problems, scope.node.path, true);
  }
}

/**
 * The id a construct is created with: `id` itself, or, when the scope already has a child of
 * that id (or the id is not a string), a free id, with a problem reported on the scope. So a
 * duplicate id is one clear line and the rest of the stack is still defined and checked.
 * @internal
 */
export function constructId(scope: Construct, id: unknown): string {
  if (!Construct.isConstruct(scope)) {
    throw new ProblemError([{ field: 'scope', value: describe(scope), message: 'is not a construct', fix: 'create the construct under the chart (the `chart` argument of define) or under a construct in it' }]);
  }
  const given = typeof id === 'string' ? id : String(id);
  const problems: Problem[] = [];
  if (typeof id !== 'string' || id === '') {
    problems.push({ field: 'id', value: describe(id), message: 'must be a non-empty string', fix: 'give the construct a short readable id, e.g. "web"' });
  }
  let free = given.replace(/\//g, '--') || 'construct';
  if (scope.node.tryFindChild(free)) {
    problems.push({ field: 'id', value: given, message: `is already the id of another construct in ${scope.node.path || 'the app'}`, fix: 'give each construct of a scope its own id' });
    let n = 2;
    while (scope.node.tryFindChild(`${free}~${n}`)) n++;
    free = `${free}~${n}`;
  }
  if (problems.length) addProblems(scope, () => problems);
  return free;
}

// ---- Schema building blocks -------------------------------------------------------------------

/** Any string. @internal */
export const str = z.string();
/** A finite number (zod refuses NaN and ±Infinity); ranges are checked where the field is known. @internal */
export const num = z.number();
/** true or false. @internal */
export const bool = z.boolean();
/** A map of strings to strings, e.g. labels or ConfigMap data. @internal */
export const stringMap = z.record(z.string(), z.string());
/** A port by number or name. @internal */
export const portRef = z.union([z.number(), z.string()]).describe('use a container port number (1-65535) or its name');

/** An instance of `type`, described as `what` in the problem. @internal */
export function instanceOf<T>(type: Function & { prototype: T }, what: string, fix?: string): z.ZodType<T> {
  return z.custom<T>((v) => v instanceof type, { message: `must be ${what}`, params: { fix: fix ?? `pass ${what}` } });
}

/** An object with the given methods (duck typing, so objects of other libraries fit too). @internal */
export function withMethods<T>(what: string, methods: string[], fix?: string): z.ZodType<T> {
  return z.custom<T>((v) => typeof v === 'object' && v !== null && methods.every((m) => typeof (v as any)[m] === 'function'), {
    message: `must be ${what}`,
    params: { fix: fix ?? `pass ${what}` },
  });
}

/** One of the values of a string enum. @internal */
export function oneOf<T extends Record<string, string>>(e: T): z.ZodType<T[keyof T]> {
  return z.enum(Object.values(e) as [string, ...string[]]) as unknown as z.ZodType<T[keyof T]>;
}

// ---- Issues as problems -----------------------------------------------------------------------

type Issue = z.core.$ZodIssue;

function issueProblems(issue: Issue, schema: z.ZodType, input: unknown, prefix: string): Problem[] {
  const path = issue.path as PropertyKey[];
  const value = valueAt(input, path);
  const field = fieldName(prefix, path);
  const described = descriptionOf(schemaAt(schema, path));
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = Object.keys(shapeOf(schemaAt(schema, path)) ?? {});
      return issue.keys.map((key) => ({
        field: fieldName(prefix, [...path, key]),
        value: describe(valueAt(value, [key])),
        message: 'is not a known field',
        fix: known.length ? `remove it or correct its spelling (known fields: ${known.join(', ')})` : 'remove it',
      }));
    }
    case 'invalid_type':
      if (value === undefined) {
        return [{ field, value: undefined, message: 'is required', fix: described ?? `give ${typeName(issue.expected)}` }];
      }
      return [{ field, value: describe(value), message: `must be ${typeName(issue.expected)}`, fix: described ?? `give ${typeName(issue.expected)}` }];
    case 'invalid_value':
      return [{ field, value: describe(value), message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`, fix: described ?? 'use one of the listed values' }];
    case 'too_small':
    case 'too_big': {
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : (issue.inclusive ? '<=' : '<');
      const message = issue.origin === 'array' ? `must have ${op} ${String(limit)} item(s)`
        : issue.origin === 'string' ? `must have ${op} ${String(limit)} character(s)` : `must be ${op} ${String(limit)}`;
      return [{ field, value: describe(value), message, fix: described ?? `give a value ${op} ${String(limit)}` }];
    }
    case 'custom':
      return [{ field, value: describe(value), message: issue.message, fix: (issue.params as { fix?: string } | undefined)?.fix ?? described ?? 'see the field\'s documentation' }];
    case 'invalid_union': {
      // The branch the value was meant for: the one that did not refuse the value as a whole.
      const branches = (issue.errors ?? []) as Issue[][];
      const meant = branches.filter((b) => b.length && !b.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'custom')));
      if (meant.length === 1) {
        return meant[0].flatMap((inner) => issueProblems({ ...inner, path: [...path, ...inner.path] } as Issue, schema, input, prefix));
      }
      const expected = branches.flatMap((b) => b.filter((i) => i.path.length === 0).map((i) => (i.code === 'invalid_type' ? typeName(i.expected) : i.code === 'custom' ? i.message.replace(/^must be /, '') : '')));
      const forms = [...new Set(expected.filter(Boolean))];
      return [{ field, value: describe(value), message: forms.length === branches.length && forms.length ? `must be ${forms.join(' or ')}` : 'is not one of the accepted forms', fix: described ?? 'see the field\'s documentation' }];
    }
    case 'invalid_key':
      return issue.issues.flatMap((inner) => issueProblems({ ...inner, path: [] } as Issue, z.any(), undefined, '')).map((p) => ({ ...p, field, value: describe(value) }));
    default:
      return [{ field, value: describe(value), message: 'is not one of the accepted forms', fix: described ?? 'see the field\'s documentation' }];
  }
}

function typeName(expected: string): string {
  switch (expected) {
    case 'string': return 'a string';
    case 'number': return 'a finite number';
    case 'int': return 'a whole number';
    case 'boolean': return 'true or false';
    case 'array': return 'an array';
    case 'record':
    case 'object': return 'an object';
    default: return expected;
  }
}

/** `containers[0].ports[1].name` from a path. */
function fieldName(prefix: string, path: PropertyKey[]): string {
  let out = prefix.replace(/\.$/, '');
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || 'props';
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: any = input;
  for (const key of path) {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return undefined;
    v = Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
  }
  return v;
}

/** A value as a problem shows it: JSON-safe (no functions, symbols, bigints or cycles). */
function describe(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint': return `${value}n`;
    case 'symbol': return value.toString();
    case 'function': return `function ${value.name || '(anonymous)'}`;
    case 'object': {
      if (value === null) return null;
      try {
        JSON.stringify(value);
        const proto = Object.getPrototypeOf(value);
        return proto === Object.prototype || proto === null || Array.isArray(value) ? value : `${proto?.constructor?.name ?? 'object'} instance`;
      } catch {
        return `${Object.getPrototypeOf(value)?.constructor?.name ?? 'object'} (not JSON)`;
      }
    }
    default:
      return value;
  }
}

/** The schema of the field at `path`, through optional, array, record and object layers. */
function schemaAt(schema: z.ZodType | undefined, path: PropertyKey[]): z.ZodType | undefined {
  let s: any = schema;
  for (const key of path) {
    const def = unwrap(s)?._zod?.def;
    if (def?.type === 'object') s = def.shape[key as string];
    else if (def?.type === 'array') s = def.element;
    else if (def?.type === 'record') s = def.valueType;
    else return undefined;
  }
  return s;
}

const WRAPPERS = ['optional', 'nullable', 'default', 'readonly'];

function unwrap(schema: any): any {
  let s = schema;
  while (s && WRAPPERS.includes(s._zod?.def?.type)) s = s._zod.def.innerType;
  return s;
}

/** The description (the fix) of a field, given on the field or on what it wraps. */
function descriptionOf(schema: any): string | undefined {
  let s = schema;
  while (s) {
    if (s.description) return s.description;
    s = WRAPPERS.includes(s._zod?.def?.type) ? s._zod.def.innerType : undefined;
  }
  return undefined;
}

function shapeOf(schema: any): Record<string, unknown> | undefined {
  const s = unwrap(schema);
  return s?._zod?.def?.type === 'object' ? s._zod.def.shape : undefined;
}

/**
 * The name of a referenced object given either by name or as an object with a `name` (a
 * cdk8s-plus-27 ConfigMap or Secret); anything else is returned as given, for the schema to refuse.
 * @internal
 */
export function refName(ref: string | { readonly name: string }): string {
  const r: unknown = ref;
  return (typeof r === 'object' && r !== null && typeof (r as { name?: unknown }).name === 'string' ? (r as { name: string }).name : r) as string;
}
