import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Deployment } from './deployment';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { replicaRangeProblems } from '../policy/checks/replicas';
import { parseQuantity } from '../core/quantity';
import { RenderedJson } from '../core/rendered-json';
import { StatefulSet } from './stateful-set';
import { Workload } from './workload';

/** The value a non-resource metric is compared with. */
export class MetricTarget {
  /** The metric's value itself (one number for the described object or external source). */
  public static value(quantity: string): MetricTarget {
    return new MetricTarget('Value', quantity);
  }

  /** The metric's value divided by the number of pods. */
  public static averageValue(quantity: string): MetricTarget {
    return new MetricTarget('AverageValue', quantity);
  }

  private constructor(public readonly type: 'Value' | 'AverageValue', public readonly quantity: string) {}

  public toK8s(): k8s.MetricTargetV2 {
    const q = k8s.Quantity.fromString(this.quantity);
    return this.type === 'Value' ? { type: 'Value', value: q } : { type: 'AverageValue', averageValue: q };
  }
}

/** A metric an autoscaler scales on (autoscaling/v2). */
export class Metric {
  /** Average CPU use as a percentage of the CPU request (needs CPU requests on every container). */
  public static cpuUtilization(percent: number): Metric {
    return new Metric({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } } }, 'cpu', percent);
  }

  /** Average memory use as a percentage of the memory request (needs memory requests on every container). */
  public static memoryUtilization(percent: number): Metric {
    return new Metric({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: percent } } }, 'memory', percent);
  }

  /** Average CPU use per pod, as a quantity (`500m`); independent of requests. */
  public static cpuAverageValue(quantity: string): Metric {
    return new Metric({ type: 'Resource', resource: { name: 'cpu', target: MetricTarget.averageValue(quantity).toK8s() } }, undefined, undefined, [quantity]);
  }

  /** Average memory use per pod, as a quantity (`384Mi`); independent of requests. */
  public static memoryAverageValue(quantity: string): Metric {
    return new Metric({ type: 'Resource', resource: { name: 'memory', target: MetricTarget.averageValue(quantity).toK8s() } }, undefined, undefined, [quantity]);
  }

  /** A custom metric of the pods (e.g. `http_requests_per_second`), averaged over them. */
  public static pods(metricName: string, averageValue: string, selector?: Record<string, string>): Metric {
    return new Metric({
      type: 'Pods',
      pods: { metric: identifier(metricName, selector), target: MetricTarget.averageValue(averageValue).toK8s() },
    }, undefined, undefined, [averageValue], metricName);
  }

  /** A metric of another object of the namespace (e.g. requests per second of an Ingress). */
  public static object(describedObject: { readonly apiVersion: string; readonly kind: string; readonly name: string }, metricName: string, target: MetricTarget): Metric {
    return new Metric({
      type: 'Object',
      object: { describedObject, metric: identifier(metricName), target: target.toK8s() },
    }, undefined, undefined, [target.quantity], metricName);
  }

  /** A metric from outside the cluster (e.g. a queue length), through an external metrics adapter. */
  public static external(metricName: string, target: MetricTarget, selector?: Record<string, string>): Metric {
    return new Metric({
      type: 'External',
      external: { metric: identifier(metricName, selector), target: target.toK8s() },
    }, undefined, undefined, [target.quantity], metricName);
  }

  private constructor(
    private readonly spec: k8s.MetricSpecV2,
    /** The resource whose request a utilization metric is relative to. */
    public readonly utilizationOf?: 'cpu' | 'memory',
    private readonly percent?: number,
    private readonly quantities: string[] = [],
    private readonly metricName?: string,
  ) {}

  public problems(field: string): Problem[] {
    const problems: Problem[] = [];
    if (this.percent !== undefined && (!Number.isInteger(this.percent) || this.percent < 1)) {
      problems.push({ field, value: this.percent, message: 'utilization must be a whole percentage >= 1', fix: 'use e.g. 70 (percent of the request)' });
    }
    for (const q of this.quantities) {
      const v = parseQuantity(q);
      if (v === undefined || !(v > 0)) {
        problems.push({ field, value: q, message: 'must be a positive quantity', fix: 'write it as a Kubernetes quantity, e.g. "500m", "100", "256Mi"' });
      }
    }
    if (this.metricName !== undefined && this.metricName.trim() === '') {
      problems.push({ field, value: this.metricName, message: 'needs a metric name', fix: 'name the metric the metrics adapter serves' });
    }
    return problems;
  }

  public toK8s(): k8s.MetricSpecV2 {
    return this.spec;
  }
}

