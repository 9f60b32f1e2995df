import { parseQuantity } from '../core/quantity';
import { accessChange, isRbac, Permissions } from './access';
import { exposureChange, hasExposure } from './exposure';
import { under } from './field-diff';
import { describeObject, groupOf, objectKey } from './identity';
import { Classification, FieldChange } from './model';

/** What classification reads besides the object: the rest of its environment, before and after. */
export interface ClassifyContext {
  /** HorizontalPodAutoscalers by `Kind/namespace/name` of their target, in the head. */
  readonly autoscalers: Map<string, any>;
  /** Effective RBAC permissions of the environment in the base and the head. */
  readonly permissions: () => { before: Permissions; after: Permissions };
}

const REFUSED = 'Kubernetes refuses the update (field is immutable) and the Argo CD sync fails until the object is replaced (sync option Replace=true) or deleted and synced again';

/** Fields of an object Kubernetes does not let an update change, with what replacing it costs. */
interface ImmutableRule {
  /** The changed fields among `fields` that are immutable. */
  fields(fields: readonly FieldChange[], before: any): string[];
  /** What replacing the object does (beyond the refusal). */
  consequence(before: any, fields: string[]): string;
}

const STATEFULSET_MUTABLE = ['spec.replicas', 'spec.template', 'spec.updateStrategy', 'spec.minReadySeconds', 'spec.ordinals', 'spec.persistentVolumeClaimRetentionPolicy'];
const JOB_IMMUTABLE = ['spec.selector', 'spec.template', 'spec.completions', 'spec.completionMode', 'spec.podFailurePolicy'];
const RECREATE = 'replacing it deletes every pod at once and creates new ones (downtime unless something else serves the traffic)';

const IMMUTABLE: Record<string, ImmutableRule> = {
  'apps/Deployment': selectorRule(),
  'apps/ReplicaSet': selectorRule(),
  'apps/DaemonSet': selectorRule(),
  'apps/StatefulSet': {
    fields: (fields) => paths(fields).filter((p) => under(p, 'spec') && !STATEFULSET_MUTABLE.some((m) => under(p, m))),
    consequence: (_, fields) => fields.some((f) => under(f, 'spec.volumeClaimTemplates'))
      ? `${RECREATE}. DATA MAY BE LOST: the pods' claims are made from volumeClaimTemplates only once; the existing claims keep their old size, class and access modes, a renamed or new template gives new, empty volumes, and deleting the claims deletes their data. To keep the pods and claims, delete the StatefulSet with --cascade=orphan before syncing`
      : `${RECREATE}; its claims stay (delete the StatefulSet with --cascade=orphan to keep the pods running meanwhile)`,
  },
  'batch/Job': {
    fields: (fields) => paths(fields).filter((p) => JOB_IMMUTABLE.some((m) => under(p, m))),
    consequence: () => 'replacing it runs the Job again',
  },
  '/Service': {
    fields: (fields) => paths(fields).filter((p) => under(p, 'spec.clusterIP') || under(p, 'spec.clusterIPs')),
    consequence: () => 'replacing it gives the Service a new cluster IP: clients that cached the old address fail until they resolve the name again',
  },
  '/PersistentVolumeClaim': {
    fields: (fields) => paths(fields).filter((p) => under(p, 'spec') && !under(p, 'spec.resources.requests')
      || under(p, 'spec.resources.requests.storage') && shrinks(fields.find((f) => f.path === p))),
    consequence: () => 'DATA MAY BE LOST: replacing the claim deletes its volume and data when the volume\'s reclaim policy is Delete (the default); copy the data or bind the new claim to the retained volume',
  },
  '/Pod': {
    fields: (fields) => paths(fields).filter((p) => under(p, 'spec') && !/^spec\.(initContainers|containers)\[[^\]]+\]\.image$/.test(p) && !under(p, 'spec.activeDeadlineSeconds')),
    consequence: () => 'replacing it deletes the pod and starts a new one',
  },
  'storage.k8s.io/StorageClass': {
    fields: (fields) => paths(fields).filter((p) => ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'].some((m) => under(p, m))),
    consequence: () => 'existing volumes keep the settings they were provisioned with; only new claims get the new ones',
  },
  'rbac.authorization.k8s.io/RoleBinding': roleRefRule(),
  'rbac.authorization.k8s.io/ClusterRoleBinding': roleRefRule(),
  '/ConfigMap': immutableDataRule(),
  '/Secret': immutableDataRule(),
};

