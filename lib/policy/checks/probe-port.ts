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
    fix: `probe one of its ports (${declared.map((x) => x.name ?? x.number).join(', ') || 'none declared'}) or declare the port`,
  };
}
