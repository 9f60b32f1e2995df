import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { configHash, ConfigReference, configSourcesOf } from '../core/config-hash';
import { Container, ContainerProps, ContainerPropsSchema } from './container';
import { z } from 'zod';
import { bool, checkArguments, instanceOf, num, oneOf, refusedArgumentsOf, schemaProblems, str, stringMap } from '../core/schema';
import { Environment } from '../core/environment';
import { Annotations } from '../core/labels';
import { Problem } from '../core/problem';
import { Resources } from './resources';
import { Volume, VolumeSchema } from './volume';

/** The identity of a pod given none. */
const DEFAULT_IDENTITY: PodIdentity = { user: 10001, group: 10001, fsGroup: 10001 };

/**
 * Identity the pod runs as. Restricted requires non-root. Without an identity a pod runs as
 * 10001:10001 with fsGroup 10001; an identity given is rendered as given, field by field.
 */
export interface PodIdentity {
  /**
   * UID of every container process.
   * @default - the image's user (restricted still requires it to be non-root)
   */
  readonly user?: number;
  /**
   * GID of every container process.
   * @default - the image's group
   */
  readonly group?: number;
  /**
   * GID that owns mounted volumes.
   * @default - the group, if given; else volumes keep their own ownership
   */
  readonly fsGroup?: number;
}

/** A toleration of node taints (`spec.tolerations`). */
export interface PodToleration {
  /**
   * Taint key; empty with operator Exists tolerates every taint.
   * @default - every key (operator must be Exists)
   */
  readonly key?: string;
  /**
   * `Equal` (the value must match) or `Exists`.
   * @default 'Equal'
   */
  readonly operator?: 'Equal' | 'Exists';
  /**
   * Taint value, for `Equal`.
   * @default - none
   */
  readonly value?: string;
  /**
   * Taint effect tolerated.
   * @default - every effect
   */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /**
   * For NoExecute: seconds the pod stays on a node after the taint appears.
   * @default - forever
   */
  readonly tolerationSeconds?: number;
}

/** An /etc/hosts entry (`spec.hostAliases`). */
export interface HostAlias {
  /** IP address. */
  readonly ip: string;
  /** Host names for the address. */
  readonly hostnames: string[];
}

/** How the pod resolves names (`spec.dnsPolicy`). */
export enum DnsPolicy {
  /** Cluster DNS first, then the node's upstream (the Kubernetes default). */
  CLUSTER_FIRST = 'ClusterFirst',
  /** Cluster DNS for a pod on the host network. */
  CLUSTER_FIRST_WITH_HOST_NET = 'ClusterFirstWithHostNet',
  /** The node's resolver configuration. */
  DEFAULT = 'Default',
  /** Only `dnsConfig`. */
  NONE = 'None',
}

/** Extra resolver settings (`spec.dnsConfig`). */
export interface PodDnsConfig {
  /**
   * Name servers (at most 3).
   * @default - none
   */
  readonly nameservers?: string[];
  /**
   * Search domains (at most 32).
   * @default - none
   */
  readonly searches?: string[];
  /**
   * Resolver options, e.g. `{ ndots: '2' }`; an option without value maps to `''`.
   * @default - none
   */
  readonly options?: Record<string, string>;
}

