import { ApiObject, App } from 'cdk8s';
import { AppChart, labelProblems } from './app-chart';
import { Environment } from './environment';
import { FolderChanges, OutputFolder } from './output-folder';
import { formatProblem, Problem } from './problem';
import { RenderedJson } from './rendered-json';
import { YamlWriter } from './yaml-writer';

/** One app, written once against the environment profile. */
export interface StackDefinition {
  /** App name: chart id, folder name and `app.kubernetes.io/part-of`. */
  readonly name: string;
  /**
   * The app's version (default `app.kubernetes.io/version`).
   * @default '0.0.0'
   */
  readonly version?: string;
  /**
   * Names of the environments the app is rendered for.
   * @default - every environment
   */
  readonly environments?: string[];
  /** Adds the app's constructs to its chart; read `chart.environment` for what differs. */
  define(chart: AppChart): void;
}

/** A rendered object, with where it came from and where it goes. */
export interface Manifest {
  /** Environment name. */
  readonly environment: string;
  /** App (chart) name. */
  readonly app: string;
  /** Path of the file, relative to the output directory. */
  readonly file: string;
  /** Construct path of the object, for messages. */
  readonly constructPath: string;
  /** The object as it is written. */
  readonly object: any;
}

/** A finding of a {@link ManifestCheck}. */
export interface Finding extends Problem {
  /** Stable rule id, e.g. `PLT001`. */
  readonly rule: string;
  /** Errors fail the synth; warnings are printed. */
  readonly severity: 'error' | 'warning';
  /** Construct path (or file) of the object. */
  readonly path: string;
}

/** A check over all rendered objects of one environment (cross-object rules). */
export interface ManifestCheck {
  /**
   * Findings over the rendered objects of one environment; `app` is the environment's construct
   * tree, for what renders no object (e.g. a Secret declared to exist in the cluster).
   */
  check(manifests: readonly Manifest[], environment: Environment, app?: App): Finding[];
}

/** Extra files written next to the manifests (kustomizations, indexes); runs after all checks passed. */
export interface OutputGenerator {
  /** Files by path relative to the output directory, for one environment's manifests. */
  files(manifests: readonly Manifest[], environment: Environment): Map<string, string>;
}

/** Props of a {@link Platform}. */
export interface PlatformProps {
  /** The environments, in output order. */
  readonly environments: Environment[];
  /** The apps. */
  readonly stacks: StackDefinition[];
  /**
   * Render only these environments (names); e.g. from `PLATFORM_ENVIRONMENTS=dev,stage`.
   * @default - all
   */
  readonly only?: string[];
  /**
   * Checks run over each environment's rendered objects before anything is written.
   * @default - none
   */
  readonly checks?: ManifestCheck[];
  /**
   * Generators of extra files per environment (e.g. `kustomization.yaml`).
   * @default - none
   */
  readonly outputs?: OutputGenerator[];
}

/** The result of rendering: file contents by relative path, and warnings. */
export interface Rendering {
  readonly files: Map<string, string>;
  readonly manifests: Manifest[];
  readonly warnings: string[];
}

/** The result of {@link Platform.synth}: the rendering, and what changed in each environment's folder. */
export interface Synthesis extends Rendering {
  readonly changes: FolderChanges[];
}

