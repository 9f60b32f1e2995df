import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { annotationProblems, AppChart, labelProblems } from './app-chart';
import { ConstructTree } from './construct-tree';
import { Environment } from './environment';
import { EscapeHatchError } from './escape-hatch';
import { FolderChanges, OutputFolder } from './output-folder';
import { leaveEnvironmentToPlatform } from './platform-environments';
import { formatProblem, Problem } from './problem';
import { RenderedJson } from './rendered-json';
import { ProblemError, schemaProblems, str, withMethods } from './schema';
import { z } from 'zod';
import { NamedObject, sameNameProblems } from './same-name';
import { strictSchemaProblems } from './schema-check';
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

/** Runtime shape of a {@link StackDefinition}. @internal */
export const StackDefinitionSchema = z.strictObject({
  name: str,
  version: str.optional(),
  environments: z.array(str).optional(),
  define: z.custom<(chart: AppChart) => void>((v) => typeof v === 'function', { message: 'must be a function', params: { fix: 'give define(chart) { ... } that adds the app\'s constructs' } }),
});

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

/** Runtime shape of {@link PlatformProps}. @internal */
export const PlatformPropsSchema = z.strictObject({
  environments: z.array(z.custom<Environment>((v) => v instanceof Environment, { message: 'must be an Environment', params: { fix: 'make it with Environment.dev(), .qa(), .stage(), .prod() or .of()' } })),
  stacks: z.array(StackDefinitionSchema),
  only: z.array(str).optional(),
  checks: z.array(withMethods<ManifestCheck>('a ManifestCheck (an object with check())', ['check'])).optional(),
  outputs: z.array(withMethods<OutputGenerator>('an OutputGenerator (an object with files())', ['files'])).optional(),
});

/** The result of rendering: file contents by relative path, and warnings. */
export interface Rendering {
  /** File contents by path relative to the output folder. */
  readonly files: Map<string, string>;
  /** Every rendered object, with its environment, app and construct path. */
  readonly manifests: Manifest[];
  /** Findings that do not fail the synth. */
  readonly warnings: string[];
}

/** The result of {@link Platform.synth}: the rendering, and what changed in each environment's folder. */
export interface Synthesis extends Rendering {
  /** Files written, unchanged and removed, per environment folder. */
  readonly changes: FolderChanges[];
}

/** Thrown when a synth finds problems; lists all of them, one per line. */
export class SynthError extends Error {
  /**
   * @param problems Every problem, one line each: path, field, message, value and fix.
   */
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
  /**
   * @param props The environments and stacks to render.
   */
  constructor(public readonly props: PlatformProps) {}