/** Props of a {@link PodTemplate}. */
export interface PodTemplateProps {
  /** The main containers; the first one is the primary (its image gives the version label). */
  readonly containers: (Container | ContainerProps)[];
  /**
   * Containers that run to completion, in order, before the main containers start.
   * @default - none
   */
  readonly initContainers?: (Container | ContainerProps)[];
  /**
   * Volumes besides the ones the containers mount (those are added automatically).
   * @default - none
   */
  readonly volumes?: Volume[];
  /**
   * ServiceAccount the pod runs as.
   * @default - the namespace's default account
   */
  readonly serviceAccountName?: string;
  /**
   * Mount the ServiceAccount token. Off unless the pod talks to the API server. A pod that
   * names a ServiceAccount follows that account's setting (`ServiceAccount` `automountToken`)
   * unless this is given.
   * @default - false for the namespace's default account; the account's setting for a named one
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * User and group of the pod's processes; rendered as given.
   * @default - 10001:10001, fsGroup 10001
   */
  readonly identity?: PodIdentity;
  /**
   * Node labels the pod must run on, e.g. `{ 'kubernetes.io/os': 'linux' }`.
   * @default - any node
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Taints the pod tolerates.
   * @default - none
   */
  readonly tolerations?: PodToleration[];
  /**
   * Node affinity, pod affinity and pod anti-affinity, in the Kubernetes shape (e.g. the
   * upstream zookeeper's `podAntiAffinity` on `kubernetes.io/hostname`).
   * @default - none (a high-availability environment adds a soft spread across nodes)
   */
  readonly affinity?: k8s.Affinity;
  /**
   * PriorityClass of the pod.
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
  /**
   * Secrets holding registry credentials for the images.
   * @default - none (the ServiceAccount's, if any)
   */
  readonly imagePullSecrets?: string[];
  /**
   * How the pod resolves names.
   * @default - Kubernetes' ClusterFirst
   */
  readonly dnsPolicy?: DnsPolicy;
  /**
   * Extra resolver settings (required with DnsPolicy.NONE).
   * @default - none
   */
  readonly dnsConfig?: PodDnsConfig;
  /**
   * Extra /etc/hosts entries.
   * @default - none
   */
  readonly hostAliases?: HostAlias[];
  /**
   * Scheduler that places the pod (e.g. a second scheduler such as `my-scheduler`).
   * @default - the default scheduler
   */
  readonly schedulerName?: string;
  /**
   * RuntimeClass of the pod (e.g. `gvisor` for a sandboxed runtime).
   * @default - the cluster's default runtime
   */
  readonly runtimeClassName?: string;
  /**
   * Inject environment variables for every Service of the namespace (Docker links style).
   * @default - Kubernetes' true
   */
  readonly enableServiceLinks?: boolean;
  /**
   * Containers of the pod see each other's processes (e.g. a debugging or signalling helper).
   * @default false
   */
  readonly shareProcessNamespace?: boolean;
  /**
   * Host name of the pod, and with `subdomain` its DNS name `<hostname>.<subdomain>.<namespace>`.
   * @default - the pod's name
   */
  readonly hostname?: string;
  /**
   * Subdomain of the pod (the name of a headless Service).
   * @default - none
   */
  readonly subdomain?: string;
  /**
   * Topology spread constraints, in the Kubernetes shape; a high-availability environment adds
   * its soft spread across nodes to these.
   * @default - none
   */
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  /**
   * Seconds the pod gets to shut down after SIGTERM.
   * @default - the Kubernetes default (30)
   */
  readonly terminationGracePeriodSeconds?: number;
}

/** A container, as props take it: a {@link Container} or its props. @internal */
export const ContainerSchema = z.union([instanceOf(Container, 'a Container'), ContainerPropsSchema]);

