import { Names } from '../../core/names';
import { Problem } from '../../core/problem';
import { ObjectIndex, perIndex, PolicyObject } from '../object-index';
import { describeObject, Rule, Severity, violation, Violation } from '../rule';

const DNS_LABEL_KINDS = new Set(['Namespace', 'Service']);
/** The API server's limit on the annotations of one object (256 KiB). */
const MAX_ANNOTATIONS_SIZE = 256 * 1024;
const PATH_SEGMENT_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** PLT001: object and namespace names in the API server's grammar. */
export const objectNames = Rule.of({
  id: 'PLT001',
  name: 'object-name-grammar',
  severity: Severity.ERROR,
  rationale: 'The API server rejects the whole apply when one name breaks its grammar (DNS-1123 label or subdomain).',
  fix: 'Rename the object with lower-case letters, digits and \'-\'.',
  examples: {
    failing: `apiVersion: v1
kind: ConfigMap
metadata: { name: Web_Settings, namespace: shop }
data: { mode: prod }`,
    passing: `apiVersion: v1
kind: ConfigMap
metadata: { name: web-settings, namespace: shop }
data: { mode: prod }`,
  },
  check: ({ index }) => index.objects.flatMap((o) => {
    const name = o.object.metadata?.name;
    const problems = typeof name !== 'string' ? [{ field: 'metadata.name', value: name, message: 'is missing', fix: 'give the object a name' }]
      : PATH_SEGMENT_KINDS.has(o.object.kind) ? pathSegment(name)
        : DNS_LABEL_KINDS.has(o.object.kind) ? Names.dnsLabel('metadata.name', name) : Names.dnsSubdomain('metadata.name', name);
    // Service names are DNS-1035 labels: they become DNS names and environment variables.
    if (o.object.kind === 'Service' && typeof name === 'string' && /^[0-9]/.test(name)) {
      problems.push({ field: 'metadata.name', value: name, message: 'must start with a letter (Service names are DNS-1035 labels)', fix: `rename it, e.g. ${JSON.stringify(`svc-${name}`)}` });
    }
    const ns = o.object.metadata?.namespace;
    if (typeof ns === 'string') problems.push(...Names.dnsLabel('metadata.namespace', ns));
    return problems.map((p) => violation(o, p));
  }),
});

/** PLT002: label keys and values on objects and pod templates. */
export const labelGrammar = Rule.of({
  id: 'PLT002',
  name: 'label-grammar',
  severity: Severity.ERROR,
  rationale: 'Invalid label keys or values are rejected by the API server; selectors built from them never match.',
  fix: 'Use keys `prefix/name` (name at most 63 characters) and values of at most 63 letters, digits, \'-\', \'_\' and \'.\'.',
  examples: {
    failing: `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop, labels: { team: "platform team" } }
data: { mode: prod }`,
    passing: `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop, labels: { team: platform-team } }
data: { mode: prod }`,
  },
  check: ({ index }) => {
    const result: Violation[] = [];
    const validKey = validOnce(Names.qualifiedName);
    const validValue = validOnce(Names.labelValue);
    for (const { object, field, map } of metadataMaps(index, 'labels')) {
      for (const key of Object.keys(map)) {
        const value = map[key];
        if (validKey.has(key) && typeof value === 'string' && validValue.has(value)) continue;
        for (const p of validKey.problems(`${field}.${key}`, key)) result.push(violation(object, p));
        if (typeof value !== 'string') result.push(violation(object, { field: `${field}.${key}`, value, message: 'must be a string', fix: 'quote the value' }));
        else for (const p of validValue.problems(`${field}.${key}`, value)) result.push(violation(object, p));
      }
    }
    return result;
  },
});

/** PLT003: annotation keys. */
export const annotationGrammar = Rule.of({
  id: 'PLT003',
  name: 'annotation-key-grammar',
  severity: Severity.ERROR,
  rationale: 'Annotation keys follow the label key grammar and all annotations of an object fit in 256 KiB; the API server rejects the object otherwise.',
  fix: 'Use keys `prefix/name` (a DNS subdomain prefix and a name of at most 63 characters); keep large data out of annotations.',
  examples: {
    failing: `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop, annotations: { "owner email": ops@example.com } }
data: { mode: prod }`,
    passing: `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop, annotations: { example.com/owner: ops@example.com } }
data: { mode: prod }`,
  },
  check: ({ index }) => {
    const result: Violation[] = [];
    const validKey = validOnce(Names.qualifiedName);
    for (const { object, field, map } of metadataMaps(index, 'annotations')) {
      let size = 0;
      for (const key of Object.keys(map)) {
        const value = map[key];
        size += key.length + String(value).length;
        if (validKey.has(key) && typeof value === 'string') continue;
        for (const p of validKey.problems(`${field}.${key}`, key)) result.push(violation(object, p));
        if (typeof value !== 'string') result.push(violation(object, { field: `${field}.${key}`, value, message: 'must be a string', fix: 'quote the value' }));
      }
      if (size > MAX_ANNOTATIONS_SIZE) result.push(violation(object, { field, value: size, message: `total more than ${MAX_ANNOTATIONS_SIZE} bytes`, fix: 'keep large data in a ConfigMap, not in annotations' }));
    }
    return result;
  },
});

