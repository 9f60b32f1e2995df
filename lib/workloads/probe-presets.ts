import { Probe, ProbeCheck, ProbeTiming } from './probe';

/** What a probe checks: an HTTP GET, a TCP connect, a gRPC health call or a command. */
export class HealthCheck {
  /** An HTTP GET on a container port (number or name); 2xx and 3xx succeed. */
  public static httpGet(path: string, port: number | string, scheme?: 'HTTP' | 'HTTPS'): ProbeCheck {
    return { kind: 'http', path, port, scheme };
  }
  /** A TCP connect (three-way handshake) to a container port, by number or name. */
  public static tcpSocket(port: number | string): ProbeCheck {
    return { kind: 'tcp', port };
  }
  /** A grpc.health.v1 call on a container port number. */
  public static grpc(port: number, service?: string): ProbeCheck {
    return { kind: 'grpc', port, service };
  }
  /** A command in the container; exit code 0 succeeds. */
  public static command(command: string[]): ProbeCheck {
    return { kind: 'exec', command };
  }

  private constructor() {}
}

/** Options of {@link ProbePresets.slowStart}. */
export interface SlowStartOptions {
  /** Longest the container has been seen to take to start, in seconds; the startup budget covers it. */
  readonly worstCaseStartSeconds: number;
  /**
   * Seconds between startup checks: short, so a fast start is noticed early.
   * @default 5
   */
  readonly periodSeconds?: number;
}

/**
 * Probes with the timings of the notes (001, goproxy): readiness first checks after 5 s and then
 * every 10 s; liveness waits 15 s and checks every 20 s, so a busy container is taken out of
 * rotation well before it is restarted. Each preset takes any {@link HealthCheck}.
 */
export class ProbePresets {
  /** Readiness: after 5 s, every 10 s, out of rotation after 3 failures (30 s). */
  public static readiness(check: ProbeCheck, overrides: ProbeTiming = {}): Probe {
    return Probe.fromCheck(check, { initialDelaySeconds: 5, periodSeconds: 10, ...overrides });
  }

  /** Liveness: after 15 s, every 20 s, restarted after 3 failures (60 s). */
  public static liveness(check: ProbeCheck, overrides: ProbeTiming = {}): Probe {
    return Probe.fromCheck(check, { initialDelaySeconds: 15, periodSeconds: 20, ...overrides });
  }

  /**
   * A startup probe for a slow starter: checks every `periodSeconds` with
   * failureThreshold = ceil(worst case / period), so the container is never restarted while it
   * starts. Liveness and readiness only run once it has succeeded.
   */
  public static slowStart(check: ProbeCheck, options: SlowStartOptions): Probe {
    const period = options?.periodSeconds ?? 5;
    const worst = options?.worstCaseStartSeconds;
    const failureThreshold = Math.max(1, Math.ceil(worst / period));
    return Probe.fromCheck(check, { periodSeconds: period, failureThreshold: Number.isFinite(failureThreshold) ? failureThreshold : 1 }).coveringStartOf(worst);
  }

  private constructor() {}
}
