import * as path from 'path';
import { ImagePolicy, PodSecurityLevel } from '../core/environment';
import { formatProblem } from '../core/problem';
import { PolicyEngine, PolicyFinding, PolicyInput } from './engine';
import { PolicyMetadata, PolicyMetadataFile } from './policy-metadata';
import { ExternalReferences } from './rule';
import { PLATFORM_RULES } from './rules';
import { Waiver } from './waiver';

/** Settings of the checks for the objects of one environment. */
export interface PolicyEnvironmentSettings {
  /**
   * Namespace of objects that name none.
   * @default 'default'
   */
  readonly namespace?: string;
  /**
   * Pod Security Standards level where no rendered Namespace object sets one.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Which image references are accepted: 'tagged' or 'immutable'.
   * @default 'tagged'
   */
  readonly imagePolicy?: ImagePolicy;
  /**
   * Objects that exist in the cluster without being rendered: `secrets`, `configMaps`,
   * `serviceAccounts`, `roles` (lists of names).
   * @default - none
   */
  readonly external?: ExternalReferences;
}

/** One environment of a synth: which objects belong to it, and its own settings. */
export interface PolicyEnvironment extends PolicyEnvironmentSettings {
  /**
   * Objects in these namespaces belong to the environment.
   * @default - none (use `manifests`)
   */
  readonly namespaces?: string[];
  /**
   * Objects written to manifests whose path (relative to the project) starts with one of these,
   * e.g. `dist/prod/`, belong to the environment.
   * @default - none (use `namespaces`)
   */
  readonly manifests?: string[];
}

/**
 * Properties of {@link PolicyValidation}, given as `properties:` of the validation in a
 * project's cdk8s.yaml. The top-level settings apply to objects of no environment and are the
 * defaults of every environment.
 */
export interface PolicyValidationProperties extends PolicyEnvironmentSettings {
  /**
   * Environments with their own settings (e.g. immutable images in prod), each checked on its own:
   * references resolve only inside an environment.
   * @default - one environment with the top-level settings
   */
  readonly environments?: Record<string, PolicyEnvironment>;
}

/** The part of cdk8s-cli's `ValidationContext` the plugin uses (cdk8s-cli is not a runtime dependency). */
export interface ValidationContextLike {
  /** Paths of the manifest files cdk8s wrote. */
  readonly manifests: readonly string[];
  /** Construct path of each object, by object name. */
  readonly metadata: { readonly [resourceName: string]: {
    /** The construct path. */
    readonly path: string;
  } };
  /** Where the plugin prints its one-line findings. */
  readonly logger?: {
    /** Prints one line. */
    log(message: string): void;
  };
  /** Where findings go. */
  readonly report: {
    /** Adds one rule's findings to the report. */
    addViolation(violation: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
    }): void;
    /** Ends the report with its overall status. */
    submit(status: 'success' | 'failure', metadata?: { [key: string]: string }): void;
  };
  /** The objects of one manifest file. */
  parseManifest(manifestPath: string): any[];
}

const SETTINGS = ['namespace', 'podSecurity', 'imagePolicy', 'external'];
const EXTERNAL_KINDS = ['secrets', 'configMaps', 'serviceAccounts', 'roles'];
/** API groups of configuration files that are written as YAML but never applied to a cluster. */
const FILE_GROUPS = ['kustomize.config.k8s.io', 'audit.k8s.io', 'kubelet.config.k8s.io', 'kubeadm.k8s.io', 'apiserver.config.k8s.io',
  'kubescheduler.config.k8s.io', 'kubeproxy.config.k8s.io', 'config.kubernetes.io'];

