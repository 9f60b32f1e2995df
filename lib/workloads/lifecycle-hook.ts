import { k8s } from 'cdk8s-plus-27';
import { Problem } from '../core/problem';

/** What a container lifecycle hook runs: a command in the container, or an HTTP GET to it. */
export class LifecycleHook {
  /** Runs a command in the container (e.g. `['/bin/sh', '-c', 'nginx -s quit; sleep 5']`). */
  public static fromCommand(command: string[]): LifecycleHook {
    return new LifecycleHook(command, undefined);
  }

  /** Sends an HTTP GET to the container, on a port number or name. */
  public static fromHttpGet(path: string, port: number | string): LifecycleHook {
    return new LifecycleHook(undefined, { path, port });
  }

  private constructor(
    private readonly command: string[] | undefined,
    private readonly httpGet: { path: string; port: number | string } | undefined,
  ) {}

  /** The port the hook calls, if it is an HTTP GET. */
  public get port(): number | string | undefined {
    return this.httpGet?.port;
  }

  /** What is wrong with the hook, reported under `field`. */
  public problems(field: string): Problem[] {
    if (this.command !== undefined && (!Array.isArray(this.command) || this.command.length === 0)) {
      return [{ field: `${field}.command`, value: this.command, message: 'is empty', fix: 'give the command to run, e.g. ["/bin/sh", "-c", "sleep 5"]' }];
    }
    if (this.httpGet && !String(this.httpGet.path).startsWith('/')) {
      return [{ field: `${field}.path`, value: this.httpGet.path, message: 'must start with /', fix: `use "/${this.httpGet.path}"` }];
    }
    return [];
  }

  /** The hook as the Kubernetes API takes it (a cdk8s-plus-27 `k8s.LifecycleHandler`). */
  public toK8s(): k8s.LifecycleHandler {
    const port = this.httpGet && (typeof this.httpGet.port === 'number' ? k8s.IntOrString.fromNumber(this.httpGet.port) : k8s.IntOrString.fromString(this.httpGet.port));
    return {
      exec: this.command ? { command: this.command } : undefined,
      httpGet: this.httpGet ? { path: this.httpGet.path, port: port! } : undefined,
    };
  }
}

/** Hooks around a container's life (`lifecycle`). */
export interface ContainerLifecycle {
  /**
   * Runs before the container gets SIGTERM (e.g. drain connections, or wait for endpoints to
   * drop the pod); counts against terminationGracePeriodSeconds.
   * @default - none
   */
  readonly preStop?: LifecycleHook;
  /**
   * Runs right after the container starts, alongside its entrypoint.
   * @default - none
   */
  readonly postStart?: LifecycleHook;
}
