import { k8s } from 'cdk8s-plus-27';
import { Problem } from '../core/problem';

/** A CPU amount, kept in millicores so it can be compared and scaled exactly. */
export class Cpu {
  public static millis(millicores: number): Cpu {
    return new Cpu(millicores);
  }
  public static cores(cores: number): Cpu {
    return new Cpu(Math.round(cores * 1000));
  }
  private constructor(public readonly millicores: number) {}
  public toString(): string {
    return this.millicores % 1000 === 0 ? String(this.millicores / 1000) : `${this.millicores}m`;
  }
}

/** A memory amount, kept in mebibytes. */
export class Memory {
  public static mebibytes(mebibytes: number): Memory {
    return new Memory(mebibytes);
  }
  public static gibibytes(gibibytes: number): Memory {
    return new Memory(Math.round(gibibytes * 1024));
  }
  private constructor(public readonly mebibytes: number) {}
  public toString(): string {
    return this.mebibytes % 1024 === 0 ? `${this.mebibytes / 1024}Gi` : `${this.mebibytes}Mi`;
  }
}

/** Sizes of the resource presets. */
export enum ResourceSize {
  NANO = 'nano',
  MICRO = 'micro',
  SMALL = 'small',
  MEDIUM = 'medium',
  LARGE = 'large',
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
    const [cpu, memory] = PRESETS[size];
    return new Resources({ cpu: Cpu.millis(cpu), memory: Memory.mebibytes(memory) }, true);
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
    return new Resources(props, false);
  }

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

  public get memoryLimit(): Memory {
    return this.props.memoryLimit ?? this.props.memory;
  }

  public problems(field: string): Problem[] {
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
