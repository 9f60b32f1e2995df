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
  fromEnvironment: z.boolean().optional(),
  hard: z.record(str, z.union([num, str])).optional(),
  scopes: z.array(str).optional(),
  scopeSelector: z.array(z.strictObject({ scopeName: str, operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: z.array(str).optional() })).optional(),
});

/** The scopes a quota can be limited to (`spec.scopes`, `spec.scopeSelector`). */
export enum QuotaScope {
  /** Pods with `activeDeadlineSeconds` (Jobs that end). */
  TERMINATING = 'Terminating',
  /** Pods without `activeDeadlineSeconds`. */
  NOT_TERMINATING = 'NotTerminating',
  /** Pods with no requests or limits at all. */
  BEST_EFFORT = 'BestEffort',
  /** Pods with some requests or limits. */
  NOT_BEST_EFFORT = 'NotBestEffort',
  /** Pods of a PriorityClass (select the classes with {@link QuotaScopeSelector}). */
  PRIORITY_CLASS = 'PriorityClass',
  /** Pods with cross-namespace (anti-)affinity terms. */
  CROSS_NAMESPACE_POD_AFFINITY = 'CrossNamespacePodAffinity',
}

/** One term of `spec.scopeSelector.matchExpressions`. */
export interface QuotaScopeSelector {
  /** The scope. */
  readonly scopeName: QuotaScope;
  /** `In` and `NotIn` take values (PriorityClass names); `Exists` and `DoesNotExist` none. */
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /**
   * PriorityClass names, for `In` and `NotIn`.
   * @default - none
   */
  readonly values?: string[];
}

/**
 * Props of a {@link ResourceQuota}; every amount is a ceiling for the whole namespace (or for
 * the pods of its scopes). Only the amounts given are rendered, unless `fromEnvironment` asks
 * for the environment's preset ({@link ResourceQuota.defaultsFor}).
 */
export interface ResourceQuotaProps {
  /**
   * Start from the environment's preset ({@link ResourceQuota.defaultsFor}: CPU and memory per
   * replica unit, 20 pods per replica, 20 Services, 10 claims, storage); the amounts given
   * override it. The Namespace construct does this.
   * @default false - only the amounts given
   */
  readonly fromEnvironment?: boolean;
  /**
   * Any other resource by its quota name, e.g. `services.loadbalancers: 0`,
   * `services.nodeports: 0`, `count/jobs.batch: 10`, `requests.nvidia.com/gpu: 4`. Values are
   * counts or quantities. A name a typed prop covers (`pods`, `requests.cpu`, ...) is refused here.
   * @default - none
   */
  readonly hard?: Record<string, string | number>;
  /**
   * Scopes the quota counts pods of (all must match). Scoped quotas (other than
   * CrossNamespacePodAffinity) limit pods and CPU/memory only; BestEffort limits pods only.
   * @default - every object of the namespace
   */
  readonly scopes?: QuotaScope[];
  /**
   * Scope terms, e.g. `{ scopeName: QuotaScope.PRIORITY_CLASS, operator: 'In', values: ['high'] }`.
   * @default - none
   */
  readonly scopeSelector?: QuotaScopeSelector[];
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
   * @default - not limited (with fromEnvironment: 4 cores per replica unit)
   */
  readonly requestsCpu?: Cpu;
  /**
   * Sum of memory requests (`requests.memory`).
   * @default - not limited (with fromEnvironment: 8Gi per replica unit)
   */
  readonly requestsMemory?: Memory;
  /**
   * Sum of memory limits (`limits.memory`).
   * @default - not limited (with fromEnvironment: the requestsMemory given, else 8Gi per replica unit)
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
   * @default - not limited (with fromEnvironment: 20 per replica the environment allows, its autoscaling maximum or replicas)
   */
  readonly pods?: number;
  /**
   * Number of Services.
   * @default - not limited (with fromEnvironment: 20)
   */
  readonly services?: number;
  /**
   * Number of PersistentVolumeClaims.
   * @default - not limited (with fromEnvironment: 10)
   */
  readonly persistentVolumeClaims?: number;
  /**
   * Sum of PVC storage requests, as a quantity.
   * @default - not limited (with fromEnvironment: 200Gi times the environment's resourceScale)
   */
  readonly requestsStorage?: string;
}

/** The typed amounts of a ResourceQuota (`limitsCpu` only where the environment caps CPU). */
export type QuotaAmounts = Required<Pick<ResourceQuotaProps, 'requestsCpu' | 'requestsMemory' | 'limitsMemory' | 'pods' | 'services' | 'persistentVolumeClaims' | 'requestsStorage'>>
  & Pick<ResourceQuotaProps, 'limitsCpu'>;

