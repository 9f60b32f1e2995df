import { k8s } from 'cdk8s-plus-27';
import { EnvValue } from './env-value';
import { Environment, PodSecurityLevel } from '../core/environment';
import { Image } from './image';
import { ContainerLifecycle, LifecycleHook } from './lifecycle-hook';
import { Names } from '../core/names';
import { Probe } from './probe';
import { Problem } from '../core/problem';
import { Resources, ResourceSize } from './resources';
import { Volume, VolumeMount, VolumeMountSchema } from './volume';
import { probePortProblem, probeSettingsProblems } from '../policy/checks/probe-port';
import { z } from 'zod';
import { bool, checkArguments, instanceOf, num, refusedArgumentsOf, schemaProblems, str } from '../core/schema';

/** Capabilities Pod Security Standards baseline lets a container add (restricted: NET_BIND_SERVICE only). */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/** A port a container listens on. */
export interface ContainerPort {
  /** Port number, 1-65535. */
  readonly number: number;
  /**
   * Port name (at most 15 characters), so Services and probes can refer to it by name.
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * Protocol.
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/**
 * Explicit, named exceptions to the restricted security context. Each one used is listed in the
 * pod's `Annotations.SECURITY_EXCEPTIONS` annotation, so a reviewer sees it in the YAML.
 */
export interface SecurityExceptions {
  /**
   * Capabilities to add back after dropping ALL. Restricted allows only NET_BIND_SERVICE.
   * @default - none
   */
  readonly addCapabilities?: string[];
  /**
   * Let the container write to its root filesystem.
   * @default false
   */
  readonly writableRootFilesystem?: boolean;
}

/** Props of a {@link Container}. */
export interface ContainerProps {
  /** Container name, a DNS-1123 label unique in the pod. */
  readonly name: string;
  /** Image reference; checked against the environment's image policy. */
  readonly image: string;
  /**
   * Entrypoint override.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * Arguments.
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * Working directory.
   * @default - the image's WORKDIR
   */
  readonly workingDir?: string;
  /**
   * Ports the container listens on.
   * @default - none
   */
  readonly ports?: ContainerPort[];
  /**
   * Environment variables by name.
   * @default - none
   */
  readonly env?: Record<string, EnvValue>;
  /**
   * Whole ConfigMaps or Secrets as environment variables (`envFrom`).
   * @default - none
   */
  readonly envFrom?: EnvFromSource[];
  /**
   * CPU and memory. Presets scale with the environment.
   * @default Resources.preset(ResourceSize.SMALL) for a main container; an init container gets
   * the sum of the pod's main containers (it runs alone before them)
   */
  readonly resources?: Resources;
  /**
   * Hooks run after the container starts and before it stops (e.g. a preStop drain).
   * @default - none
   */
  readonly lifecycle?: ContainerLifecycle;
  /**
   * Readiness probe: whether the container receives traffic.
   * @default - none
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe: whether the container is restarted.
   * @default - none
   */
  readonly liveness?: Probe;
  /**
   * Startup probe: holds liveness and readiness back until the container has started.
   * @default - none
   */
  readonly startup?: Probe;
  /**
   * Volume mounts; the pod adds the volumes.
   * @default - none
   */
  readonly mounts?: VolumeMount[];
  /**
   * Writable scratch directories (e.g. `/tmp`): each becomes an emptyDir mount, since the
   * root filesystem is read-only.
   * @default - none
   */
  readonly writablePaths?: string[];
  /**
   * Exceptions to the restricted security context.
   * @default - none: fully restricted
   */
  readonly securityExceptions?: SecurityExceptions;
}

/** A whole ConfigMap or Secret as environment variables. */
export interface EnvFromSource {
  /** ConfigMap or Secret. */
  readonly kind: 'ConfigMap' | 'Secret';
  /** Its name. */
  readonly name: string;
  /**
   * Prefix for every variable name.
   * @default - none
   */
  readonly prefix?: string;
}

/** Runtime shape of {@link ContainerPort}; the range is checked by {@link Container.problems}. @internal */
export const ContainerPortSchema = z.strictObject({
  number: num.describe('give the port number the process listens on, e.g. 8080'),
  name: str.optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
});

/** Runtime shape of {@link EnvFromSource}. @internal */
export const EnvFromSourceSchema = z.strictObject({ kind: z.enum(['ConfigMap', 'Secret']), name: str, prefix: str.optional() });

/** An environment variable's value. @internal */
export const EnvValueSchema = instanceOf(EnvValue, 'an EnvValue', 'wrap it, e.g. EnvValue.value("..."), EnvValue.fromConfigMap(...) or EnvValue.fromSecret(...)');

const probe = instanceOf(Probe, 'a Probe', 'make it with Probe.fromHttpGet(...), Probe.fromTcpSocket(...), Probe.fromGrpc(...) or Probe.fromCommand(...)').optional();
const strings = (example: string) => z.array(str).optional().describe(`give an array of strings, e.g. ${example}`);

const hook = instanceOf(LifecycleHook, 'a LifecycleHook', 'use LifecycleHook.fromCommand([...]) or LifecycleHook.fromHttpGet(path, port)');

/** Runtime shape of {@link ContainerProps}; names, ranges and policies are checked by {@link Container.problems}. @internal */
export const ContainerPropsSchema = z.strictObject({
  name: str,
  image: str.describe('give the image reference, e.g. "registry.example.com/app:3f9c2a1"'),
  command: strings('["sh", "-c", "echo hi"]'),
  args: strings('["--port", "8080"]'),
  workingDir: str.optional(),
  ports: z.array(ContainerPortSchema).optional(),
  env: z.record(str, EnvValueSchema).optional(),
  envFrom: z.array(EnvFromSourceSchema).optional(),
  resources: instanceOf(Resources, 'a Resources', 'use Resources.preset(ResourceSize.SMALL) or Resources.of({ cpu, memory })').optional(),
  readiness: probe,
  liveness: probe,
  startup: probe,
  mounts: z.array(VolumeMountSchema).optional(),
  writablePaths: strings('["/tmp"]'),
  securityExceptions: z.strictObject({ addCapabilities: z.array(str).optional(), writableRootFilesystem: bool.optional() }).optional(),
  lifecycle: z.strictObject({ preStop: hook.optional(), postStart: hook.optional() }).optional(),
});

/** One container of a pod: image, ports, env, resources, probes, mounts, security context. */
export class Container {
  /** Name of the container. */
  public readonly name: string;
  /** Its image, parsed. */
  public readonly image: Image;
  /** The ports it exposes. */
  public readonly ports: ContainerPort[];
  /** Its environment variables, by name. */
  public readonly env: Record<string, EnvValue>;
  /** Its volume mounts. */
  public readonly mounts: VolumeMount[];
  /** Its requests and limits. */
  public readonly resources: Resources;
  /** The visible opt-outs of the secure defaults. */
  public readonly securityExceptions: SecurityExceptions;
  /** One emptyDir per writable path, named after the container and path so it is stable and readable. */
  private readonly writable: VolumeMount[];
  /** Env names added twice, reported at synth. */
  private readonly envClashes: string[] = [];

