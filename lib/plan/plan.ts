import { quotaUsage } from '../cluster/quota-check';
import { Permissions } from './access';
import { autoscalerPresence, ClassifyContext, classifyChange, exposureAndAccess, podTemplatePath, targetKey } from './classify';
import { ArgoCdIndex, pruneReason } from './delivery';
import { selector } from './exposure';
import { diffFields, jsonEqual } from './field-diff';
import { groupOf, objectKey } from './identity';
import {
  ChangeClass, CHANGE_CLASSES, Classification, EnvironmentPlan, FieldChange, ObjectChange, Plan, PlannedObject, PlanOptions, PlanSide, QuotaChange,
} from './model';

/**
 * Compares two renderings environment by environment: objects added, removed and changed (with
 * their field-level diff), each change classified with its reason, and the namespaces whose
 * ResourceQuota totals moved. Pure: reads only its arguments.
 */
export function computePlan(base: PlanSide, head: PlanSide, options: PlanOptions = {}): Plan {
  const outdir = options.outdir ?? 'dist';
  const baseByEnv = byEnvironment(base.objects);
  const headByEnv = byEnvironment(head.objects);
  const names = [...head.environments, ...base.environments.filter((e) => !head.environments.includes(e))];
  const fallback = [...head.environments].reverse().concat([...base.environments].filter((e) => !head.environments.includes(e)).reverse());
  const order = [...(options.order ?? []).filter((e) => names.includes(e)), ...fallback.filter((e) => !(options.order ?? []).includes(e))];

  const environments = order.map((environment) => planEnvironment(
    environment,
    base.environments.includes(environment) ? baseByEnv.get(environment) ?? [] : undefined,
    head.environments.includes(environment) ? headByEnv.get(environment) ?? [] : undefined,
    outdir,
  ));
  return { environments, changed: environments.some((e) => e.changes.length > 0 || e.quotas.length > 0) };
}

function planEnvironment(environment: string, before: PlannedObject[] | undefined, after: PlannedObject[] | undefined, outdir: string): EnvironmentPlan {
  const a = index(before ?? []);
  const b = index(after ?? []);
  const argo = new ArgoCdIndex((after ?? before ?? []).map((o) => o.object), outdir);
  const baseArgo = new ArgoCdIndex((before ?? []).map((o) => o.object), outdir);
  let permissions: { before: Permissions; after: Permissions } | undefined;
  const context: ClassifyContext = {
    autoscalers: autoscalers(after ?? []),
    permissions: () => (permissions ??= { before: new Permissions((before ?? []).map((o) => o.object)), after: new Permissions((after ?? []).map((o) => o.object)) }),
  };

  const changes: ObjectChange[] = [];
  const removed: PlannedObject[] = [];
  const added: PlannedObject[] = [];
  for (const [key, old] of a) {
    const now = b.get(key);
    if (!now) {
      removed.push(old);
    } else if (!jsonEqual(old.object, now.object)) {
      const fields = diffFields(old.object, now.object);
      const classes = classifyChange(old.object, now.object, fields, context);
      const moved = folderOf(old) !== folderOf(now) ? [{ class: 'update' as ChangeClass, reason: `moved from ${folderOf(old)} to ${folderOf(now)}: Argo CD's Application of the new folder adopts it` }] : [];
      changes.push(change('change', now, [...classes, ...moved], fields));
    }
  }
  for (const [key, now] of b) if (!a.has(key)) added.push(now);

  const renames = pairRenames(removed, added);
  for (const old of removed) {
    const renamedTo = renames.get(old);
    const delivery = argo.of(folderOf(old)) ?? baseArgo.of(folderOf(old));
    const classes: Classification[] = [{ class: 'prune', reason: `${pruneReason(delivery, `${outdir}/${folderOf(old)}`)}${renamedTo ? ` (renamed to ${renamedTo.object.metadata?.name})` : ''}` }];
    if (!renamedTo) classes.push(...exposureAndAccess(old.object, undefined, context), ...presence(old.object, false));
    changes.push(change('remove', old, classes, [], renamedTo ? { renamedTo: renamedTo.object.metadata?.name } : {}));
  }
  const renamedFrom = new Map([...renames].map(([old, now]) => [now, old]));
  for (const now of added) {
    const old = renamedFrom.get(now);
    if (old) {
      const fields = renamedFields(old.object, now.object);
      const delivery = argo.of(folderOf(old)) ?? baseArgo.of(folderOf(old));
      changes.push(change('add', now, [
        { class: 'replace', reason: renameReason(old.object, now.object, delivery?.prune ?? false) },
        ...exposureAndAccess(old.object, now.object, context),
      ], fields, { renamedFrom: old.object.metadata?.name }));
    } else {
      changes.push(change('add', now, [{ class: 'add', reason: 'created' }, ...exposureAndAccess(undefined, now.object, context), ...presence(now.object, true)], []));
    }
  }
  changes.sort((x, y) => rank(x) - rank(y) || compare(x.file, y.file));

  const quotas = quotaChanges(before ?? [], after ?? [], changes);
  const counts: Partial<Record<ChangeClass, number>> = {};
  for (const c of changes) {
    for (const cls of new Set(c.classes.map((k) => k.class))) {
      if (cls !== 'quota') counts[cls] = (counts[cls] ?? 0) + 1;
    }
  }
  const quotaObjects = new Set([
    ...changes.filter((c) => c.classes.some((k) => k.class === 'quota')).map((c) => `${c.namespace}/${c.name}`),
    ...quotas.map((q) => `${q.namespace}/${q.quota}`),
  ]);
  if (quotaObjects.size) counts.quota = quotaObjects.size;
  const status = !before ? 'added' : !after ? 'removed' : changes.length || quotas.length ? 'changed' : 'unchanged';
  return { environment, status, delivery: argo.describe(environment) ?? baseArgo.describe(environment), changes, quotas, counts };
}

