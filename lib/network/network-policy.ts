import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart, labelProblems } from '../core/app-chart';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { Workload, PodSelectorSchema } from '../workloads/workload';
import { z } from 'zod';
import { argumentProblems, checkArguments, checkProps, constructId, instanceOf, oneOf, portRef, refusedArgumentsOf, str, stringMap } from '../core/schema';

import { selectedPods } from './pod-selector';

const OPTIONAL_LABELS = stringMap.optional();
const CIDR = str.describe('write it like "203.0.113.0/24"');
const CIDRS = z.array(str).optional();

/** The label every namespace carries with its own name (Kubernetes 1.21+). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The other side of an allowed connection: pods, a namespace's pods, or an external network. */
export class NetworkPeer {
  /**
   * The pods of a workload: a library one, by its stable selector labels, or a cdk8s-plus-27
   * Deployment, StatefulSet, Pod or `Pods.select(...)`, by its selector; in another namespace
   * when its pods are.
   */
  public static workload(workload: Workload | kplus.IPodSelector): NetworkPeer {
    const refused = argumentProblems({ workload: PodSelectorSchema }, { workload });
    if (refused.length) return checkArguments(new NetworkPeer('invalid', {}), refused);
    const pods = selectedPods(workload);
    return new NetworkPeer(pods.name, { podSelector: pods.selector, namespaceSelector: pods.namespaces?.selector }, pods.namespaces?.names);
  }

  /** Pods of this namespace with these labels (the NetworkPolicyCheck refuses labels no pod has). */
  public static pods(labels: Record<string, string>): NetworkPeer {
    const refused = argumentProblems({ labels: stringMap }, { labels });
    if (refused.length) return checkArguments(new NetworkPeer('invalid', {}), refused);
    return new NetworkPeer(Object.values(labels).join('-') || 'all-pods', { podSelector: { matchLabels: labels } });
  }

  /** Pods of another namespace, all of them or those with these labels. */
  public static namespace(name: string, podLabels?: Record<string, string>): NetworkPeer {
    const refused = argumentProblems({ name: str, podLabels: OPTIONAL_LABELS }, { name, podLabels });
    if (refused.length) return checkArguments(new NetworkPeer('invalid', {}), refused);
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
    const refused = argumentProblems({ name: str, cidr: CIDR, except: CIDRS }, { name, cidr, except });
    if (refused.length) return checkArguments(new NetworkPeer('invalid', {}), refused);
    return new NetworkPeer(name, { ipBlock: { cidr, except } });
  }

  private constructor(
    /** Short name, for policy names and messages. */
    public readonly name: string,
    private readonly peer: k8s.NetworkPolicyPeer,
    /** Namespaces of a workload's pods, when its selector names them. */
    private readonly namespaces?: string[],
  ) {}

  /** The peer as seen from a policy in `namespace` (pods elsewhere are selected with their namespace). */
  public toK8s(namespace?: string): k8s.NetworkPolicyPeer {
    const elsewhere = this.namespaces?.find((n) => namespace !== undefined && n !== namespace);
    return elsewhere === undefined ? this.peer : { ...this.peer, namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: elsewhere } } };
  }

  /** What is wrong with this value, fields named under `field`; empty when it is valid. */
  public problems(field: string): Problem[] {
    const refused = refusedArgumentsOf(this, field);
    if (refused.length) return refused;
    const problems: Problem[] = [];
    if ((this.namespaces?.length ?? 0) > 1) {
      problems.push({ field, value: this.namespaces, message: 'selects pods in several namespaces, which one peer cannot', fix: 'use one peer per namespace' });
    }
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
  /** Rules for incoming traffic. */
  INGRESS = 'Ingress',
  /** Rules for outgoing traffic. */
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
   * Pods the policy applies to: a workload's (a library one, or a cdk8s-plus-27 Deployment,
   * StatefulSet, Pod or `Pods.select(...)`), or those with these labels.
   * @default - every pod of the namespace
   */
  readonly selector?: Workload | kplus.IPodSelector | Record<string, string>;
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

/** A network peer, as rules take it. @internal */
export const NetworkPeerSchema = instanceOf(NetworkPeer, 'a NetworkPeer', 'use NetworkPeer.workload(...), .pods(...), .namespace(...) or .cidr(...)');
/** Runtime shape of {@link NetworkPort}; ranges are checked at synth. @internal */
export const NetworkPortSchema = z.strictObject({ port: portRef, endPort: z.number().optional(), protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional() });
/** Runtime shape of {@link NetworkRule}. @internal */
export const NetworkRuleSchema = z.strictObject({ peers: z.array(NetworkPeerSchema), ports: z.array(NetworkPortSchema).optional() });
/** Runtime shape of {@link NetworkPolicyProps}. @internal */
export const NetworkPolicyPropsSchema = z.strictObject({
  name: str.optional(),
  selector: z.union([PodSelectorSchema, stringMap]).optional().describe('give a workload of this library or a map of pod labels'),
  ingress: z.array(NetworkRuleSchema).optional(),
  egress: z.array(NetworkRuleSchema).optional(),
  policyTypes: z.array(oneOf(PolicyType)).optional(),
});

/**
 * A NetworkPolicy (the notes, 001 and 003). Policies only add allowances: a pod selected by
 * any policy for a direction accepts only what some policy allows (an OR over policies).
 */
export class NetworkPolicy extends Construct {
  /** Name of the NetworkPolicy object. */
  public readonly name: string;
  /** The NetworkPolicy object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: NetworkPolicyProps) {
    super(scope, constructId(scope, id));
    checkProps(this, NetworkPolicyPropsSchema, props);
    this.name = props.name ?? id;
    const namespace = AppChart.of(this).environment.namespace;
    const pods = isPodSelector(props.selector) ? selectedPods(props.selector) : undefined;
    const selector = pods ? pods.selector.matchLabels ?? {} : (props.selector as Record<string, string> | undefined) ?? {};
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
        podSelector: { matchLabels: Object.keys(selector).length ? selector : undefined, matchExpressions: pods?.selector.matchExpressions },
        policyTypes: types,
        ingress: props.ingress?.map((r) => ({ from: r.peers.map((p) => p.toK8s(namespace)), ports: ports(r) })),
        egress: props.egress?.map((r) => ({ to: r.peers.map((p) => p.toK8s(namespace)), ports: ports(r) })),
      },
    });
    addProblems(this, () => {
      const problems: Problem[] = [...Names.dnsSubdomain('name', this.name), ...labelProblems('selector', selector)];
      const elsewhere = pods?.namespaces?.names?.filter((n) => n !== namespace) ?? [];
      if (elsewhere.length || pods?.namespaces?.selector) {
        problems.push({ field: 'selector', value: elsewhere.length ? elsewhere : pods?.namespaces?.selector, message: `selects pods outside the policy's namespace (${namespace}), which a NetworkPolicy cannot`, fix: 'create the policy in the namespace of its pods' });
      }
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

function isPodSelector(x: unknown): x is kplus.IPodSelector {
  return typeof (x as Partial<kplus.IPodSelector> | undefined)?.toPodSelectorConfig === 'function';
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