function selectorRule(): ImmutableRule {
  return {
    fields: (fields) => paths(fields).filter((p) => under(p, 'spec.selector')),
    consequence: () => `${RECREATE}; the old pods and ReplicaSets are only removed with their owner`,
  };
}

function roleRefRule(): ImmutableRule {
  return {
    fields: (fields) => paths(fields).filter((p) => under(p, 'roleRef')),
    consequence: () => 'while it is deleted and created again its subjects briefly lose the role',
  };
}

function immutableDataRule(): ImmutableRule {
  return {
    fields: (fields, before) => (before?.immutable === true ? paths(fields).filter((p) => ['data', 'binaryData', 'stringData', 'immutable'].some((m) => under(p, m))) : []),
    consequence: () => 'it is marked immutable: pods that mount it keep the old content until they restart',
  };
}

function paths(fields: readonly FieldChange[]): string[] {
  return fields.map((f) => f.path);
}

function shrinks(f: FieldChange | undefined): boolean {
  const before = parseQuantity(f?.before as string);
  const after = parseQuantity(f?.after as string);
  return before !== undefined && after !== undefined && after < before;
}

/** Where an object keeps its pod template, if it has one. */
export function podTemplatePath(object: any): string | undefined {
  switch (object?.kind) {
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': return 'spec.template';
    case 'CronJob': return 'spec.jobTemplate.spec.template';
    default: return undefined;
  }
}

/** Classes of a change of an object present in both renderings. */
export function classifyChange(before: any, after: any, fields: readonly FieldChange[], context: ClassifyContext): Classification[] {
  const out: Classification[] = [];
  const immutable = IMMUTABLE[`${groupOf(after)}/${after.kind}`];
  const refused = immutable ? immutable.fields(fields, before) : [];
  if (refused.length) {
    out.push({ class: 'replace', reason: `${list(refused)} changed: ${REFUSED}; ${immutable.consequence(before, refused)}` });
  }
  const template = podTemplatePath(after);
  const templateFields = template ? fields.filter((f) => under(f.path, template)) : [];
  if (templateFields.length && !refused.length) {
    const changed = list(templateFields.map((f) => f.path.slice(template!.length + 1)));
    out.push(after.kind === 'CronJob'
      ? { class: 'rollout', reason: `job template changed (${changed}): Jobs started from the next scheduled run use it; running Jobs keep the old one` }
      : { class: 'rollout', reason: `pod template changed (${changed}): ${replicasOf(after, context)} ${strategyOf(after)}` });
  }
  if (template) {
    const images = imageChanges(get(before, template), get(after, template));
    if (images.length) out.push({ class: 'image', reason: images.join('; ') });
  }
  const scale = scaleChange(before, after, fields, context);
  if (scale) out.push({ class: 'scale', reason: scale });
  out.push(...exposureAndAccess(before, after, context));
  if (after.kind === 'ResourceQuota' && fields.some((f) => under(f.path, 'spec'))) {
    out.push({ class: 'quota', reason: `quota changed: ${fields.filter((f) => under(f.path, 'spec')).map((f) => `${f.path.replace(/^spec\.hard\./, '').replace(/^spec\.hard\["(.*)"\]$/, '$1')} ${show(f.before)} → ${show(f.after)}`).join(', ')}` });
  }
  if (!out.length) out.push({ class: 'update', reason: updateReason(after) });
  return out;
}