function identifier(name: string, selector?: Record<string, string>): k8s.MetricIdentifierV2 {
  return { name, selector: selector ? { matchLabels: selector } : undefined };
}

/** One limit on how fast replicas change. */
export interface ScalingPolicy {
  /** Count pods or a percentage of the current replicas. */
  readonly type: 'Pods' | 'Percent';
  /** How many pods (or percent) may change per period. */
  readonly value: number;
  /** Length of the period in seconds (1-1800). */
  readonly periodSeconds: number;
}

/** How one direction (up or down) scales. */
export interface ScalingRules {
  /**
   * Seconds of past recommendations considered; the most conservative wins (0-3600).
   * @default - Kubernetes' 0 for scale-up, 300 for scale-down
   */
  readonly stabilizationWindowSeconds?: number;
  /**
   * Limits on the rate of change.
   * @default - Kubernetes' defaults
   */
  readonly policies?: ScalingPolicy[];
  /**
   * Which policy applies when several do; `Disabled` turns the direction off.
   * @default 'Max'
   */
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled';
}

/** Scale-up and scale-down behaviour of an autoscaler. */
export class ScalingBehavior {
  /**
   * Scale down only after `windowSeconds` of lower load, then one pod a minute: no flapping
   * on bursty traffic. Scale-up stays immediate.
   */
  public static gentleScaleDown(windowSeconds = 300): ScalingBehavior {
    return new ScalingBehavior({ scaleDown: { stabilizationWindowSeconds: windowSeconds, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } });
  }

  /** Never scale down automatically (members that hold caches or connections); scale up as usual. */
  public static noScaleDown(): ScalingBehavior {
    return new ScalingBehavior({ scaleDown: { selectPolicy: 'Disabled' } });
  }

  /** Explicit rules. */
  public static of(rules: { readonly scaleUp?: ScalingRules; readonly scaleDown?: ScalingRules }): ScalingBehavior {
    return new ScalingBehavior(rules);
  }

  private constructor(public readonly rules: { readonly scaleUp?: ScalingRules; readonly scaleDown?: ScalingRules }) {}

  public problems(field: string): Problem[] {
    const problems: Problem[] = [];
    for (const direction of ['scaleUp', 'scaleDown'] as const) {
      const r = this.rules[direction];
      if (!r) continue;
      const w = r.stabilizationWindowSeconds;
      if (w !== undefined && (!Number.isInteger(w) || w < 0 || w > 3600)) {
        problems.push({ field: `${field}.${direction}.stabilizationWindowSeconds`, value: w, message: 'must be a whole number 0-3600', fix: 'use e.g. 300 (five minutes)' });
      }
      (r.policies ?? []).forEach((p, i) => {
        if (!Number.isInteger(p.value) || p.value < 1) {
          problems.push({ field: `${field}.${direction}.policies[${i}].value`, value: p.value, message: 'must be a whole number >= 1', fix: 'use selectPolicy Disabled to stop scaling in this direction' });
        }
        if (!Number.isInteger(p.periodSeconds) || p.periodSeconds < 1 || p.periodSeconds > 1800) {
          problems.push({ field: `${field}.${direction}.policies[${i}].periodSeconds`, value: p.periodSeconds, message: 'must be a whole number 1-1800', fix: 'use e.g. 60' });
        }
      });
    }
    return problems;
  }

  public toK8s(): k8s.HorizontalPodAutoscalerBehaviorV2 {
    return { scaleUp: this.rules.scaleUp, scaleDown: this.rules.scaleDown };
  }
}

/** Props of a {@link HorizontalPodAutoscaler}. */
export interface HorizontalPodAutoscalerProps {
  /** The Deployment or StatefulSet to scale; its `spec.replicas` is left to the autoscaler. */
  readonly target: Workload;
  /**
   * Lowest replica count.
   * @default - the environment's autoscaling.minReplicas
   */
  readonly minReplicas?: number;
  /**
   * Highest replica count.
   * @default - the environment's autoscaling.maxReplicas
   */
  readonly maxReplicas?: number;
  /**
   * What to scale on; the highest recommendation wins.
   * @default [Metric.cpuUtilization(80)] (the Kubernetes default, written out)
   */
  readonly metrics?: Metric[];
  /**
   * Rate limits and stabilization of scaling.
   * @default - Kubernetes' behaviour (immediate scale-up, 300 s scale-down window)
   */
  readonly behavior?: ScalingBehavior;
  /**
   * Object name.
   * @default - the target's name
   */
  readonly name?: string;
}

