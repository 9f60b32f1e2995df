import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { applyHighAvailability, DisruptionBudget } from './disruption-budget';
import { Problem } from '../core/problem';
import { DeploymentStrategy } from './rollout';
import { Workload, WorkloadProps, WorkloadPropsSchema } from './workload';
import { z } from 'zod';
import { instanceOf, num } from '../core/schema';

/** Props of a {@link Deployment}. */
export interface DeploymentProps extends WorkloadProps {
  /**
   * Fixed replica count.
   * @default - the environment's replicas
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
   * How pods are replaced on an update.
   * @default - Kubernetes' rolling update (maxSurge 25%, maxUnavailable 25%)
   */
  readonly strategy?: DeploymentStrategy;
  /**
   * Seconds an update may go without progress before it is reported failed.
   * @default - Kubernetes' 600
   */
  readonly progressDeadlineSeconds?: number;
  /**
   * Old ReplicaSets kept for `kubectl rollout undo`.
   * @default - Kubernetes' 10
   */
  readonly revisionHistoryLimit?: number;
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default 0
   */
  readonly minReadySeconds?: number;
}

/** Runtime shape of {@link DeploymentProps}; ranges are checked at synth. @internal */
export const DeploymentPropsSchema = z.strictObject({
  disruptionBudget: z.boolean().optional(),
  ...WorkloadPropsSchema.shape,
  replicas: num.optional(),
  strategy: instanceOf(DeploymentStrategy, 'a DeploymentStrategy', 'use DeploymentStrategy.rollingUpdate({ maxUnavailable: PodCount.count(1) }) or DeploymentStrategy.recreate()').optional(),
  progressDeadlineSeconds: num.optional(),
  revisionHistoryLimit: num.optional(),
  minReadySeconds: num.optional(),
});

/**
 * A stateless workload: a Deployment whose pods are interchangeable (the notes, 002). With two
 * or more replicas in a `highAvailability` environment it gets a PodDisruptionBudget and spreads
 * its pods across nodes.
 */
export class Deployment extends Workload implements kplus.IScalable {
  /** The Deployment object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  /** The PodDisruptionBudget, when the environment asks for high availability. */
  public readonly disruptionBudget?: DisruptionBudget;
  private replicaCount: number | undefined;
  private readonly deploymentProps: DeploymentProps;

  constructor(scope: Construct, id: string, props: DeploymentProps) {
    super(scope, id, props, DeploymentPropsSchema);
    this.deploymentProps = props;
    this.replicaCount = props.replicas ?? this.environment.replicas;
    this.apiObject = new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas: Lazy.any({ produce: () => this.replicaCount }),
        selector: { matchLabels: this.selector },
        strategy: props.strategy?.toK8s(),
        minReadySeconds: props.minReadySeconds,
        progressDeadlineSeconds: props.progressDeadlineSeconds,
        revisionHistoryLimit: props.revisionHistoryLimit,
        template: Lazy.any({ produce: () => this.pod.toK8s(this.environment, this.labels) }),
      },
    });
    this.disruptionBudget = applyHighAvailability(this, this.replicaCount, props.disruptionBudget ?? true);
  }

  /** Replicas the Deployment asks for; `undefined` once an autoscaler owns the count. */
  public get replicas(): number | undefined {
    return this.replicaCount;
  }

  /**
   * Hands the replica count to a controller (an autoscaler): `spec.replicas` is left out, so
   * Argo CD and the controller do not fight over it.
   */
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

  protected workloadProblems(): Problem[] {
    const p = this.deploymentProps;
    const problems: Problem[] = [...(p.strategy?.problems('strategy') ?? [])];
    const r = this.replicaCount;
    if (r !== undefined && (!Number.isInteger(r) || r < 0)) {
      problems.push({ field: 'replicas', value: r, message: 'must be a whole number >= 0', fix: 'set replicas to 0 or more, or leave it to the environment' });
    }
    for (const [name, value, min] of [['progressDeadlineSeconds', p.progressDeadlineSeconds, 1], ['revisionHistoryLimit', p.revisionHistoryLimit, 0], ['minReadySeconds', p.minReadySeconds, 0]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < min)) {
        problems.push({ field: name, value, message: `must be a whole number >= ${min}`, fix: `set ${name} to ${min} or more, or leave it out` });
      }
    }
    if (p.progressDeadlineSeconds !== undefined && p.progressDeadlineSeconds <= (p.minReadySeconds ?? 0)) {
      problems.push({
        field: 'progressDeadlineSeconds',
        value: p.progressDeadlineSeconds,
        message: `must be above minReadySeconds (${p.minReadySeconds ?? 0}), or every update is reported failed`,
        fix: 'raise progressDeadlineSeconds (Kubernetes default 600)',
      });
    }
    return problems;
  }
}
