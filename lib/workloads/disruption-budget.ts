import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { budgetSettingsProblems } from '../policy/checks/disruption-budget';
import { PodCount, PodCountSchema } from './rollout';
import { Workload, WorkloadSchema } from './workload';
import { z } from 'zod';
import { checkProps, constructId, str } from '../core/schema';

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

/** Runtime shape of {@link DisruptionBudgetProps}. @internal */
export const DisruptionBudgetPropsSchema = z.strictObject({
  target: WorkloadSchema,
  maxUnavailable: PodCountSchema.optional(),
  minAvailable: PodCountSchema.optional(),
  name: str.optional(),
});

/** A PodDisruptionBudget (policy/v1) over a workload's pods. */
export class DisruptionBudget extends Construct {
  /** Name of the PodDisruptionBudget object. */
  public readonly name: string;
  /** The PodDisruptionBudget object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, constructId(scope, id));
    AppChart.of(this); // outside an AppChart: a problem at synth
    checkProps(this, DisruptionBudgetPropsSchema, props);
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
      // The same code as the engine's PLT035.
      problems.push(...budgetSettingsProblems(props.minAvailable?.toString(), maxUnavailable?.toString()));
      const automatic = props.target.node.tryFindChild(AUTOMATIC_BUDGET_ID);
      if (automatic instanceof DisruptionBudget && automatic !== this) {
        problems.push({
          field: 'target',
          value: props.target.node.path,
          message: 'already has the automatic PodDisruptionBudget of a high-availability environment; with two budgets over the same pods the eviction API refuses every eviction and node drains hang',
          fix: 'set disruptionBudget: false on the workload to keep only this one, or drop this one',
        });
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
