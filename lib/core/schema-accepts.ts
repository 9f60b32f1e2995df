import { z } from 'zod';

/**
 * Whether zod certainly accepts `value` with `schema`, decided without zod's parse: for the
 * schema kinds props are made of (strings, finite numbers, booleans, enums and literals, optional
 * fields, arrays, unions, string records, plain and strict objects, custom checks), without
 * refinements, coercion, defaults or transforms, by zod's own rules for them. False means "not
 * known": the caller parses with zod, which also words every problem. Every construct checks its
 * props, and zod's parse builds a copy of each value and a context per field; props are almost
 * always valid.
 * @internal
 */
export function accepts(schema: z.core.$ZodType, value: unknown): boolean {
  const zod = schema._zod;
  const def = zod.def as any;
  if (def.checks !== undefined && def.checks.length !== 0) return false;
  switch (def.type) {
    case 'string':
      return typeof value === 'string' && !def.coerce;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && !def.coerce;
    case 'boolean':
      return typeof value === 'boolean' && !def.coerce;
    case 'enum':
    case 'literal':
      return zod.values!.has(value as any);
    case 'optional':
      // An absent value is accepted unless the inner schema substitutes a default for it.
      return value === undefined ? def.innerType._zod.optin !== 'defaulted' : accepts(def.innerType, value);
    case 'custom': {
      const result = def.fn(value);
      return !!result && !(result instanceof Promise);
    }
    case 'array':
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) {
        if (!accepts(def.element, value[i])) return false;
      }
      return true;
    case 'union':
      if (def.discriminator !== undefined) return acceptsDiscriminated(def, value);
      // An exclusive union (also type 'union') takes exactly one option, not any.
      if (def.inclusive === false) return false;
      for (const option of def.options) {
        if (accepts(option, value)) return true;
      }
      return false;
    case 'object':
      return acceptsObject(def, value);
    case 'record':
      return acceptsRecord(def, value);
    default:
      return false;
  }
}

/**
 * A discriminated union parses with the one option whose discriminator values hold the value's
 * (zod refuses a value two options share), so only that option may accept it.
 */
function acceptsDiscriminated(def: any, value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const tag = (value as Record<string, unknown>)[def.discriminator];
  if (tag === undefined) return false;
  for (const option of def.options) {
    if (option._zod.propValues?.[def.discriminator]?.has(tag)) return accepts(option, value);
  }
  return false;
}

function acceptsObject(def: any, value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const shape = def.shape;
  const keys = shapeKeys(shape);
  if (keys === undefined) return false;
  const input = value as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === '__proto__') continue; // zod leaves it out
    const field = shape[key];
    if (!(key in input)) {
      // An absent key: only a plain optional field may be absent.
      if (field._zod.def.type === 'optional' && field._zod.optin === 'optional') continue;
      return false;
    }
    if (!accepts(field, input[key])) return false;
  }
  const catchall = def.catchall;
  if (catchall === undefined) return true; // unknown keys are dropped
  if (catchall._zod.def.type !== 'never') return false;
  // A strict object: any other key (enumerable, own or inherited, as zod's `for...in`) is refused.
  for (const key in input) {
    if (!Object.prototype.hasOwnProperty.call(shape, key)) return false;
  }
  return true;
}

/** A string-keyed record's entries, as zod's record reads them (own enumerable keys, symbols included). */
function acceptsRecord(def: any, value: unknown): boolean {
  const keyDef = def.keyType._zod.def;
  if (keyDef.type !== 'string' || keyDef.coerce || (keyDef.checks !== undefined && keyDef.checks.length !== 0) || def.mode !== undefined) return false;
  if (!z.core.util.isPlainObject(value)) return false;
  const input = value as Record<string, unknown>;
  for (const key of Reflect.ownKeys(input)) {
    if (typeof key !== 'string') return false;
    if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(input, key)) continue;
    if (!accepts(def.valueType, input[key])) return false;
  }
  return true;
}

/**
 * The keys of an object schema's shape, listed once per shape (a shape does not change once zod
 * read it); undefined for a shape with symbol keys, left to zod.
 */
function shapeKeys(shape: object): string[] | undefined {
  let keys = shapeKeysCache.get(shape);
  if (keys === undefined) {
    keys = Object.getOwnPropertySymbols(shape).length ? null : Object.keys(shape);
    shapeKeysCache.set(shape, keys);
  }
  return keys ?? undefined;
}

const shapeKeysCache = new WeakMap<object, string[] | null>();
