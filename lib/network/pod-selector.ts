import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Workload } from '../workloads/workload';

/** What a pod selector (a library workload or a cdk8s-plus-27 one) selects, as the Kubernetes API spells it. */
export interface SelectedPods {
  /** A name for object names and messages: the workload's name, else the construct id. */
  readonly name: string;
  /** The pods' label selector. */
  readonly selector: k8s.LabelSelector;
  /**
   * The namespaces the pods are in.
   * @default - the namespace of the selecting object
   */
  readonly namespaces?: { readonly names?: string[]; readonly selector?: k8s.LabelSelector };
}

/**
 * The pods a selector selects. cdk8s-plus-27 keeps a selector's labels behind `_toKube()`; its
 * own Service and NetworkPolicy read them the same way.
 */
export function selectedPods(target: kplus.IPodSelector): SelectedPods {
  const config = target.toPodSelectorConfig();
  const ns = config.namespaces;
  return {
    name: target instanceof Workload || target instanceof kplus.Resource ? target.name : target.node.id,
    selector: config.labelSelector._toKube(),
    namespaces: ns ? { names: ns.names, selector: ns.labelSelector?._toKube() } : undefined,
  };
}

/**
 * Whether a selector's pods expose a port (by number or name): `undefined` when only the cluster
 * knows (a selector by labels, not a workload).
 */
export function exposesPort(target: kplus.IPodSelector, port: number | string): boolean | undefined {
  if (target instanceof Workload) {
    return target.pod.exposes(port);
  }
  if (target instanceof kplus.AbstractPod) {
    return target.containers.some((c) => c.ports.some((p) => p.number === port || p.name === port));
  }
  return undefined;
}
