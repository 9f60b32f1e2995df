import { addProblems } from '../core/problem';
import { Container, ContainerProps } from './container';
import { CronJob } from './cron-job';
import { EnvValue } from './env-value';
import { Job } from './job';
import { PodTemplate } from './pod-template';
import { Volume } from './volume';
import { Workload } from './workload';
import { z } from 'zod';
import { bool, instanceOf, num, ProblemError, schemaProblems, str } from '../core/schema';
import { ContainerSchema } from './pod-template';

/**
 * The multi-container pod patterns of the notes (001): sidecar, adapter, ambassador and init
 * steps. Each takes any workload (Deployment, StatefulSet, Job, CronJob) or a bare pod template,
 * adds its container and wires the shared volumes, ports and env. The pod's checks still apply:
 * duplicate container names, port clashes and mount path collisions are refused at synth.
 */
export type PodHost = Workload | PodTemplate;

function podOf(host: PodHost): PodTemplate {
  return host instanceof PodTemplate ? host : host.pod;
}

/**
 * Checks what a pattern is given. A pattern has no construct of its own: problems are reported on
 * the workload it extends (or, for a bare pod template, where the stack is defined), and it stops
 * like a construct refusing its props.
 */
function checkPattern(pattern: string, host: unknown, schema: z.ZodType, props: unknown): void {
  if (!(host instanceof Workload) && !(host instanceof PodTemplate)) {
    throw new ProblemError([{ field: `${pattern}.host`, value: typeof host, message: 'must be a workload of this library or a PodTemplate', fix: 'pass the Deployment, StatefulSet, Job or CronJob the helper belongs to' }]);
  }
  const problems = schemaProblems(schema, props, `${pattern}.`, pattern);
  if (!problems.length) return;
  if (host instanceof Workload) {
    addProblems(host, () => problems);
    throw new ProblemError(problems, host.node.path, true);
  }
  throw new ProblemError(problems);
}

const DIRECTORY = z.strictObject({
  name: str,
  path: str,
  helperPath: str.optional(),
  writer: z.enum(['main', 'helper']).optional(),
  memory: bool.optional(),
});
const MAIN = instanceOf(Container, 'a Container of the pod').optional();
const HELPER = { container: ContainerSchema, main: MAIN, shares: z.array(DIRECTORY).optional() };
// The patterns' props, built once: zod schemas cost more to build than to check a value with.
const SIDECAR = z.strictObject(HELPER);
const METRICS_ADAPTER = z.strictObject({ ...HELPER, port: num, portName: str.optional(), path: str.optional() });
const AMBASSADOR = z.strictObject({ ...HELPER, port: num, env: str, scheme: str.optional() });
const WAIT_FOR = z.strictObject({ name: str, image: str, host: str, port: num });
const RENDER_CONFIG = z.strictObject({ container: ContainerSchema, into: DIRECTORY.omit({ writer: true }), main: MAIN });
const RUN = z.strictObject({ container: ContainerSchema });

/** A directory two containers of a pod share (an emptyDir). */
export interface SharedDirectory {
  /** Name of the emptyDir volume; patterns naming the same directory share one volume. */
  readonly name: string;
  /** Where the main container sees it. */
  readonly path: string;
  /**
   * Where the helper sees it.
   * @default - the same path
   */
  readonly helperPath?: string;
  /**
   * Which side writes; the other mounts it read-only. Logs are written by the main container,
   * rendered config by an init step.
   * @default 'main'
   */
  readonly writer?: 'main' | 'helper';
  /**
   * Back it with memory (tmpfs), e.g. for rendered credentials.
   * @default false
   */
  readonly memory?: boolean;
}

/** Mounts a shared directory into the main container (once) and the helper. */
function share(pod: PodTemplate, main: Container | undefined, helper: Container, dir: SharedDirectory): void {
  const existing = pod.allVolumes().find((v) => v.name === dir.name && v.type === 'emptyDir');
  const volume = existing ?? Volume.emptyDir(dir.name, { memory: dir.memory });
  const writer = dir.writer ?? 'main';
  if (main && !main.allMounts().some((m) => m.volume === volume && m.path === dir.path)) {
    main.mount({ volume, path: dir.path, readOnly: writer !== 'main' });
  }
  helper.mount({ volume, path: dir.helperPath ?? dir.path, readOnly: writer !== 'helper' });
}

