import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { NetworkPeer, NetworkPolicy, NetworkPort, NetworkPortSchema, PolicyType } from './network-policy';
import { addProblems, Problem } from '../core/problem';
import { Workload, PodSelectorSchema } from '../workloads/workload';
import { exposesPort, selectedPods } from './pod-selector';
import { z } from 'zod';
import { bool, checkProps, constructId, instanceOf, portRef, str, stringMap } from '../core/schema';

/** A workload: a library one, or a cdk8s-plus-27 Deployment, StatefulSet, Pod or `Pods.select(...)`. */
export type WorkloadLike = Workload | kplus.IPodSelector;

/** Runtime shape of {@link NetworkIsolationProps}. @internal */
export const NetworkIsolationPropsSchema = z.strictObject({
  baseline: bool.optional(),
  ingressController: z.strictObject({ namespace: str.optional(), podLabels: stringMap.optional() }).optional(),
});

const PORTS = z.array(z.union([portRef, NetworkPortSchema])).describe('list the ports, e.g. ["http"] or [8080]');
// The methods' arguments, built once: zod schemas cost more to build than to check a value with.
const FROM_INGRESS_ARGS = z.strictObject({ to: PodSelectorSchema, ports: PORTS });
const ALLOW_ARGS = z.strictObject({ from: PodSelectorSchema, to: PodSelectorSchema, ports: PORTS });
const EGRESS_ARGS = z.strictObject({ from: PodSelectorSchema, destination: instanceOf(NetworkPeer, 'a NetworkPeer'), ports: PORTS });

/** Where the ingress controller runs. */
export interface IngressControllerLocation {
  /**
   * Its namespace.
   * @default 'ingress-nginx'
   */
  readonly namespace?: string;
  /**
   * Labels of its pods.
   * @default - { 'app.kubernetes.io/name': 'ingress-nginx' }
   */
  readonly podLabels?: Record<string, string>;
}

/** Props of {@link NetworkIsolation}. */
export interface NetworkIsolationProps {
  /**
   * Create the namespace's baseline: `default-deny` and `allow-dns`. Exactly one NetworkIsolation
   * per namespace has it (the platform's {@link ClusterBaseline}); app charts set `false` and
   * only add their allowances.
   * @default true
   */
  readonly baseline?: boolean;
  /**
   * The ingress controller that {@link NetworkIsolation.allowFromIngressController} admits.
   * @default - ingress-nginx in namespace ingress-nginx
   */
  readonly ingressController?: IngressControllerLocation;
}

/** A port of a connection: a number or name (TCP), or a {@link NetworkPort}. */
export type PortSpec = number | string | NetworkPort;

/**
 * Zero-trust networking for a namespace: a baseline that denies all ingress and egress
 * (`default-deny`) and allows DNS to kube-dns (`allow-dns`, UDP and TCP 53), and then each
 * connection an app needs, by workload and port: from the ingress controller, between components
 * (frontend → api → database), and to named external networks.
 */
export class NetworkIsolation extends Construct {
  private readonly controller: Required<IngressControllerLocation>;
  private readonly checks: (() => Problem[])[] = [];

  constructor(scope: Construct, id: string, props: NetworkIsolationProps = {}) {
    super(scope, constructId(scope, id));
    AppChart.of(this);
    checkProps(this, NetworkIsolationPropsSchema, props);
    this.controller = {
      namespace: props.ingressController?.namespace ?? 'ingress-nginx',
      podLabels: props.ingressController?.podLabels ?? { 'app.kubernetes.io/name': 'ingress-nginx' },
    };
    if (props.baseline ?? true) {
      new NetworkPolicy(this, 'default-deny', { name: 'default-deny', policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS] });
      new NetworkPolicy(this, 'allow-dns', {
        name: 'allow-dns',
        egress: [{
          peers: [NetworkPeer.namespace('kube-system', { 'k8s-app': 'kube-dns' })],
          ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
        }],
      });
    }
    addProblems(this, () => this.checks.flatMap((c) => c()));
  }

  /** Lets the ingress controller reach a workload's ports (`<workload>-from-ingress-controller`). */
  public allowFromIngressController(to: WorkloadLike, ports: PortSpec[]): NetworkPolicy {
    checkProps(this, FROM_INGRESS_ARGS, { to, ports });
    const name = `${selectedPods(to).name}-from-ingress-controller`;
    this.checkPorts(name, to, ports);
    return new NetworkPolicy(this, name, {
      name,
      selector: to,
      ingress: [{ peers: [NetworkPeer.namespace(this.controller.namespace, this.controller.podLabels)], ports: ports.map(toPort) }],
    });
  }

  /**
   * Lets `from`'s pods connect to `to`'s ports: an ingress policy on `to`
   * (`<to>-from-<from>`) and an egress policy on `from` (`<from>-to-<to>`), both needed under
   * default deny.
   */
  public allow(from: WorkloadLike, to: WorkloadLike, ports: PortSpec[]): [NetworkPolicy, NetworkPolicy] {
    checkProps(this, ALLOW_ARGS, { from, to, ports });
    const fromName = selectedPods(from).name;
    const toName = selectedPods(to).name;
    const inName = `${toName}-from-${fromName}`;
    const outName = `${fromName}-to-${toName}`;
    this.checkPorts(inName, to, ports);
    return [
      new NetworkPolicy(this, inName, { name: inName, selector: to, ingress: [{ peers: [NetworkPeer.workload(from)], ports: ports.map(toPort) }] }),
      new NetworkPolicy(this, outName, { name: outName, selector: from, egress: [{ peers: [NetworkPeer.workload(to)], ports: ports.map(toPort) }] }),
    ];
  }

  /** Lets a workload reach an external network (`NetworkPeer.cidr(name, ...)`) on ports (`<workload>-to-<name>`). */
  public allowEgress(from: WorkloadLike, destination: NetworkPeer, ports: PortSpec[]): NetworkPolicy {
    checkProps(this, EGRESS_ARGS, { from, destination, ports });
    const name = `${selectedPods(from).name}-to-${destination.name}`;
    return new NetworkPolicy(this, name, { name, selector: from, egress: [{ peers: [destination], ports: ports.map(toPort) }] });
  }

  private checkPorts(policy: string, to: WorkloadLike, ports: PortSpec[]): void {
    this.checks.push(() => ports.map(toPort).flatMap((p, i) => (exposesPort(to, p.port) !== false ? [] : [{
      field: `${policy}.ports[${i}]`,
      value: p.port,
      message: `is not a port of any container of ${selectedPods(to).name}`,
      fix: 'allow a declared container port (number or name), or declare the port on the container',
    }])));
    if (ports.length === 0) {
      this.checks.push(() => [{ field: `${policy}.ports`, value: [], message: 'an allowance without ports opens every port', fix: 'list the ports the connection uses' }]);
    }
  }
}

function toPort(p: PortSpec): NetworkPort {
  return typeof p === 'object' ? p : { port: p };
}