  /** What the container was made with. */
  public readonly props: ContainerProps;

  constructor(given: ContainerProps) {
    const refused = schemaProblems(ContainerPropsSchema, given);
    checkArguments(this, refused);
    // Refused props are reported by the pod; the container keeps only what names it.
    const props: ContainerProps = refused.length ? { name: typeof given?.name === 'string' ? given.name : 'container', image: '' } : given;
    this.props = props;
    this.name = props.name;
    this.image = Image.of(props.image);
    this.ports = [...(props.ports ?? [])];
    this.env = { ...(props.env ?? {}) };
    this.mounts = [...(props.mounts ?? [])];
    this.resources = props.resources ?? Resources.preset(ResourceSize.SMALL);
    this.securityExceptions = props.securityExceptions ?? {};
    this.writable = (props.writablePaths ?? []).map((path) => ({ volume: Volume.emptyDir(Names.suggest(`${this.name}-${path}`)), path }));
  }

  /** Adds an environment variable; refused at synth if the name is already set. */
  public addEnv(name: string, value: EnvValue): void {
    if (this.env[name] !== undefined) {
      this.envClashes.push(name);
      return;
    }
    this.env[name] = value;
  }

  /** Mounts a volume; the pod adds it. */
  public mount(mount: VolumeMount): void {
    this.mounts.push(mount);
  }

