import { Yaml } from 'cdk8s';

/**
 * Writes plain JSON values as YAML, byte-identical to cdk8s `Yaml.stringify` (the `yaml`
 * package, YAML 1.1 schema, `lineWidth: 0`) but several times faster, except for strings with
 * characters other YAML readers change (see {@link MUST_ESCAPE}), which it writes escaped: YAML emission was most of
 * the synth time of a large fleet. Only the layouts manifests use are written here (block maps
 * and sequences, plain, quoted and literal block scalars); any value it is not sure about (control
 * characters, document markers, shared or non-plain objects, non-finite numbers, ...) makes it
 * hand the whole document to `Yaml.stringify`, so the output never differs.
 */
export class YamlWriter {
  /** One document, exactly as `Yaml.stringify(doc)` writes it. */
  public static stringify(doc: unknown): string {
    if (doc === null || typeof doc !== 'object') {
      return typeof doc === 'string' && needsEscapes(doc) ? `${escaped(doc)}\n` : Yaml.stringify(doc);
    }
    try {
      return flat(new YamlWriter().document(doc));
    } catch (e) {
      if (e !== UNSUPPORTED) throw e;
      return fallback(doc);
    }
  }

  /** Objects already written: the `yaml` package writes a repeated one as an anchor and alias. */
  private readonly seen = new Set<object>();

  private constructor() {}

  private document(doc: object): string {
    if (Array.isArray(doc)) {
      return doc.length ? this.seq(doc, '', '') : '[]\n';
    }
    const map = this.plainObject(doc);
    return hasKeys(map) ? this.map(map, '', '') : '{}\n';
  }

  /** A non-empty block map whose keys start at `indent`; the first line starts with `first`. */
  private map(obj: Record<string, unknown>, indent: string, first: string): string {
    let out = '';
    let lead = first;
    // for-in lists the own keys in Object.keys' order, without an array per map; plainObject
    // made sure the prototype is Object.prototype or null, whose keys are skipped if enumerable.
    for (const key in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      out += lead + keyScalar(key) + ':' + this.value(obj[key], indent);
      lead = indent;
    }
    return out;
  }

  /** A non-empty block sequence whose dashes start at `indent`; the first line starts with `first`. */
  private seq(items: unknown[], indent: string, first: string): string {
    let out = '';
    let lead = first;
    const inner = indent + '  ';
    for (let i = 0; i < items.length; i++) {
      if (!(i in items)) throw UNSUPPORTED;
      const item = items[i];
      out += lead + '- ';
      lead = indent;
      if (item !== null && typeof item === 'object') {
        const empty = this.emptyCollection(item);
        if (empty) {
          out += empty + '\n';
        } else if (Array.isArray(item)) {
          out += this.seq(item, inner, '');
        } else {
          out += this.map(item as Record<string, unknown>, inner, '');
        }
      } else {
        out += scalar(item, inner) + '\n';
      }
    }
    return out;
  }

  /** What follows `key:` of a map entry at `indent`, through the end of the entry. */
  private value(value: unknown, indent: string): string {
    const inner = indent + '  ';
    if (value !== null && typeof value === 'object') {
      const empty = this.emptyCollection(value);
      if (empty) return ' ' + empty + '\n';
      return Array.isArray(value)
        ? '\n' + this.seq(value, inner, inner)
        : '\n' + this.map(value as Record<string, unknown>, inner, inner);
    }
    return ' ' + scalar(value, inner) + '\n';
  }

  /** `{}` or `[]` for an empty collection, else '' (after checking the object may be written). */
  private emptyCollection(value: object): string {
    if (Array.isArray(value)) {
      this.visit(value);
      return value.length ? '' : '[]';
    }
    return hasKeys(this.plainObject(value)) ? '' : '{}';
  }

  private plainObject(value: object): Record<string, unknown> {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw UNSUPPORTED;
    this.visit(value);
    return value as Record<string, unknown>;
  }

