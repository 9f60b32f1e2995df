import { ImagePolicy, PodSecurityLevel } from '../core/environment';
import { formatProblem } from '../core/problem';
import { PolicyEngine, PolicyFinding } from './engine';
import { ExternalReferences } from './rule';
import { PLATFORM_RULES } from './rules';

/**
 * Properties of {@link PolicyValidation}, given as `properties:` of the validation in a
 * project's cdk8s.yaml.
 */
export interface PolicyValidationProperties {
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
   * Objects that exist in the cluster without being rendered.
   * @default - none
   */
  readonly external?: ExternalReferences;
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

/**
 * The platform's policy rules as a cdk8s validation plugin, so any cdk8s project runs them with
 * `cdk8s synth`. In its cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/@platform/k8s-constructs   # a local path must start with ./ or be absolute
 *     class: PolicyValidation
 *     version: 0.1.0
 *     properties: { podSecurity: restricted, imagePolicy: tagged }
 * ```
 *
 * Errors fail the synth (cdk8s exits 2 after printing its report); warnings are reported only.
 */
export class PolicyValidation {
  /** Refuses properties it cannot honour: a misspelt level would silently check less. */
  constructor(private readonly properties: PolicyValidationProperties = {}) {
    const choices: [string, unknown, string[]][] = [
      ['podSecurity', properties.podSecurity, Object.values(PodSecurityLevel)],
      ['imagePolicy', properties.imagePolicy, Object.values(ImagePolicy)],
    ];
    for (const [name, value, allowed] of choices) {
      if (value !== undefined && !allowed.includes(value as string)) {
        throw new Error(`PolicyValidation: properties.${name} is ${JSON.stringify(value)}; use one of ${allowed.join(', ')}`);
      }
    }
  }

  /** Runs every platform rule over the manifests of the synth and reports the findings to cdk8s (called by `cdk8s synth`). */
  public async validate(context: ValidationContextLike): Promise<void> {
    const inputs = context.manifests.flatMap((file) => context.parseManifest(file)
      .filter((object) => object && typeof object === 'object')
      .map((object) => ({ object, file, path: context.metadata[object.metadata?.name]?.path ?? file })));
    const findings = new PolicyEngine({ external: this.properties.external }).evaluate(inputs, {
      namespace: this.properties.namespace ?? 'default',
      podSecurity: this.properties.podSecurity ?? PodSecurityLevel.RESTRICTED,
      imagePolicy: this.properties.imagePolicy ?? ImagePolicy.TAGGED,
    });
    const byRule = new Map<string, PolicyFinding[]>();
    for (const f of findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    for (const rule of PLATFORM_RULES) {
      const ruleFindings = byRule.get(rule.id);
      if (!ruleFindings) continue;
      context.report.addViolation({
        ruleName: `${rule.id} ${rule.name} (${rule.severity})`,
        recommendation: rule.rationale,
        fix: `${rule.fix} To waive for one object: annotation k8s-constructs.io/waive.${rule.id}: "<reason>".`,
        violatingResources: ruleFindings.map((f) => ({ resourceName: f.objectName, manifestPath: f.file, locations: [`${f.objectKind}/${f.objectName} ${formatProblem(f)}`] })),
      });
    }
    const errors = findings.filter((f) => f.severity === 'error').length;
    context.report.submit(errors ? 'failure' : 'success', {
      errors: String(errors),
      warnings: String(findings.length - errors),
      rules: String(PLATFORM_RULES.length),
    });
  }
}
