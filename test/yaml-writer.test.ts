import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { YamlWriter } from '../lib/core/yaml-writer';

/** Characters the writer escapes where the `yaml` package writes them raw (other readers change them). */
const ESCAPED = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;

/** Multi-line strings with a line of only blanks, which the `yaml` package writes so that they read back without them. */
const WHITESPACE_LINE = /(?:^|\n)[ \t]+\n|\n[ \t]+$/;

/** YAML 1.2 octal, which the writer quotes where cdk8s's YAML 1.1 writer leaves it plain. */
const YAML12_NUMBER = /^[-+]?0o[0-7]+$/;

/** Whether any string (key or value) of a JSON-like value is one the writer writes unlike cdk8s. */
function hasEscaped(value: unknown): boolean {
  if (typeof value === 'string') return ESCAPED.test(value) || WHITESPACE_LINE.test(value) || YAML12_NUMBER.test(value);
  if (Array.isArray(value)) return value.some(hasEscaped);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([k, v]) => hasEscaped(k) || hasEscaped(v));
  return false;
}

/** Byte-identical to Yaml.stringify, or, with escaped characters, written without them raw and read back unchanged. */
function expectWrittenLike(written: string, value: unknown, original: (v: unknown) => string): void {
  if (hasEscaped(value)) {
    expect(ESCAPED.test(written)).toBe(false);
    expect(parse(written)).toEqual(value);
  } else {
    expect(written).toBe(original(value));
  }
}

/** Characters that change how the `yaml` package writes a string. */
const TRICKY = [
  'a', 'b', 'e', 'E', 'x', '0o', '0o1', 'y', 'Y', 'n', 'N', 'o', 'O', 'f', 't', 'r', 'u', 'l', 's', 'T', 'Z', '_',
  '0', '1', '7', '8', '9', '.', '-', '+', ':', '#', ' ', '  ', '\t', '\n', '\n\n', '?', ',', '[', ']',
  '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', '\\', '~', '<', '/', '=', 'é', '✓',
  '\r', '\x00', '\x7f', '\x85', '\u00a0', '\u2028', '---', '...', '<<', 'null', 'yes', 'on', '0x1', '1e3',
  '2001-12-14', '12:30', '.inf', '.nan',
];

const trickyString = fc.array(fc.constantFrom(...TRICKY), { maxLength: 8 }).map((parts) => parts.join(''));

function expectSame(value: unknown): void {
  expectWrittenLike(YamlWriter.stringify(value), value, (v) => Yaml.stringify(v));
}

/** Runs a property and asserts most values were written by the writer itself, not the fallback. */
function assertMostlyFast<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, minFastShare: number): void {
  let runs = 0;
  let fallbacks = 0;
  const original = Yaml.stringify.bind(Yaml);
  fc.assert(fc.property(arbitrary, (value) => {
    runs++;
    const spy = jest.spyOn(Yaml, 'stringify');
    const written = YamlWriter.stringify(value);
    if (spy.mock.calls.length) fallbacks++;
    spy.mockRestore();
    expectWrittenLike(written, value, original);
  }), { numRuns });
  expect(1 - fallbacks / runs).toBeGreaterThanOrEqual(minFastShare);
}

describe('YamlWriter writes what Yaml.stringify writes', () => {
  test('random JSON values', () => {
    // Root scalars (about a third of the values) are always left to the fallback.
    assertMostlyFast(fc.jsonValue({ maxDepth: 5 }), 1500, 0.5);
  });

  test('random JSON values with unicode strings', () => {
    assertMostlyFast(fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), 1000, 0.4);
  });

  test('strings made of the characters that decide quoting and block style', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('map'), tie('list')),
      leaf: fc.oneof(trickyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
      map: fc.dictionary(trickyString, tie('node'), { maxKeys: 4 }),
      list: fc.array(tie('node'), { maxLength: 4 }),
    }));
    assertMostlyFast(fc.dictionary(trickyString, value.node, { maxKeys: 5 }), 2500, 0.25);
    assertMostlyFast(fc.array(value.node, { maxLength: 4 }), 1000, 0.4);
  });

  test.each([
    ['multi-line values', { data: { 'app.conf': 'a: 1\n  b: 2\n', script: '#!/bin/sh\nexec "$@"', keep: 'x\n\n', lead: '  x\ny', empty: '\n' } }],
    ['quoted scalars', { a: 'yes', b: '0775', c: '1:20', d: '', e: '~', f: 'a: b', g: '- x', h: 'it\'s', i: 'say "hi"', j: '"\'', k: '8080', l: 'e5', m: 'E-3', n: 'Off', o: 'eleven', NULL: 'y' }],
    ['numbers', { a: 0, b: -0, c: 1.5, d: 1e21, e: 5e-7, f: -12, g: 2 ** 60 }],
    ['empty collections', { a: {}, b: [], c: [{}, [], [[]]], d: [{ e: [] }] }],
    ['nested sequences', [[1, [2, { a: [3] }]], { b: [[{ c: 'x\ny' }]] }]],
    ['shared objects (anchors)', (() => { const shared = { a: 1 }; return { x: shared, y: shared }; })()],
    ['non-finite numbers', { a: NaN, b: Infinity }],
    ['undefined members', { a: undefined, b: [undefined, 1] }],
    ['a class instance', { a: new Date(0) }],
    ['a long key', { ['k'.repeat(1100)]: 1 }],
    ['root scalars', 'text'],
  ])('%s', (_name, value) => expectSame(value));
});

describe('YamlWriter writes characters other YAML readers change as escapes', () => {
  test.each(['a\x85b', 'p\u2028q', 'r\x7fs\x9ft', '\ufeffbom', 'x\ufffey', 'multi\nline\x85', '  \n', 'a\n \nb', 'x\n\t'])('%j', (value) => {
    const written = YamlWriter.stringify({ key: value, [value]: 1 });
    expect(written).toMatch(/^key: "/);
    expect(ESCAPED.test(written)).toBe(false);
    expect(parse(written)).toEqual({ key: value, [value]: 1 });
  });
});

describe('YamlWriter takes the fast path for manifests', () => {
  test('does not fall back for ordinary objects', () => {
    const spy = jest.spyOn(Yaml, 'stringify');
    try {
      YamlWriter.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { 'app.kubernetes.io/version': '1.4.2' } }, data: { port: '8080', conf: 'a=1\nb=2\n' } });
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  test('falls back, whole, for a value it does not write itself', () => {
    const spy = jest.spyOn(Yaml, 'stringify');
    try {
      const doc = { a: 'x\r\ny' };
      YamlWriter.stringify(doc);
      expect(spy).toHaveBeenCalledWith(doc);
    } finally {
      spy.mockRestore();
    }
  });
});
