import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { applyHighAvailability, DisruptionBudget } from './disruption-budget';
import { storageClassNameProblems, VolumeClaimTemplate } from '../storage/persistent-volume-claim';
import { Problem } from '../core/problem';
import { Service, ServicePort, ServicePortSchema } from '../network/service';
import { Workload, WorkloadProps, WorkloadPropsSchema } from './workload';
import { z } from 'zod';
import { bool, checkArguments, instanceOf, num, oneOf, refusedArgumentsOf, schemaProblems, str } from '../core/schema';

const ROLLING_UPDATE_OPTIONS = z.strictObject({ partition: num.optional() });

/** The order in which members are created and removed. */
export enum PodManagementPolicy {
  /** One at a time, 0 to n-1, each after the previous one is ready; removal in reverse (the notes, 001). */
  ORDERED_READY = 'OrderedReady',
  /** All at once: for members that find each other themselves (e.g. gossip clusters). */
  PARALLEL = 'Parallel',
}

/** How members are replaced when the pod template changes (the notes, 001). */
export class StatefulSetUpdateStrategy {
  /**
   * Replace members one at a time from the highest ordinal down. Members below `partition`
   * keep the old template: a canary of the highest ordinals, or a pause with partition = replicas.
   */
  public static rollingUpdate(options: { readonly partition?: number } = {}): StatefulSetUpdateStrategy {
    const refused = schemaProblems(ROLLING_UPDATE_OPTIONS, options, '', 'options');
    return checkArguments(new StatefulSetUpdateStrategy('RollingUpdate', refused.length ? undefined : options.partition), refused);
  }

  /** Replace a member only when it is deleted by hand (databases whose members need care). */
  public static onDelete(): StatefulSetUpdateStrategy {
    return new StatefulSetUpdateStrategy('OnDelete');
  }

  /**
   * @param type The Kubernetes strategy type.
   * @param partition Pods with an ordinal below it keep the old revision.
   */
  private constructor(public readonly type: 'RollingUpdate' | 'OnDelete', public readonly partition?: number) {}

  /** The value as the Kubernetes API takes it (a cdk8s-plus-27 `k8s` type), e.g. for escape hatches. */
  public toK8s(): k8s.StatefulSetUpdateStrategy {
    return { type: this.type, rollingUpdate: this.partition === undefined ? undefined : { partition: this.partition } };
  }
}

/** What happens to the members' claims (the notes, 001: by default they outlive the set). */
export enum ClaimRetention {
  /** Keep the claims and their data. */
  RETAIN = 'Retain',
  /** Delete the claims (and, with a Delete reclaim policy, the data). */
  DELETE = 'Delete',
}

/** A Service for clients of the set (reads from any ready member). */
export interface ClientServiceOptions {
  /**
   * Object name.
   * @default - `<name>-read`
   */
  readonly name?: string;
  /**
   * Ports.
   * @default - the headless Service's ports
   */
  readonly ports?: ServicePort[];
}

/** Props of a {@link StatefulSet}. */
export interface StatefulSetProps extends WorkloadProps {
  /** Named ports of the headless Service that gives members their DNS names; at least one. */
  readonly ports: ServicePort[];
  /**
   * Members. Not taken from the environment: the member count is part of the data topology
   * (one redis, a primary and two replicas).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Whether a high-availability environment gives the pods the automatic PodDisruptionBudget
   * (one pod down at a time). `false` when the workload has its own {@link DisruptionBudget}:
   * two budgets over the same pods make the eviction API refuse every eviction, and are refused.
   * @default true - a budget in a `highAvailability` environment with 2+ replicas
   */
  readonly disruptionBudget?: boolean;
  /**
   * Name of the headless Service (the domain of the member DNS names).
   * @default - the StatefulSet's name
   */
  readonly serviceName?: string;
  /**
   * Publish members in DNS before they are ready, so that peers can find each other while
   * they start (cluster bootstrap).
   * @default false
   */
  readonly publishNotReadyAddresses?: boolean;
  /**
   * A normal (cluster IP) Service for clients, balancing over all ready members.
   * @default - none: clients use the member DNS names
   */
  readonly clientService?: ClientServiceOptions;
  /**
   * Per-member storage; mount each template's `volume` in a container.
   * @default - none
   */
  readonly volumeClaimTemplates?: VolumeClaimTemplate[];
  /**
   * What happens to the claims when the StatefulSet is deleted.
   * @default ClaimRetention.RETAIN (Kubernetes' default)
   */
  readonly claimsWhenDeleted?: ClaimRetention;
  /**
   * What happens to the claims of members removed by scaling down.
   * @default ClaimRetention.RETAIN (Kubernetes' default: a member scaled up again finds its data)
   */
  readonly claimsWhenScaled?: ClaimRetention;
  /**
   * Order of member creation and removal.
   * @default PodManagementPolicy.ORDERED_READY
   */
  readonly podManagementPolicy?: PodManagementPolicy;
  /**
   * How members are replaced on a template change.
   * @default StatefulSetUpdateStrategy.rollingUpdate()
   */
  readonly updateStrategy?: StatefulSetUpdateStrategy;
  /**
   * Seconds a new member must be ready before it counts as available.
   * @default 0
   */
  readonly minReadySeconds?: number;
  /**
   * Old revisions kept for rollback.
   * @default - Kubernetes' 10
   */
  readonly revisionHistoryLimit?: number;
}