/**
 * Scales a stateless tier on load (the notes, 001: metrics-server and HPA), autoscaling/v2.
 * Attaching it removes `spec.replicas` from the target, so Argo CD does not reset what the
 * autoscaler chose. Environments without autoscaling refuse it: use {@link ifEnabled}.
 */
export class HorizontalPodAutoscaler extends Construct {
  /**
   * An autoscaler where the environment enables autoscaling; elsewhere nothing, and the target
   * keeps its fixed replicas. The usual way for stacks that run in every environment.
   */
  public static ifEnabled(scope: Construct, id: string, props: HorizontalPodAutoscalerProps): HorizontalPodAutoscaler | undefined {
    return props.target.environment.autoscalingEnabled ? new HorizontalPodAutoscaler(scope, id, props) : undefined;
  }

  public readonly name: string;
  public readonly minReplicas?: number;
  public readonly maxReplicas?: number;
  /** The HorizontalPodAutoscaler object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: HorizontalPodAutoscalerProps) {
    super(scope, id);
    const target = props.target;
    const environment = target.environment;
    this.name = props.name ?? target.name;
    this.minReplicas = props.minReplicas ?? environment.autoscaling?.minReplicas;
    this.maxReplicas = props.maxReplicas ?? environment.autoscaling?.maxReplicas;
    const metrics = props.metrics ?? [Metric.cpuUtilization(80)];
    const scalable = target instanceof Deployment || target instanceof StatefulSet ? target : undefined;
    scalable?.releaseReplicas();
    this.apiObject = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { name: this.name, labels: target.labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: scalable instanceof StatefulSet ? 'StatefulSet' : 'Deployment', name: target.name },
        minReplicas: this.minReplicas,
        // Missing bounds are refused below; 0 only keeps the object well-formed until then.
        maxReplicas: this.maxReplicas ?? 0,
        metrics: metrics.map((m) => m.toK8s()),
        behavior: props.behavior?.toK8s(),
      },
    });
    addProblems(this, () => {
      const problems: Problem[] = [...Names.dnsSubdomain('name', this.name)];
      if (!environment.autoscalingEnabled) {
        problems.push({
          field: 'target',
          value: target.name,
          message: `is autoscaled, but environment ${environment.name} turns autoscaling off`,
          fix: 'create it with HorizontalPodAutoscaler.ifEnabled(...) so the target keeps fixed replicas there, or give the environment an autoscaling profile',
        });
      }
      if (!scalable) {
        problems.push({
          field: 'target',
          value: `${target.constructor.name}/${target.name}`,
          message: 'cannot be scaled by an autoscaler (only a Deployment or StatefulSet has a replica count)',
          fix: 'point the autoscaler at a Deployment or StatefulSet; scale Jobs with parallelism',
        });
      }
      problems.push(...this.replicaProblems());
      if (metrics.length === 0) {
        problems.push({ field: 'metrics', value: [], message: 'is empty', fix: 'leave metrics out for CPU utilization 80%, or list the metrics to scale on' });
      }
      metrics.forEach((m, i) => problems.push(...m.problems(`metrics[${i}]`)));
      problems.push(...(props.behavior?.problems('behavior') ?? []));
      if (scalable) {
        problems.push(...requestProblems(scalable, metrics));
      }
      return problems;
    });
  }

  private replicaProblems(): Problem[] {
    return replicaRangeProblems(this.minReplicas, this.maxReplicas, '', 'set maxReplicas, or give the environment an autoscaling profile');
  }
}

/**
 * Utilization is a percentage of the request: each utilization metric needs the request on
 * every main container of the target, as rendered (escape-hatch patches included).
 */
function requestProblems(target: Deployment | StatefulSet, metrics: Metric[]): Problem[] {
  const containers: any[] = RenderedJson.of(target.apiObject)?.spec?.template?.spec?.containers ?? [];
  return metrics.flatMap((m, i) => (m.utilizationOf === undefined ? [] : containers
    .filter((c) => c?.resources?.requests?.[m.utilizationOf!] === undefined)
    .map((c) => ({
      field: `metrics[${i}]`,
      value: `${m.utilizationOf} utilization`,
      message: `is relative to the ${m.utilizationOf} request, but container ${c.name} of ${target.name} has none, so the autoscaler never scales`,
      fix: `give container ${c.name} a ${m.utilizationOf} request (resources: Resources.preset(...)), or use Metric.${m.utilizationOf}AverageValue(...)`,
    }))));
}
