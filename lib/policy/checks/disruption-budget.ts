import { Problem } from '../../core/problem';

/**
 * Problems of a PodDisruptionBudget's own settings, as rendered (a count or a percentage string):
 * minAvailable and maxUnavailable together (the API server refuses it) and a maxUnavailable of
 * 0 (no eviction ever). The same code runs in the library's DisruptionBudget and in the policy
 * engine (PLT035); `prefix` is where the fields live (`` for props, `spec.` for YAML).
 */
export function budgetSettingsProblems(minAvailable: unknown, maxUnavailable: unknown, prefix = ''): Problem[] {
  const problems: Problem[] = [];
  if (minAvailable !== undefined && maxUnavailable !== undefined) {
    problems.push({ field: `${prefix}minAvailable`, value: minAvailable, message: 'cannot be set together with maxUnavailable', fix: 'keep one of the two (maxUnavailable is preferred)' });
  }
  if (maxUnavailable !== undefined && maxUnavailable !== null && Number(String(maxUnavailable).replace(/%$/, '')) === 0) {
    problems.push({ field: `${prefix}maxUnavailable`, value: maxUnavailable, message: 'blocks every node drain', fix: 'allow at least one pod to be evicted, e.g. maxUnavailable: 1' });
  }
  return problems;
}
