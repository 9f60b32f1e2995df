/**
 * A second, independent strict check: reads an object back through the serializer `cdk8s
 * import` generated for its kind: cdk8s-plus-27's `k8s.Kube*` (the Kubernetes 1.27 schema) or,
 * for CRDs, the project's own `imports/` (the CRD's published schema).
 *
 * The serializer copies every field its schema knows and silently drops the rest, so any
 * difference between an object and its round trip is a field the schema does not know (or a
 * value of the wrong shape). It shares no code or data with `strict-schema.ts`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { k8s } from 'cdk8s-plus-27';

interface Serializer {
  /** Where it comes from, for messages: `k8s.KubeDeployment`, `imports/argocd-argoproj.io.ts Application`. */
  readonly source: string;
  readonly toJson: (props: unknown) => unknown;
}

const IMPORTS = path.join(__dirname, '..', '..', 'imports');

/** `apiVersion kind` → the generated serializer of its props. */
const SERIALIZERS = new Map<string, Serializer>();
for (const [label, module] of [
  ['k8s.', k8s] as const,
  ...(fs.existsSync(IMPORTS) ? fs.readdirSync(IMPORTS).filter((f) => f.endsWith('.ts')).sort() : [])
    .map((f) => [`imports/${f} `, require(path.join(IMPORTS, f))] as const),
]) {
  for (const [name, value] of Object.entries(module as Record<string, any>)) {
    const gvk = typeof value === 'function' ? value.GVK : undefined;
    const toJson = (module as Record<string, any>)[`toJson_${name}Props`];
    if (gvk && typeof toJson === 'function' && !SERIALIZERS.has(`${gvk.apiVersion} ${gvk.kind}`)) {
      SERIALIZERS.set(`${gvk.apiVersion} ${gvk.kind}`, { source: `${label}${name}`, toJson });
    }
  }
}

/**
 * The fields the generated serializer of the object's kind drops or changes, each as
 * `Kind/name path: message`. Kinds without a generated class yield one problem.
 */
export function roundTripProblems(obj: any): string[] {
  const where = `${obj?.kind}/${obj?.metadata?.name}`;
  const serializer = SERIALIZERS.get(`${obj?.apiVersion} ${obj?.kind}`);
  if (!serializer) {
    return [`${where}: ${obj?.apiVersion} ${obj?.kind} has no cdk8s-plus-27 k8s class nor an imports/ class`];
  }
  const { apiVersion, kind, ...props } = obj;
  let output: unknown;
  try {
    output = { apiVersion, kind, ...JSON.parse(JSON.stringify(serializer.toJson(asProps(props)))) };
  } catch (e) {
    return [`${where}: ${serializer.source} cannot read it (${(e as Error).message})`];
  }
  return differences(JSON.parse(JSON.stringify(obj)), output, '').map((d) => `${where} ${d} (${serializer.source})`);
}

/**
 * A view of JSON as the generated props: fields are found by their TypeScript names
 * (`clusterIp` for `clusterIP`), and scalars also answer `.value` and `.toISOString()` the way
 * `Quantity`, `IntOrString` and `Date` props do. Serialized, the view is the original JSON.
 */
function asProps(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(asProps);
  }
  if (typeof value === 'object' && value !== null) {
    const byName = new Map(Object.keys(value).map((k) => [normalize(k), k]));
    return new Proxy(value as Record<string, unknown>, {
      get: (target, prop) => {
        if (typeof prop !== 'string') return undefined;
        const key = Object.prototype.hasOwnProperty.call(target, prop) ? prop : byName.get(normalize(prop));
        return key === undefined ? undefined : asProps(target[key]);
      },
    });
  }
  if (typeof value === 'string') {
    return Object.assign(new String(value), { value, toISOString: () => value });
  }
  if (typeof value === 'number') {
    return Object.assign(new Number(value), { value });
  }
  if (typeof value === 'boolean') {
    return Object.assign(new Boolean(value), { value });
  }
  return value;
}

function normalize(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

/** Paths where `output` lost or changed something of `input`, or added something. */
function differences(input: unknown, output: unknown, path: string): string[] {
  if (typeof input === 'object' && input !== null && typeof output === 'object' && output !== null && Array.isArray(input) === Array.isArray(output)) {
    const keys = [...new Set([...Object.keys(input), ...Object.keys(output)])];
    return keys.flatMap((key) => {
      const at = Array.isArray(input) ? `${path}[${key}]` : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
      if (!(key in output)) return [`${at}: dropped (not a Kubernetes 1.27 field)`];
      if (!(key in input)) return [`${at}: added ${JSON.stringify((output as any)[key])}`];
      return differences((input as any)[key], (output as any)[key], at);
    });
  }
  return JSON.stringify(input) === JSON.stringify(output) ? [] : [`${path}: ${JSON.stringify(input)} became ${JSON.stringify(output)}`];
}
