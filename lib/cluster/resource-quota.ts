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
import { checkProps, constructId, num, str } from '../core/schema';

/** Runtime shape of {@link ResourceQuotaProps}; amounts are checked at synth. @internal */
export const ResourceQuotaPropsSchema = z.strictObject({
  name: str.optional(),
  namespace: str.optional(),
  requestsCpu: CpuSchema.optional(),
  requestsMemory: MemorySchema.optional(),
  limitsMemory: MemorySchema.optional(),
  limitsCpu: CpuSchema.optional(),
  pods: num.optional(),
  services: num.optional(),
  persistentVolumeClaims: num.optional(),
  requestsStorage: str.optional().describe('write it like "100Gi"'),
});

/** Props of a {@link ResourceQuota}; every amount is a ceiling for the whole namespace. */
export interface ResourceQuotaProps {
  /**
   * Object name.
   * @default 'quota'
   */
  readonly name?: string;
  /**
   * Namespace the quota applies to.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Sum of CPU requests (`requests.cpu`).
   * @default - 4 cores per replica unit (see {@link ResourceQuota.defaultsFor})
   */
  readonly requestsCpu?: Cpu;
  /**
   * Sum of memory requests (`requests.memory`).
   * @default - 8Gi per replica unit
   */
  readonly requestsMemory?: Memory;
  /**
   * Sum of memory limits (`limits.memory`).
   * @default - same as requestsMemory
   */
  readonly limitsMemory?: Memory;
  /**
   * Sum of CPU limits (`limits.cpu`). Off by default: once set, every pod must declare a CPU
   * limit, and the platform's containers have none.
   * @default - not limited
   */
  readonly limitsCpu?: Cpu;
  /**
   * Number of pods.
   * @default - 20 per replica the environment allows (its autoscaling maximum or replicas)
   */
  readonly pods?: number;
  /**
   * Number of Services.
   * @default 20
   */
  readonly services?: number;
  /**
   * Number of PersistentVolumeClaims.
   * @default 10
   */
  readonly persistentVolumeClaims?: number;
  /**
   * Sum of PVC storage requests, as a quantity.
   * @default - 200Gi times the environment's resourceScale
   */
  readonly requestsStorage?: string;
}

/** The amounts of a ResourceQuota: every limit set (`limitsCpu` only where the environment caps CPU). */
export type QuotaAmounts = Required<Omit<ResourceQuotaProps, 'name' | 'namespace' | 'limitsCpu'>> & Pick<ResourceQuotaProps, 'limitsCpu'>;

/**
 * A namespace's resource ceiling (the notes, 001), sized by the environment profile. The
 * {@link QuotaCheck} refuses a quota that the namespace's own workloads already exceed.
 */
export class ResourceQuota extends Construct {
  /**
   * The default quota of an environment: one "replica unit" is the most replicas a workload
   * may run there (autoscaling maximum, else replicas) times the resource scale.
   */
  public static defaultsFor(environment: Environment): QuotaAmounts {
    const replicas = Math.max(environment.replicas, environment.autoscaling?.maxReplicas ?? 0);
    const unit = replicas * environment.resourceScale;
    const memory = Memory.mebibytes(Math.round(8192 * unit));
    return {
      requestsCpu: Cpu.millis(Math.round(4000 * unit)),
      requestsMemory: memory,
      limitsMemory: memory,
      pods: 20 * replicas,
      services: 20,
      persistentVolumeClaims: 10,
      requestsStorage: `${Math.max(1, Math.round(200 * environment.resourceScale))}Gi`,
    };
  }

  /** Name of the ResourceQuota object. */
  public readonly name: string;
  /** The ResourceQuota object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ResourceQuotaProps = {}) {
    super(scope, constructId(scope, id));
    checkProps(this, ResourceQuotaPropsSchema, props);
    this.name = props.name ?? 'quota';
    const given = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
    const q: QuotaAmounts = { ...ResourceQuota.defaultsFor(AppChart.of(this).environment), ...given };
    const hard: Record<string, k8s.Quantity> = {
      'requests.cpu': k8s.Quantity.fromString(q.requestsCpu.toString()),
      'requests.memory': k8s.Quantity.fromString(q.requestsMemory.toString()),
      'limits.memory': k8s.Quantity.fromString(q.limitsMemory.toString()),
      ...(q.limitsCpu ? { 'limits.cpu': k8s.Quantity.fromString(q.limitsCpu.toString()) } : {}),
      'pods': k8s.Quantity.fromNumber(q.pods),
      'services': k8s.Quantity.fromNumber(q.services),
      'persistentvolumeclaims': k8s.Quantity.fromNumber(q.persistentVolumeClaims),
      'requests.storage': k8s.Quantity.fromString(q.requestsStorage),
    };
    this.apiObject = new k8s.KubeResourceQuota(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace },
      spec: { hard },
    });
    addProblems(this, () => [...Names.dnsSubdomain('name', this.name), ...quotaProblems(q)]);
  }
}

function quotaProblems(q: QuotaAmounts): Problem[] {
  const problems: Problem[] = [
    ...q.requestsCpu.problems('requestsCpu'),
    ...q.requestsMemory.problems('requestsMemory'),
    ...q.limitsMemory.problems('limitsMemory'),
    ...(q.limitsCpu?.problems('limitsCpu') ?? []),
  ];
  for (const field of ['pods', 'services', 'persistentVolumeClaims'] as const) {
    if (!Number.isInteger(q[field]) || q[field] < 0) {
      problems.push({ field, value: q[field], message: 'must be a whole number >= 0', fix: 'give a count' });
    }
  }
  if (parseQuantity(q.requestsStorage) === undefined) {
    problems.push({ field: 'requestsStorage', value: q.requestsStorage, message: 'is not a quantity', fix: 'write it like "100Gi"' });
  }
  if (q.limitsMemory.mebibytes < q.requestsMemory.mebibytes) {
    problems.push({ field: 'limitsMemory', value: q.limitsMemory.toString(), message: `is below requestsMemory ${q.requestsMemory}: memory limits are at least the requests`, fix: 'raise limitsMemory' });
  }
  return problems;
}
