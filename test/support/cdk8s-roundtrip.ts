/**
 * A second, independent strict check: reads an object back through the cdk8s-plus-27 `k8s.Kube*`
 * serializer of its kind (generated from the Kubernetes 1.27 schema by `cdk8s import`).
 *
 * The serializer copies every field its schema knows and silently drops the rest, so any
 * difference between an object and its round trip is a field Kubernetes 1.27 does not know (or
 * a value of the wrong shape). It shares no code or data with `strict-schema.ts`.
 */
import { k8s } from 'cdk8s-plus-27';

/** `apiVersion kind` → name of the generated class, e.g. `apps/v1 Deployment` → `KubeDeployment`. */
const CLASSES = new Map<string, string>(
  Object.entries(k8s)
    .filter(([, value]) => typeof value === 'function' && (value as any).GVK)
    .map(([name, value]) => [`${(value as any).GVK.apiVersion} ${(value as any).GVK.kind}`, name]),
);

/**
 * The fields the cdk8s-plus-27 serializer of the object's kind drops or changes, each as
 * `Kind/name path: message`. Kinds without a generated class yield one problem.
 */
export function roundTripProblems(obj: any): string[] {
  const where = `${obj?.kind}/${obj?.metadata?.name}`;
  const className = CLASSES.get(`${obj?.apiVersion} ${obj?.kind}`);
  const toJson = className && (k8s as any)[`toJson_${className}Props`];
  if (typeof toJson !== 'function') {
    return [`${where}: ${obj?.apiVersion} ${obj?.kind} has no cdk8s-plus-27 k8s class`];
  }
  const { apiVersion, kind, ...props } = obj;
  let output: unknown;
  try {
    output = { apiVersion, kind, ...JSON.parse(JSON.stringify(toJson(asProps(props)))) };
  } catch (e) {
    return [`${where}: k8s.${className} cannot read it (${(e as Error).message})`];
  }
  return differences(JSON.parse(JSON.stringify(obj)), output, '').map((d) => `${where} ${d} (k8s.${className})`);
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