/** Runtime shape of {@link PodTemplateProps}; ids and names are checked by {@link PodTemplate.problems}. @internal */
export const PodTemplatePropsSchema = z.strictObject({
  containers: z.array(ContainerSchema).describe('give an array of containers, e.g. [{ name: "web", image: "registry.example.com/web:3f9c2a1" }]'),
  initContainers: z.array(ContainerSchema).optional(),
  volumes: z.array(VolumeSchema).optional(),
  serviceAccountName: str.optional(),
  automountServiceAccountToken: bool.optional(),
  identity: z.strictObject({ user: num.optional(), group: num.optional(), fsGroup: num.optional() }).optional(),
  terminationGracePeriodSeconds: num.optional(),
  nodeSelector: stringMap.optional(),
  tolerations: z.array(z.strictObject({
    key: str.optional(),
    operator: z.enum(['Equal', 'Exists']).optional(),
    value: str.optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
    tolerationSeconds: num.optional(),
  })).optional(),
  // Kubernetes' own types: their fields are checked against the strict 1.27 schema at synth.
  affinity: z.looseObject({}).optional(),
  priorityClassName: str.optional(),
  imagePullSecrets: z.array(str).optional(),
  dnsPolicy: oneOf(DnsPolicy).optional(),
  dnsConfig: z.strictObject({ nameservers: z.array(str).optional(), searches: z.array(str).optional(), options: stringMap.optional() }).optional(),
  hostAliases: z.array(z.strictObject({ ip: str, hostnames: z.array(str) })).optional(),
  schedulerName: str.optional(),
  runtimeClassName: str.optional(),
  enableServiceLinks: bool.optional(),
  shareProcessNamespace: bool.optional(),
  hostname: str.optional(),
  subdomain: str.optional(),
  topologySpreadConstraints: z.array(z.looseObject({})).optional(),
});

/**
 * The pod part of every workload: containers, init containers, volumes and the restricted
 * security context. Checks what the API server only finds at apply time (or never).
 */
export class PodTemplate {
  private readonly containers: Container[];
  private readonly initContainers: Container[];
  private readonly volumes: Volume[];
  private readonly annotations: Record<string, string> = {};
  private readonly spread: k8s.TopologySpreadConstraint[] = [];

  /**
   * @param scope the workload the pod belongs to: with it, references to ConfigMaps and Secrets
   * of the same app are checked and hashed into `Annotations.CONFIG_HASH`.
   * @param props What the pod was made with.
   */
  public readonly props: PodTemplateProps;

  constructor(given: PodTemplateProps, private readonly scope?: IConstruct) {
    // Workloads check their props before; a pod template made directly carries its refusal.
    const refused = scope ? [] : schemaProblems(PodTemplatePropsSchema, given);
    checkArguments(this, refused);
    const props = refused.length ? { containers: [] } : given;
    this.props = props;
    this.containers = props.containers.map(toContainer);
    this.initContainers = (props.initContainers ?? []).map(toContainer);
    this.volumes = [...(props.volumes ?? [])];
  }

  /** The primary container (the first main container). */
  public get primary(): Container {
    return this.containers[0];
  }

  /** All main containers. */
  public get mainContainers(): readonly Container[] {
    return this.containers;
  }

  /** All init containers, in run order. */
  public get initContainerList(): readonly Container[] {
    return this.initContainers;
  }

  /** Adds a main container (a sidecar, adapter or ambassador). */
  public addContainer(container: Container | ContainerProps): Container {
    const c = toContainer(container);
    this.containers.push(c);
    return c;
  }

  /** Adds an init container; it runs after the ones added before it. */
  public addInitContainer(container: Container | ContainerProps): Container {
    const c = toContainer(container);
    this.initContainers.push(c);
    return c;
  }

  /** Adds a volume that no container mounts yet. */
  public addVolume(volume: Volume): void {
    this.volumes.push(volume);
  }

  /** Adds a pod annotation. */
  public addAnnotation(key: string, value: string): void {
    this.annotations[key] = value;
  }

  /** A pod annotation added with {@link addAnnotation}. */
  public annotation(key: string): string | undefined {
    return this.annotations[key];
  }

  /** Adds a topology spread constraint (`applyHighAvailability` adds the soft spread across nodes). */
  public addTopologySpread(constraint: k8s.TopologySpreadConstraint): void {
    this.spread.push(constraint);
  }