/** Runtime shape of {@link StatefulSetProps}; ranges and names are checked at synth. @internal */
export const StatefulSetPropsSchema = z.strictObject({
  disruptionBudget: z.boolean().optional(),
  ...WorkloadPropsSchema.shape,
  ports: z.array(ServicePortSchema).describe('give the named ports of the headless Service, e.g. [{ port: 6379, name: "redis" }]'),
  replicas: num.optional(),
  serviceName: str.optional(),
  publishNotReadyAddresses: bool.optional(),
  clientService: z.strictObject({ name: str.optional(), ports: z.array(ServicePortSchema).optional() }).optional(),
  volumeClaimTemplates: z.array(instanceOf(VolumeClaimTemplate, 'a VolumeClaimTemplate', 'use VolumeClaimTemplate.readWriteOnce("data", "1Gi")')).optional(),
  claimsWhenDeleted: oneOf(ClaimRetention).optional(),
  claimsWhenScaled: oneOf(ClaimRetention).optional(),
  podManagementPolicy: oneOf(PodManagementPolicy).optional(),
  updateStrategy: instanceOf(StatefulSetUpdateStrategy, 'a StatefulSetUpdateStrategy', 'use StatefulSetUpdateStrategy.rollingUpdate({ partition }) or StatefulSetUpdateStrategy.onDelete()').optional(),
  minReadySeconds: num.optional(),
  revisionHistoryLimit: num.optional(),
});

/**
 * A stateful workload (the notes, 001 and 002): members with a stable ordinal, a stable DNS name
 * from their headless Service and their own storage. Emits the headless Service with the
 * StatefulSet, an optional client Service, and (with two or more members in a
 * `highAvailability` environment) a PodDisruptionBudget and a soft spread across nodes.
 */
export class StatefulSet extends Workload implements kplus.IScalable {
  /** The StatefulSet object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  /** The headless Service named in `spec.serviceName`. */
  public readonly headlessService: Service;
  /** The client Service, when asked for. */
  public readonly clientService?: Service;
  /** The PodDisruptionBudget, when the environment asks for high availability. */
  public readonly disruptionBudget?: DisruptionBudget;
  private replicaCount: number | undefined;
  private readonly setProps: StatefulSetProps;
  private readonly claims: VolumeClaimTemplate[];
  private readonly wiredOrdinals = new Set<number>();