  /** Renders every environment in memory; throws a {@link SynthError} listing every problem. */
  public render(): Rendering {
    const invalid = schemaProblems(PlatformPropsSchema, this.props);
    if (invalid.length) {
      throw new SynthError(invalid.map((p) => `[platform] ${formatProblem(p)}`));
    }
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
      leaveEnvironmentToPlatform(app);
      for (const stack of stacks) {
        if (stack.environments && !stack.environments.includes(environment.name)) continue;
        try {
          stack.define(new AppChart(app, stack.name, { environment, version: stack.version }));
        } catch (e) {
          // A construct refusing its props has registered its problems: validation lists them.
          if (e instanceof ProblemError) {
            if (!e.registered) defineProblems.push(...e.problems.map((p) => at(`${environment.name}/${e.path ?? stack.name}`, p)));
          } else {
            defineProblems.push(`[${environment.name}/${stack.name}] ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      }
      // Defined: the labelling, validations, rendering and checks below share one traversal.
      ConstructTree.open(app);
      const charts = app.node.children.filter((c): c is AppChart => c instanceof AppChart);
      for (const chart of charts) {
        chart.applyStandardLabels();
      }
      // The objects are final: validations checking an object as rendered and the writing below
      // share one rendering of it.
      RenderedJson.open(app);
      for (const c of ConstructTree.findAll(app)) {
        for (const message of validate(c)) {
          validationProblems.push(`[${environment.name}/${c.node.path}] ${message}`);
        }
      }
      if (problems.length || defineProblems.length || validationProblems.length) {
        continue;
      }

      const envManifests: Manifest[] = [];
      let schemaInvalid = false;
      const problemsBefore = renderProblems.length;
      for (const chart of charts) {
        const named: NamedObject[] = [];
        for (const apiObject of chart.apiObjects) {
          const object = renderObject(apiObject, `${environment.name}/${apiObject.node.path}`, renderProblems);
          if (object === undefined) continue;
          const file = `${environment.name}/${chart.appName}/${fileName(object)}`;
          const constructPath = `${environment.name}/${apiObject.node.path}`;
          // Every object is checked against the strict Kubernetes 1.27 schema as written,
          // whichever construct or escape hatch made it.
          for (const p of strictSchemaProblems(object)) {
            schemaInvalid = true;
            renderProblems.push(`[${constructPath}] ${formatProblem(p)}`);
          }
          // Labels and annotations are checked as written, whichever construct or escape hatch set them.
          for (const p of metadataProblems(object)) {
            renderProblems.push(`[${constructPath}] ${formatProblem(p)}`);
          }
          const yaml = YamlWriter.stringify(object);
          for (const p of unwritableValues(object, yaml)) {
            renderProblems.push(`[${constructPath}] ${formatProblem(p)}`);
          }
          named.push({ kind: object.kind, name: object.metadata?.name, path: constructPath });
          files.set(file, yaml);
          envManifests.push({ environment: environment.name, app: chart.appName, file, constructPath, object });
        }
        // The chart checked its objects' names; escape hatches may have renamed them since.
        for (const p of sameNameProblems(named)) {
          renderProblems.push(`[${environment.name}/${chart.node.path}] ${formatProblem(p)}`);
        }
      }
      // Cross-object checks read objects as valid Kubernetes: they run once every object is.
      const checks = schemaInvalid ? [] : this.props.checks ?? [];
      const findings: string[] = [];
      const sameAsFinding = new Set<string>();
      for (const check of checks) {
        for (const f of check.check(envManifests, environment, app)) {
          const line = `[${f.path}] ${f.rule} ${formatProblem(f)}`;
          (f.severity === 'error' ? findings : warnings).push(line);
          sameAsFinding.add(`[${f.path}] ${formatProblem(f)}`);
        }
      }
      // A problem an engine rule also reports (labels, annotations) is listed once, as the
      // rule's finding, which names the rule and can be waived.
      const kept = renderProblems.splice(problemsBefore).filter((line) => !sameAsFinding.has(line));
      renderProblems.push(...kept, ...findings);
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
   * `OutputFolder`): under the folder's lock, taken first so that a second synth is refused
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
    if (e instanceof EscapeHatchError) {
      problems.push(`[${constructPath}] ${formatProblem({
        field: `JSON patch ${e.operation} ${e.path}`,
        value: apiObject.kind,
        message: e.message,
        fix: 'patches apply to the object as rendered (see its YAML): add the missing parent objects first, or fix the path',
      })}`);
      return undefined;
    }
    problems.push(`[${constructPath}] ${formatProblem({
      field: 'object',
      value: apiObject.kind,
      message: `cannot be serialized by cdk8s: ${(e as Error).message.replace(/\s+/g, ' ')}`,
      fix: 'cdk8s cannot render a map key named "constructor" (e.g. a ConfigMap or Secret data key): rename the key',
    })}`);
    return undefined;
  }
}

/** Label and annotation problems of an object's metadata and of its pod template's. */
function metadataProblems(object: any): Problem[] {
  const problems: Problem[] = [];
  const own: Record<string, unknown> | undefined = object.metadata?.labels;
  metadataSetProblems(problems, 'metadata', object.metadata);
  metadataSetProblems(problems, 'spec.template.metadata', object.spec?.template?.metadata, own ?? {});
  metadataSetProblems(problems, 'spec.jobTemplate.spec.template.metadata', object.spec?.jobTemplate?.spec?.template?.metadata, own ?? {});
  return problems;
}

/**
 * Adds the problems of one metadata's labels and annotations; with `own`, a label equal to the
 * object's own is left out (reported once, on the object). Runs for every object: builds no
 * intermediate lists.
 */
function metadataSetProblems(problems: Problem[], field: string, m: any, own?: Record<string, unknown>): void {
  if (!m || typeof m !== 'object') return;
  let labels: Record<string, string> = m.labels ?? {};
  if (own) {
    const differing: Record<string, string> = Object.create(null); // a key `__proto__` stays a key
    for (const key of Object.keys(labels)) {
      if (own[key] !== labels[key]) differing[key] = labels[key];
    }
    labels = differing;
  }
  problems.push(...labelProblems(`${field}.labels`, labels), ...annotationProblems(`${field}.annotations`, m.annotations ?? {}));
}

/** The construct's validation messages; a validation that fails is a problem too, not a crash. */
function validate(c: IConstruct): string[] {
  try {
    return c.node.validate();
  } catch (e) {
    return [formatProblem({
      field: 'construct',
      value: c.constructor.name,
      message: `could not be checked: ${e instanceof Error ? e.message : String(e)}`,
      fix: 'check the values given to this construct against its documentation',
    })];
  }
}

/**
 * Characters no manifest carries unchanged through the tools that read it: lone UTF-16 surrogates
 * are not UTF-8 (kubectl and kustomize refuse the file); kustomize (so `kubectl apply -k` and
 * Argo CD) reads NEL, LS and PS back as spaces and refuses to write DEL, C1 controls and
 * U+FFFE/U+FFFF.
 */
const UNCHANGEABLE = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]|\p{Cs}/u;
/** A sign of such a character or of a non-finite number in written YAML (raw or escaped). */
const SUSPECT = /[\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]|\\x(?:7f|[89][0-9a-f])|\\u(?:d[89a-f]|202[89]|fff[ef])|\.(?:nan|inf)\b/i;

/**
 * Values no YAML file can carry unchanged: strings with {@link UNCHANGEABLE} characters and
 * non-finite numbers (JSON has none; the API server refuses them). Only objects whose YAML shows
 * a sign of either are walked.
 */
function unwritableValues(object: unknown, yaml: string): Problem[] {
  if (!SUSPECT.test(yaml)) return [];
  const problems: Problem[] = [];
  const unchangeable = (field: string, value: string, what: string) => {
    const ch = UNCHANGEABLE.exec(value)![0];
    const code = `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    problems.push({
      field,
      value,
      message: `${what} ${code}, ${/\p{Cs}/u.test(ch) ? 'a lone UTF-16 surrogate, which cannot be written as UTF-8 (kubectl and kustomize refuse the file)' : 'which kustomize (kubectl apply -k, Argo CD) changes or refuses when it writes the manifest'}`,
      fix: 'remove the character, or replace it with an ordinary one (a space or a newline)',
    });
  };
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      if (UNCHANGEABLE.test(value)) unchangeable(path, value, 'contains');
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        problems.push({ field: path, value: String(value), message: 'is not a finite number', fix: 'give a finite number' });
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const field = path ? `${path}.${k}` : k;
        if (UNCHANGEABLE.test(k)) unchangeable(field, k, 'is a key with');
        walk(v, field);
      }
    }
  };
  walk(object, '');
  return problems;
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
