import { k8s } from 'cdk8s-plus-27';
import { z } from 'zod';
import { Problem } from '../core/problem';
import { checkArguments, num, portRef, refusedArgumentsOf, schemaProblems, str } from '../core/schema';

/** Timing of a probe, in seconds. */
export interface ProbeTiming {
  /**
   * Seconds after the container starts before the first check.
   * @default 0
   */
  readonly initialDelaySeconds?: number;
  /**
   * Seconds between checks.
   * @default 10
   */
  readonly periodSeconds?: number;
  /**
   * Seconds after which one check counts as failed; must be below the period.
   * @default 1
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the probe fails.
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Consecutive successes before the probe succeeds again; only readiness may use more than 1.
   * @default 1
   */
  readonly successThreshold?: number;
}

/** Runtime shape of {@link ProbeTiming}; ranges are checked by {@link Probe.problems}. @internal */
export const ProbeTimingSchema = z.strictObject({
  initialDelaySeconds: num.optional(),
  periodSeconds: num.optional(),
  timeoutSeconds: num.optional(),
  failureThreshold: num.optional(),
  successThreshold: num.optional(),
});

/** Runtime shape of {@link ProbeCheck}. @internal */
export const ProbeCheckSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('http'), path: str.describe('give the HTTP path, e.g. "/healthz"'), port: portRef, scheme: z.enum(['HTTP', 'HTTPS']).optional(), headers: z.record(str, str).optional() }),
  z.strictObject({ kind: z.literal('tcp'), port: portRef }),
  z.strictObject({ kind: z.literal('grpc'), port: num.describe('give the container port number of the gRPC server'), service: str.optional() }),
  z.strictObject({ kind: z.literal('exec'), command: z.array(str).describe('give the command as an array of strings, e.g. ["cat", "/tmp/healthy"]') }),
]);

/** How a probe checks the container. */
export type ProbeCheck =
  | {
    /** An HTTP GET. */
    readonly kind: 'http';
    /** The path requested. */
    readonly path: string;
    /** The container port, by number or name. */
    readonly port: number | string;
    /** HTTP or HTTPS (certificates are not verified). */
    readonly scheme?: 'HTTP' | 'HTTPS';
    /** HTTP headers sent with the request. */
    readonly headers?: Record<string, string>;
  }
  | {
    /** A TCP connection. */
    readonly kind: 'tcp';
    /** The container port, by number or name. */
    readonly port: number | string;
  }
  | {
    /** A gRPC health check. */
    readonly kind: 'grpc';
    /** The container port, by number. */
    readonly port: number;
    /** The service name sent in the health check request. */
    readonly service?: string;
  }
  | {
    /** A command run in the container; exit code 0 is healthy. */
    readonly kind: 'exec';
    /** The command and its arguments (no shell). */
    readonly command: string[];
  };

/** A liveness, readiness or startup probe. Nothing adds probes silently: a container has the ones it is given. */
export class Probe {
  /** An HTTP GET that succeeds on a 2xx or 3xx status, with extra request headers if given. */
  public static fromHttpGet(path: string, port: number | string, timing: ProbeTiming = {}, scheme?: 'HTTP' | 'HTTPS', headers?: Record<string, string>): Probe {
    return new Probe({ kind: 'http', path, port, scheme, headers }, timing);
  }
  /** A TCP connect to a port (by number or by name). */
  public static fromTcpSocket(port: number | string, timing: ProbeTiming = {}): Probe {
    return new Probe({ kind: 'tcp', port }, timing);
  }
  /** A gRPC health check (grpc.health.v1) on a port number. */
  public static fromGrpc(port: number, timing: ProbeTiming = {}, service?: string): Probe {
    return new Probe({ kind: 'grpc', port, service }, timing);
  }
  /** A command in the container that succeeds with exit code 0. */
  public static fromCommand(command: string[], timing: ProbeTiming = {}): Probe {
    return new Probe({ kind: 'exec', command }, timing);
  }
  /** Any check with explicit timing (what the presets in `ProbePresets` build on). */
  public static fromCheck(check: ProbeCheck, timing: ProbeTiming = {}): Probe {
    return new Probe(check, timing);
  }

  protected constructor(
    /** What the probe checks. */
    public readonly check: ProbeCheck,
    /** When and how often. */
    public readonly timing: ProbeTiming,
    /**
     * Declared worst-case start time in seconds: a startup probe must give the container at least
     * this long (initialDelaySeconds + failureThreshold × periodSeconds) before it is restarted.
     */
    public readonly worstCaseStartSeconds?: number,
  ) {
    checkArguments(this, [
      ...schemaProblems(ProbeCheckSchema, check, '', 'check'),
      ...schemaProblems(ProbeTimingSchema, timing, '', 'timing'),
      ...(worstCaseStartSeconds === undefined ? [] : schemaProblems(num, worstCaseStartSeconds, '', 'worstCaseStartSeconds')),
    ]);
  }

  /** The same probe, promising to wait at least `seconds` for the container to start (startup probes). */
  public coveringStartOf(seconds: number): Probe {
    return new Probe(this.check, this.timing, seconds);
  }

