import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { Environment } from '../core/environment';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { parseQuantity } from '../core/quantity';
import { Cpu, CpuSchema, Memory, MemorySchema } from '../workloads/resources';
import { z } from 'zod';
import { checkProps, constructId, str } from '../core/schema';

const AMOUNTS = z.strictObject({ cpu: CpuSchema.optional(), memory: MemorySchema.optional() }).optional();
const RATIO = z.strictObject({ cpu: z.number().optional(), memory: z.number().optional() }).optional();
const QUANTITY = str.optional().describe('write it like "1Gi" or "500Mi"');

/** Runtime shape of {@link LimitRangeProps}; amounts and their order are checked at synth. @internal */
export const LimitRangePropsSchema = z.strictObject({
  name: str.optional(),
  namespace: str.optional(),
  defaultRequest: AMOUNTS,
  defaultLimit: AMOUNTS,
  min: AMOUNTS,
  max: AMOUNTS,
  minStorage: QUANTITY,
  maxStorage: QUANTITY,
  fromEnvironment: z.boolean().optional(),
  maxLimitRequestRatio: RATIO,
  pod: z.strictObject({ min: AMOUNTS, max: AMOUNTS, maxLimitRequestRatio: RATIO }).optional(),
});

/** CPU and/or memory amounts of a LimitRange bound. */
export interface ComputeAmounts {
  /**
   * CPU.
   * @default - no bound on CPU
   */
  readonly cpu?: Cpu;
  /**
   * Memory.
   * @default - no bound on memory
   */
  readonly memory?: Memory;
}

/** How far a limit may exceed the request (`maxLimitRequestRatio`), per resource. */
export interface LimitRequestRatio {
  /**
   * Most CPU limit / CPU request.
   * @default - no ratio on CPU
   */
  readonly cpu?: number;
  /**
   * Most memory limit / memory request.
   * @default - no ratio on memory
   */
  readonly memory?: number;
}

/** Bounds on the sum over all containers of a pod (`type: Pod`). */
export interface PodBounds {
  /**
   * Smallest sum of requests.
   * @default - none
   */
  readonly min?: ComputeAmounts;
  /**
   * Largest sum of limits.
   * @default - none
   */
  readonly max?: ComputeAmounts;
  /**
   * Largest limit / request ratio of the pod.
   * @default - none
   */
  readonly maxLimitRequestRatio?: LimitRequestRatio;
}

/**
 * Props of a {@link LimitRange}. Only the bounds given are rendered, unless `fromEnvironment`
 * asks for the environment's preset ({@link LimitRange.defaultsFor}).
 */
export interface LimitRangeProps {
  /**
   * Start from the environment's preset ({@link LimitRange.defaultsFor}); the bounds given
   * override it. The Namespace construct does this.
   * @default false - only the bounds given
   */
  readonly fromEnvironment?: boolean;
  /**
   * Largest limit / request ratio of a container.
   * @default - none
   */
  readonly maxLimitRequestRatio?: LimitRequestRatio;
  /**
   * Bounds on whole pods (`type: Pod`).
   * @default - none
   */
  readonly pod?: PodBounds;
  /**
   * Object name.
   * @default 'limits'
   */
  readonly name?: string;
  /**
   * Namespace the LimitRange applies to.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Requests given to containers that declare none.
   * @default - none (with fromEnvironment: 100m CPU and 128Mi memory, times the environment's resourceScale)
   */
  readonly defaultRequest?: ComputeAmounts;
  /**
   * Limits given to containers that declare none. No CPU limit by default: CPU is compressible
   * and a limit only throttles (the same choice as `Resources`).
   * @default - none (with fromEnvironment: memory, the default memory request)
   */
  readonly defaultLimit?: ComputeAmounts;
  /**
   * Smallest request a container may ask for.
   * @default - none (with fromEnvironment: 10m CPU, 16Mi memory, the floor of scaled resource presets)
   */
  readonly min?: ComputeAmounts;
  /**
   * Largest limit a container may have. A CPU maximum makes a CPU limit mandatory, so it needs
   * a default CPU limit.
   * @default - none (with fromEnvironment: memory, 2Gi times the environment's resourceScale; no CPU maximum)
   */
  readonly max?: ComputeAmounts;
  /**
   * Smallest PersistentVolumeClaim, as a quantity.
   * @default - none (with fromEnvironment: '1Gi')
   */
  readonly minStorage?: string;
  /**
   * Largest PersistentVolumeClaim, as a quantity.
   * @default - none (with fromEnvironment: 100Gi times the environment's resourceScale)
   */
  readonly maxStorage?: string;
}

/**
 * Per-container defaults and bounds of a namespace, and PVC size bounds (the notes, 001). The
 * defaults apply only to containers created after the LimitRange, and only when they declare
 * nothing: the platform's containers always declare their resources.
 */
export class LimitRange extends Construct {
  /** Sensible bounds for an environment (the defaults of every prop). */
  public static defaultsFor(environment: Environment): LimitBounds {
    const scale = environment.resourceScale;
    const memory = Memory.mebibytes(Math.max(16, Math.round(128 * scale)));
    return {
      defaultRequest: { cpu: Cpu.millis(Math.max(10, Math.round(100 * scale))), memory },
      defaultLimit: { memory },
      min: { cpu: Cpu.millis(10), memory: Memory.mebibytes(16) },
      max: { memory: Memory.mebibytes(Math.round(2048 * scale)) },
      minStorage: '1Gi',
      maxStorage: `${Math.max(1, Math.round(100 * scale))}Gi`,
    };
  }