/** Exposure and access classes of any change, addition or removal (either side may be absent). */
export function exposureAndAccess(before: any, after: any, context: ClassifyContext): Classification[] {
  const out: Classification[] = [];
  const object = after ?? before;
  if (hasExposure(object.kind)) {
    const { widened, narrowed } = exposureChange(before, after);
    if (widened.length || narrowed.length) {
      out.push({
        class: 'exposure',
        reason: [widened.length ? `widened (${widened.length})` : '', narrowed.length ? `narrowed (${narrowed.length})` : ''].filter(Boolean).join(', '),
        details: [...widened.map((s) => `+ ${s}`), ...narrowed.map((s) => `- ${s}`)],
      });
    }
  }
  if (isRbac(object)) {
    const { before: b, after: a } = context.permissions();
    const { gained, lost } = accessChange(objectKey(object), b, a);
    if (gained.length || lost.length) {
      out.push({
        class: 'access',
        reason: [gained.length ? `widened: ${gained.length} permission(s) gained` : '', lost.length ? `narrowed: ${lost.length} permission(s) lost` : ''].filter(Boolean).join(', '),
        details: [...gained.map((s) => `+ ${s}`), ...lost.map((s) => `- ${s}`)],
      });
    }
  }
  return out;
}

/** Scale class of an added or removed autoscaler. */
export function autoscalerPresence(object: any, added: boolean): Classification | undefined {
  if (object.kind !== 'HorizontalPodAutoscaler') return undefined;
  const ref = object.spec?.scaleTargetRef ?? {};
  return added
    ? { class: 'scale', reason: `${ref.kind} ${ref.name} is autoscaled between ${object.spec?.minReplicas ?? 1} and ${object.spec?.maxReplicas} replicas` }
    : { class: 'scale', reason: `${ref.kind} ${ref.name} is no longer autoscaled: it keeps the replica count it has until its spec.replicas is applied` };
}

function scaleChange(before: any, after: any, fields: readonly FieldChange[], context: ClassifyContext): string | undefined {
  const changed = (p: string) => fields.find((f) => f.path === p);
  if (after.kind === 'HorizontalPodAutoscaler') {
    const parts: string[] = [];
    if (changed('spec.minReplicas') || changed('spec.maxReplicas')) {
      parts.push(`bounds ${before.spec?.minReplicas ?? 1}–${before.spec?.maxReplicas} → ${after.spec?.minReplicas ?? 1}–${after.spec?.maxReplicas} replicas`);
    }
    if (fields.some((f) => under(f.path, 'spec.metrics') || under(f.path, 'spec.behavior'))) parts.push('scaling targets or behaviour changed');
    if (fields.some((f) => under(f.path, 'spec.scaleTargetRef'))) parts.push(`now scales ${after.spec?.scaleTargetRef?.kind} ${after.spec?.scaleTargetRef?.name}`);
    return parts.length ? `${describeObject(after)}: ${parts.join('; ')}` : undefined;
  }
  const replicas = changed('spec.replicas');
  if (replicas && ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(after.kind)) {
    const hpa = context.autoscalers.get(targetKey(after));
    const from = Number(replicas.before ?? 1);
    const to = Number(replicas.after ?? 1);
    const notes = [
      hpa ? `HorizontalPodAutoscaler ${hpa.metadata?.name} manages the replicas (${hpa.spec?.minReplicas ?? 1}–${hpa.spec?.maxReplicas}) and overrides this` : '',
      after.kind === 'StatefulSet' && to < from ? `pods ${to}..${from - 1} are deleted, highest ordinal first; their claims stay` : '',
    ].filter(Boolean);
    return `replicas ${replicas.before ?? '1 (default)'} → ${replicas.after ?? '1 (default)'}${notes.length ? `: ${notes.join('; ')}` : ''}`;
  }
  const parallelism = changed('spec.parallelism');
  if (parallelism && after.kind === 'Job') return `parallelism ${parallelism.before ?? 1} → ${parallelism.after ?? 1}`;
  return undefined;
}