/** Thrown when a synth finds problems; lists all of them, one per line. */
export class SynthError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Synth failed with ${problems.length} problem(s); nothing was written:\n  ${problems.join('\n  ')}`);
    this.name = 'SynthError';
  }
}

/**
 * Environments × app stacks. Renders every app for every environment into
 * `<outdir>/<environment>/<app>/<Kind>.<name>.k8s.yaml`, after all construct validations and
 * checks of all environments passed: a failing synth writes nothing.
 */
export class Platform {
  constructor(public readonly props: PlatformProps) {}

  /** Renders every environment in memory; throws a {@link SynthError} listing every problem. */
  public render(): Rendering {
    const problems: string[] = [];
    const at = (where: string, p: Problem) => `[${where}] ${formatProblem(p)}`;
    const environments = this.selectedEnvironments(problems);
    const names = this.props.environments.map((e) => e.name);

    const stackNames = new Set<string>();
    const stacks: StackDefinition[] = [];
    for (const stack of this.props.stacks) {
      if (stackNames.has(stack.name)) {
        problems.push(at(stack.name, { field: 'stack name', value: stack.name, message: 'is defined twice', fix: 'give each app stack its own name' }));
        continue;
      }
      stackNames.add(stack.name);
      stacks.push(stack);
      for (const env of stack.environments ?? []) {
        if (!names.includes(env)) {
          problems.push(at(stack.name, { field: 'environments', value: env, message: 'is not a known environment', fix: `use one of ${names.join(', ')}` }));
        }
      }
    }

    // One environment at a time, so that only its construct tree is in memory (a fleet has
    // thousands of constructs per environment). Problems are reported in the same order as if
    // every environment were defined, then validated, then rendered: objects and checks are
    // only reported when no definition or validation failed in any environment.
    const defineProblems: string[] = [];
    const validationProblems: string[] = [];
    const renderProblems: string[] = [];
    const files = new Map<string, string>();
    const manifests: Manifest[] = [];
    const warnings: string[] = [];
    for (const environment of environments) {
      const app = new App({ outdir: 'unused' });
      for (const stack of stacks) {
        if (stack.environments && !stack.environments.includes(environment.name)) continue;
        try {
          stack.define(new AppChart(app, stack.name, { environment, version: stack.version }));
        } catch (e) {
          defineProblems.push(`[${environment.name}/${stack.name}] ${(e as Error).message}`);
        }
      }
      const charts = app.node.children.filter((c): c is AppChart => c instanceof AppChart);
      for (const chart of charts) {
        chart.applyStandardLabels();
      }
      // The objects are final: validations checking an object as rendered and the writing below
      // share one rendering of it.
      RenderedJson.open(app);
      for (const c of app.node.findAll()) {
        for (const message of c.node.validate()) {
          validationProblems.push(`[${environment.name}/${c.node.path}] ${message}`);
        }
      }
      if (problems.length || defineProblems.length || validationProblems.length) {
        continue;
      }

      const envManifests: Manifest[] = [];
      for (const chart of charts) {
        for (const apiObject of chart.apiObjects) {
          const object = renderObject(apiObject, `${environment.name}/${apiObject.node.path}`, renderProblems);
          if (object === undefined) continue;
          const file = `${environment.name}/${chart.appName}/${fileName(object)}`;
          const constructPath = `${environment.name}/${apiObject.node.path}`;
          // Labels are checked as written, whichever construct or escape hatch set them.
          for (const p of labelProblems('metadata.labels', object.metadata?.labels ?? {})) {
            renderProblems.push(`[${constructPath}] ${formatProblem(p)}`);
          }
          if (files.has(file)) {
            renderProblems.push(`[${constructPath}] ${formatProblem({ field: 'metadata.name', value: object.metadata?.name, message: `another ${object.kind} of this app has the same name`, fix: 'give each object its own name' })}`);
          }
          files.set(file, YamlWriter.stringify(object));
          envManifests.push({ environment: environment.name, app: chart.appName, file, constructPath, object });
        }
      }
      for (const check of this.props.checks ?? []) {
        for (const f of check.check(envManifests, environment, app)) {
          const line = `[${f.path}] ${f.rule} ${formatProblem(f)}`;
          (f.severity === 'error' ? renderProblems : warnings).push(line);
        }
      }
      manifests.push(...envManifests);
    }
    problems.push(...defineProblems, ...validationProblems);
    if (problems.length) {
      throw new SynthError(problems);
    }
    if (renderProblems.length) {
      throw new SynthError(renderProblems);
    }
    for (const environment of environments) {
      const envManifests = manifests.filter((m) => m.environment === environment.name);
      for (const output of this.props.outputs ?? []) {
        output.files(envManifests, environment).forEach((content, file) => files.set(file, content));
      }
    }
    return { files: new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), manifests, warnings };
  }

  /**
   * Renders the selected environments and brings their folders under `outdir` up to date (see
   * {@link OutputFolder}): under the folder's lock, taken first so that a second synth is refused
   * at once; only after the whole render succeeded; writing only changed files, each atomically;
   * removing only files an earlier synth wrote. A synth of some environments (`only`) touches only
   * their folders.
   */
  public synth(outdir: string): Synthesis {
    const folder = OutputFolder.open(outdir);
    try {
      const rendering = this.render();
      return { ...rendering, changes: folder.update(rendering.files, this.props.only) };
    } finally {
      folder.close();
    }
  }

  private selectedEnvironments(problems: string[]): Environment[] {
    const seen = new Set<string>();
    for (const env of this.props.environments) {
      for (const p of env.problems()) problems.push(`[${env.name}] ${formatProblem(p)}`);
      if (seen.has(env.name)) {
        problems.push(`[${env.name}] ${formatProblem({ field: 'environment.name', value: env.name, message: 'is defined twice', fix: 'give each environment its own name' })}`);
      }
      seen.add(env.name);
    }
    const only = this.props.only;
    if (!only) return this.props.environments;
    for (const name of only) {
      if (!seen.has(name)) {
        problems.push(`[platform] ${formatProblem({ field: 'only', value: name, message: 'is not a known environment', fix: `use one of ${[...seen].join(', ')}` })}`);
      }
    }
    return this.props.environments.filter((e) => only.includes(e.name));
  }
}

/**
 * The object's JSON; a value the cdk8s serializer cannot render (it throws, e.g. on a data key
 * named `constructor`) becomes a problem of the object instead of an unhandled exception.
 */
function renderObject(apiObject: ApiObject, constructPath: string, problems: string[]): any {
  try {
    return RenderedJson.of(apiObject);
  } catch (e) {
    problems.push(`[${constructPath}] ${formatProblem({
      field: 'object',
      value: apiObject.kind,
      message: `cannot be serialized by cdk8s: ${(e as Error).message.replace(/\s+/g, ' ')}`,
      fix: 'cdk8s cannot render a map key named "constructor" (e.g. a ConfigMap or Secret data key): rename the key',
    })}`);
    return undefined;
  }
}

/** `Kind.name.k8s.yaml`, as cdk8s names files, with anything unsafe removed. */
function fileName(object: any): string {
  return `${object.kind}.${object.metadata?.name ?? 'unnamed'}`.replace(/[^0-9a-zA-Z-_.]/g, '') + '.k8s.yaml';
}

/** Parses `PLATFORM_ENVIRONMENTS` (comma-separated names) into `only`. */
export function environmentsFromEnv(value: string | undefined): string[] | undefined {
  const names = value?.split(',').map((s) => s.trim()).filter(Boolean);
  return names && names.length ? names : undefined;
}
