import { Construct } from 'constructs';
import { AppChart, labelProblems } from '../core/app-chart';
import { standardLabelProblems } from '../core/placement';
import { Container, ContainerProps } from './container';
import { Environment } from '../core/environment';
import { Names } from '../core/names';
import { PodTemplate, PodTemplateProps } from './pod-template';
import { addProblems, Problem } from '../core/problem';

/** Props every workload shares. */
export interface WorkloadProps extends PodTemplateProps {
  /**
   * Object name, also `app.kubernetes.io/name`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Role in the app (`app.kubernetes.io/component`), e.g. `frontend`, `database`.
   * @default - the name
   */
  readonly component?: string;
  /**
   * `app.kubernetes.io/version`.
   * @default - the primary container's image tag, else the app's version
   */
  readonly version?: string;
  /**
   * Extra labels on the object and its pods (e.g. `tier: backend`, `role: leader`); not in the
   * selector, which keeps to the stable standard labels. Cannot replace a standard label.
   * @default - the standard labels only
   */
  readonly labels?: Record<string, string>;
}

/**
 * What Deployments, StatefulSets, Jobs and CronJobs share: a name, standard labels, a selector
 * of the stable labels only, and a {@link PodTemplate} with its checks.
 */
export abstract class Workload extends Construct {
  public readonly name: string;
  public readonly chart: AppChart;
  public readonly pod: PodTemplate;
  protected readonly props: WorkloadProps;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    this.props = props;
    this.name = props.name ?? id;
    this.chart = AppChart.of(this);
    this.pod = new PodTemplate(props, this);
    addProblems(this, () => [
      ...Names.dnsLabel('name', this.name),
      ...this.pod.problems('pod', this.environment),
      ...this.workloadProblems(),
      ...labelProblems('labels', props.labels ?? {}),
      ...standardLabelProblems('labels', props.labels ?? {}),
    ]);
  }

  public get environment(): Environment {
    return this.chart.environment;
  }

  /** The standard labels of the workload, its pods and its Services. */
  public get labels(): Record<string, string> {
    return {
      ...this.props.labels,
      ...this.chart.labelsFor({
        name: this.name,
        component: this.props.component,
        version: this.props.version ?? this.pod.primary?.image.tag,
      }),
    };
  }

  /** The selector: `app.kubernetes.io/name` and `instance` only. */
  public get selector(): Record<string, string> {
    return this.chart.selectorFor(this.name);
  }

  /** Adds a main container (sidecar, adapter, ambassador). */
  public addContainer(container: Container | ContainerProps): Container {
    return this.pod.addContainer(container);
  }

  /** Adds an init container, run after those added before it. */
  public addInitContainer(container: Container | ContainerProps): Container {
    return this.pod.addInitContainer(container);
  }

  /** Problems specific to the workload kind. */
  protected workloadProblems(): Problem[] {
    return [];
  }
}
