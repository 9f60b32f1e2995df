import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { labelProblems } from '../core/app-chart';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { Workload } from '../workloads/workload';

/** The label every namespace carries with its own name (Kubernetes 1.21+). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The other side of an allowed connection: pods, a namespace's pods, or an external network. */
export class NetworkPeer {
  /** The pods of a workload of this namespace, by its stable selector labels. */
  public static workload(workload: Workload): NetworkPeer {
    return new NetworkPeer(workload.name, { podSelector: { matchLabels: workload.selector } });
  }

  /** Pods of this namespace with these labels (the NetworkPolicyCheck refuses labels no pod has). */
  public static pods(labels: Record<string, string>): NetworkPeer {
    return new NetworkPeer(Object.values(labels).join('-') || 'all-pods', { podSelector: { matchLabels: labels } });
  }

  /** Pods of another namespace, all of them or those with these labels. */
  public static namespace(name: string, podLabels?: Record<string, string>): NetworkPeer {
    return new NetworkPeer(name, {
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
      podSelector: podLabels ? { matchLabels: podLabels } : undefined,
    });
  }

  /**
   * Pods of every namespace whose labels match (e.g. `{ project: 'myproject' }`), all of them
   * or those with `podLabels`.
   */
  public static namespacesLabelled(labels: Record<string, string>, podLabels?: Record<string, string>): NetworkPeer {
    return new NetworkPeer(Object.values(labels).join('-') || 'all-namespaces', {
      namespaceSelector: { matchLabels: labels },
      podSelector: podLabels ? { matchLabels: podLabels } : undefined,
    });
  }

  /**
   * An external network by name (used in policy names and messages) and CIDR, optionally with
   * holes (`except`).
   */
  public static cidr(name: string, cidr: string, except?: string[]): NetworkPeer {
    return new NetworkPeer(name, { ipBlock: { cidr, except } });
  }

  private constructor(
    /** Short name, for policy names and messages. */
    public readonly name: string,
    private readonly peer: k8s.NetworkPolicyPeer,
  ) {}

  public toK8s(): k8s.NetworkPolicyPeer {
    return this.peer;
  }

  public problems(field: string): Problem[] {
    const problems: Problem[] = [];
    const block = this.peer.ipBlock;
    if (block) {
      problems.push(...Names.dnsLabel(`${field}.name`, this.name));
      for (const [i, cidr] of [block.cidr, ...(block.except ?? [])].entries()) {
        if (!isCidr(cidr)) {
          problems.push({ field: i === 0 ? `${field}.cidr` : `${field}.except[${i - 1}]`, value: cidr, message: 'is not a CIDR', fix: 'write it like "203.0.113.0/24" or "2001:db8::/32"' });
        }
      }
    }
    for (const [name, selector] of [['podSelector', this.peer.podSelector], ['namespaceSelector', this.peer.namespaceSelector]] as const) {
      problems.push(...labelProblems(`${field}.${name}`, selector?.matchLabels ?? {}));
    }
    return problems;
  }
}

/** A destination port: number or container port name. */
export interface NetworkPort {
  /** Port number or name. */
  readonly port: number | string;
  /**
   * Protocol.
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /**
   * Last port of a range starting at `port` (a number).
   * @default - the one port
   */
  readonly endPort?: number;
}

/** One allowance: these peers, on these ports. */
export interface NetworkRule {
  /** Who may connect (ingress) or be connected to (egress). */
  readonly peers: NetworkPeer[];
  /**
   * Destination ports.
   * @default - every port
   */
  readonly ports?: NetworkPort[];
}

/** Traffic directions a policy isolates. */
export enum PolicyType {
  INGRESS = 'Ingress',
  EGRESS = 'Egress',
}

