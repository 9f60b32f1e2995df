import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { PodCount } from './rollout';
import { Workload } from './workload';

/** Props of a {@link DisruptionBudget}. */
export interface DisruptionBudgetProps {
  /** The workload whose pods the budget protects (its selector is used). */
  readonly target: Workload;
  /**
   * Pods that voluntary disruptions (node drains) may take down at once. Preferred over
   * minAvailable: it never blocks a drain when the workload is scaled down.
   * @default PodCount.count(1), unless minAvailable is given
   */
  readonly maxUnavailable?: PodCount;
  /**
   * Pods that must stay up during voluntary disruptions.
   * @default - none (maxUnavailable is used)
   */
  readonly minAvailable?: PodCount;
  /**
   * Object name.
   * @default - the target's name
   */
  readonly name?: string;
}

/** A PodDisruptionBudget (policy/v1) over a workload's pods. */
export class DisruptionBudget extends Construct {
  public readonly name: string;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    this.name = props.name ?? props.target.name;
    const maxUnavailable = props.maxUnavailable ?? (props.minAvailable ? undefined : PodCount.count(1));
    this.apiObject = new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: { name: this.name, labels: props.target.labels },
      spec: {
        selector: { matchLabels: props.target.selector },
        maxUnavailable: maxUnavailable?.toK8s(),
        minAvailable: props.minAvailable?.toK8s(),
      },
    });
    addProblems(this, () => {
      const problems: Problem[] = [
        ...Names.dnsSubdomain('name', this.name),
        ...(maxUnavailable?.problems('maxUnavailable') ?? []),
        ...(props.minAvailable?.problems('minAvailable') ?? []),
      ];
      if (props.maxUnavailable && props.minAvailable) {
        problems.push({ field: 'minAvailable', value: props.minAvailable.toString(), message: 'cannot be set together with maxUnavailable', fix: 'keep one of the two (maxUnavailable is preferred)' });
      }
      const automatic = props.target.node.tryFindChild(AUTOMATIC_BUDGET_ID);
      if (automatic instanceof DisruptionBudget && automatic !== this) {
        problems.push({
          field: 'target',
          value: props.target.node.path,
          message: 'already has the automatic PodDisruptionBudget of a high-availability environment; with two budgets over the same pods the eviction API refuses every eviction and node drains hang',
          fix: 'set disruptionBudget: false on the workload to keep only this one, or drop this one',
        });
      }
      if (maxUnavailable?.isZero) {
        problems.push({ field: 'maxUnavailable', value: maxUnavailable.toString(), message: 'blocks every node drain', fix: 'allow at least one pod to be evicted' });
      }
      return problems;
    });
  }
}

/** The node label soft spread uses. */
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';

/**
 * High availability for a workload that runs `replicas` pods: in an environment with
 * `highAvailability` and at least two replicas, a PodDisruptionBudget (one pod down at a time)
 * and a soft spread of the pods across nodes (ScheduleAnyway, so a small cluster still
 * schedules them). Does nothing otherwise. For every replicated workload kind (Deployment,
 * StatefulSet); `budget: false` keeps the spread but makes no budget (the workload has its own).
 * Returns the budget when one was made.
 */
export function applyHighAvailability(workload: Workload, replicas: number | undefined, budget = true): DisruptionBudget | undefined {
  if (!workload.environment.highAvailability || replicas === undefined || replicas < 2) {
    return undefined;
  }
  workload.pod.addTopologySpread({
    maxSkew: 1,
    topologyKey: HOSTNAME_TOPOLOGY_KEY,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: workload.selector },
  });
  return budget ? new DisruptionBudget(workload, AUTOMATIC_BUDGET_ID, { target: workload }) : undefined;
}

/** Construct id of the budget {@link applyHighAvailability} adds under the workload. */
const AUTOMATIC_BUDGET_ID = 'DisruptionBudget';
