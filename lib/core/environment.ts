import { z } from 'zod';
import { Names } from './names';
import { Problem } from './problem';
import { bool, num, oneOf, schemaProblems, str } from './schema';

/** How strictly image references are checked. */
export enum ImagePolicy {
  /** Any explicit tag except `latest`, or a digest. */
  TAGGED = 'tagged',
  /** Only immutable references: a `@sha256:` digest or a commit-sha tag (7 to 40 hex characters). */
  IMMUTABLE = 'immutable',
}

/** Pod Security Standards level (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export enum PodSecurityLevel {
  /** No restrictions. */
  PRIVILEGED = 'privileged',
  /** Prevents known privilege escalations (host namespaces, privileged containers, ...). */
  BASELINE = 'baseline',
  /** Hardened: non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp. */
  RESTRICTED = 'restricted',
}

/** Autoscaling bounds of an environment. */
export interface AutoscalingPolicy {
  /** Lowest replica count an autoscaler may choose. */
  readonly minReplicas: number;
  /** Highest replica count an autoscaler may choose. */
  readonly maxReplicas: number;
}

/** How Argo CD syncs an environment. */
export enum SyncPolicy {
  /** Argo CD applies every commit, prunes deleted objects and reverts drift. */
  AUTOMATED = 'automated',
  /** A human presses sync. */
  MANUAL = 'manual',
}

/** Everything that differs between environments. App stacks read these instead of branching on names. */
export interface EnvironmentProps {
  /** Environment name: a DNS-1123 label used in paths, namespaces and the `environment` label. */
  readonly name: string;
  /**
   * Namespace the environment's workloads run in (the notes: one namespace per environment).
   * @default - the environment name
   */
  readonly namespace?: string;
  /** Replicas of a stateless workload when neither the stack nor an autoscaler decides. */
  readonly replicas: number;
  /**
   * Factor applied to resource size presets (1 = the preset as written).
   * @default 1
   */
  readonly resourceScale?: number;
  /** DNS domain under which Ingress hosts are made, e.g. `dev.example.com`. */
  readonly baseDomain: string;
  /**
   * Which image references are accepted.
   * @default ImagePolicy.TAGGED
   */
  readonly imagePolicy?: ImagePolicy;
  /**
   * The Pod Security Standards level namespaces enforce and workloads must meet.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Autoscaling bounds; `undefined` turns autoscaling off (workloads run fixed replicas).
   * @default - autoscaling off
   */
  readonly autoscaling?: AutoscalingPolicy;
  /**
   * Whether workloads with two or more replicas get a PodDisruptionBudget and spread across nodes.
   * @default false
   */
  readonly highAvailability?: boolean;
  /**
   * How Argo CD syncs this environment.
   * @default SyncPolicy.AUTOMATED
   */
  readonly sync?: SyncPolicy;
}

/** Runtime shape of {@link EnvironmentProps}; ranges are checked by {@link Environment.problems}. @internal */
export const EnvironmentPropsSchema = z.strictObject({
  name: str,
  namespace: str.optional(),
  replicas: num,
  resourceScale: num.optional().describe('use 1 for presets as written, 0.5 for half size'),
  baseDomain: str.describe('give the DNS domain ingress hosts are made under, e.g. "dev.example.com"'),
  imagePolicy: oneOf(ImagePolicy).optional(),
  podSecurity: oneOf(PodSecurityLevel).optional(),
  autoscaling: z.strictObject({ minReplicas: num, maxReplicas: num }).optional(),
  highAvailability: bool.optional(),
  sync: oneOf(SyncPolicy).optional(),
});

/** Defaults shared by the presets; each preset states only what makes it different. */
/** Props of the presets (`Environment.dev()`, ...): an EnvironmentProps whose name defaults to the preset's. */
export type PresetProps = Omit<EnvironmentProps, 'name'> & {
  /**
   * Name of the environment.
   * @default - the preset's: 'dev', 'qa', 'stage' or 'prod'
   */
  readonly name?: string;
};

/**
 * A deployment environment (dev, stage, prod, ...): the typed profile every construct reads.
 *
 * Use the presets (`Environment.dev()`, `.qa()`, `.stage()`, `.prod()`) or `Environment.of()`.
 */
export class Environment {
  /** Small and fast to iterate: one replica, half-size resources, no autoscaling. */
  public static dev(props: Partial<PresetProps> & { readonly baseDomain: string }): Environment {
    return Environment.of({ name: 'dev', replicas: 1, resourceScale: 0.5, ...props });
  }

  /** Like stage, for testers: one replica, autoscaling 1..3. */
  public static qa(props: Partial<PresetProps> & { readonly baseDomain: string }): Environment {
    return Environment.of({ name: 'qa', replicas: 1, resourceScale: 0.5, autoscaling: { minReplicas: 1, maxReplicas: 3 }, ...props });
  }

