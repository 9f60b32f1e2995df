import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart, labelProblems } from '../core/app-chart';
import { standardLabelProblems } from '../core/placement';
import { Container, ContainerProps } from './container';
import { Environment } from '../core/environment';
import { Names } from '../core/names';
import { PodTemplate, PodTemplateProps, PodTemplatePropsSchema } from './pod-template';
import { addProblems, Problem } from '../core/problem';
import { ConstructTree } from '../core/construct-tree';
import { z } from 'zod';
import { checkProps, constructId, instanceOf, str } from '../core/schema';

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

/** Runtime shape of {@link WorkloadProps}; each workload kind adds its own fields to it. @internal */
export const WorkloadPropsSchema = z.strictObject({
  ...PodTemplatePropsSchema.shape,
  name: str.optional(),
  component: str.optional(),
  version: str.optional(),
  labels: z.record(str, str).optional(),
});

/**
 * What Deployments, StatefulSets, Jobs and CronJobs share: a name, standard labels, a selector
 * of the stable labels only, and a {@link PodTemplate} with its checks.
 *
 * cdk8s-plus-27 constructs take workloads through its interfaces, so they take these too: a
 * kplus Service or NetworkPolicy selects its pods (IPodSelector), a NetworkPolicy rule or
 * `pod.connections` admits them (INetworkPolicyPeer), a Role grants access to the object
 * (IResource, IApiEndpoint), a RoleBinding grants a role to the pods' service account (ISubject).
 */
export abstract class Workload extends Construct implements kplus.IPodSelector, kplus.INetworkPolicyPeer, kplus.IResource, kplus.IApiEndpoint, kplus.ISubject {
  /** Name of the workload object (default: the construct id). */
  public readonly name: string;
  /** The AppChart it belongs to. */
  public readonly chart: AppChart;
  /** Its pod template. */
  public readonly pod: PodTemplate;
  /** What the workload was made with. */
  protected readonly props: WorkloadProps;

  /**
   * @param schema the runtime shape of the workload kind's props (a zod schema; typed `object` so
   * that the package's declarations do not expose zod)
   */
  constructor(scope: Construct, id: string, props: WorkloadProps, schema: object = WorkloadPropsSchema) {
    super(scope, constructId(scope, id));
    checkProps(this, schema as z.ZodType, props);
    this.props = props;
    this.name = props.name ?? id;
    this.chart = AppChart.of(this);
    this.pod = new PodTemplate(props, this);
    checkBoundWorkloads(this.chart);
    addProblems(this, () => [
      ...Names.dnsLabel('name', this.name),
      ...this.pod.problems('pod', this.environment),
      ...this.workloadProblems(),
      ...labelProblems('labels', props.labels ?? {}),
      ...standardLabelProblems('labels', props.labels ?? {}),
    ]);
  }

  /** The environment of the AppChart the workload is in. */
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

  /** The workload object (escape hatch for JSON patches). */
  public abstract readonly apiObject: ApiObject;

  /** The object's API version, e.g. `apps/v1`. */
  public get apiVersion(): string {
    return this.apiObject.apiVersion;
  }

  /** The object's kind, e.g. `Deployment`. */
  public get kind(): string {
    return this.apiObject.kind;
  }

  /** The API group, e.g. `apps` (for RBAC rules). */
  public get apiGroup(): string {
    return this.apiVersion.includes('/') ? this.apiVersion.split('/')[0] : '';
  }

  /** The resource type in API paths and RBAC rules: the plural of the kind, e.g. `deployments`. */
  public get resourceType(): string {
    return `${this.kind.toLowerCase()}s`;
  }

  /** The object's name, so that an RBAC rule on the workload covers this object only. */
  public get resourceName(): string {
    return this.name;
  }

  /** The workload as an RBAC resource (cdk8s-plus-27 `IApiEndpoint`). */
  public asApiResource(): kplus.IApiResource {
    return this;
  }

  /** Not a non-resource URL (cdk8s-plus-27 `IApiEndpoint`). */
  public asNonApiResource(): undefined {
    return undefined;
  }

  /** The pods, selected by the stable selector labels, in the environment's namespace. */
  public toPodSelectorConfig(): kplus.PodSelectorConfig {
    return {
      labelSelector: kplus.LabelSelector.of({ labels: this.selector }),
      namespaces: { names: [this.environment.namespace] },
    };
  }

  /** The pods as a network policy peer (cdk8s-plus-27 `INetworkPolicyPeer`). */
  public toNetworkPolicyPeerConfig(): kplus.NetworkPolicyPeerConfig {
    return { podSelector: this.toPodSelectorConfig() };
  }

