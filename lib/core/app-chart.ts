import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Environment } from './environment';
import { patchAfterConversion } from './escape-hatch';
import { Labels } from './labels';
import { Names } from './names';
import { addProblems, Problem } from './problem';

/** Identity of one component of an app: what its standard labels say. */
export interface ComponentIdentity {
  /** `app.kubernetes.io/name`: the component's name, e.g. `journal-server`. */
  readonly name: string;
  /**
   * `app.kubernetes.io/component`: its role in the app, e.g. `frontend`, `database`.
   * @default - the name
   */
  readonly component?: string;
  /**
   * `app.kubernetes.io/version`.
   * @default - the app's version
   */
  readonly version?: string;
}

/** Props of an {@link AppChart}. */
export interface AppChartProps {
  /** The environment the chart is rendered for. */
  readonly environment: Environment;
  /**
   * The app's version, the default `app.kubernetes.io/version` of its objects.
   * @default '0.0.0'
   */
  readonly version?: string;
}

/**
 * One app in one environment: a cdk8s Chart whose objects all carry the standard labels and
 * live in the environment's namespace. The chart id is the app name (`app.kubernetes.io/part-of`)
 * and the folder its manifests are written to.
 */
export class AppChart extends Chart {
  /** The AppChart a construct belongs to; throws when there is none. */
  public static of(scope: IConstruct): AppChart {
    const found = scope.node.scopes.slice().reverse().find((s): s is AppChart => s instanceof AppChart);
    if (!found) {
      throw new Error(`${scope.node.path} is not inside an AppChart: create it under the chart of an app stack`);
    }
    return found;
  }

  public readonly environment: Environment;
  /** The app name (`app.kubernetes.io/part-of`). */
  public readonly appName: string;
  public readonly version: string;

  constructor(scope: Construct, id: string, props: AppChartProps) {
    super(scope, id, {
      namespace: props.environment.namespace,
      disableResourceNameHashes: true,
      labels: {
        [Labels.PART_OF]: id,
        [Labels.MANAGED_BY]: Labels.MANAGER,
        [Labels.ENVIRONMENT]: props.environment.name,
      },
    });
    this.environment = props.environment;
    this.appName = id;
    this.version = props.version ?? '0.0.0';
    addProblems(this, () => [
      ...Names.dnsLabel('app name', id),
      ...Names.labelValue('version', this.version),
    ]);
  }

  /** The full standard label set of a component of this app. */
  public labelsFor(identity: ComponentIdentity): Record<string, string> {
    return {
      [Labels.NAME]: identity.name,
      [Labels.INSTANCE]: this.instanceOf(identity.name),
      [Labels.VERSION]: identity.version ?? this.version,
      [Labels.COMPONENT]: identity.component ?? identity.name,
      [Labels.PART_OF]: this.appName,
      [Labels.MANAGED_BY]: Labels.MANAGER,
      [Labels.ENVIRONMENT]: this.environment.name,
    };
  }

  /** The selector labels of a component: the stable subset of {@link labelsFor}. */
  public selectorFor(name: string): Record<string, string> {
    return { [Labels.NAME]: name, [Labels.INSTANCE]: this.instanceOf(name) };
  }

  /** Every API object of the chart, in construct-tree order. */
  public get apiObjects(): ApiObject[] {
    return this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  }

  /**
   * Gives objects made without a component identity (escape hatches, imported CRDs) one from
   * their own name, so that every object carries every standard label, and makes every
   * object's JSON patches apply after its typed conversion. Idempotent.
   */
  public applyStandardLabels(): void {
    for (const obj of this.apiObjects) {
      patchAfterConversion(obj);
      const name = obj.metadata.name ?? obj.node.id;
      const labels = this.labelsFor({ name });
      for (const [key, value] of Object.entries(labels)) {
        if (obj.metadata.getLabel(key) === undefined) {
          obj.metadata.addLabel(key, value);
        }
      }
    }
  }

  public toJson(): any[] {
    this.applyStandardLabels();
    return super.toJson();
  }

  private instanceOf(name: string): string {
    return `${name}-${this.environment.name}`;
  }
}

/** The label problems of a label set, for constructs that accept user labels. */
export function labelProblems(field: string, labels: Record<string, string>): Problem[] {
  return Object.entries(labels).flatMap(([key, value]) => [
    ...Names.qualifiedName(`${field}.${key}`, key),
    ...Names.labelValue(`${field}.${key}`, value),
  ]);
}