/**
 * The platform's policy rules as a cdk8s validation plugin, so any cdk8s project (raw cdk8s,
 * cdk8s-plus or this library) runs them with `cdk8s synth`. In its cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/@platform/k8s-constructs   # a local path must start with ./ or be absolute
 *     class: PolicyValidation
 *     version: 0.1.0
 *     properties: { podSecurity: restricted, imagePolicy: tagged }
 * ```
 *
 * Findings name the object by apiVersion, kind, namespace and name, and the construct that made it
 * when that is certain: add {@link PolicyMetadata} to the app for exact construct paths. Errors
 * fail the synth (cdk8s exits 2 after printing its report); warnings are reported only.
 */
export class PolicyValidation {
  /** Refuses properties it cannot honour: a misspelt key or level would silently check less. */
  constructor(private readonly properties: PolicyValidationProperties = {}) {
    const problems = propertyProblems('properties', properties, [...SETTINGS, 'environments']);
    const environments = properties.environments;
    if (environments !== undefined && (typeof environments !== 'object' || Array.isArray(environments))) {
      problems.push(`properties.environments must be a map of environment name to settings (got ${JSON.stringify(environments)})`);
    } else {
      for (const [name, env] of Object.entries(environments ?? {})) {
        const field = `properties.environments.${name}`;
        problems.push(...propertyProblems(field, env, [...SETTINGS, 'namespaces', 'manifests']));
        for (const key of ['namespaces', 'manifests'] as const) problems.push(...stringList(`${field}.${key}`, env?.[key]));
        if (env && !env.namespaces?.length && !env.manifests?.length) {
          problems.push(`${field} selects no object; give it namespaces: [...] or manifests: [...]`);
        }
      }
    }
    if (problems.length) throw new Error(`PolicyValidation: ${problems.join('; ')}`);
  }