  /** Whether the container exposes a port, by number or by name. */
  public exposes(port: number | string): boolean {
    return this.ports.some((p) => (typeof port === 'number' ? p.number === port : p.name === port));
  }

  /** Problems of this container in an environment. */
  public problems(field: string, environment: Environment): Problem[] {
    const refused = refusedArgumentsOf(this, field);
    if (refused.length) return refused;
    const p = this.props;
    const problems: Problem[] = [
      ...Names.dnsLabel(`${field}.name`, this.name),
      ...this.image.problems(`${field}.image`, environment.imagePolicy),
      ...this.resources.problems(`${field}.resources`),
    ];
    // Three passes over the variables, in this order: names, values, literal credentials.
    const names = Object.keys(this.env);
    for (const name of names) problems.push(...Names.envVarName(`${field}.env.${name}`, name));
    for (const name of names) {
      const value = this.env[name];
      problems.push(...(value instanceof EnvValue ? value.problems(`${field}.env.${name}`) : schemaProblems(EnvValueSchema, value, '', `${field}.env.${name}`)));
    }
    for (const name of names) {
      const value = this.env[name];
      if (!(value instanceof EnvValue && value.looksLikeLiteralSecret(name))) continue;
      problems.push({
        field: `${field}.env.${name}`,
        value: '<hidden>',
        message: 'is a literal, but the name suggests a credential: it would be written into the manifests',
        fix: 'read it from a Secret (EnvValue.fromSecret, ExistingSecret.env, ExternalSecret.env), or declare it EnvValue.nonSensitive() if it is not secret',
      });
    }
    problems.push(
      ...this.envClashes.map((name) => ({
        field: `${field}.env.${name}`,
        value: name,
        message: 'is set twice (by the container and by a pattern such as an ambassador, or by two patterns)',
        fix: 'remove one of the two definitions or let the pattern use another variable name',
      })),
    );
    this.ports.forEach((port, i) => {
      if (!Number.isInteger(port.number) || port.number < 1 || port.number > 65535) {
        problems.push({ field: `${field}.ports[${i}].number`, value: port.number, message: 'must be a port number 1-65535', fix: 'use the port the process listens on' });
      }
      if (port.name !== undefined) {
        problems.push(...Names.dnsLabel(`${field}.ports[${i}].name`, port.name, 15));
      }
    });
    for (const [role, probe] of [['readiness', p.readiness], ['liveness', p.liveness], ['startup', p.startup]] as const) {
      if (!probe) continue;
      problems.push(...probe.problems(`${field}.${role}`));
      if (refusedArgumentsOf(probe, '').length) continue;
      const portProblem = probe.port === undefined ? undefined : probePortProblem(`${field}.${role}.port`, this.name, probe.port, this.ports);
      if (portProblem) problems.push(portProblem);
    }
    for (const [hook, handler] of [['preStop', p.lifecycle?.preStop], ['postStart', p.lifecycle?.postStart]] as const) {
      if (handler) problems.push(...handler.problems(`${field}.lifecycle.${hook}`));
    }
    // The same code as the engine's PLT074, on the probes as rendered.
    const valid = (probe?: Probe) => (probe && !refusedArgumentsOf(probe, '').length ? probe : undefined);
    const [readiness, liveness, startup] = [valid(p.readiness), valid(p.liveness), valid(p.startup)];
    problems.push(...probeSettingsProblems({ readiness: readiness?.toK8s(), liveness: liveness?.toK8s(), startup: startup?.toK8s() }, (role) => `${field}.${role}`, liveness?.check));
    const mountPaths = new Map<string, number>();
    this.allMounts().forEach((m, i) => {
      if (!m.path.startsWith('/')) {
        problems.push({ field: `${field}.mounts[${i}].path`, value: m.path, message: 'must be an absolute path', fix: `use "/${m.path}"` });
      }
      const seen = mountPaths.get(m.path);
      if (seen !== undefined) {
        problems.push({ field: `${field}.mounts[${i}].path`, value: m.path, message: `collides with mount ${seen} on the same path`, fix: 'mount each volume at its own path' });
      }
      mountPaths.set(m.path, i);
    });
    for (const cap of this.securityExceptions.addCapabilities ?? []) {
      if (environment.podSecurity === PodSecurityLevel.RESTRICTED && cap !== 'NET_BIND_SERVICE') {
        problems.push({
          field: `${field}.securityExceptions.addCapabilities`,
          value: cap,
          message: 'is not allowed by Pod Security Standards restricted (only NET_BIND_SERVICE is)',
          fix: BASELINE_CAPABILITIES.has(cap)
            ? 'drop the capability, or run the workload in an environment whose podSecurity is baseline'
            : `drop the capability: baseline refuses it too (it allows ${[...BASELINE_CAPABILITIES].join(', ')}), so only an environment whose podSecurity is privileged admits it`,
        });
      } else if (environment.podSecurity === PodSecurityLevel.BASELINE && !BASELINE_CAPABILITIES.has(cap)) {
        problems.push({
          field: `${field}.securityExceptions.addCapabilities`,
          value: cap,
          message: 'is not allowed by Pod Security Standards baseline',
          fix: `drop the capability; baseline allows ${[...BASELINE_CAPABILITIES].join(', ')}`,
        });
      }
    }
    return problems;
  }

