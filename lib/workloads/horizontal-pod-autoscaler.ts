import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { Deployment } from './deployment';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { replicaRangeProblems } from '../policy/checks/replicas';
import { parseQuantity } from '../core/quantity';
import { RenderedJson } from '../core/rendered-json';
import { StatefulSet } from './stateful-set';
import { Workload, ScalableSchema } from './workload';
import { z } from 'zod';
import { argumentProblems, checkArguments, checkProps, constructId, instanceOf, num, parseOptions, refusedArgumentsOf, schemaProblems, str, stringMap } from '../core/schema';

const QUANTITY_ARG = str.describe('write it as a Kubernetes quantity string, e.g. "500m", "100", "256Mi"');
const SELECTOR_ARG = stringMap.optional();
const DESCRIBED_OBJECT_ARG = z.strictObject({ apiVersion: str, kind: str, name: str });

/** The value a non-resource metric is compared with. */
export class MetricTarget {
  /** The metric's value itself (one number for the described object or external source). */
  public static value(quantity: string): MetricTarget {
    return checkArguments(new MetricTarget('Value', quantity), argumentProblems({ quantity: QUANTITY_ARG }, { quantity }));
  }

  /** The metric's value divided by the number of pods. */
  public static averageValue(quantity: string): MetricTarget {
    return checkArguments(new MetricTarget('AverageValue', quantity), argumentProblems({ quantity: QUANTITY_ARG }, { quantity }));
  }

  /**
   * @param type Whether the quantity is a total (`Value`) or per pod (`AverageValue`).
   * @param quantity The target quantity.
   */
  private constructor(public readonly type: 'Value' | 'AverageValue', public readonly quantity: string) {}

  /** The value as the Kubernetes API takes it (a cdk8s-plus-27 `k8s` type), e.g. for escape hatches. */
  public toK8s(): k8s.MetricTargetV2 {
    const q = k8s.Quantity.fromString(this.quantity);
    return this.type === 'Value' ? { type: 'Value', value: q } : { type: 'AverageValue', averageValue: q };
  }
}

/** A metric an autoscaler scales on (autoscaling/v2). */
export class Metric {
  /** Average CPU use as a percentage of the CPU request (needs CPU requests on every container). */
  public static cpuUtilization(percent: number): Metric {
    return checkArguments(new Metric({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } } }, 'cpu', percent), argumentProblems({ percent: num }, { percent }));
  }

  /** Average memory use as a percentage of the memory request (needs memory requests on every container). */
  public static memoryUtilization(percent: number): Metric {
    return checkArguments(new Metric({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: percent } } }, 'memory', percent), argumentProblems({ percent: num }, { percent }));
  }

  /** Average CPU use per pod, as a quantity (`500m`); independent of requests. */
  public static cpuAverageValue(quantity: string): Metric {
    return checkArguments(new Metric({ type: 'Resource', resource: { name: 'cpu', target: MetricTarget.averageValue(quantity).toK8s() } }, undefined, undefined, [quantity]), argumentProblems({ quantity: QUANTITY_ARG }, { quantity }));
  }

  /** Average memory use per pod, as a quantity (`384Mi`); independent of requests. */
  public static memoryAverageValue(quantity: string): Metric {
    return checkArguments(new Metric({ type: 'Resource', resource: { name: 'memory', target: MetricTarget.averageValue(quantity).toK8s() } }, undefined, undefined, [quantity]), argumentProblems({ quantity: QUANTITY_ARG }, { quantity }));
  }

  /** A custom metric of the pods (e.g. `http_requests_per_second`), averaged over them. */
  public static pods(metricName: string, averageValue: string, selector?: Record<string, string>): Metric {
    return checkArguments(new Metric({
      type: 'Pods',
      pods: { metric: identifier(metricName, selector), target: MetricTarget.averageValue(averageValue).toK8s() },
    }, undefined, undefined, [averageValue], metricName), argumentProblems({ metricName: str, averageValue: QUANTITY_ARG, selector: SELECTOR_ARG }, { metricName, averageValue, selector }));
  }

  /** A metric of another object of the namespace (e.g. requests per second of an Ingress). */
  public static object(describedObject: { readonly apiVersion: string; readonly kind: string; readonly name: string }, metricName: string, target: MetricTarget): Metric {
    const refused = [
      ...argumentProblems({ describedObject: DESCRIBED_OBJECT_ARG, metricName: str, target: METRIC_TARGET }, { describedObject, metricName, target }),
      ...refusedArgumentsOf(target, 'target'),
    ];
    return checkArguments(new Metric({
      type: 'Object',
      object: { describedObject, metric: identifier(metricName), target: refused.length ? {} as k8s.MetricTargetV2 : target.toK8s() },
    }, undefined, undefined, refused.length ? [] : [target.quantity], metricName), refused);
  }

  /** A metric from outside the cluster (e.g. a queue length), through an external metrics adapter. */
  public static external(metricName: string, target: MetricTarget, selector?: Record<string, string>): Metric {
    const refused = [
      ...argumentProblems({ metricName: str, target: METRIC_TARGET, selector: SELECTOR_ARG }, { metricName, target, selector }),
      ...refusedArgumentsOf(target, 'target'),
    ];
    return checkArguments(new Metric({
      type: 'External',
      external: { metric: identifier(metricName, selector), target: refused.length ? {} as k8s.MetricTargetV2 : target.toK8s() },
    }, undefined, undefined, refused.length ? [] : [target.quantity], metricName), refused);
  }

  private constructor(
    private readonly spec: k8s.MetricSpecV2,
    /** The resource whose request a utilization metric is relative to. */
    public readonly utilizationOf?: 'cpu' | 'memory',
    private readonly percent?: number,
    private readonly quantities: string[] = [],
    private readonly metricName?: string,
  ) {}

  /** What is wrong with this value, fields named under `field`; empty when it is valid. */
  public problems(field: string): Problem[] {
    const refused = refusedArgumentsOf(this, field);
    if (refused.length) return refused;
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

  /** The value as the Kubernetes API takes it (a cdk8s-plus-27 `k8s` type), e.g. for escape hatches. */
  public toK8s(): k8s.MetricSpecV2 {
    return this.spec;
  }
}

