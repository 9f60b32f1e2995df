import { ApiObject, ApiObjectMetadataDefinition, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { rollOnConfigChange } from './config-hash';
import { ConstructTree } from './construct-tree';
import { Environment } from './environment';
import { patchAfterConversion } from './escape-hatch';
import { strictSchemaProblems } from './schema-check';
import { Labels } from './labels';
import { Names } from './names';
import { environmentLeftToPlatform } from './platform-environments';
import { addProblems, formatProblem, Problem } from './problem';
import { z } from 'zod';
import { instanceOf, schemaProblems, str } from './schema';
import { sameNameProblems } from './same-name';

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
   * The app's name: `app.kubernetes.io/part-of` of its objects. Separate from the construct id,
   * so that one cdk8s App can hold the same app for several environments
   * (`new AppChart(app, 'shop-dev', { appName: 'shop', environment: dev })`).
   * @default - the construct id
   */
  readonly appName?: string;
  /**
   * The app's version, the default `app.kubernetes.io/version` of its objects.
   * @default '0.0.0'
   */
  readonly version?: string;
}

/** Runtime shape of {@link AppChartProps}. @internal */
export const AppChartPropsSchema = z.strictObject({
  environment: instanceOf(Environment, 'an Environment', 'make it with Environment.dev(), .stage(), .prod() or .of()'),
  appName: str.optional(),
  version: str.optional(),
});

/** Marks AppCharts; `Symbol.for`, so that it holds across copies of the library, as cdk8s does for charts. */
const APP_CHART = Symbol.for('@platform/k8s-constructs.AppChart');

/**
 * One app in one environment: a cdk8s Chart whose objects all carry the standard labels and
 * live in the environment's namespace. It is the way in: every library construct must be
 * created inside one (see {@link AppChart.of}). It refuses an invalid environment and two
 * objects of the same kind and name, as the Platform does.
 */
export class AppChart extends Chart {
  /** Whether `x` is an AppChart (of any copy of the library). */
  public static isAppChart(x: unknown): x is AppChart {
    return x !== null && typeof x === 'object' && APP_CHART in x;
  }

  /**
   * `instanceof AppChart` by {@link isAppChart}. Without it, AppChart would inherit Chart's,
   * which is true for any Chart. Subclasses keep the prototype check.
   */
  public static [Symbol.hasInstance](x: unknown): x is AppChart {
    return AppChart.isAppChart(x) && (this === AppChart || Object.prototype.isPrototypeOf.call(this.prototype, x));
  }

  /**
   * The AppChart a construct belongs to. Library constructs call it in their constructor: outside
   * an AppChart (e.g. in a plain cdk8s Chart) the construct gets a problem that names AppChart and
   * fails the synth, listed with every other problem, and a stand-in chart is returned so that
   * construction goes on.
   */
  public static of(scope: IConstruct): AppChart {
    const found = scope.node.scopes.slice().reverse().find((s): s is AppChart => AppChart.isAppChart(s));
    return found ?? outsideAppChart(scope);
  }

  /** The environment the app is rendered for. */
  public readonly environment: Environment;
  /** The app name (`app.kubernetes.io/part-of`). */
  public readonly appName: string;
  /** The app version (the default `app.kubernetes.io/version`). */
  public readonly version: string;

  constructor(scope: Construct, id: string, given: AppChartProps) {
    const refused = schemaProblems(AppChartPropsSchema, given);
    // Refused props are reported by the chart; it is built on a placeholder environment meanwhile.
    const props: AppChartProps = refused.length ? { environment: Environment.of({ name: 'invalid', replicas: 1, baseDomain: 'invalid.example.com' }) } : given;
    const appName = props.appName ?? id;
    super(scope, id, {
      namespace: props.environment.namespace,
      disableResourceNameHashes: true,
      labels: {
        [Labels.PART_OF]: appName,
        [Labels.MANAGED_BY]: Labels.MANAGER,
        [Labels.ENVIRONMENT]: props.environment.name,
      },
    });
    Object.defineProperty(this, APP_CHART, { value: true });
    this.environment = props.environment;
    this.appName = appName;
    this.version = props.version ?? '0.0.0';
    const checksEnvironment = firstChartOf(this.environment, this);
    addProblems(this, () => [
      ...refused,
      ...(checksEnvironment && !environmentLeftToPlatform(this) ? this.environment.problems() : []),
      ...Names.dnsLabel('app name', this.appName),
      ...Names.labelValue('version', this.version),
      ...sameNameProblems(this.apiObjects.map((o) => ({ kind: o.kind, name: o.name, path: o.node.path }))),
    ]);
    // Under the Platform every rendered object is checked there, once; a chart in a plain cdk8s
    // App checks its own, as rendered (patches after the typed conversion).
    this.node.addValidation({
      validate: () => {
        if (environmentLeftToPlatform(this)) return [];
        this.applyStandardLabels();
        return this.apiObjects.flatMap((o) => renderedSchemaProblems(o));
      },
    });
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
    return ConstructTree.findAll(this).filter((c): c is ApiObject => c instanceof ApiObject);
  }

