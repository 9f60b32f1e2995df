import type Ajv from 'ajv';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { Problem } from './problem';

/**
 * Strict Kubernetes 1.27 schema of rendered objects, as a pure function: unknown fields, wrong
 * types and missing required fields, each a {@link Problem} whose field is the JSON path in the
 * object (`spec.template.spec.containers[0].lifecyle`). The Platform runs it on every object of
 * every synth; the policy engine runs it as rule PLT005 for plain cdk8s apps. An object is checked
 * once (its problems are kept by identity): rendered objects are final.
 *
 * The schema (`schema/k8s-v1.27-strict.json`, see `schema/PROVENANCE.md`) is the official v1.27.0
 * OpenAPI definitions with `additionalProperties: false` on every object type and the enums of
 * the 1.27 API restored. Kinds outside the Kubernetes API groups (custom resources, whose schema
 * lives in their CRD) get their envelope checked: apiVersion, kind, and a strict `metadata`.
 * `audit.k8s.io/v1 Policy`, a kube-apiserver file, is checked field by field.
 */
export function strictSchemaProblems(object: unknown): Problem[] {
  if (!isPlainObject(object)) return check(object);
  // Rendered objects are final: the Platform checks each as it renders it, and its policy
  // engine's schema rule then asks again.
  let problems = checked.get(object);
  if (!problems) checked.set(object, problems = check(object));
  return [...problems];
}

let checked = new WeakMap<object, Problem[]>();

function check(object: unknown): Problem[] {
  if (!isPlainObject(object)) {
    return [{ field: '(object)', value: object, message: 'must be an object', fix: 'render one Kubernetes object per document' }];
  }
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [{ field: '(object)', value: { apiVersion, kind }, message: 'needs a string apiVersion and kind', fix: 'set apiVersion and kind, e.g. "apps/v1" and "Deployment"' }];
  }
  const validator = validatorFor(apiVersion, kind);
  if (!validator) {
    return [{
      field: 'kind',
      value: `${apiVersion} ${kind}`,
      message: 'is not a Kubernetes 1.27 kind',
      fix: 'use a kind and apiVersion of the Kubernetes 1.27 API (removed APIs, e.g. extensions/v1beta1, are refused), or a custom resource in its own API group',
    }];
  }
  const problems = validator(object) ? [] : fromAjvErrors(validator.errors ?? [], object);
  if (!isCustomResource(apiVersion) && !(apiVersion === 'audit.k8s.io/v1' && kind === 'Policy') && typeof object.metadata?.name !== 'string') {
    problems.push({ field: 'metadata.name', value: undefined, message: 'is required', fix: 'give the object a name' });
  }
  return problems;
}

interface StrictSchema {
  /** `apiVersion|kind` → definition name. */
  readonly gvk: Record<string, string>;
  readonly definitions: Record<string, unknown>;
}

/** @internal The `$id` of the definitions in ajv; validator schemas `$ref` into it. */
export const SCHEMA_ID = 'k8s-1.27';
/** @internal Validator key of every custom resource (their envelope is checked, whatever the kind). */
export const CUSTOM_RESOURCE = '(custom resource)';
/** @internal Validator key of the kube-apiserver's audit policy file. */
export const AUDIT_POLICY = 'audit.k8s.io/v1|Policy';

/**
 * @internal ajv options of the runtime compile and of the build-time generated validators
 * (`schema-standalone.ts`), the same so that both report the same errors.
 * - `strict: false`: the Kubernetes schema carries `x-kubernetes-*` annotations; formats (int32,
 *   byte, date-time) are not checked, quantities are checked by their pattern.
 * - `verbose`: errors carry `parentSchema`, whose properties are the "did you mean" candidates.
 * - `inlineRefs: false`: one function per definition, shared by all kinds (ObjectMeta, PodSpec),
 *   so the generated code is about a fifth smaller and the runtime compile a little faster.
 * - `optimize: false`: the optimizer's passes doubled the compile time of the large pod
 *   definitions, which a runtime compile pays once per kind; checking stays a few milliseconds.
 */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  validateFormats: false,
  verbose: true,
  inlineRefs: false,
  code: { optimize: false },
};

/** `validator key` → validate function, as exported by the generated module. */
type Validators = Readonly<Record<string, ValidateFunction | undefined>>;