  /** Seconds the probe tolerates failures after the container starts: initialDelay + failureThreshold × period. */
  public get failureBudgetSeconds(): number {
    const t = this.timing;
    return (t.initialDelaySeconds ?? 0) + (t.failureThreshold ?? 3) * (t.periodSeconds ?? 10);
  }

  /** The port the probe connects to, if any. */
  public get port(): number | string | undefined {
    const port = (this.check as { port?: unknown } | undefined)?.port;
    return typeof port === 'number' || typeof port === 'string' ? port : undefined;
  }

  /** The same check with other timing. */
  public withTiming(timing: ProbeTiming): Probe {
    const refused = schemaProblems(ProbeTimingSchema, timing, '', 'timing');
    return checkArguments(new Probe(this.check, refused.length ? this.timing : { ...this.timing, ...timing }, this.worstCaseStartSeconds), refused);
  }

  /** Problems of the probe's own settings (the container checks ports and roles). */
  public problems(field: string): Problem[] {
    const refused = refusedArgumentsOf(this, field);
    if (refused.length) return refused;
    const t = this.timing;
    const problems: Problem[] = [];
    const period = t.periodSeconds ?? 10;
    const timeout = t.timeoutSeconds ?? 1;
    for (const [name, value, min] of [
      ['initialDelaySeconds', t.initialDelaySeconds, 0],
      ['periodSeconds', t.periodSeconds, 1],
      ['timeoutSeconds', t.timeoutSeconds, 1],
      ['failureThreshold', t.failureThreshold, 1],
      ['successThreshold', t.successThreshold, 1],
    ] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < min)) {
        problems.push({ field: `${field}.${name}`, value, message: `must be a whole number >= ${min}`, fix: `set ${name} to ${min} or more` });
      }
    }
    if (timeout >= period) {
      problems.push({
        field: `${field}.timeoutSeconds`,
        value: timeout,
        message: `must be below periodSeconds (${period}), or checks overlap`,
        fix: 'lower timeoutSeconds or raise periodSeconds',
      });
    }
    const worst = this.worstCaseStartSeconds;
    if (worst !== undefined && !(Number.isFinite(worst) && worst > 0)) {
      problems.push({ field: `${field}.worstCaseStartSeconds`, value: worst, message: 'must be a positive number of seconds', fix: 'declare how long the slowest observed start takes, e.g. 120' });
    } else if (worst !== undefined && this.failureBudgetSeconds < worst) {
      problems.push({
        field: `${field}.failureThreshold`,
        value: t.failureThreshold ?? 3,
        message: `gives the container ${this.failureBudgetSeconds} s (initialDelaySeconds + failureThreshold × periodSeconds) but it may take ${worst} s to start, so it would be restarted while starting`,
        fix: `raise failureThreshold to at least ${Math.ceil((worst - (t.initialDelaySeconds ?? 0)) / (t.periodSeconds ?? 10))}, or use ProbePresets.slowStart`,
      });
    }
    if (this.check.kind === 'exec' && this.check.command.length === 0) {
      problems.push({ field: `${field}.command`, value: this.check.command, message: 'is empty', fix: 'give the command to run, e.g. ["cat", "/tmp/healthy"]' });
    }
    if (this.check.kind === 'http') {
      for (const name of Object.keys(this.check.headers ?? {})) {
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
          problems.push({ field: `${field}.headers.${name}`, value: name, message: 'is not an HTTP header name', fix: 'use letters, digits and -, e.g. "Custom-Header"' });
        }
      }
    }
    if (this.check.kind === 'http' && !this.check.path.startsWith('/')) {
      problems.push({ field: `${field}.path`, value: this.check.path, message: 'must start with /', fix: `use "/${this.check.path}"` });
    }
    return problems;
  }

  /** The value as the Kubernetes API takes it (a cdk8s-plus-27 `k8s` type), e.g. for escape hatches. */
  public toK8s(): k8s.Probe {
    const c = this.check;
    if (refusedArgumentsOf(this, '').length) return {};
    const port = (p: number | string) => (typeof p === 'number' ? k8s.IntOrString.fromNumber(p) : k8s.IntOrString.fromString(p));
    const t = this.timing;
    return {
      httpGet: c.kind === 'http' ? {
        path: c.path,
        port: port(c.port),
        scheme: c.scheme,
        httpHeaders: c.headers && Object.keys(c.headers).length ? Object.entries(c.headers).map(([name, value]) => ({ name, value })) : undefined,
      } : undefined,
      tcpSocket: c.kind === 'tcp' ? { port: port(c.port) } : undefined,
      grpc: c.kind === 'grpc' ? { port: c.port, service: c.service } : undefined,
      exec: c.kind === 'exec' ? { command: c.command } : undefined,
      initialDelaySeconds: t.initialDelaySeconds,
      periodSeconds: t.periodSeconds,
      timeoutSeconds: t.timeoutSeconds,
      failureThreshold: t.failureThreshold,
      successThreshold: t.successThreshold,
    };
  }
}
