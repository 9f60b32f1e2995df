import { describeSelector, PolicyObject } from '../object-index';
import { Rule, Severity, violation, Violation } from '../rule';

/** PLT033: at most one PodDisruptionBudget selects the pods of a workload. */
export const onePdbPerPod = Rule.of({
  id: 'PLT033',
  name: 'one-pdb-per-pod',
  severity: Severity.ERROR,
  rationale: 'The eviction API refuses to evict a pod that more than one PodDisruptionBudget selects: node drains hang on it.',
  fix: 'Keep one budget per set of pods: turn off the automatic one (`disruptionBudget: false` on the workload) or drop the other.',
  check: ({ index }) => {
    const result: Violation[] = [];
    // Linear: each budget looks up the pods it selects; the first budget of a workload's pods wins.
    const budgetOf = new Map<PolicyObject, PolicyObject>();
    for (const pdb of index.ofKind('PodDisruptionBudget')) {
      const selector = pdb.object.spec?.selector;
      if (!selector) continue;
      const owners = new Set(index.podsSelectedBy(pdb.namespace, selector).map((p) => p.owner));
      const taken = [...owners].find((o) => budgetOf.has(o));
      if (taken) {
        const earlier = budgetOf.get(taken)!;
        result.push(violation(pdb, {
          field: 'spec.selector',
          value: describeSelector(selector),
          message: `selects the pods of ${taken.object.kind} ${taken.object.metadata?.name}, which PodDisruptionBudget ${earlier.object.metadata?.name} (${earlier.path}) already selects`,
          fix: 'keep one budget for these pods: set disruptionBudget: false on the workload to drop its automatic budget, or remove one of the two',
        }));
      }
      for (const owner of owners) if (!budgetOf.has(owner)) budgetOf.set(owner, pdb);
    }
    return result;
  },
});