/** PLT004: one object per group, kind, namespace and name. */
export const duplicateObjects = Rule.of({
  id: 'PLT004',
  name: 'duplicate-object',
  severity: Severity.ERROR,
  rationale: 'Two objects with the same group, kind, namespace and name overwrite each other; only the last applied survives.',
  fix: 'Give each object its own name, or remove one of them.',
  examples: {
    failing: `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop }
data: { mode: prod }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop }
data: { mode: prod }`,
    passing: `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop }
data: { mode: prod }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings-v2, namespace: shop }
data: { mode: prod }`,
  },
  check: ({ index }) => {
    const seen = new Map<string, PolicyObject>();
    const result: Violation[] = [];
    for (const o of index.objects) {
      const apiVersion = String(o.object.apiVersion ?? '');
      const slash = apiVersion.indexOf('/');
      const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
      // As Array.join writes them: null and undefined as ''.
      const key = `${group}|${o.object.kind ?? ''}|${o.namespace}|${o.object.metadata?.name ?? ''}`;
      const first = seen.get(key);
      if (first) {
        result.push(violation(o, {
          field: 'metadata.name',
          value: o.object.metadata?.name,
          message: `is also the name of another ${describeObject(first)}${first.file !== o.file ? ` (in ${first.file})` : ''}`,
          fix: 'rename one of the two objects',
        }));
      } else {
        seen.set(key, o);
      }
    }
    return result;
  },
});

function pathSegment(name: string) {
  return name === '' || name === '.' || name === '..' || /[/%]/.test(name)
    ? [{ field: 'metadata.name', value: name, message: 'must be a path segment name (no \'/\' or \'%\', not "." or "..")', fix: 'rename it' }]
    : [];
}

/** Where objects and their pod templates keep metadata, with the field paths of their label and annotation maps. */
const METADATA_FIELDS = {
  labels: ['metadata.labels', 'spec.template.metadata.labels', 'spec.jobTemplate.spec.template.metadata.labels'],
  annotations: ['metadata.annotations', 'spec.template.metadata.annotations', 'spec.jobTemplate.spec.template.metadata.annotations'],
} as const;

/** The non-empty label or annotation maps of every object and of its pod template. */
function metadataMaps(index: ObjectIndex, key: 'labels' | 'annotations'): MetadataMap[] {
  return collected(index)[key];
}

/** The maps of each environment, collected in one pass for PLT002 and PLT003. */
const collected = perIndex(collect);

function collect(index: ObjectIndex): Record<'labels' | 'annotations', MetadataMap[]> {
  const result = { labels: [] as MetadataMap[], annotations: [] as MetadataMap[] };
  const [ownLabels, templateLabels, jobTemplateLabels] = METADATA_FIELDS.labels;
  const [ownAnnotations, templateAnnotations, jobTemplateAnnotations] = METADATA_FIELDS.annotations;
  for (const object of index.objects) {
    const o = object.object;
    const spec = o.spec;
    const meta = o.metadata;
    add(result.labels, object, ownLabels, meta?.labels);
    add(result.annotations, object, ownAnnotations, meta?.annotations);
    if (spec) {
      const template = spec.template?.metadata;
      add(result.labels, object, templateLabels, template?.labels);
      add(result.annotations, object, templateAnnotations, template?.annotations);
      const jobTemplate = spec.jobTemplate?.spec?.template?.metadata;
      add(result.labels, object, jobTemplateLabels, jobTemplate?.labels);
      add(result.annotations, object, jobTemplateAnnotations, jobTemplate?.annotations);
    }
  }
  return result;
}

interface MetadataMap { readonly object: PolicyObject; readonly field: string; readonly map: Record<string, unknown> }

function add(result: MetadataMap[], object: PolicyObject, field: string, map: any): void {
  // An empty map has no key to check and no size to exceed.
  if (map && typeof map === 'object' && !isEmpty(map)) result.push({ object, field, map });
}

function isEmpty(map: object): boolean {
  for (const _ in map) return false;
  return true;
}

/**
 * A grammar check of {@link Names} that remembers the strings it found valid: a fleet repeats the
 * same few label keys and values on thousands of objects, and a valid string stays valid.
 */
function validOnce(check: (field: string, value: string) => Problem[]) {
  const valid = new Set<string>();
  return {
    has: (value: string) => valid.has(value),
    problems: (field: string, value: string): Problem[] => {
      if (valid.has(value)) return [];
      const problems = check(field, value);
      if (!problems.length) valid.add(value);
      return problems;
    },
  };
}
