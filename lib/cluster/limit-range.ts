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

/** Props of a {@link LimitRange}. */
export interface LimitRangeProps {
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
   * @default - 100m CPU and 128Mi memory, times the environment's resourceScale
   */
  readonly defaultRequest?: ComputeAmounts;
  /**
   * Limits given to containers that declare none. No CPU limit by default: CPU is compressible
   * and a limit only throttles (the same choice as `Resources`).
   * @default - memory: the default memory request
   */
  readonly defaultLimit?: ComputeAmounts;
  /**
   * Smallest request a container may ask for.
   * @default - 10m CPU, 16Mi memory (the floor of scaled resource presets)
   */
  readonly min?: ComputeAmounts;
  /**
   * Largest limit a container may have. A CPU maximum makes a CPU limit mandatory, so it needs
   * a default CPU limit.
   * @default - memory: 2Gi times the environment's resourceScale; no CPU maximum
   */
  readonly max?: ComputeAmounts;
  /**
   * Smallest PersistentVolumeClaim, as a quantity.
   * @default '1Gi'
   */
  readonly minStorage?: string;
  /**
   * Largest PersistentVolumeClaim, as a quantity.
   * @default - 100Gi times the environment's resourceScale
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
  public static defaultsFor(environment: Environment): Required<Omit<LimitRangeProps, 'name' | 'namespace'>> {
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
    const given = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
    const p = { ...LimitRange.defaultsFor(AppChart.of(this).environment), ...given };
    const amounts = (a: ComputeAmounts | undefined) => {
      const out: Record<string, k8s.Quantity> = {};
      if (a?.cpu) out.cpu = k8s.Quantity.fromString(a.cpu.toString());
      if (a?.memory) out.memory = k8s.Quantity.fromString(a.memory.toString());
      return Object.keys(out).length ? out : undefined;
    };
    this.apiObject = new k8s.KubeLimitRange(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace },
      spec: {
        limits: [
          { type: 'Container', defaultRequest: amounts(p.defaultRequest), default: amounts(p.defaultLimit), min: amounts(p.min), max: amounts(p.max) },
          { type: 'PersistentVolumeClaim', min: { storage: k8s.Quantity.fromString(p.minStorage) }, max: { storage: k8s.Quantity.fromString(p.maxStorage) } },
        ],
      },
    });
    addProblems(this, () => [...Names.dnsSubdomain('name', this.name), ...limitProblems(p)]);
  }
}

function limitProblems(p: Required<Omit<LimitRangeProps, 'name' | 'namespace'>>): Problem[] {
  const problems: Problem[] = [];
  for (const bound of ['defaultRequest', 'defaultLimit', 'min', 'max'] as const) {
    problems.push(...(p[bound].cpu?.problems(`${bound}.cpu`) ?? []), ...(p[bound].memory?.problems(`${bound}.memory`) ?? []));
  }
  if (p.max.cpu && !p.defaultLimit.cpu) {
    problems.push({
      field: 'max.cpu',
      value: p.max.cpu.toString(),
      message: 'makes a CPU limit mandatory, but there is no default CPU limit: containers without one (the platform default) would be refused',
      fix: 'drop max.cpu, or also set defaultLimit.cpu',
    });
  }
  // min <= default request <= default limit <= max, per resource.
  for (const key of ['cpu', 'memory'] as const) {
    const value = (a: ComputeAmounts) => (key === 'cpu' ? a.cpu?.millicores : a.memory?.mebibytes);
    const chain: [string, ComputeAmounts][] = [['min', p.min], ['defaultRequest', p.defaultRequest], ['defaultLimit', p.defaultLimit], ['max', p.max]];
    const set = chain.filter(([, a]) => value(a) !== undefined);
    for (let i = 1; i < set.length; i++) {
      const [lowName, low] = set[i - 1];
      const [highName, high] = set[i];
      if (value(low)! > value(high)!) {
        problems.push({ field: `${highName}.${key}`, value: String(high[key]), message: `is below ${lowName}.${key} ${String(low[key])}`, fix: `keep min <= defaultRequest <= defaultLimit <= max for ${key}` });
      }
    }
  }
  const storage: [string, string][] = [['minStorage', p.minStorage], ['maxStorage', p.maxStorage]];
  for (const [field, value] of storage) {
    if (parseQuantity(value) === undefined) {
      problems.push({ field, value, message: 'is not a quantity', fix: 'write it like "1Gi" or "500Mi"' });
    }
  }
  const [min, max] = storage.map(([, v]) => parseQuantity(v));
  if (min !== undefined && max !== undefined && min > max) {
    problems.push({ field: 'maxStorage', value: p.maxStorage, message: `is below minStorage ${p.minStorage}`, fix: 'raise maxStorage or lower minStorage' });
  }
  return problems;
}