/** What every pattern takes. */
export interface HelperProps {
  /** The helper container. */
  readonly container: Container | ContainerProps;
  /**
   * The container it serves.
   * @default - the pod's primary (first) container
   */
  readonly main?: Container;
  /**
   * Directories shared with the main container.
   * @default - none
   */
  readonly shares?: SharedDirectory[];
}

function addHelper(host: PodHost, props: HelperProps, init: boolean): Container {
  const pod = podOf(host);
  const main = props.main ?? pod.primary;
  const helper = init ? pod.addInitContainer(props.container) : pod.addContainer(props.container);
  if (!init && (host instanceof Job || host instanceof CronJob)) {
    refuseLongRunningHelper(host, helper.name);
  }
  for (const dir of props.shares ?? []) {
    share(pod, main, helper, dir);
  }
  return helper;
}

/**
 * A helper running next to a Job's containers keeps the pod running after the work is done:
 * Kubernetes 1.27 has no native sidecars (`restartPolicy: Always` init containers come in 1.28),
 * so the Job never completes and a CronJob piles up runs.
 */
function refuseLongRunningHelper(job: Job | CronJob, name: string): void {
  addProblems(job, () => [{
    field: `pod.containers.${name}`,
    value: name,
    message: `is a helper (sidecar, adapter or ambassador) running next to the ${job instanceof Job ? 'Job' : 'CronJob'}'s containers; it never exits, so the Job never completes (Kubernetes 1.27 has no native sidecars)`,
    fix: 'run what the helper prepares as an init step (InitStep.run or InitStep.renderConfig), or do its work in the Job\'s own container so that it ends with it; helpers belong to Deployments and StatefulSets',
  }]);
}

/**
 * A sidecar extends the main container without changing it, usually through shared files: a log
 * shipper tailing the directory the app writes its logs to, or an nginx fronting the app.
 */
export class Sidecar {
  /**
   * Adds a sidecar container to the pod; returns it. Refused on a Job or CronJob: the sidecar
   * would never exit, so the Job would never complete.
   */
  public static add(host: PodHost, props: HelperProps): Container {
    checkPattern('Sidecar.add', host, SIDECAR, props);
    return addHelper(host, props, false);
  }

  private constructor() {}
}

/** Props of {@link Adapter.addMetricsExporter}. */
export interface MetricsAdapterProps extends HelperProps {
  /** Port the adapter serves metrics on; it is added to the adapter's ports. */
  readonly port: number;
  /**
   * Name of the port: monitors (PodMonitor, ServiceMonitor) select it by this name.
   * @default 'metrics'
   */
  readonly portName?: string;
  /**
   * HTTP path of the metrics.
   * @default '/metrics'
   */
  readonly path?: string;
}

/** The pod annotations annotation-based Prometheus scraping reads. */
export const PROMETHEUS_SCRAPE_ANNOTATIONS = {
  /** `"true"` to be scraped. */
  SCRAPE: 'prometheus.io/scrape',
  /** The port to scrape. */
  PORT: 'prometheus.io/port',
  /** The path to scrape. */
  PATH: 'prometheus.io/path',
} as const;

/**
 * An adapter presents the main container's output in the form the rest of the system expects,
 * without changing the main container: e.g. an exporter turning the app's stats into
 * Prometheus metrics on its own named port.
 */
export class Adapter {
  /**
   * Adds a metrics exporter on port `port` named `metrics`, discoverable both by port name
   * (PodMonitor) and by the `prometheus.io/*` pod annotations. The annotations can name only
   * one port: a second exporter needs its own port name and is found by that name.
   */
  public static addMetricsExporter(host: PodHost, props: MetricsAdapterProps): Container {
    checkPattern('Adapter.addMetricsExporter', host, METRICS_ADAPTER, props);
    const portName = props.portName ?? 'metrics';
    const given = props.container instanceof Container ? props.container : new Container(props.container);
    given.ports.push({ number: props.port, name: portName });
    const adapter = addHelper(host, { ...props, container: given }, false);
    const pod = podOf(host);
    // The annotations name one port: the first exporter keeps them, later ones are found by port name.
    if (pod.annotation(PROMETHEUS_SCRAPE_ANNOTATIONS.PORT) === undefined) {
      pod.addAnnotation(PROMETHEUS_SCRAPE_ANNOTATIONS.SCRAPE, 'true');
      pod.addAnnotation(PROMETHEUS_SCRAPE_ANNOTATIONS.PORT, String(props.port));
      pod.addAnnotation(PROMETHEUS_SCRAPE_ANNOTATIONS.PATH, props.path ?? '/metrics');
    }
    return adapter;
  }