  /** Production-shaped: two replicas, autoscaling 2..5, disruption budgets and spread. */
  public static stage(props: Partial<PresetProps> & { readonly baseDomain: string }): Environment {
    return Environment.of({
      name: 'stage',
      replicas: 2,
      autoscaling: { minReplicas: 2, maxReplicas: 5 },
      highAvailability: true,
      ...props,
    });
  }

  /** Production: three replicas, immutable images, autoscaling 3..10, manual sync. */
  public static prod(props: Partial<PresetProps> & { readonly baseDomain: string }): Environment {
    return Environment.of({
      name: 'prod',
      replicas: 3,
      resourceScale: 1,
      imagePolicy: ImagePolicy.IMMUTABLE,
      autoscaling: { minReplicas: 3, maxReplicas: 10 },
      highAvailability: true,
      sync: SyncPolicy.MANUAL,
      ...props,
    });
  }

  /** An environment from explicit props. */
  public static of(props: EnvironmentProps): Environment {
    return new Environment(props);
  }

  /** Name: output folder and `environment` label. */
  public readonly name: string;
  /** Namespace of the objects (default: the name). */
  public readonly namespace: string;
  /** Replicas of a stateless workload. */
  public readonly replicas: number;
  /** Factor applied to resource presets. */
  public readonly resourceScale: number;
  /** Domain ingress hosts are made under. */
  public readonly baseDomain: string;
  /** Which image references are accepted. */
  public readonly imagePolicy: ImagePolicy;
  /** Pod Security Standards level workloads must meet. */
  public readonly podSecurity: PodSecurityLevel;
  /** Replica bounds of autoscaled workloads; undefined when autoscaling is off. */
  public readonly autoscaling?: AutoscalingPolicy;
  /** Whether workloads of 2+ replicas get disruption budgets and spreading. */
  public readonly highAvailability: boolean;
  /** How Argo CD syncs the environment. */
  public readonly sync: SyncPolicy;

  /** What the runtime check of the props found; such an environment is refused by the platform. */
  private readonly invalid: Problem[];

  private constructor(given: EnvironmentProps) {
    this.invalid = schemaProblems(EnvironmentPropsSchema, given, 'environment.');
    // Refused props are kept only as far as they are usable, so that the refusal can name the environment.
    const props: EnvironmentProps = this.invalid.length
      ? { name: typeof given?.name === 'string' ? given.name : 'environment', replicas: 1, baseDomain: 'invalid' }
      : given;
    this.name = props.name;
    this.namespace = props.namespace ?? props.name;
    this.replicas = props.replicas;
    this.resourceScale = props.resourceScale ?? 1;
    this.baseDomain = props.baseDomain;
    this.imagePolicy = props.imagePolicy ?? ImagePolicy.TAGGED;
    this.podSecurity = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    this.autoscaling = props.autoscaling;
    this.highAvailability = props.highAvailability ?? false;
    this.sync = props.sync ?? SyncPolicy.AUTOMATED;
  }

  /** Whether autoscalers may be attached in this environment. */
  public get autoscalingEnabled(): boolean {
    return this.autoscaling !== undefined;
  }

  /** A host name under the environment's base domain, e.g. `host('journal')` → `journal.dev.example.com`. */
  public host(subdomain: string): string {
    return `${subdomain}.${this.baseDomain}`;
  }

  /** Problems with this profile itself; reported by the platform before anything is synthesized. */
  public problems(): Problem[] {
    if (this.invalid.length) return this.invalid;
    const problems: Problem[] = [
      ...Names.dnsLabel('environment.name', this.name),
      ...Names.dnsLabel('environment.namespace', this.namespace),
      ...Names.dnsSubdomain('environment.baseDomain', this.baseDomain),
    ];
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      problems.push({ field: 'environment.replicas', value: this.replicas, message: 'must be a whole number >= 1', fix: 'set replicas to 1 or more' });
    }
    if (!(this.resourceScale > 0)) {
      problems.push({ field: 'environment.resourceScale', value: this.resourceScale, message: 'must be > 0', fix: 'use 1 for presets as written, 0.5 for half size' });
    }
    const a = this.autoscaling;
    if (a && (!Number.isInteger(a.minReplicas) || a.minReplicas < 1 || !Number.isInteger(a.maxReplicas) || a.maxReplicas < a.minReplicas)) {
      problems.push({
        field: 'environment.autoscaling',
        value: a,
        message: 'needs whole numbers with 1 <= minReplicas <= maxReplicas',
        fix: 'e.g. { minReplicas: 2, maxReplicas: 5 }',
      });
    }
    return problems;
  }
}
