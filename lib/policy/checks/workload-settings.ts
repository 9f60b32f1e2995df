import { Problem } from '../../core/problem';

const isZero = (v: unknown) => v !== undefined && v !== null && v !== '' && Number(String(v).replace(/%$/, '')) === 0;

/**
 * A rolling update with maxSurge and maxUnavailable both 0 can never replace a pod (the API
 * server refuses it). Values as rendered: a count or a percentage string. The same code runs in
 * the library's DeploymentStrategy and in the policy engine (PLT075).
 */
export function rollingUpdateProblems(maxSurge: unknown, maxUnavailable: unknown, field: string): Problem[] {
  return isZero(maxSurge) && isZero(maxUnavailable) ? [{
    field: `${field}.maxUnavailable`,
    value: maxUnavailable,
    message: 'is 0 while maxSurge is 0 too, so the update can never replace a pod',
    fix: 'allow one extra pod (maxSurge 1) or one missing pod (maxUnavailable 1)',
  }] : [];
}

/**
 * A Job's pods must restart Never or OnFailure (the API server refuses Always: the pod would
 * never complete). The same code runs in the library's Job and CronJob and in the policy engine
 * (PLT075); `choices` names the two values as the caller writes them.
 */
export function jobRestartProblems(restartPolicy: unknown, field: string, choices = ['Never', 'OnFailure']): Problem[] {
  return restartPolicy !== undefined && restartPolicy !== 'Never' && restartPolicy !== 'OnFailure' ? [{
    field,
    value: restartPolicy,
    message: 'must be Never or OnFailure: a Job pod that always restarts never completes',
    fix: `use ${choices[0]} (a new pod per retry, failed pods kept for their logs) or ${choices[1]}`,
  }] : [];
}
