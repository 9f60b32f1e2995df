import { k8s } from 'cdk8s-plus-27';
import { z } from 'zod';
import { Problem } from '../core/problem';
import { checkArguments, instanceOf, num, refusedArgumentsOf, schemaProblems } from '../core/schema';
import { rollingUpdateProblems } from '../policy/checks/workload-settings';

/** A pod count for rolling updates: absolute, or a percentage of the replicas. */
export class PodCount {
  /** A number of pods. */
  public static count(pods: number): PodCount {
    return checkArguments(new PodCount(pods, false), schemaProblems(num.describe('give a whole number of pods, e.g. 1'), pods, '', ''));
  }
  /** A percentage of the desired replicas (Kubernetes rounds surge up and unavailable down). */
  public static percent(percent: number): PodCount {
    return checkArguments(new PodCount(percent, true), schemaProblems(num.describe('give a whole percentage, e.g. 25'), percent, '', ''));
  }

  /**
   * @param value The number, or the percentage.
   * @param isPercent Whether `value` is a percentage.
   */
  private constructor(public readonly value: number, public readonly isPercent: boolean) {}

  /** Whether this is zero pods. */
  public get isZero(): boolean {
    return this.value === 0;
  }

  /** The count as written in the API: `25%` or `1`. */
  public toString(): string {
    const value = typeof this.value === 'number' ? String(this.value) : 'invalid';
    return this.isPercent ? `${value}%` : value;
  }

  /** What is wrong with this value, fields named under `field`; empty when it is valid. */
  public problems(field: string): Problem[] {
    const refused = refusedArgumentsOf(this, field);
    if (refused.length) return refused;
    const max = this.isPercent ? 100 : Infinity;
    if (!Number.isInteger(this.value) || this.value < 0 || this.value > max) {
      return [{ field, value: this.toString(), message: this.isPercent ? 'must be a whole percentage 0-100' : 'must be a whole number >= 0', fix: 'e.g. PodCount.count(1) or PodCount.percent(25)' }];
    }
    return [];
  }

  /** The value as the Kubernetes API takes it (a cdk8s-plus-27 `k8s` type), e.g. for escape hatches. */
  public toK8s(): k8s.IntOrString {
    return this.isPercent ? k8s.IntOrString.fromString(this.toString()) : k8s.IntOrString.fromNumber(this.value);
  }
}

/** A pod count, as props take it. @internal */
export const PodCountSchema = instanceOf(PodCount, 'a PodCount', 'use PodCount.count(1) or PodCount.percent(25)');

/** Runtime shape of {@link RollingUpdateOptions}. @internal */
export const RollingUpdateOptionsSchema = z.strictObject({ maxSurge: PodCountSchema.optional(), maxUnavailable: PodCountSchema.optional() });

/** Options of a rolling update. */
export interface RollingUpdateOptions {
  /**
   * Pods allowed above the desired count during the update.
   * @default PodCount.percent(25)
   */
  readonly maxSurge?: PodCount;
  /**
   * Pods allowed below the desired count during the update.
   * @default PodCount.percent(25)
   */
  readonly maxUnavailable?: PodCount;
}

/**
 * How a Deployment replaces its pods (the notes, 001): a rolling update, where old and new
 * versions serve side by side, or recreate, where every old pod stops before a new one starts.
 */
export class DeploymentStrategy {
  /** Replace pods a few at a time; only for apps whose old and new versions can run together. */
  public static rollingUpdate(options: RollingUpdateOptions = {}): DeploymentStrategy {
    const refused = schemaProblems(RollingUpdateOptionsSchema, options, '', 'options');
    return checkArguments(new DeploymentStrategy('RollingUpdate', refused.length ? {} : options), refused);
  }

  /** Stop all old pods, then start the new ones: a short outage, never two versions at once. */
  public static recreate(): DeploymentStrategy {
    return new DeploymentStrategy('Recreate', {});
  }

  /**
   * @param type The Kubernetes strategy type.
   */
  private constructor(public readonly type: 'RollingUpdate' | 'Recreate', private readonly options: RollingUpdateOptions) {}

  /** What is wrong with this value, fields named under `field`; empty when it is valid. */
  public problems(field: string): Problem[] {
    const refused = refusedArgumentsOf(this, field);
    if (refused.length) return refused;
    const { maxSurge, maxUnavailable } = this.options;
    const problems = [...(maxSurge?.problems(`${field}.maxSurge`) ?? []), ...(maxUnavailable?.problems(`${field}.maxUnavailable`) ?? [])];
    // The same code as the engine's PLT075.
    problems.push(...rollingUpdateProblems(maxSurge?.toString(), maxUnavailable?.toString(), field));
    return problems;
  }

  /** The value as the Kubernetes API takes it (a cdk8s-plus-27 `k8s` type), e.g. for escape hatches. */
  public toK8s(): k8s.DeploymentStrategy {
    const { maxSurge, maxUnavailable } = this.options;
    return {
      type: this.type,
      rollingUpdate: this.type === 'RollingUpdate' && (maxSurge || maxUnavailable)
        ? { maxSurge: maxSurge?.toK8s(), maxUnavailable: maxUnavailable?.toK8s() }
        : undefined,
    };
  }
}