  private visit(value: object): void {
    if (this.seen.has(value)) throw UNSUPPORTED;
    this.seen.add(value);
  }
}

/**
 * Whether a plain object has an own enumerable string key: `Object.keys(obj).length > 0` without
 * the list, for every map written (its keys are listed once more to write them).
 */
function hasKeys(obj: object): boolean {
  for (const key in obj) {
    if (Object.prototype.hasOwnProperty.call(obj, key)) return true;
  }
  return false;
}

/**
 * The string as one flat buffer. Built by `+=`, it is a tree of thousands of small pieces that
 * takes several times the memory of its characters until something reads it; a synth keeps
 * every file in memory until all checks passed.
 */
function flat(s: string): string {
  s.charCodeAt(0); // V8 flattens a concatenated string when a character is read.
  return s;
}

/**
 * `Yaml.stringify`, with the strings that need escapes (rare) swapped for placeholder tokens
 * before and for their escaped form after, since the `yaml` package writes them raw.
 */
function fallback(doc: object): string {
  const originals: string[] = [];
  let prefix = 'yamlwriterescape';
  const seen = new Map<object, unknown>();
  let found = false;
  const scan = (v: unknown): void => {
    if (typeof v === 'string') {
      if (needsEscapes(v)) found = true;
      while (v.includes(prefix)) prefix += 'x';
    } else if (v !== null && typeof v === 'object' && !seen.has(v)) {
      seen.set(v, v);
      if (Array.isArray(v)) v.forEach(scan);
      else if (isPlain(v)) Object.entries(v).forEach(([k, x]) => { scan(k); scan(x); });
    }
  };
  scan(doc);
  if (!found) return Yaml.stringify(doc);
  const swap = (str: string) => (needsEscapes(str) ? `${prefix}${originals.push(str) - 1}z` : str);
  const copies = new Map<object, unknown>();
  const copy = (v: unknown): unknown => {
    if (typeof v === 'string') return swap(v);
    if (v === null || typeof v !== 'object' || !(Array.isArray(v) || isPlain(v))) return v;
    if (copies.has(v)) return copies.get(v);
    const out: any = Array.isArray(v) ? [] : {};
    copies.set(v, out);
    if (Array.isArray(v)) v.forEach((x, i) => { out[i] = copy(x); });
    else for (const [k, x] of Object.entries(v)) out[swap(k)] = copy(x);
    return out;
  };
  return Yaml.stringify(copy(doc)).replace(new RegExp(`${prefix}(\\d+)z`, 'g'), (_m, i: string) => escaped(originals[Number(i)]));
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Thrown inside the writer to fall back to `Yaml.stringify` for the whole document. */
const UNSUPPORTED = Symbol('unsupported');

// The rules below are those of the `yaml` package's stringifyString for the YAML 1.1 schema.
/** Characters forcing a double-quoted string with escapes. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** Strings that cannot be plain scalars. */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** Strings that would read back as null, a boolean, a number or a timestamp, so are quoted. */
const OTHER_TYPE = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\.[0-9]+)?)(?:[ \t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/,
];
/** Strings the writer leaves to the `yaml` package: document markers, merge keys. */
const DEFER = /^(?:%|---|\.\.\.)|^<<$/m;
/** Only letters, digits and `-_./`, not starting with a digit, sign or dot: always plain. */
const SIMPLE = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;

/**
 * Characters the `yaml` package writes raw but that other readers change or refuse: NEL (U+0085),
 * LS and PS are line breaks to YAML 1.1 readers such as kustomize (read back as a space), and
 * DEL, C1 controls, the BOM and U+FFFE/U+FFFF are not printable for them. A string with one is
 * written double-quoted with every such character (and every other control character) escaped.
 */
const MUST_ESCAPE = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;
/**
 * A line of only spaces or tabs in a multi-line string: the `yaml` package writes some of them in
 * block scalars that read back without the spaces (`"  \n"` as `|+` with an indented empty line).
 */
const WHITESPACE_LINE = /(?:^|\n)[ \t]+\n|\n[ \t]+$/;

/** Whether a string is written {@link escaped} instead of the way the `yaml` package writes it. */
function needsEscapes(value: string): boolean {
  return MUST_ESCAPE.test(value) || WHITESPACE_LINE.test(value) || YAML12_NUMBER.test(value);
}

/**
 * YAML 1.2 octal: the `yaml` package's YAML 1.1 schema leaves `0o17` plain, but kustomize and
 * other YAML 1.2 readers take it for a number, so it is written double-quoted.
 */
const YAML12_NUMBER = /^[-+]?0o[0-7]+$/;

/** What {@link escaped} writes as an escape besides quotes, backslashes and MUST_ESCAPE. */
const CONTROL_OR_SURROGATE = /[\x00-\x08\x0b-\x1f]|\p{Cs}/u;

/** A double-quoted scalar with YAML escapes, read back unchanged by any YAML reader. */
function escaped(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code === 0) out += '\\0';
    else if (MUST_ESCAPE.test(ch) || CONTROL_OR_SURROGATE.test(ch)) out += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Parsed results of the string checks, by string: manifests repeat the same strings a lot. */
const cache = new Map<string, string | null>();
const CACHE_LIMIT = 50_000;

/** A single-line string as a plain or quoted scalar; null when it needs a block or the fallback. */
function inlineString(value: string): string | null {
  let out = cache.get(value);
  if (out !== undefined) return out;
  if (SIMPLE.test(value) && !isOtherType(value)) {
    out = value;
  } else if (needsEscapes(value)) {
    out = escaped(value);
  } else if (value.includes('\n') || CONTROL.test(value) || DEFER.test(value)) {
    out = null;
  } else {
    out = NOT_PLAIN.test(value) || isOtherType(value) ? quoted(value) : value;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(value, out);
  return out;
}

function isOtherType(value: string): boolean {
  for (const re of OTHER_TYPE) {
    if (re.test(value)) return true;
  }
  return false;
}

/** Single-quoted when it has double quotes only, else JSON-style double-quoted. */
function quoted(value: string): string {
  return value.includes('"') && !value.includes("'") ? `'${value}'` : JSON.stringify(value);
}

/** A map key; long keys become explicit (`? key`) in the `yaml` package, so they fall back. */
function keyScalar(key: string): string {
  const out = key.length > 1000 ? null : inlineString(key);
  if (out === null) throw UNSUPPORTED;
  return out;
}

/** A scalar value; `indent` is where the lines of a block scalar start. */
function scalar(value: unknown, indent: string): string {
  switch (typeof value) {
    case 'string': {
      const inline = inlineString(value);
      if (inline !== null) return inline;
      return blockString(value, indent);
    }
    case 'number':
      if (!Number.isFinite(value)) throw UNSUPPORTED;
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
  }
  throw UNSUPPORTED;
}

/** A multi-line string as a literal block scalar (`|`, `|-`, `|+`, with an indentation indicator). */
function blockString(value: string, indent: string): string {
  if (!value.includes('\n') || CONTROL.test(value) || DEFER.test(value) || /\n[\t ]+$/.test(value)) {
    throw UNSUPPORTED;
  }
  let endStart = value.length;
  while (endStart > 0) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
    endStart--;
  }
  let end = value.substring(endStart);
  const endNl = end.indexOf('\n');
  const chomp = endNl === -1 ? '-' : value === end || endNl !== end.length - 1 ? '+' : '';
  if (chomp === '+') {
    // Keep-chomped blocks interact with what follows them; leave them to the `yaml` package.
    throw UNSUPPORTED;
  }
  let body = value;
  if (end) {
    body = body.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNl = -1;
  for (; startEnd < body.length; startEnd++) {
    const ch = body[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNl = startEnd;
    else break;
  }
  let start = body.substring(0, startNl < startEnd ? startNl + 1 : startEnd);
  if (start) {
    body = body.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${body.replace(/\n+/g, `$&${indent}`)}${end}`;
}