const validators = new Map<string, ValidateFunction | undefined>();
let ajv: Ajv | undefined;
let gvk: Record<string, string> | undefined;

/**
 * The validators generated at build time (`npm run build` runs `scripts/validators.js`): loading
 * them takes milliseconds where compiling cost ~15 ms per kind. Two modules, because V8 still
 * pre-parses all of a module: the kinds the library emits, the audit Policy and the custom-resource
 * envelope (~1 MB, ~17 ms to load), and the other kinds of the schema (loaded when one is met).
 * Together they hold every validator key, so a kind in neither is not a Kubernetes 1.27 kind.
 * Required by literal paths, so that scripts/bundle.js finds them (and leaves them files).
 */
const PRECOMPILED = [
  { name: '/schema/validators', load: () => require('./schema/validators') },
  { name: '/schema/validators-more', load: () => require('./schema/validators-more') },
] as const;
/** Per module of {@link PRECOMPILED}: loaded, null when absent, undefined until first needed. */
let precompiled: (Validators | null | undefined)[] = [undefined, undefined];

/**
 * One generated module, or null when it is absent (tests run the TypeScript sources, a build
 * without the generator step): the kinds are then compiled at runtime, with the same options.
 */
function precompiledModule(index: number): Validators | null {
  if (precompiled[index] === undefined) {
    try {
      precompiled[index] = PRECOMPILED[index].load() as Validators;
    } catch (e: any) {
      if (e?.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes(PRECOMPILED[index].name)) throw e;
      precompiled[index] = null;
    }
  }
  return precompiled[index] as Validators | null;
}

/**
 * @internal For tests: use these generated modules (null: absent), or with undefined the modules
 * next to this file, as in production. Clears the caches of validators and of results.
 */
export function setPrecompiledValidators(modules: readonly [Validators | null, Validators | null] | undefined): void {
  precompiled = modules ? [...modules] : [undefined, undefined];
  validators.clear();
  checked = new WeakMap();
}

function compiler(): Ajv {
  if (!ajv) {
    // Loaded on first use, and only when a kind is not precompiled: the schema is ~250 KB.
    const schema: StrictSchema = require('./schema/k8s-v1.27-strict.json');
    gvk = schema.gvk;
    const AjvClass: typeof Ajv = require('ajv').default;
    ajv = new AjvClass(AJV_OPTIONS);
    ajv.addSchema({ $id: SCHEMA_ID, definitions: schema.definitions });
  }
  return ajv;
}

/**
 * @internal The schema a validator key compiles, with `$ref`s into the definitions of
 * {@link SCHEMA_ID}: a kind of the `gvk` map, {@link AUDIT_POLICY} or {@link CUSTOM_RESOURCE}.
 */
export function validatorSchema(key: string, kinds: Record<string, string>): object | undefined {
  const definition = kinds[key];
  if (definition) return { $ref: `${SCHEMA_ID}#/definitions/${definition}` };
  if (key === AUDIT_POLICY) return auditPolicySchema();
  if (key === CUSTOM_RESOURCE) {
    return {
      type: 'object',
      required: ['apiVersion', 'kind', 'metadata'],
      properties: { metadata: { $ref: `${SCHEMA_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` } },
    };
  }
  return undefined;
}

/**
 * The validator of a kind, cached; undefined when the kind is unknown. Kubernetes kinds (the
 * `gvk` map) and custom resources are disjoint (the generator checks), so the precompiled lookup
 * by key or {@link CUSTOM_RESOURCE} picks what the runtime compile would.
 */
