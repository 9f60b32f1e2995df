import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { z } from 'zod';
import { accepts } from '../lib/core/schema-accepts';

/**
 * `accepts` may answer "not known" (false) for anything, but must never accept what zod refuses:
 * then a problem would go unreported. Checked on every schema the library exports, with values
 * made from each schema and changed at random, and on the edge cases of each schema kind.
 */

function librarySchemas(): [string, z.ZodType][] {
  const found: [string, z.ZodType][] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'schema') visit(file);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const exports = require(file);
        for (const [name, value] of Object.entries(exports)) {
          if (value && typeof value === 'object' && '_zod' in (value as object)) found.push([`${path.relative('lib', file)}:${name}`, value as z.ZodType]);
        }
      }
    }
  };
  visit(path.join(__dirname, '..', 'lib'));
  return found;
}

const odd = [undefined, null, NaN, Infinity, -1, 0, 1.5, '', 'x', true, false, [], {}, [undefined], { extra: 1 }, new Date(0), () => 1, Symbol('s')];

/** A value for `schema`, mostly fitting, with random changes: fields dropped, added or replaced by odd values. */
function sample(schema: any, r: () => number, depth = 0): unknown {
  const def = schema._zod.def;
  if (r() < 0.08 || depth > 6) return odd[Math.floor(r() * odd.length)];
  switch (def.type) {
    case 'string': return r() < 0.5 ? 'web' : 'a-b.c/d';
    case 'number': return r() < 0.5 ? 80 : r() < 0.5 ? -3.5 : 65536;
    case 'boolean': return r() < 0.5;
    case 'enum':
    case 'literal': { const values = [...schema._zod.values]; return values[Math.floor(r() * values.length)]; }
    case 'optional': return r() < 0.3 ? undefined : sample(def.innerType, r, depth + 1);
    case 'array': return Array.from({ length: Math.floor(r() * 3) }, () => sample(def.element, r, depth + 1));
    case 'union': return sample(def.options[Math.floor(r() * def.options.length)], r, depth + 1);
    case 'record': return Object.fromEntries(Array.from({ length: Math.floor(r() * 3) }, (_, i) => [`k${i}`, sample(def.valueType, r, depth + 1)]));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape)) {
        if (r() < 0.9) out[key] = sample(field, r, depth + 1);
      }
      if (r() < 0.1) out.unknownField = 1;
      return out;
    }
    default: return odd[Math.floor(r() * odd.length)];
  }
}

function agrees(schema: z.ZodType, value: unknown): boolean {
  return !accepts(schema, value) || schema.safeParse(value).success;
}

describe('accepts', () => {
  const schemas = librarySchemas();

  test('finds the library\'s schemas', () => {
    expect(schemas.length).toBeGreaterThan(40);
  });

  test.each(schemas)('never accepts what zod refuses: %s', (_name, schema) => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      let s = seed;
      const r = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      return agrees(schema, sample(schema, r));
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.anything(), (value) => agrees(schema, value)), { numRuns: 100 });
  });

  test('accepts valid values of each kind', () => {
    const schema = z.strictObject({
      name: z.string(),
      port: z.union([z.number(), z.string()]),
      on: z.boolean().optional(),
      kind: z.enum(['a', 'b']),
      labels: z.record(z.string(), z.string()).optional(),
      items: z.array(z.strictObject({ x: z.literal('x') })),
      fn: z.custom<() => void>((v) => typeof v === 'function'),
      loose: z.object({ a: z.string() }),
    });
    expect(accepts(schema, { name: 'n', port: 80, kind: 'a', items: [{ x: 'x' }], fn: () => 1, loose: { a: '', b: 1 } })).toBe(true);
    const tagged = z.discriminatedUnion('k', [z.strictObject({ k: z.literal('a'), a: z.string() }), z.strictObject({ k: z.enum(['b', 'c']) })]);
    expect(accepts(tagged, { k: 'a', a: '' })).toBe(true);
    expect(accepts(tagged, { k: 'c' })).toBe(true);
    expect(accepts(schema, { name: 'n', port: 'http', on: undefined, kind: 'b', labels: { a: 'b' }, items: [], fn: () => 1, loose: { a: '' } })).toBe(true);
  });

  test.each<[string, z.ZodType, unknown]>([
    ['NaN', z.number(), NaN],
    ['Infinity', z.number(), Infinity],
    ['a missing required field', z.strictObject({ a: z.string() }), {}],
    ['a missing required field zod would take as undefined', z.strictObject({ a: z.custom(() => true) }), {}],
    ['an unknown field of a strict object', z.strictObject({ a: z.string() }), { a: '', b: 1 }],
    ['an inherited unknown field of a strict object', z.strictObject({ a: z.string() }), Object.assign(Object.create({ b: 1 }), { a: '' })],
    ['an array for an object', z.object({}), []],
    ['a class instance for a record', z.record(z.string(), z.string()), new (class { a = 'b'; })()],
    ['a symbol key in a record', z.record(z.string(), z.string()), { [Symbol('s')]: 'x' }],
    ['a hole in an array', z.array(z.string()), new Array(2)],
    ['a failing custom check', z.custom(() => false), 1],
    ['a refined string', z.string().min(2), 'a'],
    ['a number with a range', z.number().int(), 1.5],
    ['an array with a size limit', z.array(z.string()).max(1), ['a', 'b']],
    ['a default', z.string().default('x'), undefined],
    ['a transform', z.string().transform((s) => s.length), 'abc'],
    ['a nullable', z.string().nullable(), null],
    ['a value two options of an exclusive union take', z.xor([z.string(), z.string().optional()]), 'a'],
    ['an unknown tag of a discriminated union', z.discriminatedUnion('k', [z.object({ k: z.literal('a') }), z.strictObject({ k: z.literal('b') })]), { k: 'c' }],
    ['a discriminated union\'s value its tag\'s option refuses', z.discriminatedUnion('k', [z.object({ k: z.literal('a'), a: z.string() }), z.object({ k: z.enum(['b', 'c']) })]), { k: 'a' }],
  ])('leaves %s to zod', (_what, schema, value) => {
    expect(accepts(schema, value)).toBe(false);
  });
});
