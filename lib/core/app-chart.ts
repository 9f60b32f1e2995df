import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Environment } from './environment';
import { Labels } from './labels';
import { Names } from './names';
import { addProblems, Problem } from './problem';
import { z } from 'zod';
import { instanceOf, schemaProblems, str } from './schema';

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

/** Runtime shape of {@link AppChartProps}. */
export const AppChartPropsSchema = z.strictObject({
  environment: instanceOf(Environment, 'an Environment', 'make it with Environment.dev(), .stage(), .prod() or .of()'),
  version: str.optional(),
});

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

  constructor(scope: Construct, id: string, given: AppChartProps) {
    const refused = schemaProblems(AppChartPropsSchema, given);
    // Refused props are reported by the chart; it is built on a placeholder environment meanwhile.
    const props = refused.length ? { environment: Environment.of({ name: 'invalid', replicas: 1, baseDomain: 'invalid.example.com' }) } : given;
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
      ...refused,
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
   * their own name, so that every object carries every standard label. Idempotent.
   */
  public applyStandardLabels(): void {
    for (const obj of this.apiObjects) {
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

/** The API server's limit on the annotations of one object: keys and values together. */
export const MAX_ANNOTATION_BYTES = 256 * 1024;

/** The problems of an annotation set: key grammar, and the total size the API server accepts. */
export function annotationProblems(field: string, annotations: Record<string, string>): Problem[] {
  const problems = Object.keys(annotations).flatMap((key) => Names.qualifiedName(`${field}.${key}`, key));
  const bytes = Object.entries(annotations).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (bytes > MAX_ANNOTATION_BYTES) {
    problems.push({ field, value: `${bytes} bytes`, message: `are larger than the ${MAX_ANNOTATION_BYTES} bytes the API server accepts`, fix: 'move large content into a ConfigMap and refer to it' });
  }
  return problems;
}