function identifier(name: string, selector?: Record<string, string>): k8s.MetricIdentifierV2 {
  return { name, selector: selector ? { matchLabels: selector } : undefined };
}

const METRIC_TARGET = instanceOf(MetricTarget, 'a MetricTarget', 'use MetricTarget.value("10") or MetricTarget.averageValue("500m")');

/** Runtime shape of {@link ScalingPolicy}. @internal */
export const ScalingPolicySchema = z.strictObject({ type: z.enum(['Pods', 'Percent']), value: num, periodSeconds: num });
/** Runtime shape of {@link ScalingRules}; ranges are checked by {@link ScalingBehavior.problems}. @internal */
export const ScalingRulesSchema = z.strictObject({
  stabilizationWindowSeconds: num.optional(),
  policies: z.array(ScalingPolicySchema).optional(),
  selectPolicy: z.enum(['Max', 'Min', 'Disabled']).optional(),
});
const ScalingRulesPairSchema = z.strictObject({ scaleUp: ScalingRulesSchema.optional(), scaleDown: ScalingRulesSchema.optional() });

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
    return checkArguments(new ScalingBehavior({ scaleDown: { stabilizationWindowSeconds: windowSeconds, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } }), argumentProblems({ windowSeconds: num }, { windowSeconds }));
  }

  /** Never scale down automatically (members that hold caches or connections); scale up as usual. */
  public static noScaleDown(): ScalingBehavior {
    return new ScalingBehavior({ scaleDown: { selectPolicy: 'Disabled' } });
  }

  /** Explicit rules. */
  public static of(rules: { readonly scaleUp?: ScalingRules; readonly scaleDown?: ScalingRules }): ScalingBehavior {
    const refused = schemaProblems(ScalingRulesPairSchema, rules, '', 'rules');
    return checkArguments(new ScalingBehavior(refused.length ? {} : rules), refused);
  }

  /**
   * @param rules Scaling rules per direction.
   */
  private constructor(public readonly rules: {
    /** How fast replicas are added. */
    readonly scaleUp?: ScalingRules;
    /** How fast replicas are removed. */
    readonly scaleDown?: ScalingRules;
  }) {}

  /** What is wrong with this value, fields named under `field`; empty when it is valid. */
  public problems(field: string): Problem[] {
    const refused = refusedArgumentsOf(this, field);
    if (refused.length) return refused;
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

  /** The value as the Kubernetes API takes it (a cdk8s-plus-27 `k8s` type), e.g. for escape hatches. */
  public toK8s(): k8s.HorizontalPodAutoscalerBehaviorV2 {
    return { scaleUp: this.rules.scaleUp, scaleDown: this.rules.scaleDown };
  }
}

