import { Problem } from '../../core/problem';

/** A declared container port: number and optional name. */
export interface DeclaredPort {
  readonly number: number;
  readonly name?: string;
}

/**
 * The problem of a probe whose port (number or name) the container does not declare: a named
 * port the container lacks makes the probe fail forever. The same code runs in the library's
 * Container and in the policy engine (PLT072).
 */
export function probePortProblem(field: string, container: string, port: number | string, declared: readonly DeclaredPort[]): Problem | undefined {
  const found = declared.some((p) => (typeof port === 'number' ? p.number === port : p.name === port));
  return found ? undefined : {
    field,
    value: port,
    message: `is not a port of container ${container}`,
    fix: `probe one of its ports (${declared.map((x) => x.name ?? x.number).join(', ') || 'none declared'}) or declare the port${typeof port === 'number' ? ' (or waive PLT072 with a reason)' : ''}`,
    // A named port must exist; a number works undeclared, so that one is policy (waivable).
    rule: typeof port === 'number' ? 'PLT072' : undefined,
  };
}

/** The probes of one container, as the API writes them, by role. */
export interface ContainerProbes {
  readonly readiness?: any;
  readonly liveness?: any;
  readonly startup?: any;
}

/**
 * Problems of a container's probe settings: liveness and startup probes need successThreshold 1
 * (the API server refuses others), and a liveness probe identical to the readiness probe
 * restarts a container that is merely busy. The same code runs in the library's Container and in
 * the policy engine (PLT074); `field` names where a role's probe lives, `value` what to report
 * for the identical liveness probe.
 */
export function probeSettingsProblems(probes: ContainerProbes, field: (role: keyof ContainerProbes) => string, value: unknown = probes.liveness): Problem[] {
  const problems: Problem[] = [];
  for (const role of ['liveness', 'startup'] as const) {
    const threshold = probes[role]?.successThreshold;
    if (threshold !== undefined && threshold !== 1) {
      problems.push({ field: `${field(role)}.successThreshold`, value: threshold, message: `must be 1 for ${role} probes`, fix: 'remove successThreshold' });
    }
  }
  if (probes.liveness && probes.readiness && JSON.stringify(probes.liveness) === JSON.stringify(probes.readiness)) {
    problems.push({
      field: field('liveness'),
      value,
      message: 'is identical to the readiness probe: a container that is merely busy gets restarted instead of taken out of rotation',
      fix: 'give liveness a longer period or higher failureThreshold, or check a cheaper endpoint (or waive PLT074 with a reason)',
      rule: 'PLT074',
    });
  }
  return problems;
}
