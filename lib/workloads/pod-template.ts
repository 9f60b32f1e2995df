import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { configHash, ConfigReference, configSourcesOf } from '../core/config-hash';
import { Container, ContainerProps, ContainerPropsSchema } from './container';
import { z } from 'zod';
import { bool, checkArguments, instanceOf, num, refusedArgumentsOf, schemaProblems, str } from '../core/schema';
import { Environment } from '../core/environment';
import { Annotations } from '../core/labels';
import { Problem } from '../core/problem';
import { Volume, VolumeSchema } from './volume';

/** Identity the pod runs as. Restricted requires non-root; these are the defaults for every pod. */
export interface PodIdentity {
  /**
   * UID of every container process.
   * @default 10001
   */
  readonly user?: number;
  /**
   * GID of every container process.
   * @default 10001
   */
  readonly group?: number;
  /**
   * GID that owns mounted volumes.
   * @default - the group
   */
  readonly fsGroup?: number;
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
   * Mount the ServiceAccount token. Off unless the pod talks to the API server.
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * User and group of the pod's processes.
   * @default - 10001:10001
   */
  readonly identity?: PodIdentity;
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
    const containers = [...this.initContainers.map((c, i) => [c, `${field}.initContainers[${i}]`] as const), ...this.containers.map((c, i) => [c, `${field}.containers[${i}]`] as const)];
    for (const [c, path] of containers) {
      for (const [name, value] of Object.entries(c.env)) {
        if (value.ref) refs.push({ ...value.ref, field: `${path}.env.${name}` });
      }
      (c.props.envFrom ?? []).forEach((s, i) => refs.push({ kind: s.kind, name: s.name, field: `${path}.envFrom[${i}]` }));
    }
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
    const seen = new Set<Volume>();
    const result: Volume[] = [];
    for (const v of [...this.volumes, ...[...this.initContainers, ...this.containers].flatMap((c) => c.allMounts().map((m) => m.volume))]) {
      if (!seen.has(v)) {
        seen.add(v);
        result.push(v);
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
    const sources = configSourcesOf(this.scope);
    return this.configReferences(field).flatMap((ref) => {
      const keys = sources.get(`${ref.kind}/${ref.name}`)?.keys;
      if (ref.key === undefined || ref.optional || keys === undefined || keys.includes(ref.key)) return [];
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
    const id = this.props.identity ?? {};
    const group = id.group ?? 10001;
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
        automountServiceAccountToken: this.props.automountServiceAccountToken ?? false,
        terminationGracePeriodSeconds: this.props.terminationGracePeriodSeconds,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: id.user ?? 10001,
          runAsGroup: group,
          fsGroup: id.fsGroup ?? group,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        initContainers: this.initContainers.length ? this.initContainers.map((c) => c.toK8s(environment)) : undefined,
        containers: this.containers.map((c) => c.toK8s(environment)),
        volumes: volumes.length ? volumes.map((v) => v.toK8s()) : undefined,
        topologySpreadConstraints: this.spread.length ? this.spread : undefined,
      },
    };
  }
}

function toContainer(c: Container | ContainerProps): Container {
  return c instanceof Container ? c : new Container(c);
}