function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}|${kind}`;
  if (!validators.has(key)) {
    const name = isCustomResource(apiVersion) ? CUSTOM_RESOURCE : key;
    let validate = precompiledModule(0)?.[name];
    if (!validate && precompiledModule(0)) validate = precompiledModule(1)?.[name];
    if (!validate && !(precompiledModule(0) && precompiledModule(1))) {
      const ajvInstance = compiler();
      const schema = validatorSchema(gvk![key] ? key : name, gvk!);
      validate = schema ? ajvInstance.compile(schema) : undefined;
    }
    validators.set(key, validate);
  }
  return validators.get(key);
}

/**
 * @internal A custom resource: its API group has a dot and is not one of Kubernetes' own
 * (`*.k8s.io`, `*.kubernetes.io`). Core (`v1`) and dot-less groups (`apps`, `batch`) are Kubernetes'.
 */
export function isCustomResource(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  return group.includes('.') && !/(^|\.)(k8s\.io|kubernetes\.io)$/.test(group);
}

const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'];
const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

/** `audit.k8s.io/v1 Policy` (k8s.io/apiserver/pkg/apis/audit/v1/types.go). */
function auditPolicySchema(): object {
  const strings = { type: 'array', items: { type: 'string' } };
  const stages = { type: 'array', items: { type: 'string', enum: AUDIT_STAGES } };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'rules'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: `${SCHEMA_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` },
      omitStages: stages,
      omitManagedFields: { type: 'boolean' },
      rules: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['level'],
          properties: {
            level: { type: 'string', enum: AUDIT_LEVELS },
            users: strings,
            userGroups: strings,
            verbs: strings,
            resources: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                properties: { group: { type: 'string' }, resources: strings, resourceNames: strings },
              },
            },
            namespaces: strings,
            nonResourceURLs: strings,
            omitStages: stages,
            omitManagedFields: { type: 'boolean' },
          },
        },
      },
    },
  };
}

/**
 * One problem per offending location. The alternatives of a `oneOf` (a quantity is a string or
 * a number; int-or-string) are merged into one message.
 */
function fromAjvErrors(errors: ErrorObject[], root: unknown): Problem[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  }
  const problems: Problem[] = [];
  for (const [instancePath, group] of byPath) {
    const pointer = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const value = valueAt(root, pointer);
    const field = renderPointer(root, pointer);
    const types = [...new Set(group.filter((e) => e.keyword === 'type').map((e) => e.params.type as string))];
    const patterns = group.filter((e) => e.keyword === 'pattern');
    if (patterns.length && group.some((e) => e.keyword === 'oneOf')) {
      problems.push({ field, value, message: 'must be a quantity', fix: 'write it like "500m", "2", "64Mi" or "1Gi"' });
    } else if (types.length) {
      const quantity = group.some((e) => e.keyword === 'oneOf') && types.includes('number') && types.includes('string');
      problems.push({
        field,
        value,
        message: `must be ${types.join(' or ')}`,
        fix: quantity ? 'write the quantity as a string like "500m" or "1Gi", or a number' : `write it as ${types.map((t) => (t === 'integer' || t === 'object' || t === 'array' ? `an ${t}` : `a ${t}`)).join(' or ')}`,
      });
    }
    for (const e of group) {
      switch (e.keyword) {
        case 'enum':
          problems.push({ field, value, message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, fix: 'use one of the allowed values' });
          break;
        case 'required': {
          const missing = String(e.params.missingProperty);
          problems.push({ field: renderPointer(root, [...pointer, missing]), value: undefined, message: 'is required', fix: `set ${missing}` });
          break;
        }
        case 'additionalProperties': {
          const key = String(e.params.additionalProperty);
          const known = Object.keys((e.parentSchema as any)?.properties ?? {});
          const near = closest(key, known);
          problems.push({
            field: renderPointer(root, [...pointer, key]),
            value: (value as any)?.[key],
            message: 'is not a field of Kubernetes 1.27 (the API server would drop it)',
            fix: near ? `did you mean "${near}"? Otherwise remove it` : `remove it (known fields here: ${known.join(', ')})`,
          });
          break;
        }
        case 'type':
        case 'pattern':
        case 'oneOf':
        case 'anyOf':
        case 'format':
          break;
        default:
          problems.push({ field, value, message: e.message ?? e.keyword, fix: 'see the Kubernetes 1.27 API reference for this field' });
      }
    }
  }
  return problems;
}

/** The known field nearest to a misspelt one (edit distance at most a third of its length). */
function closest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function valueAt(root: unknown, pointer: string[]): unknown {
  return pointer.reduce<any>((v, key) => (v === null || v === undefined ? undefined : v[key]), root);
}

/** `spec.template.spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`. */
function renderPointer(root: unknown, pointer: string[]): string {
  let rendered = '';
  let value: any = root;
  for (const key of pointer) {
    if (Array.isArray(value)) {
      rendered += `[${key}]`;
    } else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) {
      rendered += rendered ? `.${key}` : key;
    } else {
      rendered += `[${JSON.stringify(key)}]`;
    }
    value = value === null || value === undefined ? undefined : value[key];
  }
  return rendered || '(object)';
}

function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
