import { ApiObject, App, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { wireJson } from './wire-conversion';

/**
 * `toJson()` of a cdk8s-plus-27 `k8s.Kube*` object in one pass over its props, for the synth's
 * hot path. cdk8s renders an object in three passes: `resolve` (which looks up the App and copies
 * the key path at every value), `sanitizeValue` (drop empty values, sort keys) and the class's
 * typed conversion. Here the first two are one walk with the same rules, and the typed conversion
 * is the class's own (`KubeX.manifest`, which is what `KubeX.toJson` applies to the resolved props),
 * done without its allocation by `wireJson` where that knows the class and the values.
 *
 * Returns undefined, and the caller renders the object the usual way (`render`, the object's own
 * `toJson`), for anything else: other classes, Apps with their own resolvers, values outside the
 * rules below. The first object of each class in a process is rendered both ways and compared, so
 * a cdk8s version that renders differently turns the shortcut off instead of changing a manifest.
 */
export function typedJson(apiObject: ApiObject, render: () => any): any {
  if (disabled) return undefined;
  const type: unknown = apiObject.constructor;
  if (!isKubeClass(type) || !hasDefaultResolvers(apiObject)) return undefined;
  const props = (apiObject as any).props;
  if (typeof props !== 'object' || props === null) return undefined;
  let json: any;
  try {
    const resolved = resolvedProps(apiObject);
    json = wireJson(type, resolved) ?? type.manifest(ordered(resolved));
  } catch {
    // An unusual value, or a failing producer: cdk8s renders it, with its own error messages.
    return undefined;
  }
  if (!verified.has(type)) {
    verified.add(type);
    if (JSON.stringify(json) !== JSON.stringify(render())) {
      disabled = true;
      return undefined;
    }
  }
  return json;
}

/** The object's props, metadata included, as resolved and sanitized: what its typed conversion applies to. */
export function resolvedProps(apiObject: ApiObject): Record<string, unknown> {
  return walk({ ...(apiObject as any).props, metadata: metadataJson(apiObject) });
}

/** The props as ApiObject.toJson passes them to `manifest`: apiVersion, kind and metadata first. */
function ordered(resolved: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['apiVersion', 'kind', 'metadata', ...Object.keys(resolved)]) {
    if (key in resolved) out[key] = resolved[key];
  }
  return out;
}

interface KubeClass extends Function {
  manifest(props: unknown): any;
}

/** Thrown inside the walk when a value needs cdk8s's own rendering. */
const UNUSUAL = Symbol('unusual value');
const verified = new Set<KubeClass>();
let disabled = false;
let kubeClasses: Set<unknown> | undefined;

function isKubeClass(type: unknown): type is KubeClass {
  kubeClasses ??= new Set(Object.values(k8s).filter((v) => typeof v === 'function' && typeof (v as any).manifest === 'function'));
  return kubeClasses.has(type);
}

/** The App renders with cdk8s's built-in resolvers only, in their order. */
function hasDefaultResolvers(apiObject: ApiObject): boolean {
  const resolvers = App.of(apiObject).resolvers;
  return resolvers.length === 3 && resolvers[0] instanceof LazyResolver && resolvers[1] instanceof ImplicitTokenResolver && resolvers[2] instanceof NumberStringUnionResolver;
}

/**
 * `apiObject.metadata.toJson()` by the same walk, which leaves out empty lists and maps there, as
 * cdk8s renders metadata (`filterEmptyArrays`, `filterEmptyObjects`).
 */
function metadataJson(apiObject: ApiObject): any {
  const m = apiObject.metadata as any;
  // Its fields as cdk8s 2.70 keeps them; another layout is rendered by cdk8s.
  const attributes = m._additionalAttributes;
  if (typeof attributes !== 'object' || typeof m.labels !== 'object' || typeof m.annotations !== 'object') return apiObject.metadata.toJson();
  const fields = {
    annotations: m.annotations,
    finalizers: m.finalizers,
    labels: m.labels,
    name: m.name,
    namespace: m.namespace,
    ownerReferences: m.ownerReferences,
  };
  // The attributes are the options the metadata was made from, in dictionary mode (cdk8s deletes
  // a key), so they are copied only when they hold more than these fields, as they rarely do.
  // The fields are in the order the walk sorts keys to.
  return walk(attributes !== null && !onlyKeysOf(attributes, fields) ? { ...attributes, ...fields } : fields, true);
}

/** Whether every enumerable key of `value` is an own key of `keys`. */
function onlyKeysOf(value: object, keys: object): boolean {
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(keys, key)) return false;
  }
  return true;
}

/**
 * `sanitizeValue(resolve([], value), { sortKeys: true })`: a Lazy is produced, an implicit token
 * resolved and a number-or-string union (a `Quantity`, an `IntOrString`) becomes `{ value }`,
 * each then rendered again; arrays keep their length; plain objects get sorted keys without null
 * or undefined values; with `dropEmpty`, without empty lists and maps either.
 */
function walk(value: any, dropEmpty = false): any {
  const type = typeof value;
  // Strings, numbers and booleans first: most values are (their prototypes have no `resolve`).
  if (type !== 'object' && type !== 'function') return value;
  if (value === null) return undefined;
  if (value instanceof Lazy) return walk(value.produce(), dropEmpty);
  if (typeof value.resolve === 'function') return walk(value.resolve(), dropEmpty);
  if (type === 'function') return isUnion(value) ? walk({ value: value.value }, dropEmpty) : value;
  if (Array.isArray(value)) {
    if (dropEmpty && value.length === 0) return undefined;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = walk(value[i], dropEmpty);
    return out;
  }
  if (value.constructor !== Object) {
    if (isUnion(value)) return walk({ value: value.value }, dropEmpty);
    throw UNUSUAL;
  }
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const key of sortedKeys(value)) {
    const v = walk(value[key], dropEmpty);
    if (v !== null && v !== undefined) {
      out[key] = v;
      empty = false;
    }
  }
  return dropEmpty && empty ? undefined : out;
}

/**
 * `Object.keys(value).sort()`, sorted in place by insertion for the small objects manifests are
 * made of: `Array.prototype.sort` copies every array it sorts, and that copy was the synth's
 * largest single source of garbage. Same order (UTF-16 code units, as the default comparison).
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    if (keys[j] <= key) continue;
    do {
      keys[j + 1] = keys[j];
      j--;
    } while (j >= 0 && keys[j] > key);
    keys[j + 1] = key;
  }
  return keys;
}

/** A number-or-string union as cdk8s's NumberStringUnionResolver sees it: not a plain object, with a `value`. */
function isUnion(value: any): boolean {
  return typeof value.value === 'number' || typeof value.value === 'string';
}
