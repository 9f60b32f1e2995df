import { Problem } from '../../core/problem';

/**
 * Problems of an autoscaler's replica range: minReplicas a whole number >= 1 (0 is an alpha
 * feature) and not above maxReplicas. The same code runs in the library's
 * HorizontalPodAutoscaler and in the policy engine (PLT024); `prefix` is where the fields live
 * (`` for construct props, `spec.` for YAML).
 */
export function replicaRangeProblems(min: unknown, max: unknown, prefix = '', maxFix = 'set maxReplicas to a whole number >= 1'): Problem[] {
  const problems: Problem[] = [];
  if (min !== undefined && (!Number.isInteger(min) || (min as number) < 1)) {
    problems.push({ field: `${prefix}minReplicas`, value: min, message: 'must be a whole number >= 1', fix: 'use 1 or more (scale to zero is an alpha feature)' });
  }
  if (max === undefined || !Number.isInteger(max) || (max as number) < 1) {
    problems.push({ field: `${prefix}maxReplicas`, value: max, message: 'must be a whole number >= 1', fix: maxFix });
  } else if (Number.isInteger(min) && (min as number) > (max as number)) {
    problems.push({ field: `${prefix}minReplicas`, value: min, message: `is above maxReplicas (${max})`, fix: `lower minReplicas to at most ${max}, or raise maxReplicas` });
  }
  return problems;
}
