import { Environment } from '../core/environment';
import { Finding, Manifest, ManifestCheck } from '../core/platform';
import { formatBytes, formatCpu, parseQuantity } from '../core/quantity';

type ComputeKey = 'requests.cpu' | 'requests.memory' | 'limits.cpu' | 'limits.memory';
const COMPUTE_KEYS: ComputeKey[] = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];
/** Quota keys that are aliases of others. */
const ALIASES: Record<string, string> = { cpu: 'requests.cpu', memory: 'requests.memory' };

/** What one workload takes out of its namespace's quota. */
interface Consumer {
  readonly label: string;
  /** Pods at steady state (HPA maximum where there is one). */
  readonly pods: number;
  /** Extra pods during a rolling update. */
  readonly surge: number;
  readonly perPod: Record<ComputeKey, number>;
  readonly withoutCpuLimit: boolean;
  /** PVC count and storage bytes. */
  readonly claims: number;
  readonly storage: number;
}

/**
 * Refuses a ResourceQuota its namespace's own workloads already exceed, summing over every app of
 * the environment: replicas (the HPA maximum where one targets the workload, plus rolling-update
 * surge pods) × the pod's effective requests and limits (the larger of the main containers' sum and
 * the biggest init container, LimitRange defaults for what a container leaves out), Services,
 * PersistentVolumeClaims (and StatefulSet claim templates) and their storage. DaemonSets are not
 * counted: their pod count depends on the nodes.
 */
export class QuotaCheck implements ManifestCheck {
  public check(manifests: readonly Manifest[], environment: Environment): Finding[] {
    return manifests
      .filter((m) => m.object.kind === 'ResourceQuota')
      // A scoped quota counts only some pods (a PriorityClass, terminating ones): not modelled here.
      .filter((quota) => !quota.object.spec?.scopes?.length && !quota.object.spec?.scopeSelector)
      .flatMap((quota) => {
        const namespace = quota.object.metadata?.namespace ?? environment.namespace;
        const inNamespace = manifests.filter((m) => (m.object.metadata?.namespace ?? environment.namespace) === namespace);
        return checkQuota(quota, inNamespace);
      });
  }
}

/** One resource of a ResourceQuota: what it allows and what the namespace's objects take. */
export interface QuotaUsage {
  /** The key under `spec.hard`, e.g. `requests.cpu`. */
  readonly resource: string;
  /** The quota, in base units (cores, bytes, count). */
  readonly hard: number;
  /** The total the namespace's objects take, counted as {@link QuotaCheck} counts it. */
  readonly used: number;
  /** Writes an amount of this resource as a quantity. */
  readonly format: (amount: number) => string;
}

/**
 * What the objects of a namespace (`manifests`, all in the quota's namespace) take of each
 * resource of `quota` that can be counted from manifests.
 */
export function quotaUsage(quota: any, manifests: readonly Manifest[]): QuotaUsage[] {
  const { consumers, services } = namespaceConsumers(manifests);
  const out: QuotaUsage[] = [];
  for (const [rawKey, rawValue] of Object.entries(quota.spec?.hard ?? {})) {
    const hard = parseQuantity(rawValue as string);
    const usage = hard === undefined ? undefined : usageOf(ALIASES[rawKey] ?? rawKey, consumers, services);
    if (hard !== undefined && usage) out.push({ resource: rawKey, hard, used: usage.total, format: usage.format });
  }
  return out;
}

function namespaceConsumers(manifests: readonly Manifest[]): { consumers: Consumer[]; services: number } {
  const limitRange = manifests.find((m) => m.object.kind === 'LimitRange')?.object.spec?.limits?.find((l: any) => l.type === 'Container') ?? {};
  const hpaMax = new Map<string, number>();
  for (const m of manifests.filter((o) => o.object.kind === 'HorizontalPodAutoscaler')) {
    const ref = m.object.spec?.scaleTargetRef ?? {};
    hpaMax.set(`${ref.kind}/${ref.name}`, m.object.spec?.maxReplicas ?? 1);
  }
  const consumers = manifests.map((m) => consumerOf(m, limitRange, hpaMax)).filter((c): c is Consumer => c !== undefined);
  const services = manifests.filter((m) => m.object.kind === 'Service').length;
  return { consumers, services };
}

function checkQuota(quota: Manifest, manifests: readonly Manifest[]): Finding[] {
  const { consumers, services } = namespaceConsumers(manifests);

  const findings: Finding[] = [];
  const hard: Record<string, unknown> = quota.object.spec?.hard ?? {};
  const finding = (key: string, message: string, fix: string): Finding =>
    ({ rule: 'QUOTA', severity: 'error', path: quota.constructPath, field: `spec.hard.${key}`, value: hard[key], message, fix });
  for (const [rawKey, rawValue] of Object.entries(hard)) {
    const key = ALIASES[rawKey] ?? rawKey;
    const allowed = parseQuantity(rawValue as string);
    if (allowed === undefined) continue;
    const usage = usageOf(key, consumers, services);
    if (!usage) continue;
    const { total, format, share } = usage;
    if (total > allowed) {
      const biggest = consumers.map((c) => ({ c, amount: share(c) })).filter((x) => x.amount > 0).sort((a, b) => b.amount - a.amount).slice(0, 3)
        .map(({ c, amount }) => `${c.label} ${format(amount)}${COMPUTE_KEYS.includes(key as ComputeKey) || key === 'pods' ? ` (${c.pods}${c.surge ? `+${c.surge} surge` : ''} pods)` : ''}`);
      findings.push(finding(rawKey,
        `is smaller than what the namespace's workloads need: ${format(total)}${biggest.length ? `; biggest: ${biggest.join(', ')}` : ''}`,
        `raise it to at least ${format(total)}, or lower the replicas or resources of the biggest consumers`));
    }
  }
  const uncapped = consumers.filter((c) => c.withoutCpuLimit);
  if ('limits.cpu' in hard && uncapped.length) {
    findings.push(finding('limits.cpu',
      `requires a CPU limit on every pod, but ${uncapped.map((c) => c.label).join(', ')} have none: their pods would be refused`,
      'set cpuLimit on their containers, give the LimitRange a defaultLimit.cpu, or drop limitsCpu from the quota'));
  }
  return findings;
}

