import { describeSelector, LabelSelector, PolicyObject } from '../object-index';
import { Rule, RuleContext, Severity, violation, Violation } from '../rule';

/** PLT030: a PodDisruptionBudget selects pods. */
export const pdbSelector = Rule.of({
  id: 'PLT030',
  name: 'pdb-selector-matches-pods',
  severity: Severity.ERROR,
  rationale: 'A PodDisruptionBudget that selects no pod protects nothing during node drains.',
  fix: 'Use the selector of the workload the budget protects.',
  check: (context) => context.index.ofKind('PodDisruptionBudget').flatMap((pdb) => unmatched(context, pdb, 'spec.selector', pdb.object.spec?.selector, false)),
});

/** PLT031: NetworkPolicy pod selectors select pods. */
export const networkPolicySelector = Rule.of({
  id: 'PLT031',
  name: 'network-policy-selector-matches-pods',
  severity: Severity.ERROR,
  rationale: 'A NetworkPolicy whose podSelector matches nothing leaves the intended pods unprotected, and a peer selector that matches nothing blocks the traffic it meant to allow.',
  fix: 'Select the stable labels of the pods meant (an empty selector means every pod of the namespace).',
  check: (context) => context.index.ofKind('NetworkPolicy').flatMap((np) => {
    const spec = np.object.spec ?? {};
    const result = unmatched(context, np, 'spec.podSelector', spec.podSelector, true);
    for (const direction of ['ingress', 'egress'] as const) {
      const peersKey = direction === 'ingress' ? 'from' : 'to';
      (spec[direction] ?? []).forEach((rule: any, i: number) => (rule?.[peersKey] ?? []).forEach((peer: any, j: number) => {
        if (peer?.podSelector && !peer.namespaceSelector) {
          result.push(...unmatched(context, np, `spec.${direction}[${i}].${peersKey}[${j}].podSelector`, peer.podSelector, true));
        }
      }));
    }
    return result;
  }),
});

/** PLT032: affinity, anti-affinity and topology spread selectors select pods. */
export const affinitySelector = Rule.of({
  id: 'PLT032',
  name: 'affinity-selector-matches-pods',
  severity: Severity.ERROR,
  rationale: 'An anti-affinity or spread constraint whose selector matches no pod spreads nothing; a required affinity to no pod keeps the pod Pending.',
  fix: 'Select the pods meant, usually the workload\'s own stable labels.',
  check: (context) => context.index.pods.flatMap((pod) => {
    const prefix = pod.field ? `${pod.field}.spec` : 'spec';
    const result: Violation[] = [];
    const affinity = pod.spec.affinity ?? {};
    for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
      const a = affinity[kind] ?? {};
      (a.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term: any, i: number) => {
        if (sameNamespace(term, pod.owner)) result.push(...unmatched(context, pod.owner, `${prefix}.affinity.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}].labelSelector`, term?.labelSelector, false));
      });
      (a.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((w: any, i: number) => {
        const term = w?.podAffinityTerm;
        if (sameNamespace(term, pod.owner)) result.push(...unmatched(context, pod.owner, `${prefix}.affinity.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}].podAffinityTerm.labelSelector`, term?.labelSelector, false));
      });
    }
    (pod.spec.topologySpreadConstraints ?? []).forEach((t: any, i: number) => {
      result.push(...unmatched(context, pod.owner, `${prefix}.topologySpreadConstraints[${i}].labelSelector`, t?.labelSelector, false));
    });
    return result;
  }),
});

function sameNamespace(term: any, owner: PolicyObject): boolean {
  return term !== undefined && !term.namespaceSelector && (term.namespaces ?? [owner.namespace]).every((n: string) => n === owner.namespace);
}

/** A violation when `selector` matches no pod template of the object's namespace (an empty selector only if `emptyMatchesAll`). */
function unmatched({ index }: RuleContext, object: PolicyObject, field: string, selector: LabelSelector | undefined, emptyMatchesAll: boolean): Violation[] {
  const empty = !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
  if (empty && emptyMatchesAll) return [];
  if (empty) {
    return [violation(object, { field, value: selector, message: 'is empty', fix: 'select the pods meant by their stable labels' })];
  }
  return index.podsSelectedBy(object.namespace, selector!).length ? [] : [violation(object, {
    field,
    value: selector,
    message: `(${describeSelector(selector!)}) matches no pod template in namespace "${object.namespace}"`,
    fix: 'select the stable labels (app.kubernetes.io/name, app.kubernetes.io/instance) of a workload of the stack',
  })];
}
