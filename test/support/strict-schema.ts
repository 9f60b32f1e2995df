/**
 * Strict Kubernetes 1.27 validation of rendered objects, for tests.
 *
 * Two sources, because neither is strict on its own:
 * - `kubernetes-models` (generated from the 1.27 OpenAPI schema) checks types, enums, formats
 *   (quantities) and required fields, but accepts any extra field;
 * - the `@kubernetes/client-node` 1.27 models list every field of every type
 *   (`attributeTypeMap`), which is walked to reject fields Kubernetes does not know. The API
 *   server drops such fields silently (or rejects them under `kubectl --validate=strict`), so a
 *   typo like `imagePullPolcy` would otherwise ship unnoticed.
 *
 * Kinds that are not Kubernetes API objects are accepted only when the project declares them:
 * a few CRD kinds (metadata checked strictly, spec must be an object) and the kube-apiserver's
 * audit `Policy` file (checked field by field against a hand-written schema).
 */
import * as path from 'path';
import Ajv, { ErrorObject } from 'ajv';

/** CRD kinds the project emits (`apiVersion` → kinds): their spec is not schema-checked here. */
export const DECLARED_CRDS: Readonly<Record<string, readonly string[]>> = {
  'argoproj.io/v1alpha1': ['Application', 'AppProject'],
  'monitoring.coreos.com/v1': ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'],
  'external-secrets.io/v1beta1': ['ExternalSecret'],
  'external-secrets.io/v1': ['ExternalSecret'],
};

/** One ajv-style finding: where (JSON pointer) and what. */
interface Finding {
  readonly pointer: string[];
  readonly message: string;
}

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const CLIENT_MODELS = path.join(path.dirname(require.resolve('@kubernetes/client-node/package.json')), 'dist', 'gen', 'model');
const LEAF_TYPES = new Set(['string', 'number', 'boolean', 'Date', 'V1MicroTime', 'object', 'any', 'IntOrString']);

/**
 * Every strict-schema problem of one object, each as `Kind/name path: message`, sorted.
 * An empty list means the object is valid Kubernetes 1.27 (or a declared CRD / audit policy).
 */
export function strictProblems(obj: any): string[] {
  const where = `${obj?.kind ?? '<no kind>'}/${obj?.metadata?.name ?? '<no name>'}`;
  return findingsOf(obj).map((f) => `${where} ${renderPointer(obj, f.pointer)}: ${f.message}`).sort();
}

/** Throws one error listing every problem of every object; does nothing when all are valid. */
export function assertStrictlyValid(objects: any[]): void {
  const perObject = objects.map((o) => strictProblems(o));
  const problems = perObject.flat();
  if (problems.length) {
    const invalid = perObject.filter((p) => p.length).length;
    throw new Error(`${problems.length} strict schema problem(s) in ${invalid} object(s) (Kubernetes 1.27):\n  ${problems.join('\n  ')}`);
  }
}

function findingsOf(obj: any): Finding[] {
  if (!isPlainObject(obj)) {
    return [{ pointer: [], message: `must be an object (got ${JSON.stringify(obj)})` }];
  }
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [{ pointer: [], message: `needs string apiVersion and kind (got ${JSON.stringify(apiVersion)}, ${JSON.stringify(kind)})` }];
  }
  if (apiVersion === 'audit.k8s.io/v1' && kind === 'Policy') {
    return [...ajvFindings(auditPolicyValidator(), obj), ...metadataFindings(obj, false), ...auditRuleFindings(obj)];
  }
  if (DECLARED_CRDS[apiVersion]?.includes(kind)) {
    return [...ajvFindings(crdValidator(), obj), ...metadataFindings(obj, true)];
  }
  const model = kubernetesModel(apiVersion, kind);
  const clientType = clientModelName(apiVersion, kind);
  if (!model || !clientType) {
    return [{ pointer: ['kind'], message: `${apiVersion} ${kind} is not a Kubernetes 1.27 kind nor a declared CRD (known CRDs: ${Object.entries(DECLARED_CRDS).map(([v, ks]) => ks.map((k) => `${v} ${k}`).join(', ')).join(', ')})` }];
  }
  const findings: Finding[] = [];
  try {
    model.prototype.validate.call(obj);
  } catch (e) {
    const errors = (e as { errors?: ErrorObject[] }).errors;
    if (!errors) throw e;
    findings.push(...fromAjvErrors(errors, obj));
  }
  findings.push(...unknownFields(obj, clientType, []));
  if (typeof obj.metadata?.name !== 'string') {
    findings.push({ pointer: ['metadata', 'name'], message: 'is required (got nothing)' });
  }
  return findings;
}