  /** The mounts, including the emptyDirs of {@link ContainerProps.writablePaths}. */
  public allMounts(): VolumeMount[] {
    return [...this.mounts, ...this.writable];
  }

  /** The security exceptions this container uses, as readable strings. */
  public exceptionList(): string[] {
    const e = this.securityExceptions;
    return [
      ...(e.addCapabilities ?? []).map((c) => `${this.name}:capability-${c}`),
      ...(e.writableRootFilesystem ? [`${this.name}:writable-root-filesystem`] : []),
    ];
  }

  /**
   * The container as the Kubernetes API takes it in `environment` (a cdk8s-plus-27
   * `k8s.Container`), secure defaults applied; `resources`, when given, replace its own (the pod
   * sizes init containers).
   */
  public toK8s(environment: Environment, resources?: Resources): k8s.Container {
    const p = this.props;
    const e = this.securityExceptions;
    return {
      name: this.name,
      image: this.image.reference,
      imagePullPolicy: this.image.pullPolicy,
      command: p.command,
      args: p.args,
      workingDir: p.workingDir,
      ports: this.ports.length ? this.ports.map((x) => ({ containerPort: x.number, name: x.name, protocol: x.protocol ?? 'TCP' })) : undefined,
      env: Object.keys(this.env).length ? Object.entries(this.env).map(([name, value]) => value.toK8s(name)) : undefined,
      envFrom: p.envFrom?.map((s) => ({
        prefix: s.prefix,
        configMapRef: s.kind === 'ConfigMap' ? { name: s.name } : undefined,
        secretRef: s.kind === 'Secret' ? { name: s.name } : undefined,
      })),
      resources: (resources ?? this.resources.scaled(environment.resourceScale)).toK8s(),
      lifecycle: p.lifecycle && (p.lifecycle.preStop || p.lifecycle.postStart)
        ? { preStop: p.lifecycle.preStop?.toK8s(), postStart: p.lifecycle.postStart?.toK8s() }
        : undefined,
      readinessProbe: p.readiness?.toK8s(),
      livenessProbe: p.liveness?.toK8s(),
      startupProbe: p.startup?.toK8s(),
      volumeMounts: this.allMounts().length
        ? this.allMounts().map((m) => ({
          name: m.volume.name,
          mountPath: m.path,
          readOnly: m.readOnly || m.volume.type === 'configMap' || m.volume.type === 'secret' ? true : undefined,
          subPath: m.subPath,
        }))
        : undefined,
      securityContext: {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: !e.writableRootFilesystem,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'], add: e.addCapabilities?.length ? e.addCapabilities : undefined },
      },
    };
  }

}
