import { Problem } from '../../core/problem';

/** A credential pattern of the kind gitleaks and trufflehog detect. */
interface ValuePattern {
  readonly name: string;
  readonly regex: RegExp;
}

/** Credentials recognisable by their shape, wherever they appear. */
const VALUE_PATTERNS: readonly ValuePattern[] = [
  { name: 'a password in a URL', regex: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:([^\s/@]+)@/i },
  { name: 'an AWS access key id', regex: /\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
  { name: 'a GitHub token', regex: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/ },
  { name: 'a GitLab token', regex: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  { name: 'a Slack token', regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { name: 'a Google API key', regex: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'a Stripe secret key', regex: /\b[sr]k_live_[0-9A-Za-z]{20,}\b/ },
  { name: 'a private key', regex: /-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/ },
  { name: 'a JSON Web Token', regex: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
];

/** Name parts that mark a value as a credential (DB_PASS, MYSQL_PWD, AUTH, BEARER, api-key, ...). */
const SECRET_WORDS = /^(pass|passwd|password|passphrase|pwd|secret|token|auth|bearer|apikey|credential|credentials|privatekey|accesskey|secretkey)$/;
/** Name parts that mark a setting about a credential rather than the credential (DB_PASSWORD_FILE, AUTH_URL). */
const META_WORDS = /^(file|path|dir|url|uri|host|port|endpoint|name|ref|enabled|enable|disabled|mode|type|method|provider|header|id|user|username|realm|issuer|scope|timeout|ttl|seconds|minutes|hours|days|ms|count|size|required|length|policy|key|keys|mount|source)$/;

/** Pairs of name parts that name a credential even though `key` or `id` alone does not. */
const SECRET_PAIRS = /^(apikey|privatekey|accesskey|secretkey|clientsecret|signingkey|encryptionkey|masterkey)$/;

/** Answers of {@link isSecretName}: a fleet repeats the same few env variable and annotation names on thousands of objects. */
const secretNames = new Map<string, boolean>();
/** Bounds the memory {@link secretNames} holds in a long-running process. */
const MAX_REMEMBERED_NAMES = 10_000;

/** Whether a name (env var, ConfigMap key, annotation key, flag) says its value is a credential. */
export function isSecretName(name: string): boolean {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    if (secretNames.size >= MAX_REMEMBERED_NAMES) secretNames.clear();
    secret = namesCredential(name);
    secretNames.set(name, secret);
  }
  return secret;
}

function namesCredential(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (!words.length) return false;
  const last = words[words.length - 1];
  if (words.length >= 2 && SECRET_PAIRS.test(words[words.length - 2] + last)) return true;
  if (META_WORDS.test(last)) return false;
  return words.some((w) => SECRET_WORDS.test(w));
}

/** Values that are references or placeholders, not credentials: `$(VAR)`, `${VAR}`, `<...>`, booleans and flags (`1`, `0`: `MYSQL_ALLOW_EMPTY_PASSWORD=1`). */
function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return v === '' || /^\$\(.+\)$/.test(v) || /^\$\{.+\}$/.test(v) || /^<.*>$/.test(v) || /^(true|false|yes|no|none|null|0|1|changeme-in-vault)$/i.test(v) || /^\*+$/.test(v);
}

/**
 * A literal part every pattern of {@link VALUE_PATTERNS} contains, so that a value without any
 * (nearly all values of a manifest) is passed over with one search instead of nine.
 */
const ANY_PATTERN = /:\/\/|A[KSBC][IC]A|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|AIza|[sr]k_live_|-----BEGIN|eyJ/;
/** The shortest value a pattern can match (`a://b:c@`): shorter values are not searched at all. */
const MIN_PATTERN_LENGTH = 8;

/** The credential patterns a value matches. */
export function credentialPatterns(value: string): string[] {
  if (!mayMatch(value)) return [];
  return VALUE_PATTERNS.filter((p) => {
    const m = p.regex.exec(value);
    return m && !(p.name === 'a password in a URL' && isPlaceholder(m[1]));
  }).map((p) => p.name);
}

/** Whether a value is long enough for a pattern and holds a literal part of one. */
function mayMatch(value: string): boolean {
  return value.length >= MIN_PATTERN_LENGTH && ANY_PATTERN.test(value);
}

const FLAG = /^--?([A-Za-z][A-Za-z0-9_-]*)(=(.*))?$/;
/** Annotations that carry other objects or this platform's own metadata, scanned elsewhere or never secret. */
const SKIPPED_ANNOTATIONS = /^(k8s-constructs\.io\/|kubectl\.kubernetes\.io\/last-applied-configuration$)/;

/**
 * Credentials written into an object: values shaped like credentials anywhere, password-like
 * keys of ConfigMaps and annotations, password-like env variables with literal values, and
 * password flags in command and args. A Secret's data is reported by its own rule (PLT090).
 */
export function credentialProblems(object: any): Problem[] {
  const problems: Problem[] = [];
  // An object has few problems, if any: a search of them is cheaper than a set per object.
  const add = (field: string, message: string, fix: string) => {
    if (!problems.some((p) => p.field === field)) problems.push({ field, value: '<hidden>', message, fix });
  };
  const fromCluster = 'keep the value in a Secret made outside Git (ExternalSecret, sealed secret, vault) and reference it (secretKeyRef, a mounted file)';
  const isSecret = object?.kind === 'Secret';
  walk(object, [], (field, names) => {
    if (isSecret && /^(data|stringData)\./.test(field)) return;
    if (/^metadata\.annotations\./.test(field) && SKIPPED_ANNOTATIONS.test(field.slice('metadata.annotations.'.length))) return;
    for (const name of names) add(field, `holds ${name}`, fromCluster);
  });
  if (object?.kind === 'ConfigMap') {
    for (const [key, value] of Object.entries(object.data ?? {})) {
      if (isSecretName(key) && typeof value === 'string' && !isPlaceholder(value)) add(`data.${key}`, 'is a password-like key in a ConfigMap, which anyone who can read the namespace reads', fromCluster);
    }
  }
  const annotated = (field: string, annotations: Record<string, unknown> | undefined) => {
    if (!annotations) return;
    for (const key of Object.keys(annotations)) {
      const value = annotations[key];
      if (typeof value === 'string' && !SKIPPED_ANNOTATIONS.test(key) && isSecretName(key.slice(key.lastIndexOf('/') + 1)) && !isPlaceholder(value)) {
        add(`${field}.${key}`, 'is a password-like annotation with a literal value', fromCluster);
      }
    }
  };
  annotated('metadata.annotations', object?.metadata?.annotations);
  annotated('spec.template.metadata.annotations', object?.spec?.template?.metadata?.annotations);
  walkContainers(object, (container, prefix) => {
    (Array.isArray(container.env) ? container.env : []).forEach((e: any, i: number) => {
      if (typeof e?.name === 'string' && typeof e.value === 'string' && isSecretName(e.name) && !isPlaceholder(e.value)) {
        add(`${prefix}.env[${i}].value`, `is a literal value of ${e.name}, a password-like variable`, 'read it from a Secret: env[].valueFrom.secretKeyRef');
      }
    });
    for (const key of ['command', 'args'] as const) {
      const list: unknown[] = Array.isArray(container[key]) ? container[key] : [];
      list.forEach((arg, i) => {
        const m = typeof arg === 'string' ? FLAG.exec(arg) : null;
        if (!m || !isSecretName(m[1])) return;
        const value = m[2] !== undefined ? m[3] : list[i + 1];
        if (typeof value === 'string' && !value.startsWith('-') && !isPlaceholder(value)) {
          add(`${prefix}.${key}[${i}]`, `passes a literal value to ${m[1]}, a password-like flag, visible in the pod spec and in ps`, 'pass a file (--password-file) mounted from a Secret, or $(VAR) from a secretKeyRef');
        }
      });
    }
  });
  return problems;
}

/**
 * Visits every string of a value that matches a credential pattern, with its field path. The path
 * is kept as a stack of keys and indexes and written out only for a match: writing it for every
 * string of every object was most of the scan's time.
 */
function walk(value: unknown, path: (string | number)[], visit: (field: string, names: string[]) => void): void {
  if (typeof value === 'string') {
    if (!mayMatch(value)) return;
    const names = credentialPatterns(value);
    if (names.length) visit(fieldOf(path), names);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], path, visit);
      path.pop();
    }
  } else if (value && typeof value === 'object') {
    // for-in lists the same keys as Object.keys for the plain objects of a manifest, without an array per object.
    for (const k in value) {
      path.push(k);
      walk((value as Record<string, unknown>)[k], path, visit);
      path.pop();
    }
  }
}

/** A field path as messages write it: `spec.containers[0].env`. */
function fieldOf(path: readonly (string | number)[]): string {
  let field = '';
  for (const segment of path) field = typeof segment === 'number' ? `${field}[${segment}]` : field ? `${field}.${segment}` : segment;
  return field;
}

/** Every container of the pod templates of an object, with its field path. */
function walkContainers(object: any, visit: (container: any, field: string) => void): void {
  const spec = object?.spec;
  if (!spec) return;
  if (object.kind === 'Pod') containersIn(spec, 'spec', visit);
  containersIn(spec.template?.spec, 'spec.template.spec', visit);
  containersIn(spec.jobTemplate?.spec?.template?.spec, 'spec.jobTemplate.spec.template.spec', visit);
}

const CONTAINER_KEYS = ['initContainers', 'containers', 'ephemeralContainers'];

function containersIn(spec: any, prefix: string, visit: (container: any, field: string) => void): void {
  if (!spec) return;
  for (const key of CONTAINER_KEYS) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (c && typeof c === 'object') visit(c, `${prefix}.${key}[${i}]`);
    }
  }
}