/** Props of a {@link NetworkPolicy}. */
export interface NetworkPolicyProps {
  /**
   * Object name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Pods the policy applies to: a workload's, or those with these labels.
   * @default - every pod of the namespace
   */
  readonly selector?: Workload | Record<string, string>;
  /**
   * Allowed incoming connections.
   * @default - none
   */
  readonly ingress?: NetworkRule[];
  /**
   * Allowed outgoing connections.
   * @default - none
   */
  readonly egress?: NetworkRule[];
  /**
   * Directions the policy isolates; a direction isolated with no rule denies everything.
   * @default - the directions that have rules
   */
  readonly policyTypes?: PolicyType[];
}

/**
 * A NetworkPolicy (the notes, 001 and 003). Policies only add allowances: a pod selected by
 * any policy for a direction accepts only what some policy allows (an OR over policies).
 */
export class NetworkPolicy extends Construct {
  public readonly name: string;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: NetworkPolicyProps) {
    super(scope, id);
    this.name = props.name ?? id;
    const selector = props.selector instanceof Workload ? props.selector.selector : props.selector ?? {};
    const types = props.policyTypes ?? [
      ...(props.ingress?.length ? [PolicyType.INGRESS] : []),
      ...(props.egress?.length ? [PolicyType.EGRESS] : []),
    ];
    const ports = (rule: NetworkRule) => rule.ports?.map((p) => ({
      port: typeof p.port === 'number' ? k8s.IntOrString.fromNumber(p.port) : k8s.IntOrString.fromString(p.port),
      protocol: p.protocol ?? 'TCP',
      endPort: p.endPort,
    }));
    this.apiObject = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        podSelector: { matchLabels: Object.keys(selector).length ? selector : undefined },
        policyTypes: types,
        ingress: props.ingress?.map((r) => ({ from: r.peers.map((p) => p.toK8s()), ports: ports(r) })),
        egress: props.egress?.map((r) => ({ to: r.peers.map((p) => p.toK8s()), ports: ports(r) })),
      },
    });
    addProblems(this, () => {
      const problems: Problem[] = [...Names.dnsSubdomain('name', this.name), ...labelProblems('selector', selector)];
      if (types.length === 0) {
        problems.push({ field: 'policyTypes', value: [], message: 'a policy without rules or types does nothing', fix: 'add ingress or egress rules, or policyTypes to deny' });
      }
      for (const [direction, rules] of [['ingress', props.ingress], ['egress', props.egress]] as const) {
        (rules ?? []).forEach((rule, i) => {
          if (rule.peers.length === 0) {
            problems.push({ field: `${direction}[${i}].peers`, value: [], message: 'an empty peer list allows everyone', fix: 'name the peers; to allow everyone, say so with NetworkPeer.cidr("anywhere", "0.0.0.0/0")' });
          }
          rule.peers.forEach((p, j) => problems.push(...p.problems(`${direction}[${i}].peers[${j}]`)));
          (rule.ports ?? []).forEach((p, j) => {
            if (p.endPort !== undefined && (typeof p.port !== 'number' || !Number.isInteger(p.endPort) || p.endPort < p.port || p.endPort > 65535)) {
              problems.push({ field: `${direction}[${i}].ports[${j}].endPort`, value: p.endPort, message: typeof p.port === 'number' ? `must be a port number from ${p.port} to 65535` : 'needs a numeric port to start the range', fix: 'give port as a number and endPort >= port' });
            }
          });
          (rule.ports ?? []).forEach((p, j) => {
            if (typeof p.port === 'number' ? !(Number.isInteger(p.port) && p.port >= 1 && p.port <= 65535) : Names.dnsLabel('', p.port, 15).length > 0) {
              problems.push({ field: `${direction}[${i}].ports[${j}].port`, value: p.port, message: 'is neither a port number (1-65535) nor a port name', fix: 'use the container port number or its name' });
            }
          });
        });
      }
      return problems;
    });
  }
}

function isCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length || bits === undefined || !/^\d+$/.test(bits)) return false;
  const ipv4 = address.split('.');
  if (ipv4.length === 4) {
    return ipv4.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255) && Number(bits) <= 32;
  }
  return /^[0-9a-fA-F:]+$/.test(address) && address.includes(':') && Number(bits) <= 128;
}