  /**
   * Gives objects made without a component identity (escape hatches, cdk8s-plus-27 constructs,
   * imported CRDs) one from their own name, so that every object carries every standard label;
   * the pod templates of cdk8s-plus-27 workloads get their workload's, and the config-hash
   * annotation over the stack's ConfigMaps and Secrets they read. Makes every object's JSON
   * patches apply after its typed conversion. Idempotent.
   */
  public applyStandardLabels(): void {
    for (const c of ConstructTree.findAll(this)) {
      if (c instanceof ApiObject) {
        patchAfterConversion(c);
        addMissingLabels(c.metadata, this.labelsFor({ name: c.metadata.name ?? c.node.id }));
      } else if (c instanceof kplus.Workload) {
        addMissingLabels(c.podMetadata, this.labelsFor({ name: c.name }));
        rollOnConfigChange(c);
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

/** Runs for every construct of a synth: reads the labels by key, without Object.entries' pairs. */
function addMissingLabels(metadata: ApiObjectMetadataDefinition, labels: Record<string, string>): void {
  for (const key of Object.keys(labels)) {
    if (metadata.getLabel(key) === undefined) {
      metadata.addLabel(key, labels[key]);
    }
  }
}

/** Environments whose problems an AppChart of the construct tree reports: once per tree, by the first chart. */
const checkedEnvironments = new WeakMap<IConstruct, Set<Environment>>();

function firstChartOf(environment: Environment, chart: AppChart): boolean {
  const root = chart.node.root;
  const seen = checkedEnvironments.get(root) ?? new Set<Environment>();
  checkedEnvironments.set(root, seen);
  const first = !seen.has(environment);
  seen.add(environment);
  return first;
}

/** The environment of the stand-in chart; its name says where its values come from. */
const NO_APP_CHART = Environment.of({ name: 'no-app-chart', replicas: 1, baseDomain: 'no-app-chart.invalid' });
/** One stand-in chart per construct tree, so that constructs outside any AppChart agree on their chart. */
const standIns = new WeakMap<IConstruct, AppChart>();
/** Constructs already refused for being outside an AppChart; the constructs they make are not refused again. */
const refused = new WeakSet<IConstruct>();

/**
 * Refuses a library construct created outside an AppChart (at synth, with every other problem:
 * a TypeError half-way through construction would hide them) and returns a stand-in chart.
 */
function outsideAppChart(scope: IConstruct): AppChart {
  if (!scope.node.scopes.some((s) => refused.has(s))) {
    refused.add(scope);
    const chart = scope.node.scopes.slice().reverse().find((s) => Chart.isChart(s));
    addProblems(scope, () => [{
      field: 'scope',
      value: chart?.node.path,
      message: `is not inside an AppChart${chart ? ' (a plain cdk8s Chart gives no environment)' : ''}: library constructs take their environment, namespace and standard labels from the AppChart they are created in`,
      fix: 'create it in an AppChart instead, e.g. new AppChart(app, \'shop-dev\', { appName: \'shop\', environment: Environment.dev({ baseDomain: \'dev.example.com\' }) })',
    }]);
  }
  const root = scope.node.root;
  let standIn = standIns.get(root);
  if (!standIn) {
    standIn = new AppChart(new App(), NO_APP_CHART.name, { environment: NO_APP_CHART });
    standIns.set(root, standIn);
  }
  return standIn;
}

/** The label problems of a label set, for constructs that accept user labels. */
export function labelProblems(field: string, labels: Record<string, string>): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(labels)) {
    const value = labels[key];
    if (validLabelKeys.has(key) && validLabelValues.has(value)) continue;
    const keyProblems = Names.qualifiedName(`${field}.${key}`, key);
    const valueProblems = Names.labelValue(`${field}.${key}`, value);
    if (!keyProblems.length) remember(validLabelKeys, key);
    if (!valueProblems.length) remember(validLabelValues, value);
    problems.push(...keyProblems, ...valueProblems);
  }
  return problems;
}

/**
 * Label keys (and annotation keys: the same grammar) and label values found valid: every object
 * of a fleet carries the same few thousand.
 */
const validLabelKeys = new Set<string>();
const validLabelValues = new Set<string>();

function remember(valid: Set<string>, value: string): void {
  if (valid.size >= 50_000) valid.clear();
  valid.add(value);
}

/** The API server's limit on the annotations of one object: keys and values together. */
export const MAX_ANNOTATION_BYTES = 256 * 1024;

/** The problems of an annotation set: key grammar, and the total size the API server accepts. */
export function annotationProblems(field: string, annotations: Record<string, string>): Problem[] {
  const problems: Problem[] = [];
  let bytes = 0;
  for (const key of Object.keys(annotations)) {
    if (!validLabelKeys.has(key)) {
      const keyProblems = Names.qualifiedName(`${field}.${key}`, key);
      if (keyProblems.length) problems.push(...keyProblems);
      else remember(validLabelKeys, key);
    }
    bytes += Buffer.byteLength(key) + Buffer.byteLength(String(annotations[key]));
  }
  if (bytes > MAX_ANNOTATION_BYTES) {
    problems.push({ field, value: `${bytes} bytes`, message: `are larger than the ${MAX_ANNOTATION_BYTES} bytes the API server accepts`, fix: 'move large content into a ConfigMap and refer to it' });
  }
  return problems;
}

/** An object's strict Kubernetes 1.27 schema problems, one line each naming its construct path. */
function renderedSchemaProblems(apiObject: ApiObject): string[] {
  let json: unknown;
  try {
    json = apiObject.toJson();
  } catch {
    return []; // reported by the construct's own checks, or by the synth itself
  }
  return strictSchemaProblems(json).map((p) => `[${apiObject.node.path}] ${formatProblem(p)}`);
}