  /** Runs every platform rule over the manifests of the synth and reports the findings to cdk8s (called by `cdk8s synth`). */
  public async validate(context: ValidationContextLike): Promise<void> {
    const documents = context.manifests.flatMap((file) => context.parseManifest(file).map((object) => ({ object, file })));
    const objects = documents.filter((d) => isApiObject(d.object));
    const record = findRecord(context.manifests);
    const paths = constructPaths(objects, record, context.metadata);
    const groups = this.environmentsOf(objects.map((o, i) => ({ ...o, path: paths[i] })));
    const declared = (record?.existingSecrets ?? []).map((s) => s.name);
    const findings = groups.flatMap(({ settings, inputs }) => {
      const external = { ...settings.external, secrets: [...(settings.external?.secrets ?? []), ...declared] };
      return new PolicyEngine({ external }).evaluate(inputs, {
        namespace: settings.namespace ?? 'default',
        podSecurity: settings.podSecurity ?? PodSecurityLevel.RESTRICTED,
        imagePolicy: settings.imagePolicy ?? ImagePolicy.TAGGED,
      });
    });
    // cdk8s looks construct paths up by resourceName: give it the exact ones under unique keys.
    const metadata = context.metadata as { [resourceName: string]: { path: string } };
    const byRule = new Map<string, PolicyFinding[]>();
    for (const f of findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    for (const rule of PLATFORM_RULES) {
      const ruleFindings = byRule.get(rule.id);
      if (!ruleFindings) continue;
      context.report.addViolation({
        ruleName: `${rule.id} ${rule.name} (${rule.severity})`,
        recommendation: rule.rationale,
        fix: [rule.fix, rule.library ? `With @platform/k8s-constructs: ${rule.library}` : '',
          rule.id === 'PLT000' ? '' : `To waive for one object: annotation ${Waiver.annotationKey(rule.id)}: "<reason>".`].filter(Boolean).join(' '),
        violatingResources: ruleFindings.map((f) => {
          const resourceName = objectKey(f);
          if (f.path && !f.path.startsWith('?') && Object.isExtensible(metadata)) metadata[resourceName] = { path: f.path };
          return { resourceName, manifestPath: f.file, locations: [`${f.path.startsWith('?') ? f.path.slice(1) : `${f.objectKind} ${f.objectNamespace ? `${f.objectNamespace}/` : ''}${f.objectName}`} ${formatProblem(f)}`] };
        }),
      });
    }
    const errors = findings.filter((f) => f.severity === 'error').length;
    const log = (line: string) => (context.logger ? context.logger.log(line) : console.log(line));
    if (findings.length) {
      log(`PolicyValidation: ${errors} error(s), ${findings.length - errors} warning(s):`);
      for (const f of findings) log(`  ${oneLine(f)}`);
    }
    context.report.submit(errors ? 'failure' : 'success', {
      errors: String(errors),
      warnings: String(findings.length - errors),
      rules: String(PLATFORM_RULES.length),
      objects: String(objects.length),
      'skipped documents': String(documents.length - objects.length),
      'construct paths': record ? 'exact (PolicyMetadata)' : 'by object name where unique; add PolicyMetadata to the app for exact paths',
    });
  }

  /** The objects per environment, with the settings of each. */
  private environmentsOf(inputs: PolicyInput[]): { settings: PolicyEnvironmentSettings; inputs: PolicyInput[] }[] {
    const top = this.properties;
    const envs = Object.entries(top.environments ?? {}).map(([, env]) => ({
      env,
      settings: { ...top, ...env, external: mergeExternal(top.external, env.external) } as PolicyEnvironmentSettings,
      inputs: [] as PolicyInput[],
    }));
    const rest: PolicyInput[] = [];
    const relative = (file: string) => path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/');
    for (const input of inputs) {
      const ns = input.object.metadata?.namespace ?? top.namespace ?? 'default';
      const match = envs.find(({ env }) => (env.namespaces ?? []).includes(ns) || (env.manifests ?? []).some((m) => relative(input.file).startsWith(m.replace(/^\.\//, ''))));
      (match ? match.inputs : rest).push(input);
    }
    return [...(rest.length ? [{ settings: top as PolicyEnvironmentSettings, inputs: rest }] : []), ...envs.filter((e) => e.inputs.length)];
  }
}

/** A finding as the README's one line: `[construct path] RULE field: message (got value). Fix: ...`. */
function oneLine(f: PolicyFinding): string {
  const where = f.path.startsWith('?') ? f.path.slice(1) : f.path;
  return `[${where}] ${f.rule} ${formatProblem(f)}`;
}

/** The key a finding's object is reported under: apiVersion, kind, namespace and name. */
function objectKey(f: PolicyFinding): string {
  return `${f.objectApiVersion} ${f.objectKind} ${f.objectNamespace ? `${f.objectNamespace}/` : ''}${f.objectName}`;
}

/** Whether a YAML document is an object for the API server (not a kustomization, a Helm values file or an audit policy). */
function isApiObject(object: any): boolean {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return false;
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string' || typeof object.metadata !== 'object') return false;
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  return !FILE_GROUPS.includes(group) && !(object.apiVersion === 'v1' && object.kind === 'Config');
}

/** The PolicyMetadata record of this synth: in the manifests' common folder or a parent of it, up to the project folder. */
function findRecord(manifests: readonly string[]): PolicyMetadataFile | undefined {
  if (!manifests.length) return undefined;
  const dirs = manifests.map((m) => path.resolve(path.dirname(m)).split(path.sep));
  let common = dirs[0];
  for (const d of dirs) common = common.slice(0, Math.max(0, [...common, null].findIndex((part, i) => part !== d[i])));
  const stop = path.resolve(process.cwd());
  for (let dir = common.join(path.sep) || path.sep; ; dir = path.dirname(dir)) {
    const record = PolicyMetadata.read(path.join(dir, PolicyMetadata.FILE_NAME));
    if (record) return record;
    if (dir === stop || path.dirname(dir) === dir || !dir.startsWith(stop)) return undefined;
  }
}

/**
 * The construct path of each object: exact from the PolicyMetadata record; otherwise cdk8s's
 * name-keyed metadata when no other object has that name. An unknown path is `?Kind ns/name
 * (...)`, the reason included.
 */
function constructPaths(objects: { object: any; file: string }[], record: PolicyMetadataFile | undefined, metadata: ValidationContextLike['metadata']): string[] {
  const key = (apiVersion: unknown, kind: unknown, ns: unknown, name: unknown) => [apiVersion, kind, ns ?? '', name].join('\u0000');
  const recorded = new Map<string, string[]>();
  for (const o of record?.objects ?? []) {
    const k = key(o.apiVersion, o.kind, o.namespace, o.name);
    recorded.set(k, [...(recorded.get(k) ?? []), o.path]);
  }
  const named = new Map<string, number>();
  for (const { object } of objects) named.set(object.metadata?.name, (named.get(object.metadata?.name) ?? 0) + 1);
  return objects.map(({ object }) => {
    const name = object.metadata?.name;
    const id = `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${name}`;
    if (record) {
      const found = recorded.get(key(object.apiVersion, object.kind, object.metadata?.namespace, name)) ?? [];
      return found.length === 1 ? found[0] : `?${id} (construct path ${found.length ? `ambiguous: ${found.join(', ')}` : 'not recorded'})`;
    }
    const count = named.get(name) ?? 0;
    if (count === 1 && metadata[name]?.path) return metadata[name].path;
    if (count === 1) return `?${id} (construct path unknown: cdk8s gave no construct metadata)`;
    return `?${id} (construct path ambiguous: ${count} objects are named ${JSON.stringify(name)}; add PolicyMetadata to the app for exact paths)`;
  });
}

function propertyProblems(field: string, value: any, known: string[]): string[] {
  if (value === undefined) return [];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${field} must be a map (got ${JSON.stringify(value)})`];
  const problems = unknownKeys(field, value, known);
  const choices: [string, unknown, string[]][] = [
    ['podSecurity', value.podSecurity, Object.values(PodSecurityLevel)],
    ['imagePolicy', value.imagePolicy, Object.values(ImagePolicy)],
  ];
  for (const [name, v, allowed] of choices) {
    if (v !== undefined && !allowed.includes(v as string)) problems.push(`${field}.${name} is ${JSON.stringify(v)}; use one of ${allowed.join(', ')}`);
  }
  if (value.namespace !== undefined && typeof value.namespace !== 'string') problems.push(`${field}.namespace must be a string (got ${JSON.stringify(value.namespace)})`);
  const external = value.external;
  if (external !== undefined && (!external || typeof external !== 'object' || Array.isArray(external))) {
    problems.push(`${field}.external must be a map (got ${JSON.stringify(external)})`);
  } else if (external) {
    problems.push(...unknownKeys(`${field}.external`, external, EXTERNAL_KINDS));
    for (const kind of EXTERNAL_KINDS) problems.push(...stringList(`${field}.external.${kind}`, external[kind]));
  }
  return problems;
}

function unknownKeys(field: string, value: object, known: string[]): string[] {
  return Object.keys(value).filter((key) => !known.includes(key)).map((key) => {
    const lower = key.toLowerCase();
    const near = known.find((k) => k.toLowerCase() === lower || lower.startsWith(k.toLowerCase()) || k.toLowerCase().startsWith(lower.replace(/s$/, '')));
    return `${field}.${key} is not a property${near ? `; did you mean ${near}?` : ''} (known: ${known.join(', ')})`;
  });
}

function stringList(field: string, value: unknown): string[] {
  return value === undefined || (Array.isArray(value) && value.every((v) => typeof v === 'string')) ? [] : [`${field} must be a list of strings (got ${JSON.stringify(value)})`];
}

function mergeExternal(a: ExternalReferences | undefined, b: ExternalReferences | undefined): ExternalReferences {
  return Object.fromEntries(EXTERNAL_KINDS.map((k) => [k, [...((a as any)?.[k] ?? []), ...((b as any)?.[k] ?? [])]]));
}