  /** Every ConfigMap and Secret the pod reads: env keys, envFrom and volumes. */
  public configReferences(field = 'pod'): ConfigReference[] {
    const refs: ConfigReference[] = [];
    const add = (containers: readonly Container[], key: string) => {
      for (let i = 0; i < containers.length; i++) {
        const c = containers[i];
        const path = `${field}.${key}[${i}]`;
        for (const name of Object.keys(c.env)) {
          const ref = c.env[name].ref;
          if (ref) refs.push({ ...ref, field: `${path}.env.${name}` });
        }
        (c.props.envFrom ?? []).forEach((s, j) => refs.push({ kind: s.kind, name: s.name, field: `${path}.envFrom[${j}]` }));
      }
    };
    add(this.initContainers, 'initContainers');
    add(this.containers, 'containers');
    for (const v of this.allVolumes()) {
      if ((v.type !== 'configMap' && v.type !== 'secret') || v.refName === undefined) continue;
      const kind = v.type === 'configMap' ? 'ConfigMap' : 'Secret';
      const items = v.items;
      if (items) {
        items.forEach((item, i) => refs.push({ kind, name: v.refName!, key: item.key, field: `${field}.volumes.${v.name}.items[${i}].key` }));
      } else {
        refs.push({ kind, name: v.refName, field: `${field}.volumes.${v.name}` });
      }
    }
    return refs;
  }

  /** Every volume of the pod: explicit ones, then the ones mounts bring, each once. */
  public allVolumes(): Volume[] {
    // Asked for by the checks, the config hash and the rendering: no intermediate arrays.
    const seen = new Set<Volume>();
    const result: Volume[] = [];
    const add = (v: Volume) => {
      if (!seen.has(v)) {
        seen.add(v);
        result.push(v);
      }
    };
    this.volumes.forEach(add);
    for (const containers of [this.initContainers, this.containers]) {
      for (const c of containers) {
        for (const m of c.allMounts()) add(m.volume);
      }
    }
    return result;
  }

  /** Does any main container expose this port (by number or name)? */
  public exposes(port: number | string): boolean {
    return this.containers.some((c) => c.exposes(port));
  }

  /** What is wrong with the pod in `environment`, fields named under `field`; empty when it is valid. */
  public problems(field: string, environment: Environment): Problem[] {
    const refused = refusedArgumentsOf(this, field);
    if (refused.length) return refused;
    const problems: Problem[] = [];
    if (this.containers.length === 0) {
      problems.push({ field: `${field}.containers`, value: [], message: 'a pod needs at least one container', fix: 'add the main container' });
    }
    const all = [...this.initContainers.map((c, i) => [c, `${field}.initContainers[${i}]`] as const), ...this.containers.map((c, i) => [c, `${field}.containers[${i}]`] as const)];
    const names = new Map<string, string>();
    for (const [c, path] of all) {
      problems.push(...c.problems(path, environment));
      const other = names.get(c.name);
      if (other) {
        problems.push({ field: `${path}.name`, value: c.name, message: `is already the name of ${other}`, fix: 'give every container in the pod its own name' });
      }
      names.set(c.name, path);
    }
    // Main containers share one network namespace: two listeners on one port cannot both bind.
    const ports = new Map<string, string>();
    this.containers.forEach((c, i) => c.ports.forEach((p) => {
      const key = `${p.number}/${p.protocol ?? 'TCP'}`;
      const other = ports.get(key);
      if (other) {
        problems.push({ field: `${field}.containers[${i}].ports`, value: p.number, message: `is already used by container ${other}: containers of a pod share one network namespace`, fix: 'move one of them to another port' });
      }
      ports.set(key, c.name);
    }));
    const portNames = new Map<string, string>();
    this.containers.forEach((c, i) => c.ports.forEach((p) => {
      if (p.name === undefined) return;
      const other = portNames.get(p.name);
      if (other) {
        problems.push({ field: `${field}.containers[${i}].ports`, value: p.name, message: `port name is already used by container ${other}`, fix: 'give every port in the pod its own name' });
      }
      portNames.set(p.name, c.name);
    }));
    const volumeNames = new Map<string, Volume>();
    for (const v of this.allVolumes()) {
      problems.push(...v.problems(`${field}.volumes.${v.name}`));
      if (volumeNames.has(v.name)) {
        problems.push({ field: `${field}.volumes.${v.name}`, value: v.name, message: 'names two different volumes', fix: 'share one Volume object between the mounts, or rename one' });
      }
      volumeNames.set(v.name, v);
    }
    problems.push(...this.referenceProblems(field));
    problems.push(...schedulingProblems(field, this.props));
    const id = this.props.identity ?? {};
    for (const [name, value] of [['user', id.user], ['group', id.group], ['fsGroup', id.fsGroup]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        problems.push({ field: `${field}.identity.${name}`, value, message: 'must be a non-zero id: root is refused', fix: 'use an unprivileged id such as 10001' });
      }
    }
    return problems;
  }

