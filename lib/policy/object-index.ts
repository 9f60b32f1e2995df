import { Annotations } from '../core/labels';

/** One rendered object, with where it came from. */
export interface PolicyObject {
  /** The object as written. */
  readonly object: any;
  /** Construct path (or manifest file) for messages. */
  readonly path: string;
  /** Manifest file it is written to. */
  readonly file: string;
  /** Its namespace: `metadata.namespace`, else the environment's default. Empty for cluster-scoped kinds. */
  readonly namespace: string;
}

/** A pod template found in an object (a workload's `spec.template`, a CronJob's job template, a Pod). */
export interface PodRef {
  /** The object that holds the template. */
  readonly owner: PolicyObject;
  /** Field path of the template in the owner, e.g. `spec.template`. */
  readonly field: string;
  /** Labels of the pods. */
  readonly labels: Record<string, string>;
  /** Annotations of the pods. */
  readonly annotations: Record<string, string>;
  /** The pod spec. */
  readonly spec: any;
  /** The containers of the spec (init, main, ephemeral) with their field paths; listed once, read by several rules. */
  readonly containers: readonly ContainerRef[];
}

/** A container of a pod spec with its field path. */
export interface ContainerRef {
  /** The container (`{}` where the list holds nothing). */
  readonly container: any;
  /** Field path, e.g. `spec.template.spec.containers[0]`. */
  readonly field: string;
  /** Whether it is an init or ephemeral container. */
  readonly init: boolean;
}

/** Kinds whose pods run until stopped: they need readiness probes and a Service may route to them. */
export const LONG_RUNNING_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];

const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'PriorityClass', 'IngressClass', 'RuntimeClass', 'CSIDriver', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'APIService', 'Policy',
]);

/** Lookups over every object of one environment, shared by the rules. */
export class ObjectIndex {
  /** Indexes objects given as JSON with their paths; `defaultNamespace` applies to namespaced kinds without one. */
  public static of(entries: { object: any; path: string; file: string }[], defaultNamespace: string): ObjectIndex {
    const objects: PolicyObject[] = [];
    for (const { object, path, file } of entries) {
      if (object && typeof object === 'object') {
        objects.push({ object, path, file, namespace: CLUSTER_SCOPED.has(object.kind) ? '' : object.metadata?.namespace ?? defaultNamespace });
      }
    }
    return new ObjectIndex(objects);
  }

  /** Every pod template, in object order. */
  public readonly pods: readonly PodRef[];

  // Lookup tables, so that rules stay linear in the number of objects (a fleet has thousands).
  private readonly byKind = new Map<string, PolicyObject[]>();
  private readonly byId = new Map<string, PolicyObject>();
  private readonly podsByOwner = new Map<PolicyObject, PodRef[]>();
  /** Pods by label key, then by namespace and value of that label; built per key on first use. */
  private readonly podsByLabel = new Map<string, Map<string, PodRef[]>>();
  /** Answers of {@link podsSelectedBy} for selectors of labels only: by the `matchLabels` object, then by namespace. */
  private readonly selected = new WeakMap<object, Map<string, readonly PodRef[]>>();

  /**
   * @param objects Every object, in input order.
   */
  private constructor(public readonly objects: readonly PolicyObject[]) {
    const pods: PodRef[] = [];
    for (const o of objects) {
      const own = podTemplatesOf(o);
      if (own.length) {
        this.podsByOwner.set(o, own);
        pods.push(...own);
      }
      const kind = o.object.kind;
      const list = this.byKind.get(kind);
      if (list) list.push(o);
      else this.byKind.set(kind, [o]);
      const id = objectId(kind, o.namespace, o.object.metadata?.name);
      if (!this.byId.has(id)) this.byId.set(id, o);
    }
    this.pods = pods;
  }

  /** The pod templates an object holds (none for kinds without pods). */
  public podsOf(owner: PolicyObject): readonly PodRef[] {
    return this.podsByOwner.get(owner) ?? [];
  }

  /** Objects of a kind, optionally only in one namespace. */
  public ofKind(kind: string, namespace?: string): PolicyObject[] {
    const list = this.byKind.get(kind) ?? [];
    return list.filter((o) => namespace === undefined || o.namespace === namespace);
  }

  /** The object of a kind with a name in a namespace. */
  public find(kind: string, namespace: string, name: string): PolicyObject | undefined {
    return this.byId.get(objectId(kind, namespace, name));
  }

  /** The pod templates of a namespace whose labels a selector matches. */
  public podsSelectedBy(namespace: string, selector: LabelSelector): readonly PodRef[] {
    const matchLabels = selector.matchLabels;
    // Several rules ask about the same selector (a Service's in PLT010 and PLT011, a budget's in PLT035 and PLT036).
    if (selector.matchExpressions !== undefined || !matchLabels || typeof matchLabels !== 'object') return this.select(namespace, selector);
    let byNamespace = this.selected.get(matchLabels);
    if (!byNamespace) this.selected.set(matchLabels, byNamespace = new Map());
    let pods = byNamespace.get(namespace);
    if (!pods) byNamespace.set(namespace, pods = this.select(namespace, selector));
    return pods;
  }

  /** Pod Security Standards level a Namespace object of the environment enforces, if it sets one. */
  public enforcedLevel(namespace: string): string | undefined {
    return this.find('Namespace', '', namespace)?.object.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
  }

