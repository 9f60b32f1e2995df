import { k8s } from 'cdk8s-plus-27';

/**
 * `KubeX.manifest(props)` of a cdk8s-plus-27 class for props already resolved and sanitized (plain
 * objects, arrays and primitives, unions as `{ value }`), without its allocation: the generated
 * `toJson_<Type>` functions copy every object once per key to leave out undefined values.
 *
 * What each field becomes is read from the installed module's own `toJson_<Type>` functions (their
 * source, a generated template), lazily per type, so it follows whichever cdk8s-plus-27 a consumer
 * has. Returns undefined, and the caller applies `manifest`, for anything not as expected: a class
 * or a type whose conversion has another form, a field the type does not declare, a value that is
 * not of its field's shape.
 */
export function wireJson(type: Function, props: Record<string, unknown>): any {
  const target = manifestTarget(type);
  if (target === undefined) return undefined;
  // The object's props carry apiVersion and kind too, which the conversion leaves to the GVK.
  const gvk = ('apiVersion' in props ? 1 : 0) + ('kind' in props ? 1 : 0);
  try {
    return struct(props, target, { ...(type as any).GVK }, gvk);
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

/** How a field's value is converted, as the generated code writes it. */
export type Kind = 'value' | 'struct' | 'structs' | 'list' | 'union' | 'map' | 'structMap' | 'unionMap' | 'listMap' | 'date';

export interface Field {
  readonly wire: string;
  readonly prop: string;
  readonly kind: Kind;
  /** The type of a struct, a list or map of structs. */
  readonly ref?: string;
}

/** A type's fields in their declared order, which is the order of its JSON keys. */
export type Table = readonly Field[];

/** Thrown when a value is not what the conversion expects; `manifest` renders it instead. */
const BAIL = Symbol('bail');
const tables = new Map<string, Table | null>();
const targets = new Map<Function, Table | null>();

/**
 * The generated code as read here, whether as tsc printed it or as a bundler (esbuild) prints it
 * again: without comments, spaces or `void 0`, one entry a line, grouping parentheses optional.
 */
function compact(source: string): string {
  return source.replace(/\/\/[^\n]*/g, '').replace(/\bvoid 0\b/g, 'undefined').replace(/[ \t]+/g, '');
}

/** `Object.entries(...).reduce(...)` leaving out undefined values, with `value` as each kept value. */
const withoutUndefined = (entries: string, value: string) =>
  `Object\\.entries\\(${entries}\\)\\.reduce\\(\\(r,i\\)=>\\(?i\\[1\\]===undefined\\)?\\?r:\\(?\\{\\.\\.\\.r,\\[i\\[0\\]\\]:${value}\\}\\)?,\\{\\}\\)`;
/** A map field: undefined, or its entries converted by `value`. */
const map = (value: string) => new RegExp(`^\\(?\\(?obj\\.(\\w+)\\)?===undefined\\)?\\?undefined:\\(?${withoutUndefined('obj\\.\\1', value)}\\)?$`);

/** Each entry of a `toJson_<Type>` result: `'wireKey': expression,`, the expression read by the patterns below. */
const ENTRY = /^(['"])([^'"]+)\1:(.+?),?$/;
const PATTERNS: ReadonlyArray<[Kind, RegExp]> = [
  ['value', /^obj\.(\w+)$/],
  ['struct', /^toJson_(\w+)\(obj\.(\w+)\)$/],
  ['structs', /^obj\.(\w+)\?\.map\(\(?y\)?=>toJson_(\w+)\(y\)\)$/],
  ['list', /^obj\.(\w+)\?\.map\(\(?y\)?=>y\)$/],
  ['union', /^obj\.(\w+)\?\.value$/],
  ['date', /^obj\.(\w+)\?\.toISOString\(\)$/],
  ['map', map('i\\[1\\]')],
  ['structMap', map('toJson_(\\w+)\\(i\\[1\\]\\)')],
  ['unionMap', map('i\\[1\\]\\?\\.value')],
  ['listMap', map('i\\[1\\]\\?\\.map\\(\\(?y\\)?=>y\\)')],
];
const FUNCTION = new RegExp(`^functiontoJson_(\\w+)\\(obj\\)\\{\\s*if\\(obj===undefined\\)\\{\\s*returnundefined;\\s*\\}\\s*constresult=\\{([^]*)\\};\\s*return${withoutUndefined('result', 'i\\[1\\]')};\\s*\\}$`);
const MANIFEST = /^manifest\(props(?:=\{\})?\)\{\s*return\{\s*\.\.\.([\w$]+)\.GVK,\s*\.\.\.toJson_(\w+)\(props\),?\s*\};\s*\}$/;

/** The props type whose conversion `type.manifest` is, when it is `{ ...Type.GVK, ...toJson_<Props>(props) }`. */
function manifestTarget(type: Function): Table | undefined {
  let target = targets.get(type);
  if (target === undefined) {
    const m = MANIFEST.exec(compact(String((type as any).manifest)));
    const fields = m && m[1] === type.name && typeof (type as any).GVK === 'object' ? table(m[2]) : undefined;
    target = fields && !fields.some((f) => f.prop === 'apiVersion' || f.prop === 'kind') ? fields : null;
    targets.set(type, target);
  }
  return target ?? undefined;
}

/** The fields of `toJson_<name>`, or undefined if that function is missing or written otherwise. */
function table(name: string): Table | undefined {
  let fields = tables.get(name);
  if (fields === undefined) {
    fields = fieldsOf((k8s as any)[`toJson_${name}`], name);
    tables.set(name, fields);
  }
  return fields ?? undefined;
}

/** The fields of a generated `toJson_<name>` function, or null if it is written otherwise. */
export function fieldsOf(fn: unknown, name: string): Table | null {
  if (typeof fn !== 'function') return null;
  const m = FUNCTION.exec(compact(fn.toString()));
  if (!m || m[1] !== name) return null;
  const fields: Field[] = [];
  for (const line of m[2].split('\n').filter((l) => l !== '')) {
    const entry = ENTRY.exec(line);
    const field = entry && classify(entry[2], entry[3]);
    if (!field) return null;
    fields.push(field);
  }
  return fields;
}

function classify(wire: string, expression: string): Field | undefined {
  for (const [kind, pattern] of PATTERNS) {
    const m = pattern.exec(expression);
    if (!m) continue;
    switch (kind) {
      case 'struct': return { wire, prop: m[2], kind, ref: m[1] };
      case 'structs': return { wire, prop: m[1], kind, ref: m[2] };
      case 'structMap': return { wire, prop: m[1], kind, ref: m[2] };
      default: return { wire, prop: m[1], kind };
    }
  }
  return undefined;
}

/**
 * `toJson_<Type>(value)` for a sanitized value, added to `out`: its declared fields in their
 * order. Sanitized objects have no undefined values, so one with fewer declared fields than keys
 * (less the `dropped` ones the caller knows of) has others, which the generated code would drop.
 */
function struct(value: unknown, fields: Table, out: Record<string, unknown> = {}, dropped = 0): Record<string, unknown> {
  if (!isMap(value)) throw BAIL;
  let found = 0;
  for (const field of fields) {
    const v = value[field.prop];
    if (v === undefined) continue;
    found++;
    out[field.wire] = convert(v, field);
  }
  // Counted without Object.keys' array: sanitized objects inherit no enumerable keys.
  let keys = 0;
  for (const _ in value) keys++;
  if (found + dropped !== keys) throw BAIL;
  return out;
}

function convert(v: unknown, field: Field): unknown {
  switch (field.kind) {
    case 'value': return v;
    case 'struct': return struct(v, ref(field));
    case 'structs': {
      if (!Array.isArray(v)) throw BAIL;
      const fields = ref(field);
      const out = new Array(v.length);
      for (let i = 0; i < v.length; i++) if (i in v) out[i] = v[i] === undefined ? undefined : struct(v[i], fields);
      return out;
    }
    case 'list':
      if (!Array.isArray(v)) throw BAIL;
      return v;
    case 'union': return unwrap(v);
    case 'map':
      if (!isMap(v)) throw BAIL;
      return v;
    case 'structMap': {
      if (!isMap(v)) throw BAIL;
      const fields = ref(field);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) out[key] = struct(v[key], fields);
      return out;
    }
    case 'unionMap': {
      if (!isMap(v)) throw BAIL;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) out[key] = unwrap(v[key]);
      return out;
    }
    case 'listMap':
      if (!isMap(v) || !Object.values(v).every(Array.isArray)) throw BAIL;
      return v;
    // A sanitized value is never a Date.
    case 'date': throw BAIL;
  }
}

function ref(field: Field): Table {
  const fields = table(field.ref!);
  if (!fields) throw BAIL;
  return fields;
}

/** A number-or-string union as sanitized: `{ value }`. */
function unwrap(v: unknown): unknown {
  if (!isMap(v) || (typeof v.value !== 'number' && typeof v.value !== 'string')) throw BAIL;
  return v.value;
}

function isMap(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
