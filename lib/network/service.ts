import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { Workload, PodSelectorSchema } from '../workloads/workload';
import { z } from 'zod';
import { bool, checkProps, constructId, num, oneOf, portRef, str } from '../core/schema';
import { exposesPort, selectedPods } from './pod-selector';
import { servicePortProblems } from '../policy/checks/service-ports';

/** One port of a Service. */
export interface ServicePort {
  /** Port the Service listens on. */
  readonly port: number;
  /**
   * Container port the traffic goes to, by number or by name.
   * @default - the same number as `port`
   */
  readonly targetPort?: number | string;
  /**
   * Port name; required when the Service has more than one port.
   * @default - the target port's name, if it is a name
   */
  readonly name?: string;
  /**
   * Protocol.
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** Service types. */
export enum ServiceType {
  /** Reachable inside the cluster only. */
  CLUSTER_IP = 'ClusterIP',
  /** Also on a port of every node. */
  NODE_PORT = 'NodePort',
  /** Also through a cloud load balancer. */
  LOAD_BALANCER = 'LoadBalancer',
}

/** Runtime shape of {@link ServicePort}; ranges and names are checked at synth. @internal */
export const ServicePortSchema = z.strictObject({
  port: num.describe('give the port number the Service listens on, e.g. 80'),
  targetPort: portRef.optional(),
  name: str.optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
});

/** Props of a {@link Service}. */
export interface ServiceProps {
  /**
   * The pods that receive the traffic: a library workload (the Service selects its stable labels)
   * or a cdk8s-plus-27 Deployment, StatefulSet, Pod or `Pods.select(...)` (its selector's labels).
   */
  readonly target: Workload | kplus.IPodSelector;
  /** Ports. */
  readonly ports: ServicePort[];
  /**
   * Object name.
   * @default - the target's name
   */
  readonly name?: string;
  /**
   * Service type.
   * @default ServiceType.CLUSTER_IP
   */
  readonly type?: ServiceType;
  /**
   * Headless: no cluster IP, DNS returns the pods (StatefulSet members).
   * @default false
   */
  readonly headless?: boolean;
  /**
   * Publish pods before they are ready (peers of a StatefulSet finding each other).
   * @default false
   */
  readonly publishNotReadyAddresses?: boolean;
}

/** Runtime shape of {@link ServiceProps}. @internal */
export const ServicePropsSchema = z.strictObject({
  target: PodSelectorSchema,
  ports: z.array(ServicePortSchema).describe('give the ports, e.g. [{ port: 80, targetPort: "http" }]'),
  name: str.optional(),
  type: oneOf(ServiceType).optional(),
  headless: bool.optional(),
  publishNotReadyAddresses: bool.optional(),
});

/** A Service in front of a workload. Refuses ports the workload's containers do not expose. */
export class Service extends Construct {
  /** Name of the Service, its DNS name in the namespace. */
  public readonly name: string;
  /** The workload it selects: a library one, or a cdk8s-plus-27 pod selector. */
  public readonly target: Workload | kplus.IPodSelector;
  /** Its ports. */
  public readonly ports: ServicePort[];
  /** Whether it has no cluster IP (DNS returns the pods). */
  public readonly headless: boolean;
  /** The Service's labels: its library target's, else its own standard labels. */
  public readonly labels: Record<string, string>;
  /** The Service object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  private readonly chart: AppChart;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, constructId(scope, id));
    checkProps(this, ServicePropsSchema, props);
    this.chart = AppChart.of(this);
    const pods = selectedPods(props.target);
    this.name = props.name ?? pods.name;
    this.target = props.target;
    this.ports = props.ports;
    this.headless = props.headless ?? false;
    this.labels = props.target instanceof Workload ? props.target.labels : this.chart.labelsFor({ name: this.name });
    this.apiObject = new k8s.KubeService(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        type: props.type,
        clusterIp: this.headless ? 'None' : undefined,
        publishNotReadyAddresses: props.publishNotReadyAddresses,
        selector: pods.selector.matchLabels,
        ports: props.ports.map((p) => ({
          name: p.name ?? (typeof p.targetPort === 'string' ? p.targetPort : undefined),
          port: p.port,
          targetPort: p.targetPort === undefined ? undefined
            : typeof p.targetPort === 'number' ? k8s.IntOrString.fromNumber(p.targetPort) : k8s.IntOrString.fromString(p.targetPort),
          protocol: p.protocol ?? 'TCP',
        })),
      },
    });
    addProblems(this, () => [...this.problems(), ...selectorProblems(pods.selector, this.chart.environment.namespace, pods.namespaces)]);
  }

  /** The in-cluster DNS name of the Service. */
  public get dnsName(): string {
    return `${this.name}.${this.chart.environment.namespace}.svc.cluster.local`;
  }