function presence(object: any, added: boolean): Classification[] {
  const c = autoscalerPresence(object, added);
  return c ? [c] : [];
}

/** What creating the renamed object and deleting the old one does. */
function renameReason(old: any, now: any, prunes: boolean): string {
  const parts = [`replaces ${old.kind} ${old.metadata?.name} (renamed): Kubernetes cannot rename an object, so ${now.metadata?.name} is created and ${old.metadata?.name} ${prunes ? 'pruned' : 'must be pruned'}`];
  const selectorOf = (o: any) => (o.spec?.selector ? selector(o.spec.selector.matchLabels || o.spec.selector.matchExpressions ? o.spec.selector : { matchLabels: o.spec.selector }) : undefined);
  if (selectorOf(old) !== selectorOf(now)) parts.push(`selector ${selectorOf(old) ?? '(none)'} → ${selectorOf(now) ?? '(none)'}`);
  if (podTemplatePath(now) && now.kind !== 'CronJob') parts.push('every pod is new: the new pods start while the old ones are deleted, so expect a gap unless the new ones are ready first');
  if (now.kind === 'StatefulSet' && (old.spec?.volumeClaimTemplates ?? []).length) {
    parts.push(`DATA MAY BE LOST: the new pods get new, empty claims (<template>-${now.metadata?.name}-<ordinal>); the claims of ${old.metadata?.name} are not reused and stay until deleted`);
  }
  if (now.kind === 'PersistentVolumeClaim') parts.push('DATA MAY BE LOST: the new claim gets a new, empty volume; the old volume is deleted with its claim when its reclaim policy is Delete');
  if (now.kind === 'Service') parts.push(`clients that call ${old.metadata?.name} by name or cluster IP fail until they use ${now.metadata?.name}`);
  return parts.join('; ');
}

/** The field diff of a renamed object, without the fields that differ only by the name. */
function renamedFields(old: any, now: any): FieldChange[] {
  const from = String(old.metadata?.name ?? '');
  const to = String(now.metadata?.name ?? '');
  const rename = (v: unknown) => (typeof v === 'string' && from ? v.split(from).join(to) : v);
  return diffFields(old, now).filter((f) => f.path === 'metadata.name' || !(f.op === 'replace' && rename(f.before) === f.after));
}

/**
 * Pairs each removed object with an added one that is the same object under a new name: same
 * group, kind, namespace and app, and most fields equal once the old name is read as the new
 * one. Greedy, best match first; groups too large to compare pairwise are left unpaired.
 */
function pairRenames(removed: PlannedObject[], added: PlannedObject[]): Map<PlannedObject, PlannedObject> {
  const pairs = new Map<PlannedObject, PlannedObject>();
  const group = (o: PlannedObject) => `${groupOf(o.object)}/${o.object.kind}/${o.object.metadata?.namespace ?? ''}/${o.app}`;
  const addedByGroup = new Map<string, PlannedObject[]>();
  for (const o of added) addedByGroup.set(group(o), [...(addedByGroup.get(group(o)) ?? []), o]);
  const removedByGroup = new Map<string, PlannedObject[]>();
  for (const o of removed) removedByGroup.set(group(o), [...(removedByGroup.get(group(o)) ?? []), o]);
  for (const [key, olds] of removedByGroup) {
    const news = addedByGroup.get(key) ?? [];
    if (!news.length || olds.length * news.length > 400) continue;
    const candidates: { old: PlannedObject; now: PlannedObject; score: number }[] = [];
    for (const old of olds) {
      for (const now of news) {
        const score = similarity(old.object, now.object);
        if (score >= 0.6) candidates.push({ old, now, score });
      }
    }
    candidates.sort((x, y) => y.score - x.score);
    const used = new Set<PlannedObject>();
    for (const { old, now } of candidates) {
      if (pairs.has(old) || used.has(now)) continue;
      pairs.set(old, now);
      used.add(now);
    }
  }
  return pairs;
}