  /** Keys read from ConfigMaps and Secrets of the same app that do not hold them. */
  private referenceProblems(field: string): Problem[] {
    if (!this.scope) return [];
    // Only references to a key are checked; most pods have none, and the sources take a walk of the chart.
    const refs = this.configReferences(field).filter((ref) => ref.key !== undefined && !ref.optional);
    if (!refs.length) return [];
    const sources = configSourcesOf(this.scope);
    return refs.flatMap((ref) => {
      const keys = sources.get(`${ref.kind}/${ref.name}`)?.keys;
      if (keys === undefined || keys.includes(ref.key!)) return [];
      return [{
        field: ref.field,
        value: ref.key,
        message: `is not a key of ${ref.kind} ${ref.name} (its keys: ${keys.join(', ') || 'none'})`,
        fix: `use one of its keys or add the key to ${ref.kind} ${ref.name}`,
      }];
    });
  }

  /** The pod template with the given labels. */
  public toK8s(environment: Environment, labels: Record<string, string>, extraAnnotations: Record<string, string> = {}): k8s.PodTemplateSpec {
    const id = this.props.identity ?? DEFAULT_IDENTITY;
    const exceptions = [...this.initContainers, ...this.containers].flatMap((c) => c.exceptionList());
    const annotations: Record<string, string> = { ...this.annotations, ...extraAnnotations };
    if (exceptions.length) {
      annotations[Annotations.SECURITY_EXCEPTIONS] = exceptions.join(',');
    }
    const hash = this.scope && configHash(this.scope, this.configReferences());
    if (hash) {
      annotations[Annotations.CONFIG_HASH] = hash;
    }
    const volumes = this.allVolumes();
    return {
      metadata: { labels, annotations: Object.keys(annotations).length ? annotations : undefined },
      spec: {
        serviceAccountName: this.props.serviceAccountName,
        // A named account decides itself (ServiceAccount automountToken) unless the pod says.
        automountServiceAccountToken: this.props.automountServiceAccountToken ?? (this.props.serviceAccountName === undefined ? false : undefined),
        terminationGracePeriodSeconds: this.props.terminationGracePeriodSeconds,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: id.user,
          runAsGroup: id.group,
          fsGroup: id.fsGroup ?? id.group,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        nodeSelector: this.props.nodeSelector,
        tolerations: this.props.tolerations?.map((t) => ({ ...t })),
        affinity: this.props.affinity,
        priorityClassName: this.props.priorityClassName,
        imagePullSecrets: this.props.imagePullSecrets?.map((name) => ({ name })),
        dnsPolicy: this.props.dnsPolicy,
        dnsConfig: this.props.dnsConfig && {
          nameservers: this.props.dnsConfig.nameservers,
          searches: this.props.dnsConfig.searches,
          options: this.props.dnsConfig.options && Object.entries(this.props.dnsConfig.options).map(([name, value]) => ({ name, value: value === '' ? undefined : value })),
        },
        hostAliases: this.props.hostAliases?.map((h) => ({ ip: h.ip, hostnames: h.hostnames })),
        schedulerName: this.props.schedulerName,
        runtimeClassName: this.props.runtimeClassName,
        enableServiceLinks: this.props.enableServiceLinks,
        shareProcessNamespace: this.props.shareProcessNamespace,
        hostname: this.props.hostname,
        subdomain: this.props.subdomain,
        // An init container runs alone, before the main containers: without resources of its
        // own it gets theirs (their sum), which leaves the pod's scheduled size unchanged.
        initContainers: this.initContainers.length
          ? this.initContainers.map((c) => c.toK8s(environment, c.props.resources ? undefined : Resources.total(this.containers.map((m) => m.resources.scaled(environment.resourceScale)))))
          : undefined,
        containers: this.containers.map((c) => c.toK8s(environment)),
        volumes: volumes.length ? volumes.map((v) => v.toK8s()) : undefined,
        topologySpreadConstraints: this.spread.length || this.props.topologySpreadConstraints?.length ? [...(this.props.topologySpreadConstraints ?? []), ...this.spread] : undefined,
      },
    };
  }
}

