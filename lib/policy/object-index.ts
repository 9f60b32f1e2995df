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
  /** By kind, namespace and name, as strings: nested maps spare a joined key string per object and lookup. */
  private readonly byId = new Map<string, Map<string, Map<string, PolicyObject>>>();
  private readonly podsByOwner = new Map<PolicyObject, PodRef[]>();
  /** Pods by label key, then by namespace, then by value of that label; built per key on first use. */
  private readonly podsByLabel = new Map<string, Map<string, Map<string, PodRef[]>>>();
  /** Answers of {@link podsSelectedBy} for selectors of labels only: by the `matchLabels` object, then by namespace. */
  private readonly selected = new WeakMap<object, Map<string, readonly PodRef[]>>();

  /**
   * @param objects Every object, in input order.
   */
  private constructor(public readonly objects: readonly PolicyObject[]) {
    const pods: PodRef[] = [];
    for (const o of objects) {
      const own = podTemplateOf(o);
      if (own) {
        this.podsByOwner.set(o, [own]);
        pods.push(own);
      }
      const kind = o.object.kind;
      const list = this.byKind.get(kind);
      if (list) list.push(o);
      else this.byKind.set(kind, [o]);
      const names = nested(nested(this.byId, String(kind)), String(o.namespace));
      const name = String(o.object.metadata?.name);
      if (!names.has(name)) names.set(name, o);
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
    return this.byId.get(String(kind))?.get(String(namespace))?.get(String(name));
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
    const candidates = first ? this.podsLabelled(first[0]).get(String(namespace))?.get(String(first[1])) ?? [] : this.pods;
    return candidates.filter((p) => p.owner.namespace === namespace && matchesSelector(selector, p.labels));
  }

  private podsLabelled(key: string): Map<string, Map<string, PodRef[]>> {
    let index = this.podsByLabel.get(key);
    if (!index) {
      index = new Map();
      for (const p of this.pods) {
        if (!Object.prototype.hasOwnProperty.call(p.labels, key)) continue;
        const byValue = nested(index, String(p.owner.namespace));
        const value = String(p.labels[key]);
        const list = byValue.get(value);
        if (list) list.push(p);
        else byValue.set(value, [p]);
      }
      this.podsByLabel.set(key, index);
    }
    return index;
  }
}

/** The map under `key`, added when missing. */
function nested<T>(map: Map<string, Map<string, T>>, key: string): Map<string, T> {
  let inner = map.get(key);
  if (!inner) map.set(key, inner = new Map());
  return inner;
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

/** The pod template an object holds, if its kind has one (an object holds at most one). */
function podTemplateOf(owner: PolicyObject): PodRef | undefined {
  const o = owner.object;
  switch (o.kind) {
    case 'Pod': return podRef(owner, '', o);
    case 'CronJob': return podRef(owner, 'spec.jobTemplate.spec.template', o.spec?.jobTemplate?.spec?.template);
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'ReplicationController': case 'Job':
      return podRef(owner, 'spec.template', o.spec?.template);
    default: return undefined;
  }
}

function podRef(owner: PolicyObject, field: string, template: any): PodRef | undefined {
  if (!template?.spec) return undefined;
  return {
    owner,
    field,
    labels: template.metadata?.labels ?? {},
    annotations: template.metadata?.annotations ?? {},
    spec: template.spec,
    containers: containersOf(template.spec, field ? `${field}.spec.` : 'spec.'),
  };
}

/** Containers of a pod spec with their field paths: init, main and ephemeral. */
export function containersOf(spec: any, prefix: string): ContainerRef[] {
  const result: ContainerRef[] = [];
  addContainers(result, spec?.initContainers, `${prefix}initContainers`, true);
  addContainers(result, spec?.containers, `${prefix}containers`, false);
  addContainers(result, spec?.ephemeralContainers, `${prefix}ephemeralContainers`, true);
  return result;
}

function addContainers(result: ContainerRef[], list: unknown, field: string, init: boolean): void {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) result.push({ container: list[i] ?? {}, field: `${field}[${i}]`, init });
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