  /** The workload selects its own pods (cdk8s-plus-27 `INetworkPolicyPeer`). */
  public toPodSelector(): kplus.IPodSelector {
    return this;
  }

  /**
   * As the subject of a cdk8s-plus-27 RoleBinding: the pods' service account. A workload without
   * one of its own is refused when bound: the binding would grant the role to the namespace's
   * `default` account, which every such pod shares.
   */
  public toSubjectConfiguration(): kplus.SubjectConfiguration {
    return { kind: 'ServiceAccount', apiGroup: '', name: this.pod.props.serviceAccountName ?? 'default', namespace: this.environment.namespace };
  }

  /** Adds a main container (sidecar, adapter, ambassador). */
  public addContainer(container: Container | ContainerProps): Container {
    return this.pod.addContainer(container);
  }

  /** Adds an init container, run after those added before it. */
  public addInitContainer(container: Container | ContainerProps): Container {
    return this.pod.addInitContainer(container);
  }

  /**
   * The workload as a cdk8s-plus-27 autoscaler sees it (`IScalable.toScalingTarget`): its main
   * containers with their resources as rendered in this environment.
   */
  protected scalingTarget(replicas: number | undefined): kplus.ScalingTarget {
    return {
      kind: this.kind,
      apiVersion: this.apiVersion,
      name: this.name,
      replicas,
      containers: this.pod.mainContainers.map((c) => {
        const r = c.resources.scaled(this.environment.resourceScale);
        return new kplus.Container({
          name: c.name,
          image: c.image.reference,
          resources: {
            cpu: { request: kplus.Cpu.millis(r.props.cpu.millicores), limit: r.props.cpuLimit && kplus.Cpu.millis(r.props.cpuLimit.millicores) },
            memory: { request: Size.mebibytes(r.props.memory.mebibytes), limit: Size.mebibytes(r.memoryLimit.mebibytes) },
          },
        });
      }),
    };
  }

  /** Problems specific to the workload kind. */
  protected workloadProblems(): Problem[] {
    return [];
  }
}

/** Charts whose cdk8s-plus-27 role bindings are checked for workloads without a service account. */
const checkedCharts = new WeakSet<AppChart>();

/** Refuses, once per chart, kplus role bindings whose subject is a workload without a service account. */
function checkBoundWorkloads(chart: AppChart): void {
  if (checkedCharts.has(chart)) return;
  checkedCharts.add(chart);
  addProblems(chart, () => ConstructTree.findAll(chart)
    .filter((c): c is kplus.RoleBinding | kplus.ClusterRoleBinding => c instanceof kplus.RoleBinding || c instanceof kplus.ClusterRoleBinding)
    .flatMap((binding) => binding.subjects
      .filter((s): s is Workload => s instanceof Workload && s.pod.props.serviceAccountName === undefined)
      .map((workload) => ({
        field: 'subjects',
        value: workload.node.path,
        message: `of ${binding.node.path}: ${workload.name} runs under no service account of its own, so the binding would grant the role to the namespace's default account`,
        fix: `give ${workload.name} a serviceAccountName (a ServiceAccount of the stack), or bind that ServiceAccount`,
      }))));
}

/** A workload of this library, as props take it (a Service target, a network peer, ...). @internal */
export const WorkloadSchema = instanceOf(Workload, 'a workload of this library (Deployment, StatefulSet, Job or CronJob)');

/** A workload whose pods can be selected: a library one, or a cdk8s-plus-27 `IPodSelector` (Deployment, StatefulSet, Pod, `Pods.select`). @internal */
export const PodSelectorSchema = z.custom<Workload | kplus.IPodSelector>(
  (v) => v instanceof Workload || (typeof v === 'object' && v !== null && typeof (v as any).toPodSelectorConfig === 'function'),
  { message: 'must be a workload: a library Deployment, StatefulSet, Job or CronJob, or a cdk8s-plus-27 IPodSelector', params: { fix: 'pass the workload construct itself' } });

/** A scalable workload: a library Deployment or StatefulSet, or a cdk8s-plus-27 `IScalable`. @internal */
export const ScalableSchema = z.custom<Workload | kplus.IScalable>(
  (v) => v instanceof Workload || (typeof v === 'object' && v !== null && typeof (v as any).toScalingTarget === 'function' && typeof (v as any).markHasAutoscaler === 'function'),
  { message: 'must be a scalable workload: a library Deployment or StatefulSet, or a cdk8s-plus-27 IScalable', params: { fix: 'pass the Deployment or StatefulSet construct itself' } });