/** Share of equal leaves (Jaccard), with every occurrence of the old name read as the new name. */
function similarity(old: any, now: any): number {
  const from = String(old.metadata?.name ?? '');
  const to = String(now.metadata?.name ?? '');
  const a = new Set(leaves(old, '', (s) => (from ? s.split(from).join(to) : s)));
  const b = new Set(leaves(now, '', (s) => s));
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / (a.size + b.size - common || 1);
}

function leaves(v: any, path: string, rename: (s: string) => string): string[] {
  if (v === null || typeof v !== 'object') return [`${path}=${typeof v === 'string' ? rename(v) : JSON.stringify(v)}`];
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  return entries.flatMap(([k, x]) => leaves(x, `${path}.${rename(k)}`, rename));
}

function quotaChanges(before: PlannedObject[], after: PlannedObject[], changes: ObjectChange[]): QuotaChange[] {
  const touched = new Set(changes.map((c) => c.namespace ?? ''));
  const out: QuotaChange[] = [];
  for (const quota of after.filter((o) => o.object.kind === 'ResourceQuota' && groupOf(o.object) === '')) {
    const namespace = quota.object.metadata?.namespace ?? '';
    if (!touched.has(namespace)) continue;
    const baseQuota = before.find((o) => objectKey(o.object) === objectKey(quota.object));
    const inNamespace = (objects: PlannedObject[]) => objects.filter((o) => (o.object.metadata?.namespace ?? '') === namespace).map((o) => ({ ...o, constructPath: o.file }));
    const was = new Map(baseQuota ? quotaUsage(baseQuota.object, inNamespace(before)).map((u) => [u.resource, u]) : []);
    const resources: QuotaChange['resources'][number][] = [];
    for (const u of quotaUsage(quota.object, inNamespace(after))) {
      const old = was.get(u.resource);
      if (old && old.used === u.used && old.hard === u.hard) continue;
      resources.push({
        resource: u.resource,
        hard: old && old.hard !== u.hard ? `${old.format(old.hard)} → ${u.format(u.hard)}` : u.format(u.hard),
        before: old ? old.format(old.used) : '(no quota)',
        after: u.format(u.used),
        percent: u.hard > 0 ? Math.round((u.used / u.hard) * 1000) / 10 : 0,
        exceeded: u.used > u.hard,
      });
    }
    if (resources.length) out.push({ namespace, quota: quota.object.metadata?.name, resources });
  }
  return out;
}

function change(action: ObjectChange['action'], o: PlannedObject, classes: Classification[], fields: ObjectChange['fields'], extra: Pick<ObjectChange, 'renamedFrom' | 'renamedTo'> = {}): ObjectChange {
  return {
    action,
    kind: `${groupOf(o.object)}/${o.object.kind}`,
    namespace: o.object.metadata?.namespace,
    name: o.object.metadata?.name,
    app: o.app,
    file: o.file,
    classes,
    fields,
    ...extra,
  };
}

/** Changes sorted by their most consequential class. */
function rank(c: ObjectChange): number {
  return Math.min(...c.classes.map((k) => CHANGE_CLASSES.indexOf(k.class)));
}

function index(objects: PlannedObject[]): Map<string, PlannedObject> {
  const out = new Map<string, PlannedObject>();
  for (const o of objects) {
    const key = objectKey(o.object);
    out.set(out.has(key) ? `${key}#${o.file}` : key, o);
  }
  return out;
}

function byEnvironment(objects: readonly PlannedObject[]): Map<string, PlannedObject[]> {
  const out = new Map<string, PlannedObject[]>();
  for (const o of objects) {
    const list = out.get(o.environment);
    if (list) list.push(o);
    else out.set(o.environment, [o]);
  }
  return out;
}

function autoscalers(objects: PlannedObject[]): Map<string, any> {
  const out = new Map<string, any>();
  for (const { object } of objects) {
    if (object.kind !== 'HorizontalPodAutoscaler') continue;
    const ref = object.spec?.scaleTargetRef ?? {};
    out.set(targetKey({ kind: ref.kind, metadata: { namespace: object.metadata?.namespace, name: ref.name } }), object);
  }
  return out;
}

function folderOf(o: PlannedObject): string {
  return o.file.split('/').slice(0, -1).join('/');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
