import { k8s } from 'cdk8s-plus-27';
import { z } from 'zod';
import { Problem } from '../core/problem';
import { checkArguments, instanceOf, oneOf, refusedArgumentsOf, schemaProblems } from '../core/schema';

/** A CPU amount, kept in millicores so it can be compared and scaled exactly. */
export class Cpu {
  /** A CPU amount in millicores (1000 = one core). */
  public static millis(millicores: number): Cpu {
    return new Cpu(millicores);
  }
  /** A CPU amount in cores. */
  public static cores(cores: number): Cpu {
    return new Cpu(Math.round(cores * 1000));
  }
  /**
   * @param millicores The amount in millicores.
   */
  private constructor(public readonly millicores: number) {}
  /** The quantity as Kubernetes writes it, e.g. `250m`. */
  public toString(): string {
    return this.millicores % 1000 === 0 ? String(this.millicores / 1000) : `${this.millicores}m`;
  }
  /** Problems of the amount: it must be a positive whole number of millicores. */
  public problems(field: string): Problem[] {
    return amountProblems(field, this.millicores, 'Cpu.millis(100) or Cpu.cores(0.5)');
  }
}

/** A memory amount, kept in mebibytes. */
export class Memory {
  /** A memory amount in MiB. */
  public static mebibytes(mebibytes: number): Memory {
    return new Memory(mebibytes);
  }
  /** A memory amount in GiB. */
  public static gibibytes(gibibytes: number): Memory {
    return new Memory(Math.round(gibibytes * 1024));
  }
  /**
   * @param mebibytes The amount in MiB.
   */
  private constructor(public readonly mebibytes: number) {}
  /** The quantity as Kubernetes writes it, e.g. `512Mi`. */
  public toString(): string {
    return this.mebibytes % 1024 === 0 ? `${this.mebibytes / 1024}Gi` : `${this.mebibytes}Mi`;
  }
  /** Problems of the amount: it must be a positive whole number of mebibytes. */
  public problems(field: string): Problem[] {
    return amountProblems(field, this.mebibytes, 'Memory.mebibytes(128) or Memory.gibibytes(1)');
  }
}

function amountProblems(field: string, value: unknown, example: string): Problem[] {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return [];
  return [{ field, value, message: 'must be a positive whole number', fix: `use ${example} style amounts` }];
}

/** A CPU amount, as props take it. @internal */
export const CpuSchema = instanceOf(Cpu, 'a Cpu amount', 'use Cpu.millis(100) or Cpu.cores(0.5)');
/** A memory amount, as props take it. @internal */
export const MemorySchema = instanceOf(Memory, 'a Memory amount', 'use Memory.mebibytes(128) or Memory.gibibytes(1)');

/** Sizes of the resource presets. */
export enum ResourceSize {
  /** The smallest preset. */
  NANO = 'nano',
  /** A very small preset. */
  MICRO = 'micro',
  /** A small preset. */
  SMALL = 'small',
  /** A medium preset. */
  MEDIUM = 'medium',
  /** A large preset. */
  LARGE = 'large',
  /** The largest preset. */
  XLARGE = 'xlarge',
}

/** CPU and memory requests, and optional limits. */
export interface ResourcesProps {
  /** CPU the scheduler reserves. */
  readonly cpu: Cpu;
  /** Memory the scheduler reserves. */
  readonly memory: Memory;
  /**
   * CPU limit. CPU is compressible, so by default there is none: a limit only throttles.
   * @default - no CPU limit
   */
  readonly cpuLimit?: Cpu;
  /**
   * Memory limit. Memory is not compressible; by default the limit equals the request, so a pod
   * never counts on memory the node may not have.
   * @default - the memory request
   */
  readonly memoryLimit?: Memory;
}

/** Runtime shape of {@link ResourcesProps}; amounts are checked by {@link Resources.problems}. @internal */
export const ResourcesPropsSchema = z.strictObject({ cpu: CpuSchema, memory: MemorySchema, cpuLimit: CpuSchema.optional(), memoryLimit: MemorySchema.optional() });

const RESOURCE_SIZE = oneOf(ResourceSize);
const PRESETS: Record<ResourceSize, [number, number]> = {
  [ResourceSize.NANO]: [25, 32],
  [ResourceSize.MICRO]: [50, 64],
  [ResourceSize.SMALL]: [100, 128],
  [ResourceSize.MEDIUM]: [250, 256],
  [ResourceSize.LARGE]: [500, 512],
  [ResourceSize.XLARGE]: [1000, 1024],
};

