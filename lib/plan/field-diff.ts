import { FieldChange } from './model';

/** Keys that identify an item of a list, in the order tried (Kubernetes' merge keys, roughly; claim templates by metadata.name). */
const LIST_KEYS = ['name', 'metadata.name', 'mountPath', 'containerPort', 'devicePath', 'ip', 'topologyKey'];

/**
 * The field-level difference of two JSON values: changed leaves, and whole subtrees added or
 * removed. Lists whose items all carry a unique name (containers, env, ports, volumes, …) are
 * matched by it, so that inserting one container does not report every later one as changed;
 * lists of scalars (args, verbs, hosts) are compared as one value.
 */
export function diffFields(before: unknown, after: unknown, path = ''): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before, after, path, out);
  return out;
}

/** Deep equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as any)[k], (b as any)[k]));
}

function walk(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (jsonEqual(before, after)) return;
  if (before === undefined) {
    out.push({ path, op: 'add', after });
    return;
  }
  if (after === undefined) {
    out.push({ path, op: 'remove', before });
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(before[key], after[key], join(path, key), out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length && after.length
    && [...before, ...after].every(isObject)) {
    const key = listKey(before as Record<string, unknown>[], after as Record<string, unknown>[]);
    if (key) {
      const byKey = (items: Record<string, unknown>[]) => new Map(items.map((i) => [String(keyOf(i, key)), i]));
      const a = byKey(before as Record<string, unknown>[]);
      const b = byKey(after as Record<string, unknown>[]);
      const label = key.split('.').pop();
      for (const id of new Set([...a.keys(), ...b.keys()])) walk(a.get(id), b.get(id), `${path}[${label}=${id}]`, out);
      const order = (m: Map<string, unknown>, other: Map<string, unknown>) => [...m.keys()].filter((k) => other.has(k));
      if (!jsonEqual(order(a, b), order(b, a))) out.push({ path: `${path} (order)`, op: 'replace', before: order(a, b), after: order(b, a) });
      return;
    }
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) walk(before[i], after[i], `${path}[${i}]`, out);
    return;
  }
  out.push({ path, op: 'replace', before, after });
}

/** The first of {@link LIST_KEYS} that every item has as a scalar, unique within each list. */
function listKey(a: Record<string, unknown>[], b: Record<string, unknown>[]): string | undefined {
  return LIST_KEYS.find((key) => [a, b].every((items) => {
    const values = items.map((i) => keyOf(i, key));
    return values.every((v) => typeof v === 'string' || typeof v === 'number') && new Set(values).size === values.length;
  }));
}

function keyOf(item: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<any>((v, k) => (isObject(v) ? v[k] : undefined), item);
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return path ? (segment.startsWith('"') ? `${path}[${segment}]` : `${path}.${segment}`) : segment;
}

/** Whether a field path lies at or under `prefix` (`spec.template` covers `spec.template.spec…`). */
export function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + '.') || path.startsWith(prefix + '[') || path.startsWith(prefix + ' ');
}