  constructor(scope: Construct, id: string, props: StatefulSetProps) {
    super(scope, id, props, StatefulSetPropsSchema);
    this.setProps = props;
    this.replicaCount = props.replicas ?? 1;
    this.claims = [...(props.volumeClaimTemplates ?? [])];
    this.headlessService = new Service(this, 'Headless', {
      target: this,
      name: props.serviceName ?? this.name,
      ports: props.ports,
      headless: true,
      publishNotReadyAddresses: props.publishNotReadyAddresses,
    });
    this.apiObject = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        serviceName: this.headlessService.name,
        replicas: Lazy.any({ produce: () => this.replicaCount }),
        selector: { matchLabels: this.selector },
        podManagementPolicy: props.podManagementPolicy,
        updateStrategy: props.updateStrategy?.toK8s(),
        minReadySeconds: props.minReadySeconds,
        revisionHistoryLimit: props.revisionHistoryLimit,
        template: Lazy.any({ produce: () => this.template() }),
        volumeClaimTemplates: this.claims.length ? this.claims.map((c) => c.toK8s()) : undefined,
        persistentVolumeClaimRetentionPolicy: props.claimsWhenDeleted || props.claimsWhenScaled
          ? { whenDeleted: props.claimsWhenDeleted, whenScaled: props.claimsWhenScaled }
          : undefined,
      },
    });
    if (props.clientService) {
      this.clientService = new Service(this, 'Client', {
        target: this,
        name: props.clientService.name ?? `${this.name}-read`,
        ports: props.clientService.ports ?? props.ports,
      });
    }
    this.disruptionBudget = applyHighAvailability(this, this.replicaCount, props.disruptionBudget ?? true);
  }

  /** Members the StatefulSet asks for; `undefined` once an autoscaler owns the count. */
  public get replicas(): number | undefined {
    return this.replicaCount;
  }

  /** Hands the member count to an autoscaler: `spec.replicas` is left out. */
  public releaseReplicas(): void {
    this.replicaCount = undefined;
  }

  /** Whether an autoscaler owns the replica count (cdk8s-plus-27 `IScalable`). */
  public get hasAutoscaler(): boolean {
    return this.replicaCount === undefined;
  }

  /** Called by a cdk8s-plus-27 HorizontalPodAutoscaler that targets this workload: releases the replicas. */
  public markHasAutoscaler(): void {
    this.releaseReplicas();
  }

  /** What a cdk8s-plus-27 HorizontalPodAutoscaler reads of its target. */
  public toScalingTarget(): kplus.ScalingTarget {
    return this.scalingTarget(this.replicaCount);
  }

  /**
   * The stable DNS name of one member, `<name>-<ordinal>.<service>.<namespace>.svc.cluster.local`,
   * e.g. to point replicas at the primary (ordinal 0). An ordinal beyond the members is refused.
   */
  public memberDnsName(ordinal: number): string {
    this.wiredOrdinals.add(ordinal);
    if (typeof ordinal !== 'number') return '';
    return `${this.name}-${ordinal}.${this.headlessService.dnsName}`;
  }

  /** The pod template; claim template volumes are left to `volumeClaimTemplates`. */
  private template(): k8s.PodTemplateSpec {
    const template = this.pod.toK8s(this.environment, this.labels);
    const claimNames = new Set(this.claims.map((c) => c.name));
    const volumes = (template.spec?.volumes ?? []).filter((v) => !claimNames.has(v.name));
    return { ...template, spec: { ...template.spec!, volumes: volumes.length ? volumes : undefined } };
  }

  protected workloadProblems(): Problem[] {
    const p = this.setProps;
    const problems: Problem[] = [];
    const r = this.replicaCount;
    if (r !== undefined && (!Number.isInteger(r) || r < 0)) {
      problems.push({ field: 'replicas', value: r, message: 'must be a whole number >= 0', fix: 'set the number of members' });
    }
    for (const [name, value] of [['minReadySeconds', p.minReadySeconds], ['revisionHistoryLimit', p.revisionHistoryLimit]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
        problems.push({ field: name, value, message: 'must be a whole number >= 0', fix: `set ${name} to 0 or more, or leave it out` });
      }
    }
    problems.push(...refusedArgumentsOf(p.updateStrategy, 'updateStrategy'));
    const partition = p.updateStrategy?.partition;
    if (partition !== undefined && (!Number.isInteger(partition) || partition < 0)) {
      problems.push({ field: 'updateStrategy.partition', value: partition, message: 'must be a whole number >= 0', fix: 'use 0 to update every member' });
    } else if (partition !== undefined && r !== undefined && partition > r) {
      problems.push({ field: 'updateStrategy.partition', value: partition, message: `is above the member count (${r}), so no member is ever updated`, fix: `use at most ${r}; members with an ordinal >= partition are updated` });
    }
    problems.push(...this.claimProblems());
    // SRV records (_<port>._tcp.<service>) exist only for named ports.
    p.ports.forEach((port, i) => {
      if (!port.name && typeof port.targetPort !== 'string') {
        problems.push({ field: `ports[${i}].name`, value: port.port, message: 'is missing: members are found by named ports (DNS SRV records)', fix: 'name the port, e.g. "redis" (or waive PLT076 with a reason)', rule: 'PLT076' });
      }
    });
    for (const ordinal of this.wiredOrdinals) {
      if (!Number.isInteger(ordinal) || ordinal < 0 || (r !== undefined && ordinal >= r)) {
        problems.push({
          field: 'memberDnsName',
          value: ordinal,
          message: `names a member that does not exist (members are 0-${(r ?? 1) - 1})`,
          fix: 'wire to an ordinal below replicas, e.g. 0 for the primary',
        });
      }
    }
    return problems;
  }

  private claimProblems(): Problem[] {
    const problems: Problem[] = [];
    const mounted = new Map(this.pod.allVolumes().map((v) => [v.name, v]));
    const names = new Set<string>();
    this.claims.forEach((claim, i) => {
      const field = `volumeClaimTemplates[${i}]`;
      problems.push(...claim.problems(`${field}.`));
      problems.push(...storageClassNameProblems(this, claim.props.storageClassName, `${field}.storageClassName`));
      if (names.has(claim.name)) {
        problems.push({ field: `${field}.name`, value: claim.name, message: 'is the name of another claim template', fix: 'give each claim template its own name' });
      }
      names.add(claim.name);
      const volume = mounted.get(claim.name);
      if (!volume) {
        problems.push({ field: `${field}.name`, value: claim.name, message: 'is not mounted by any container, so every member gets a claim it never uses', fix: 'mount the template\'s volume in a container, or remove the template' });
      } else if (volume !== claim.volume) {
        problems.push({ field: `${field}.name`, value: claim.name, message: 'is also the name of a pod volume', fix: 'rename the pod volume or the claim template' });
      }
    });
    return problems;
  }
}