function toContainer(c: Container | ContainerProps): Container {
  return c instanceof Container ? c : new Container(c);
}

/** Problems of the scheduling and DNS props. */
function schedulingProblems(field: string, p: PodTemplateProps): Problem[] {
  const problems: Problem[] = [];
  (p.tolerations ?? []).forEach((t, i) => {
    const at = `${field}.tolerations[${i}]`;
    if (t.operator === 'Exists' && t.value !== undefined) {
      problems.push({ field: `${at}.value`, value: t.value, message: 'must be empty with operator Exists', fix: 'drop the value, or use operator Equal' });
    }
    if (!t.key && t.operator !== 'Exists') {
      problems.push({ field: `${at}.key`, value: t.key, message: 'may only be empty with operator Exists (tolerate every taint)', fix: 'name the taint key, or set operator: \'Exists\'' });
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      problems.push({ field: `${at}.tolerationSeconds`, value: t.tolerationSeconds, message: 'only applies to the NoExecute effect', fix: 'set effect: \'NoExecute\', or drop tolerationSeconds' });
    }
  });
  for (const [key, value] of Object.entries(p.nodeSelector ?? {})) {
    if (typeof value !== 'string') {
      problems.push({ field: `${field}.nodeSelector.${key}`, value, message: 'must be a string', fix: 'quote the label value' });
    }
  }
  (p.imagePullSecrets ?? []).forEach((name, i) => {
    if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
      problems.push({ field: `${field}.imagePullSecrets[${i}]`, value: name, message: 'is not a Secret name', fix: 'name the docker-registry Secret, e.g. "regcred"' });
    }
  });
  if (p.dnsPolicy === DnsPolicy.NONE && !p.dnsConfig?.nameservers?.length) {
    problems.push({ field: `${field}.dnsConfig.nameservers`, value: p.dnsConfig?.nameservers, message: 'is required with dnsPolicy None (the pod would have no resolver)', fix: 'list at least one name server, or use another dnsPolicy' });
  }
  if ((p.dnsConfig?.nameservers?.length ?? 0) > 3) {
    problems.push({ field: `${field}.dnsConfig.nameservers`, value: p.dnsConfig?.nameservers, message: 'lists more than 3 name servers', fix: 'keep at most 3' });
  }
  if (p.terminationGracePeriodSeconds !== undefined && (!Number.isInteger(p.terminationGracePeriodSeconds) || p.terminationGracePeriodSeconds < 0)) {
    problems.push({ field: `${field}.terminationGracePeriodSeconds`, value: p.terminationGracePeriodSeconds, message: 'must be a whole number >= 0', fix: 'give seconds, e.g. 30' });
  }
  for (const [name, value] of [['hostname', p.hostname], ['subdomain', p.subdomain]] as const) {
    if (value !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) {
      problems.push({ field: `${field}.${name}`, value, message: 'must be a DNS-1123 label', fix: 'use lower-case letters, digits and \'-\', at most 63 characters' });
    }
  }
  (p.hostAliases ?? []).forEach((h, i) => {
    if (!h.hostnames?.length) {
      problems.push({ field: `${field}.hostAliases[${i}].hostnames`, value: h.hostnames, message: 'is empty', fix: 'name at least one host' });
    }
  });
  return problems;
}