/** The kubernetes-models class of a top-level kind, e.g. `kubernetes-models/apps/v1/Deployment`. */
function kubernetesModel(apiVersion: string, kind: string): any {
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  let exported: any;
  try {
    exported = require(`kubernetes-models/${apiVersion}/${kind}`);
  } catch {
    return undefined;
  }
  const model = exported[kind];
  // Sub-types (e.g. v1/PodSpec) have modules too, but no apiVersion/kind of their own.
  return model?.apiVersion === apiVersion && model?.kind === kind ? model : undefined;
}

/**
 * The client-node model of a top-level kind: `V1Deployment`, `V2HorizontalPodAutoscaler`, or
 * group-prefixed where names collide (`CoreV1Event`, `EventsV1Event`).
 */
function clientModelName(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  const v = capitalize(version);
  return [`${capitalize(group.split('.')[0])}${v}${kind}`, `${v}${kind}`].find((name) => attributesOf(name) !== undefined);
}

interface Attribute {
  readonly baseName: string;
  readonly type: string;
}

const attributeCache = new Map<string, Attribute[] | undefined>();

/** The fields of a client-node model type (by its class name), or undefined if there is none. */
function attributesOf(type: string): Attribute[] | undefined {
  if (!attributeCache.has(type)) {
    let attributes: Attribute[] | undefined;
    try {
      const exported = require(path.join(CLIENT_MODELS, `${type[0].toLowerCase()}${type.slice(1)}.js`));
      attributes = exported[type]?.getAttributeTypeMap();
    } catch {
      attributes = undefined;
    }
    attributeCache.set(type, attributes);
  }
  return attributeCache.get(type);
}

/**
 * Fields of `value` that its client-node type does not declare, at any depth. Leaves and
 * shape mismatches are left to the schema check, which reports them with the right message.
 */
function unknownFields(value: unknown, type: string, pointer: string[]): Finding[] {
  if (value === null || value === undefined || LEAF_TYPES.has(type)) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, array[1], [...pointer, String(i)])) : [];
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    return isPlainObject(value) ? Object.entries(value).flatMap(([k, v]) => unknownFields(v, map[1], [...pointer, k])) : [];
  }
  const attributes = attributesOf(type);
  if (!attributes) {
    throw new Error(`strict-schema: no client-node model for type ${type}`);
  }
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const attribute = attributes.find((a) => a.baseName === key);
    if (!attribute) {
      const known = attributes.map((a) => a.baseName).join(', ');
      return [{ pointer: [...pointer, key], message: `unknown field (Kubernetes 1.27 ${type} has: ${known})` }];
    }
    return unknownFields(v, attribute.type, [...pointer, key]);
  });
}

/** Strict checks of `metadata` alone, for kinds without a Kubernetes schema. */
function metadataFindings(obj: any, nameRequired: boolean): Finding[] {
  if (obj.metadata === undefined) {
    return nameRequired ? [{ pointer: ['metadata'], message: 'is required (got nothing)' }] : [];
  }
  const { ObjectMeta } = require('@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta');
  const findings: Finding[] = [];
  try {
    ObjectMeta.prototype.validate.call(obj.metadata);
  } catch (e) {
    const errors = (e as { errors?: ErrorObject[] }).errors;
    if (!errors) throw e;
    findings.push(...fromAjvErrors(errors, obj.metadata).map((f) => ({ ...f, pointer: ['metadata', ...f.pointer] })));
  }
  findings.push(...unknownFields(obj.metadata, 'V1ObjectMeta', ['metadata']));
  if (nameRequired && typeof obj.metadata?.name !== 'string') {
    findings.push({ pointer: ['metadata', 'name'], message: 'is required (got nothing)' });
  }
  return findings;
}