  private select(namespace: string, selector: LabelSelector): PodRef[] {
    const first = Object.entries(selector.matchLabels ?? {})[0];
    const candidates = first ? this.podsLabelled(first[0]).get(objectId(first[0], namespace, first[1])) ?? [] : this.pods;
    return candidates.filter((p) => p.owner.namespace === namespace && matchesSelector(selector, p.labels));
  }

  private podsLabelled(key: string): Map<string, PodRef[]> {
    let index = this.podsByLabel.get(key);
    if (!index) {
      index = new Map();
      for (const p of this.pods) {
        if (!Object.prototype.hasOwnProperty.call(p.labels, key)) continue;
        const id = objectId(key, p.owner.namespace, p.labels[key]);
        const list = index.get(id);
        if (list) list.push(p);
        else index.set(id, [p]);
      }
      this.podsByLabel.set(key, index);
    }
    return index;
  }
}

function objectId(kind: unknown, namespace: string, name: unknown): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

/** A label selector: `matchLabels` and `matchExpressions`, or a plain map (Service, ReplicationController). */
export interface LabelSelector {
  /** Labels that must all be present with these values. */
  readonly matchLabels?: Record<string, string>;
  /** Requirements (`In`, `NotIn`, `Exists`, `DoesNotExist`) that must all hold. */
  readonly matchExpressions?: {
    /** The label key. */
    key: string;
    /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
    operator: string;
    /** The values of `In` and `NotIn`. */
    values?: string[];
  }[];
}

/** Whether a selector matches a label set (an empty selector matches everything, as in the API). */
export function matchesSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const matchLabels: Record<string, string> = selector.matchLabels && typeof selector.matchLabels === 'object' ? selector.matchLabels : {};
  for (const k of Object.keys(matchLabels)) {
    if (labels?.[k] !== matchLabels[k]) return false;
  }
  for (const e of list(selector.matchExpressions)) {
    if (!e || typeof e !== 'object') return false;
    const has = !!labels && Object.prototype.hasOwnProperty.call(labels, e.key);
    const inValues = has && list(e.values).includes(labels[e.key]);
    const ok = e.operator === 'In' ? inValues
      : e.operator === 'NotIn' ? !inValues
        : e.operator === 'Exists' ? has
          : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

/** Renders a selector for messages, e.g. `app=web,tier in (a,b)`. */
export function describeSelector(selector: LabelSelector): string {
  const parts = [
    ...Object.entries(selector?.matchLabels && typeof selector.matchLabels === 'object' ? selector.matchLabels : {}).map(([k, v]) => `${k}=${v}`),
    ...list(selector?.matchExpressions).map((e) => `${e?.key} ${e?.operator}${Array.isArray(e?.values) ? ` (${e.values.join(',')})` : ''}`),
  ];
  return parts.join(',') || '<everything>';
}

/**
 * Names a pod or workload declares as living outside the rendered set, from the annotation
 * `k8s-constructs.io/external-<kind>` (comma separated) on the object or its pod template.
 */
export function declaredExternal(pod: { owner: PolicyObject; annotations?: Record<string, string> }, kind: ExternalKind): string[] {
  const key = `${Annotations.PREFIX}/external-${kind}`;
  return [pod.owner.object.metadata?.annotations?.[key], pod.annotations?.[key]]
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
}

/** The kinds of reference that can be declared external. */
export type ExternalKind = 'secrets' | 'configmaps' | 'serviceaccounts' | 'roles';

function podTemplatesOf(owner: PolicyObject): PodRef[] {
  const o = owner.object;
  const ref = (field: string, template: any): PodRef[] => (template?.spec ? [{
    owner,
    field,
    labels: template.metadata?.labels ?? {},
    annotations: template.metadata?.annotations ?? {},
    spec: template.spec,
    containers: containersOf(template.spec, field ? `${field}.spec.` : 'spec.'),
  }] : []);
  switch (o.kind) {
    case 'Pod': return ref('', o);
    case 'CronJob': return ref('spec.jobTemplate.spec.template', o.spec?.jobTemplate?.spec?.template);
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'ReplicationController': case 'Job':
      return ref('spec.template', o.spec?.template);
    default: return [];
  }
}

/** Containers of a pod spec with their field paths: init, main and ephemeral. */
export function containersOf(spec: any, prefix: string): ContainerRef[] {
  const list = (key: string, init: boolean) => (Array.isArray(spec?.[key]) ? spec[key] : []).map((c: any, i: number) => ({ container: c ?? {}, field: `${prefix}${key}[${i}]`, init }));
  return [...list('initContainers', true), ...list('containers', false), ...list('ephemeralContainers', true)];
}

/**
 * `compute`, run once per ObjectIndex (one environment's objects) and shared by the rules that ask
 * for it: what several rules derive from the same objects (autoscaler targets, pod references,
 * metadata maps) is found in one pass.
 */
export function perIndex<T>(compute: (index: ObjectIndex) => T): (index: ObjectIndex) => T {
  const results = new WeakMap<ObjectIndex, T>();
  return (index) => {
    let result = results.get(index);
    if (result === undefined) results.set(index, result = compute(index));
    return result;
  };
}

/** A field that should be a list, as a list: anything else (a typo'd map, a string) counts as empty. */
export function list(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** `a.b` joined, skipping an empty prefix. */
export function join(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}