/** The quota name of each typed amount. */
const TYPED: Record<string, keyof QuotaAmounts> = {
  'requests.cpu': 'requestsCpu',
  'requests.memory': 'requestsMemory',
  'limits.memory': 'limitsMemory',
  'limits.cpu': 'limitsCpu',
  'pods': 'pods',
  'services': 'services',
  'persistentvolumeclaims': 'persistentVolumeClaims',
  'requests.storage': 'requestsStorage',
};
/** What a quota scoped to pods may limit (k8s.io/kubernetes pkg/apis/core/validation: quota scopes). */
const POD_COUNT = new Set(['pods', 'count/pods']);
const POD_COMPUTE = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

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
    const given = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as Partial<QuotaAmounts>;
    const preset = props.fromEnvironment ? ResourceQuota.defaultsFor(AppChart.of(this).environment) : {};
    // The preset's memory limit follows the memory requests given, as documented.
    const q: Partial<QuotaAmounts> = { ...preset, ...(props.fromEnvironment && given.requestsMemory ? { limitsMemory: given.requestsMemory } : {}), ...given };
    const hard: Record<string, k8s.Quantity> = {};
    for (const [key, field] of Object.entries(TYPED)) {
      const value = q[field];
      if (value === undefined) continue;
      hard[key] = typeof value === 'number' ? k8s.Quantity.fromNumber(value) : k8s.Quantity.fromString(value.toString());
    }
    for (const [key, value] of Object.entries(props.hard ?? {})) {
      hard[key] = typeof value === 'number' ? k8s.Quantity.fromNumber(value) : k8s.Quantity.fromString(String(value));
    }
    this.apiObject = new k8s.KubeResourceQuota(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace },
      spec: {
        hard,
        scopes: props.scopes,
        scopeSelector: props.scopeSelector ? { matchExpressions: props.scopeSelector.map((t) => ({ scopeName: t.scopeName, operator: t.operator, values: t.values })) } : undefined,
      },
    });
    addProblems(this, () => [...Names.dnsSubdomain('name', this.name), ...quotaProblems(q, props, Object.keys(hard))]);
  }
}

function quotaProblems(q: Partial<QuotaAmounts>, props: ResourceQuotaProps, keys: string[]): Problem[] {
  const problems: Problem[] = [];
  if (!keys.length) {
    problems.push({ field: 'hard', value: {}, message: 'limits nothing', fix: 'give the amounts to limit (pods, requestsCpu, hard: {...}), or fromEnvironment: true for the environment\'s preset' });
  }
  problems.push(
    ...(q.requestsCpu?.problems('requestsCpu') ?? []),
    ...(q.requestsMemory?.problems('requestsMemory') ?? []),
    ...(q.limitsMemory?.problems('limitsMemory') ?? []),
    ...(q.limitsCpu?.problems('limitsCpu') ?? []),
  );
  for (const field of ['pods', 'services', 'persistentVolumeClaims'] as const) {
    const value = q[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      problems.push({ field, value, message: 'must be a whole number >= 0', fix: 'give a count' });
    }
  }
  if (q.requestsStorage !== undefined && parseQuantity(q.requestsStorage) === undefined) {
    problems.push({ field: 'requestsStorage', value: q.requestsStorage, message: 'is not a quantity', fix: 'write it like "100Gi"' });
  }
  if (q.limitsMemory && q.requestsMemory && q.limitsMemory.mebibytes < q.requestsMemory.mebibytes) {
    problems.push({ field: 'limitsMemory', value: q.limitsMemory.toString(), message: `is below requestsMemory ${q.requestsMemory}: memory limits are at least the requests`, fix: 'raise limitsMemory' });
  }
  for (const [key, value] of Object.entries(props.hard ?? {})) {
    if (TYPED[key]) {
      problems.push({ field: `hard.${key}`, value, message: `is a typed prop of ResourceQuota`, fix: `set ${TYPED[key]} instead` });
    }
    if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/.test(key)) {
      problems.push({ field: `hard.${key}`, value: key, message: 'is not a resource name', fix: 'use a quota resource name such as services.loadbalancers or count/jobs.batch' });
    }
    if ((typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) || (typeof value !== 'number' && parseQuantity(String(value)) === undefined)) {
      problems.push({ field: `hard.${key}`, value, message: 'is not a count or quantity', fix: 'give a number >= 0 or a quantity such as "10" or "4Gi"' });
    }
  }
  // The API server refuses a scoped quota limiting what its scopes cannot count.
  const scopes = [...(props.scopes ?? []), ...(props.scopeSelector ?? []).map((t) => t.scopeName)];
  for (const scope of new Set(scopes)) {
    const podsOnly = scope === QuotaScope.BEST_EFFORT || scope === QuotaScope.CROSS_NAMESPACE_POD_AFFINITY;
    const bad = keys.filter((k) => !POD_COUNT.has(k) && (podsOnly || !POD_COMPUTE.has(k)));
    if (bad.length) {
      problems.push({
        field: 'scopes',
        value: scope,
        message: `limits ${podsOnly ? 'pods only' : 'pods, CPU and memory only'}, but the quota also limits ${bad.join(', ')}: the API server refuses it`,
        fix: `drop ${bad.join(', ')} from this quota (put them in an unscoped quota)${props.fromEnvironment ? ', and do not start it from the environment preset' : ''}`,
      });
    }
  }
  (props.scopeSelector ?? []).forEach((t, i) => {
    const needsValues = t.operator === 'In' || t.operator === 'NotIn';
    if (needsValues !== Boolean(t.values?.length)) {
      problems.push({ field: `scopeSelector[${i}].values`, value: t.values, message: needsValues ? `must list values for ${t.operator}` : `must be empty for ${t.operator}`, fix: needsValues ? 'name the PriorityClasses' : 'drop values' });
    }
  });
  return problems;
}