/** Props of a {@link HorizontalPodAutoscaler}. */
export interface HorizontalPodAutoscalerProps {
  /**
   * The Deployment or StatefulSet to scale, a library one or a cdk8s-plus-27 one (any
   * `kplus.IScalable`); its `spec.replicas` is left to the autoscaler.
   */
  readonly target: Workload | kplus.IScalable;
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

/** Runtime shape of {@link HorizontalPodAutoscalerProps}; ranges and the target are checked at synth. @internal */
export const HorizontalPodAutoscalerPropsSchema = z.strictObject({
  target: ScalableSchema,
  minReplicas: num.optional(),
  maxReplicas: num.optional(),
  metrics: z.array(instanceOf(Metric, 'a Metric', 'use Metric.cpuUtilization(70) or another Metric factory')).optional(),
  behavior: instanceOf(ScalingBehavior, 'a ScalingBehavior', 'use ScalingBehavior.gentleScaleDown() or ScalingBehavior.of({...})').optional(),
  name: str.optional(),
});

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
    // Props the constructor refuses are refused there, whatever the environment.
    const target = (props as Partial<HorizontalPodAutoscalerProps> | undefined)?.target;
    if (!ScalableSchema.safeParse(target, parseOptions(ScalableSchema)).success) return new HorizontalPodAutoscaler(scope, id, props);
    const environment = target instanceof Workload ? target.environment : AppChart.of(scope).environment;
    return environment.autoscalingEnabled ? new HorizontalPodAutoscaler(scope, id, props) : undefined;
  }

  /** Name of the HorizontalPodAutoscaler object. */
  public readonly name: string;
  /** Lowest replica count. */
  public readonly minReplicas?: number;
  /** Highest replica count. */
  public readonly maxReplicas?: number;
  /** The HorizontalPodAutoscaler object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: HorizontalPodAutoscalerProps) {
    super(scope, constructId(scope, id));
    const chart = AppChart.of(this);
    checkProps(this, HorizontalPodAutoscalerPropsSchema, props);
    const target = props.target;
    const environment = chart.environment;
    // A cdk8s-plus-27 target tells what it is through IScalable.
    const other = target instanceof Workload || typeof target?.toScalingTarget !== 'function' ? undefined : target;
    const targetRef = other?.toScalingTarget() ?? { apiVersion: 'apps/v1', kind: target instanceof StatefulSet ? 'StatefulSet' : 'Deployment', name: (target as Workload).name };
    this.name = props.name ?? targetRef.name;
    this.minReplicas = props.minReplicas ?? environment.autoscaling?.minReplicas;
    this.maxReplicas = props.maxReplicas ?? environment.autoscaling?.maxReplicas;
    const metrics = props.metrics ?? [Metric.cpuUtilization(80)];
    const scalable = target instanceof Deployment || target instanceof StatefulSet ? target : undefined;
    scalable?.releaseReplicas();
    other?.markHasAutoscaler();
    this.apiObject = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { name: this.name, labels: target instanceof Workload ? target.labels : chart.labelsFor({ name: this.name }) },
      spec: {
        scaleTargetRef: { apiVersion: targetRef.apiVersion, kind: targetRef.kind, name: targetRef.name },
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
          value: targetRef.name,
          message: `is autoscaled, but environment ${environment.name} turns autoscaling off`,
          fix: 'create it with HorizontalPodAutoscaler.ifEnabled(...) so the target keeps fixed replicas there, or give the environment an autoscaling profile',
        });
      }
      if (!scalable && !other) {
        problems.push({
          field: 'target',
          value: `${target.constructor.name}/${targetRef.name}`,
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
      } else if (other) {
        problems.push(...scalingTargetRequestProblems(other.toScalingTarget(), metrics));
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

/** {@link requestProblems} for a cdk8s-plus-27 target: the requests of the containers it reports. */
function scalingTargetRequestProblems(target: kplus.ScalingTarget, metrics: Metric[]): Problem[] {
  return metrics.flatMap((m, i) => (m.utilizationOf === undefined ? [] : target.containers
    .filter((c) => (m.utilizationOf === 'cpu' ? c.resources?.cpu?.request : c.resources?.memory?.request) === undefined)
    .map((c) => ({
      field: `metrics[${i}]`,
      value: `${m.utilizationOf} utilization`,
      message: `is relative to the ${m.utilizationOf} request, but container ${c.name} of ${target.name} has none, so the autoscaler never scales`,
      fix: `give container ${c.name} a ${m.utilizationOf} request, or use Metric.${m.utilizationOf}AverageValue(...)`,
    }))));
}