let ajv: Ajv | undefined;
let auditValidate: Validate | undefined;
let crdValidate: Validate | undefined;

function compiler(): Ajv {
  ajv ??= new Ajv({ allErrors: true, strict: true });
  return ajv;
}

/** Declared CRDs: only the envelope is known here; the spec must at least be an object. */
function crdValidator(): Validate {
  crdValidate ??= compiler().compile({
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: { type: 'object' },
    },
  });
  return crdValidate;
}

const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'];
const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

/**
 * `audit.k8s.io/v1 Policy` (k8s.io/apiserver/pkg/apis/audit/v1/types.go): a file read by
 * kube-apiserver `--audit-policy-file`, which refuses a policy without rules.
 */
function auditPolicyValidator(): Validate {
  const strings = { type: 'array', items: { type: 'string' } };
  const stages = { type: 'array', items: { type: 'string', enum: AUDIT_STAGES } };
  auditValidate ??= compiler().compile({
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'rules'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
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
  });
  return auditValidate;
}

/** kube-apiserver's semantic rule: a rule matches resources or non-resource URLs, never both. */
function auditRuleFindings(obj: any): Finding[] {
  const rules: unknown[] = Array.isArray(obj.rules) ? obj.rules : [];
  return rules.flatMap((rule: any, i) =>
    isPlainObject(rule) && rule.nonResourceURLs?.length && (rule.resources?.length || rule.namespaces?.length)
      ? [{ pointer: ['rules', String(i)], message: 'a rule with nonResourceURLs cannot also match resources or namespaces' }]
      : []);
}

function ajvFindings(validate: Validate, obj: unknown): Finding[] {
  return validate(obj) ? [] : fromAjvErrors(validate.errors ?? [], obj);
}

/**
 * One finding per offending location. Alternatives of a `oneOf` (quantities are a number or a
 * quantity string; int-or-string) are merged into one message instead of three.
 */
function fromAjvErrors(errors: ErrorObject[], root: unknown): Finding[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  }
  const findings: Finding[] = [];
  for (const [instancePath, group] of byPath) {
    const pointer = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const got = describe(valueAt(root, pointer));
    const formats = group.filter((e) => e.keyword === 'format');
    const types = group.filter((e) => e.keyword === 'type').map((e) => e.params.type as string);
    const messages: string[] = [];
    if (formats.length) {
      messages.push(`must be a ${formats.map((e) => e.params.format).join(' or ')}${formats.some((e) => e.params.format === 'quantity') ? ' such as "500m" or "1Gi"' : ''} (got ${got})`);
    } else if (types.length) {
      messages.push(`must be ${[...new Set(types)].join(' or ')} (got ${got})`);
    }
    for (const e of group) {
      switch (e.keyword) {
        case 'enum':
          messages.push(`must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${got})`);
          break;
        case 'required':
          findings.push({ pointer: [...pointer, e.params.missingProperty], message: 'is required (got nothing)' });
          break;
        case 'additionalProperties':
          findings.push({ pointer: [...pointer, e.params.additionalProperty], message: 'unknown field' });
          break;
        case 'type':
        case 'format':
        case 'oneOf':
        case 'anyOf':
          break;
        default:
          messages.push(`${e.message ?? e.keyword} (got ${got})`);
      }
    }
    if (!messages.length && group.some((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')) {
      messages.push(`matches none of the allowed forms (got ${got})`);
    }
    for (const message of messages) {
      findings.push({ pointer, message });
    }
  }
  return findings;
}

function valueAt(root: unknown, pointer: string[]): unknown {
  return pointer.reduce<any>((v, key) => (v === null || v === undefined ? undefined : v[key]), root);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
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

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