function usageOf(key: string, consumers: Consumer[], services: number): { total: number; format: (n: number) => string; share: (c: Consumer) => number } | undefined {
  const count = (n: number) => String(n);
  let share: (c: Consumer) => number;
  let format = count;
  if (COMPUTE_KEYS.includes(key as ComputeKey)) {
    share = (c) => (c.pods + c.surge) * c.perPod[key as ComputeKey];
    format = key.endsWith('cpu') ? formatCpu : formatBytes;
  } else if (key === 'pods') {
    share = (c) => c.pods + c.surge;
  } else if (key === 'persistentvolumeclaims') {
    share = (c) => c.claims;
  } else if (key === 'requests.storage') {
    share = (c) => c.storage;
    format = formatBytes;
  } else if (key === 'services') {
    return { total: services, format: count, share: () => 0 };
  } else {
    return undefined;
  }
  return { total: consumers.reduce((sum, c) => sum + share(c), 0), format, share };
}

function consumerOf(m: Manifest, limitRange: any, hpaMax: Map<string, number>): Consumer | undefined {
  const o = m.object;
  const label = `${m.app}/${o.kind} ${o.metadata?.name}`;
  const claim = (spec: any) => parseQuantity(spec?.resources?.requests?.storage) ?? 0;
  if (o.kind === 'PersistentVolumeClaim') {
    return { label, pods: 0, surge: 0, perPod: zero(), withoutCpuLimit: false, claims: 1, storage: claim(o.spec) };
  }
  let podSpec: any;
  let pods = 1;
  let surge = 0;
  let templates: any[] = [];
  switch (o.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet': {
      podSpec = o.spec?.template?.spec;
      pods = Math.max(o.spec?.replicas ?? 1, hpaMax.get(`${o.kind}/${o.metadata?.name}`) ?? 0);
      if (o.kind === 'Deployment' && o.spec?.strategy?.type !== 'Recreate') {
        const maxSurge = o.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
        surge = typeof maxSurge === 'string' && maxSurge.endsWith('%') ? Math.ceil((pods * Number(maxSurge.slice(0, -1))) / 100) : Number(maxSurge);
      }
      if (o.kind === 'StatefulSet') templates = o.spec?.volumeClaimTemplates ?? [];
      break;
    }
    case 'Job':
      podSpec = o.spec?.template?.spec;
      pods = o.spec?.parallelism ?? 1;
      break;
    case 'CronJob':
      podSpec = o.spec?.jobTemplate?.spec?.template?.spec;
      pods = o.spec?.jobTemplate?.spec?.parallelism ?? 1;
      break;
    case 'Pod':
      podSpec = o.spec;
      break;
    default:
      return undefined;
  }
  const perPod = zero();
  let withoutCpuLimit = false;
  const main: any[] = podSpec?.containers ?? [];
  const init: any[] = podSpec?.initContainers ?? [];
  for (const key of COMPUTE_KEYS) {
    const of = (c: any) => containerAmount(c, key, limitRange);
    const sum = main.reduce((s, c) => s + (of(c) ?? 0), 0);
    perPod[key] = Math.max(sum, ...init.map((c) => of(c) ?? 0));
  }
  withoutCpuLimit = [...main, ...init].some((c) => containerAmount(c, 'limits.cpu', limitRange) === undefined);
  return { label, pods, surge, perPod, withoutCpuLimit, claims: templates.length * pods, storage: templates.reduce((s, t) => s + claim(t.spec), 0) * pods };
}

/** A container's amount, with the LimitRange filling in what it leaves out (as the admission plugin does). */
function containerAmount(c: any, key: ComputeKey, limitRange: any): number | undefined {
  const [kind, resource] = key.split('.') as ['requests' | 'limits', 'cpu' | 'memory'];
  const own = parseQuantity(c.resources?.[kind]?.[resource]);
  if (own !== undefined) return own;
  const ownLimit = parseQuantity(c.resources?.limits?.[resource]);
  const defaultLimit = parseQuantity(limitRange.default?.[resource]);
  if (kind === 'limits') return defaultLimit;
  // The API server defaults a missing request to the container's limit, before the LimitRange.
  return ownLimit ?? parseQuantity(limitRange.defaultRequest?.[resource]) ?? defaultLimit;
}

function zero(): Record<ComputeKey, number> {
  return { 'requests.cpu': 0, 'requests.memory': 0, 'limits.cpu': 0, 'limits.memory': 0 };
}