  /** Name of the LimitRange object. */
  public readonly name: string;
  /** The LimitRange object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: LimitRangeProps = {}) {
    super(scope, constructId(scope, id));
    checkProps(this, LimitRangePropsSchema, props);
    this.name = props.name ?? 'limits';
    const given = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as LimitRangeProps;
    const p: LimitRangeProps = { ...(props.fromEnvironment ? LimitRange.defaultsFor(AppChart.of(this).environment) : {}), ...given };
    const amounts = (a: ComputeAmounts | undefined) => {
      const out: Record<string, k8s.Quantity> = {};
      if (a?.cpu) out.cpu = k8s.Quantity.fromString(a.cpu.toString());
      if (a?.memory) out.memory = k8s.Quantity.fromString(a.memory.toString());
      return Object.keys(out).length ? out : undefined;
    };
    const ratio = (r: LimitRequestRatio | undefined) => {
      const out: Record<string, k8s.Quantity> = {};
      if (r?.cpu !== undefined) out.cpu = k8s.Quantity.fromString(String(r.cpu));
      if (r?.memory !== undefined) out.memory = k8s.Quantity.fromString(String(r.memory));
      return Object.keys(out).length ? out : undefined;
    };
    const storage = (q: string | undefined) => (q === undefined ? undefined : { storage: k8s.Quantity.fromString(q) });
    const items: k8s.LimitRangeItem[] = [
      { type: 'Container', defaultRequest: amounts(p.defaultRequest), default: amounts(p.defaultLimit), min: amounts(p.min), max: amounts(p.max), maxLimitRequestRatio: ratio(p.maxLimitRequestRatio) },
      { type: 'Pod', min: amounts(p.pod?.min), max: amounts(p.pod?.max), maxLimitRequestRatio: ratio(p.pod?.maxLimitRequestRatio) },
      { type: 'PersistentVolumeClaim', min: storage(p.minStorage), max: storage(p.maxStorage) },
    ].filter((item) => Object.values(item).filter((v) => v !== undefined).length > 1);
    this.apiObject = new k8s.KubeLimitRange(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace },
      spec: { limits: items },
    });
    addProblems(this, () => [
      ...Names.dnsSubdomain('name', this.name),
      ...(items.length ? [] : [{ field: 'limits', value: {}, message: 'bounds nothing', fix: 'give bounds (defaultRequest, max, pod, minStorage, ...), or fromEnvironment: true for the environment\'s preset' }]),
      ...limitProblems(p),
    ]);
  }
}

/** The bounds of a LimitRange, as {@link LimitRange.defaultsFor} gives them. */
export type LimitBounds = Omit<LimitRangeProps, 'name' | 'namespace' | 'fromEnvironment'>;

function limitProblems(p: LimitRangeProps): Problem[] {
  const problems: Problem[] = [];
  for (const bound of ['defaultRequest', 'defaultLimit', 'min', 'max'] as const) {
    problems.push(...(p[bound]?.cpu?.problems(`${bound}.cpu`) ?? []), ...(p[bound]?.memory?.problems(`${bound}.memory`) ?? []));
  }
  if (p.max?.cpu && !p.defaultLimit?.cpu) {
    problems.push({
      field: 'max.cpu',
      value: p.max?.cpu?.toString(),
      message: 'makes a CPU limit mandatory, but there is no default CPU limit: containers without one (the platform default) would be refused',
      fix: 'drop max.cpu, or also set defaultLimit.cpu',
    });
  }
  // min <= default request <= default limit <= max, per resource.
  for (const key of ['cpu', 'memory'] as const) {
    const value = (a: ComputeAmounts) => (key === 'cpu' ? a.cpu?.millicores : a.memory?.mebibytes);
    const chain: [string, ComputeAmounts][] = [['min', p.min ?? {}], ['defaultRequest', p.defaultRequest ?? {}], ['defaultLimit', p.defaultLimit ?? {}], ['max', p.max ?? {}]];
    const set = chain.filter(([, a]) => value(a) !== undefined);
    for (let i = 1; i < set.length; i++) {
      const [lowName, low] = set[i - 1];
      const [highName, high] = set[i];
      if (value(low)! > value(high)!) {
        problems.push({ field: `${highName}.${key}`, value: String(high[key]), message: `is below ${lowName}.${key} ${String(low[key])}`, fix: `keep min <= defaultRequest <= defaultLimit <= max for ${key}` });
      }
    }
  }
  const storage: [string, string | undefined][] = [['minStorage', p.minStorage], ['maxStorage', p.maxStorage]];
  for (const [field, value] of storage) {
    if (value !== undefined && parseQuantity(value) === undefined) {
      problems.push({ field, value, message: 'is not a quantity', fix: 'write it like "1Gi" or "500Mi"' });
    }
  }
  const [min, max] = storage.map(([, v]) => (v === undefined ? undefined : parseQuantity(v)));
  if (min !== undefined && max !== undefined && min > max) {
    problems.push({ field: 'maxStorage', value: p.maxStorage, message: `is below minStorage ${p.minStorage}`, fix: 'raise maxStorage or lower minStorage' });
  }
  for (const [field, r] of [['maxLimitRequestRatio', p.maxLimitRequestRatio], ['pod.maxLimitRequestRatio', p.pod?.maxLimitRequestRatio]] as const) {
    for (const key of ['cpu', 'memory'] as const) {
      const v = r?.[key];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 1)) {
        problems.push({ field: `${field}.${key}`, value: v, message: 'must be a number >= 1 (a limit is at least its request)', fix: 'give a ratio such as 2' });
      }
    }
  }
  return problems;
}