function replicasOf(workload: any, context: ClassifyContext): string {
  if (workload.kind === 'DaemonSet') return 'one pod per node';
  if (workload.kind === 'Job') return `${workload.spec?.parallelism ?? 1} pod(s)`;
  const hpa = context.autoscalers.get(targetKey(workload));
  if (hpa) return `${hpa.spec?.minReplicas ?? 1}–${hpa.spec?.maxReplicas} replicas (HorizontalPodAutoscaler ${hpa.metadata?.name})`;
  const n = workload.spec?.replicas ?? 1;
  return `${n} replica${n === 1 ? '' : 's'}`;
}

function strategyOf(workload: any): string {
  switch (workload.kind) {
    case 'Deployment': {
      const s = workload.spec?.strategy ?? {};
      if (s.type === 'Recreate') return 'restart: every pod stops before the new ones start (Recreate)';
      return `roll (maxSurge ${s.rollingUpdate?.maxSurge ?? '25%'}, maxUnavailable ${s.rollingUpdate?.maxUnavailable ?? '25%'})`;
    }
    case 'StatefulSet': {
      const s = workload.spec?.updateStrategy ?? {};
      if (s.type === 'OnDelete') return 'are updated only when each pod is deleted (OnDelete)';
      const partition = s.rollingUpdate?.partition ? `, ordinals from ${s.rollingUpdate.partition} only` : '';
      return `roll one pod at a time, highest ordinal first${partition}`;
    }
    case 'DaemonSet': return `rolls node by node (maxUnavailable ${workload.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1})`;
    default: return 'are replaced';
  }
}

function imageChanges(before: any, after: any): string[] {
  const images = (t: any) => new Map<string, string>([...(t?.spec?.initContainers ?? []), ...(t?.spec?.containers ?? [])].map((c: any) => [c.name, c.image]));
  const a = images(before);
  const b = images(after);
  const out: string[] = [];
  for (const [name, image] of b) {
    const old = a.get(name);
    if (old !== undefined && old !== image) out.push(`container ${name}: ${old} → ${image} (${imageDifference(old, image)})`);
  }
  return out;
}

/** Which part of an image reference changed: `tag`, `digest`, `repository`. */
export function imageDifference(before: string, after: string): string {
  const parse = (ref: string) => {
    const [nameTag, digest] = ref.split('@');
    const slash = nameTag.lastIndexOf('/');
    const colon = nameTag.lastIndexOf(':');
    return colon > slash ? { repo: nameTag.slice(0, colon), tag: nameTag.slice(colon + 1), digest } : { repo: nameTag, tag: undefined, digest };
  };
  const a = parse(before);
  const b = parse(after);
  if (a.repo !== b.repo) return 'repository';
  const parts = [a.tag !== b.tag ? 'tag' : '', a.digest !== b.digest ? 'digest' : ''].filter(Boolean);
  return parts.join(' and ');
}

function updateReason(object: any): string {
  if (object.kind === 'ConfigMap' || object.kind === 'Secret') {
    return 'applied in place; pods see mounted files change within a minute, environment variables only after a restart';
  }
  return 'applied in place';
}

/** `Kind/namespace/name` of an HPA target or a workload. */
export function targetKey(o: any): string {
  return `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

function get(o: any, path: string): any {
  return path.split('.').reduce((v, k) => v?.[k], o);
}

function list(items: string[]): string {
  const unique = [...new Set(items)];
  return unique.length <= 4 ? unique.join(', ') : `${unique.slice(0, 4).join(', ')} and ${unique.length - 4} more`;
}

function show(v: unknown): string {
  return v === undefined ? '(none)' : String(v);
}