  private constructor() {}
}

/** Props of {@link Ambassador.add}. */
export interface AmbassadorProps extends HelperProps {
  /** Port the ambassador listens on; the main container reaches it on localhost. */
  readonly port: number;
  /** Environment variable of the main container that receives the endpoint. */
  readonly env: string;
  /**
   * URL scheme of the endpoint, e.g. `redis` gives `redis://localhost:6379`.
   * @default - no scheme: `localhost:6379`
   */
  readonly scheme?: string;
}

/**
 * An ambassador stands in for a service outside the pod (a database or cache proxy, an
 * authenticating client): the main container talks to localhost, the ambassador handles
 * discovery, authentication and retries.
 */
export class Ambassador {
  /** Adds the ambassador and gives the main container its endpoint in `env`. */
  public static add(host: PodHost, props: AmbassadorProps): Container {
    checkPattern('Ambassador.add', host, AMBASSADOR, props);
    const given = props.container instanceof Container ? props.container : new Container(props.container);
    given.ports.push({ number: props.port });
    const ambassador = addHelper(host, { ...props, container: given }, false);
    const main = props.main ?? podOf(host).primary;
    const endpoint = `${props.scheme ? `${props.scheme}://` : ''}localhost:${props.port}`;
    main?.addEnv(props.env, EnvValue.value(endpoint));
    return ambassador;
  }

  private constructor() {}
}

/** Props of {@link InitStep.waitFor}. */
export interface WaitForProps {
  /** Name of the init container. */
  readonly name: string;
  /** An image with `sh` and `nc` (e.g. a pinned busybox). */
  readonly image: string;
  /** Host name of the dependency, e.g. a Service's DNS name. */
  readonly host: string;
  /** TCP port of the dependency. */
  readonly port: number;
}

/** Props of {@link InitStep.renderConfig}. */
export interface RenderConfigProps {
  /** The container that writes the config files. */
  readonly container: Container | ContainerProps;
  /** Where it writes them; the main container mounts the directory read-only. */
  readonly into: Omit<SharedDirectory, 'writer'>;
  /**
   * The container that reads the config.
   * @default - the pod's primary container
   */
  readonly main?: Container;
}

/**
 * Init steps run to completion, one after the other in the order they are added, before the
 * main containers start; a failing step is retried (the pod restarts) until it succeeds.
 */
export class InitStep {
  /**
   * Waits until `host:port` accepts TCP connections (a database, another service). Host and port
   * reach the shell as environment variables, never spliced into the command.
   */
  public static waitFor(host: PodHost, props: WaitForProps): Container {
    checkPattern('InitStep.waitFor', host, WAIT_FOR, props);
    return podOf(host).addInitContainer({
      name: props.name,
      image: props.image,
      command: ['sh', '-c', 'until nc -z -w 2 "$WAIT_HOST" "$WAIT_PORT"; do echo "waiting for $WAIT_HOST:$WAIT_PORT"; sleep 2; done'],
      env: { WAIT_HOST: EnvValue.value(props.host), WAIT_PORT: EnvValue.value(String(props.port)) },
    });
  }

  /** Renders config files into a shared directory that the main container reads. */
  public static renderConfig(host: PodHost, props: RenderConfigProps): Container {
    checkPattern('InitStep.renderConfig', host, RENDER_CONFIG, props);
    return addHelper(host, { container: props.container, main: props.main, shares: [{ ...props.into, writer: 'helper' }] }, true);
  }

  /** Runs a one-off step, e.g. a schema migration, before the app starts. */
  public static run(host: PodHost, container: Container | ContainerProps): Container {
    checkPattern('InitStep.run', host, RUN, { container });
    return podOf(host).addInitContainer(container);
  }

  private constructor() {}
}
