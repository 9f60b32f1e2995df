import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { Workload } from '../workloads/workload';
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
  CLUSTER_IP = 'ClusterIP',
  NODE_PORT = 'NodePort',
  LOAD_BALANCER = 'LoadBalancer',
}

/** Props of a {@link Service}. */
export interface ServiceProps {
  /** The workload whose pods receive the traffic; the Service selects its stable labels. */
  readonly target: Workload;
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

/** A Service in front of a workload. Refuses ports the workload's containers do not expose. */
export class Service extends Construct {
  public readonly name: string;
  public readonly target: Workload;
  public readonly ports: ServicePort[];
  public readonly headless: boolean;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    this.name = props.name ?? props.target.name;
    this.target = props.target;
    this.ports = props.ports;
    this.headless = props.headless ?? false;
    const labels = props.target.labels;
    this.apiObject = new k8s.KubeService(this, 'Resource', {
      metadata: { name: this.name, labels },
      spec: {
        type: props.type,
        clusterIp: this.headless ? 'None' : undefined,
        publishNotReadyAddresses: props.publishNotReadyAddresses,
        selector: props.target.selector,
        ports: props.ports.map((p) => ({
          name: p.name ?? (typeof p.targetPort === 'string' ? p.targetPort : undefined),
          port: p.port,
          targetPort: p.targetPort === undefined ? undefined
            : typeof p.targetPort === 'number' ? k8s.IntOrString.fromNumber(p.targetPort) : k8s.IntOrString.fromString(p.targetPort),
          protocol: p.protocol ?? 'TCP',
        })),
      },
    });
    addProblems(this, () => this.problems());
  }

  /** The in-cluster DNS name of the Service. */
  public get dnsName(): string {
    return `${this.name}.${this.target.environment.namespace}.svc.cluster.local`;
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
    this.ports.forEach((p, i) => {
      const target = p.targetPort ?? p.port;
      if (!this.target.pod.exposes(target)) {
        problems.push({
          field: `ports[${i}].targetPort`,
          value: target,
          message: `is not a port of any container of ${this.target.name}`,
          fix: 'point targetPort at a declared container port (number or name), or declare the port on the container',
        });
      }
    });
    // On the ports as rendered: the same code as the engine's PLT014.
    problems.push(...servicePortProblems(this.ports.map((p) => ({ name: p.name ?? (typeof p.targetPort === 'string' ? p.targetPort : undefined), port: p.port, protocol: p.protocol }))));
    return problems;
  }
}