/** Container resources. Presets scale with the environment's `resourceScale`. */
export class Resources {
  /** A size preset: requests only for CPU, memory limit = request. */
  public static preset(size: ResourceSize): Resources {
    const refused = schemaProblems(RESOURCE_SIZE, size, '', 'size');
    const [cpu, memory] = PRESETS[refused.length ? ResourceSize.SMALL : size];
    return checkArguments(new Resources({ cpu: Cpu.millis(cpu), memory: Memory.mebibytes(memory) }, true), refused);
  }

  /**
   * The sum of several containers' resources, exact (not scaled again); a CPU limit only if
   * every one has one.
   */
  public static total(all: readonly Resources[]): Resources {
    const cpu = all.reduce((n, r) => n + r.props.cpu.millicores, 0);
    const memory = all.reduce((n, r) => n + r.props.memory.mebibytes, 0);
    const memoryLimit = all.reduce((n, r) => n + r.memoryLimit.mebibytes, 0);
    const cpuLimit = all.every((r) => r.props.cpuLimit) ? all.reduce((n, r) => n + r.props.cpuLimit!.millicores, 0) : undefined;
    return new Resources({
      cpu: Cpu.millis(cpu),
      memory: Memory.mebibytes(memory),
      memoryLimit: memoryLimit === memory ? undefined : Memory.mebibytes(memoryLimit),
      cpuLimit: cpuLimit === undefined ? undefined : Cpu.millis(cpuLimit),
    }, false);
  }

  /** Exact amounts; not scaled by the environment. */
  public static of(props: ResourcesProps): Resources {
    const refused = schemaProblems(ResourcesPropsSchema, props);
    return checkArguments(new Resources(refused.length ? Resources.preset(ResourceSize.SMALL).props : props, false), refused);
  }

  /**
   * @param props The requests and limits.
   * @param scalable Whether the environment's `resourceScale` applies (presets only).
   */
  private constructor(public readonly props: ResourcesProps, public readonly scalable: boolean) {}

  /** These resources scaled by an environment factor (presets only), never below 10m / 16Mi. */
  public scaled(factor: number): Resources {
    if (!this.scalable || factor === 1) {
      return this;
    }
    const cpu = (c: Cpu) => Cpu.millis(Math.max(10, Math.round((c.millicores * factor) / 5) * 5));
    const mem = (m: Memory) => Memory.mebibytes(Math.max(16, Math.round(m.mebibytes * factor)));
    const p = this.props;
    return new Resources({
      cpu: cpu(p.cpu),
      memory: mem(p.memory),
      cpuLimit: p.cpuLimit && cpu(p.cpuLimit),
      memoryLimit: p.memoryLimit && mem(p.memoryLimit),
    }, false);
  }

  /** The memory limit: the one given, else the request (memory is not compressible). */
  public get memoryLimit(): Memory {
    return this.props.memoryLimit ?? this.props.memory;
  }

  /** What is wrong with this value, fields named under `field`; empty when it is valid. */
  public problems(field: string): Problem[] {
    const refused = refusedArgumentsOf(this, field);
    if (refused.length) return refused;
    const p = this.props;
    const problems: Problem[] = [];
    const positive = (name: string, value: number) => {
      if (!(Number.isFinite(value) && value > 0 && Number.isInteger(value))) {
        problems.push({ field: `${field}.${name}`, value, message: 'must be a positive whole number', fix: 'use Cpu.millis(100) or Memory.mebibytes(128) style amounts' });
      }
    };
    positive('cpu', p.cpu.millicores);
    positive('memory', p.memory.mebibytes);
    if (p.cpuLimit) {
      positive('cpuLimit', p.cpuLimit.millicores);
      if (p.cpuLimit.millicores < p.cpu.millicores) {
        problems.push({ field: `${field}.cpuLimit`, value: p.cpuLimit.toString(), message: `is below the CPU request ${p.cpu}`, fix: 'raise the limit or lower the request' });
      }
    }
    if (p.memoryLimit) {
      positive('memoryLimit', p.memoryLimit.mebibytes);
      if (p.memoryLimit.mebibytes < p.memory.mebibytes) {
        problems.push({ field: `${field}.memoryLimit`, value: p.memoryLimit.toString(), message: `is below the memory request ${p.memory}`, fix: 'raise the limit or lower the request' });
      }
    }
    return problems;
  }

  /** The value as the Kubernetes API takes it (a cdk8s-plus-27 `k8s` type), e.g. for escape hatches. */
  public toK8s(): k8s.ResourceRequirements {
    const p = this.props;
    const limits: Record<string, k8s.Quantity> = { memory: k8s.Quantity.fromString(this.memoryLimit.toString()) };
    if (p.cpuLimit) {
      limits.cpu = k8s.Quantity.fromString(p.cpuLimit.toString());
    }
    return {
      requests: { cpu: k8s.Quantity.fromString(p.cpu.toString()), memory: k8s.Quantity.fromString(p.memory.toString()) },
      limits,
    };
  }
}