  /** The Service port that forwards to a container port (by number or name). */
  public portFor(targetPort: number | string): ServicePort | undefined {
    return this.ports.find((p) => (p.targetPort ?? p.port) === targetPort || p.name === targetPort);
  }

  private problems(): Problem[] {
    const problems: Problem[] = [...Names.dnsLabel('name', this.name)];
    if (this.ports.length === 0) {
      problems.push({ field: 'ports', value: [], message: 'a Service needs at least one port', fix: 'add the port the workload serves on' });
    }
    const seen = new Map<string, number>();
    this.ports.forEach((p, i) => {
      for (const [name, value] of [['port', p.port], ['targetPort', p.targetPort]] as const) {
        if (typeof value === 'number' && !(Number.isInteger(value) && value >= 1 && value <= 65535)) {
          problems.push({ field: `ports[${i}].${name}`, value, message: 'must be a port number 1-65535', fix: name === 'port' ? 'use the port clients connect to, e.g. 80' : 'use a container port number or its name' });
        }
      }
      if (typeof p.targetPort === 'string') problems.push(...Names.dnsLabel(`ports[${i}].targetPort`, p.targetPort, 15));
      if (p.name !== undefined) problems.push(...Names.dnsLabel(`ports[${i}].name`, p.name, 15));
      const key = `${p.port}/${p.protocol ?? 'TCP'}`;
      if (seen.has(key)) {
        problems.push({ field: `ports[${i}].port`, value: p.port, message: `is already port ${seen.get(key)} of the Service`, fix: 'give each Service port its own number' });
      }
      seen.set(key, i);
      const target = p.targetPort ?? p.port;
      if (exposesPort(this.target, target) === false) {
        problems.push({
          field: `ports[${i}].targetPort`,
          value: target,
          message: `is not a port of any container of ${selectedPods(this.target).name}`,
          fix: 'point targetPort at a declared container port (number or name), or declare the port on the container',
        });
      }
    });
    // On the ports as rendered: the same code as the engine's PLT014.
    problems.push(...servicePortProblems(this.ports.map((p) => ({ name: p.name ?? (typeof p.targetPort === 'string' ? p.targetPort : undefined), port: p.port, protocol: p.protocol }))));
    return problems;
  }
}

/** A Service selects by labels only, in its own namespace. */
function selectorProblems(selector: k8s.LabelSelector, namespace: string, namespaces: { readonly names?: string[]; readonly selector?: k8s.LabelSelector } | undefined): Problem[] {
  const problems: Problem[] = [];
  if (selector.matchExpressions?.length) {
    problems.push({ field: 'target', value: selector.matchExpressions, message: 'selects pods by expressions, which a Service cannot', fix: 'select the pods by labels (matchLabels) only' });
  }
  if (!Object.keys(selector.matchLabels ?? {}).length) {
    problems.push({ field: 'target', value: selector.matchLabels ?? {}, message: 'selects no labels, so the Service would get no endpoints', fix: 'target a workload, or pods with labels' });
  }
  const elsewhere = (namespaces?.names ?? []).filter((n) => n !== namespace);
  if (elsewhere.length || namespaces?.selector) {
    problems.push({ field: 'target', value: elsewhere.length ? elsewhere : namespaces?.selector, message: `selects pods outside the Service's namespace (${namespace}), which a Service cannot reach`, fix: 'create the Service in the namespace of its pods' });
  }
  return problems;
}
