import { ImagePolicy, PodSecurityLevel } from '../core/environment';
import { Problem } from '../core/problem';
import { ObjectIndex, PolicyObject } from './object-index';

/** How a finding of a rule affects the synth. */
export enum Severity {
  /** Fails the synth; nothing is written. */
  ERROR = 'error',
  /** Printed; the synth goes on. */
  WARNING = 'warning',
}

/** What a rule knows about the environment it checks. */
export interface RuleContext {
  /** Every object of the environment, indexed. */
  readonly index: ObjectIndex;
  /** Pod Security Standards level enforced where no Namespace object says otherwise. */
  readonly podSecurity: PodSecurityLevel;
  /** Which image references the environment accepts. */
  readonly imagePolicy: ImagePolicy;
  /** Objects that exist in the cluster but are not rendered. */
  readonly external: ExternalReferences;
  /** Ids of every rule the engine knows (waivers must name one). */
  readonly ruleIds: ReadonlySet<string>;
}

/**
 * Objects that exist in the cluster without being rendered here (made by an operator, another
 * repository or by hand). References to them resolve. A single pod or binding can instead list
 * them in an annotation: `k8s-constructs.io/external-secrets: name1,name2` (also
 * `external-configmaps`, `external-serviceaccounts`, `external-roles`).
 */
export interface ExternalReferences {
  /**
   * Secrets, by name, in every namespace.
   * @default - none
   */
  readonly secrets?: string[];
  /**
   * ConfigMaps, by name, in every namespace.
   * @default - none
   */
  readonly configMaps?: string[];
  /**
   * ServiceAccounts, by name, in every namespace (`default` always exists).
   * @default - none
   */
  readonly serviceAccounts?: string[];
  /**
   * Roles and ClusterRoles, by name (Kubernetes' default ClusterRoles always exist).
   * @default - none
   */
  readonly roles?: string[];
}

/** One object breaking a rule: the object and the problem (field, value, message, fix). */
export interface Violation extends Problem {
  /** The offending object. */
  readonly object: PolicyObject;
}

/** Props of a {@link Rule}. */
export interface RuleProps {
  /** Stable id, `PLT` and three digits; never reused for another meaning. */
  readonly id: string;
  /** Short kebab-case name, e.g. `service-selector-matches-pods`. */
  readonly name: string;
  /** Whether findings fail the synth. */
  readonly severity: Severity;
  /** One line: why the rule exists (what goes wrong in the cluster otherwise). */
  readonly rationale: string;
  /** One line: how to fix a finding in general, in terms of the YAML fields; each finding has its own specific fix. */
  readonly fix: string;
  /**
   * The library construct or option that gets this right, offered beside the YAML fix.
   * @default - none
   */
  readonly library?: string;
  /**
   * A failing and a passing manifest (YAML, several documents allowed), shown in docs/rules.md and
   * run by the tests: the failing one must break this rule, the passing one must not.
   * @default - none
   */
  readonly examples?: RuleExamples;
  /** Finds the violations in an environment. */
  readonly check: (context: RuleContext) => Violation[];
}

/** A failing and a passing manifest of a rule. */
export interface RuleExamples {
  /** Objects (YAML) that break the rule. */
  readonly failing: string;
  /** The same objects, fixed. */
  readonly passing: string;
}

/** A cross-object rule of the {@link PolicyEngine}, with the data the rule catalogue is generated from. */
export class Rule {
  /** Declares a rule. */
  public static of(props: RuleProps): Rule {
    return new Rule(props);
  }

  /** Rule id, `PLT` and three digits. */
  public readonly id: string;
  /** Short kebab-case name. */
  public readonly name: string;
  /** Whether a finding fails the synth. */
  public readonly severity: Severity;
  /** Why the rule exists. */
  public readonly rationale: string;
  /** What to do about a finding. */
  public readonly fix: string;
  /** How the library's constructs avoid the finding, for users of the library. */
  public readonly library?: string;
  /** A failing and a passing manifest, shown in docs/rules.md and run by the tests. */
  public readonly examples?: RuleExamples;
  private readonly checkFn: (context: RuleContext) => Violation[];

  private constructor(props: RuleProps) {
    this.id = props.id;
    this.name = props.name;
    this.severity = props.severity;
    this.rationale = props.rationale;
    this.fix = props.fix;
    this.library = props.library;
    this.examples = props.examples;
    this.checkFn = props.check;
  }

  /** The violations of this rule in an environment. */
  public check(context: RuleContext): Violation[] {
    return this.checkFn(context);
  }
}

/** An object as the API identifies it, for messages: `Deployment shop/web` (cluster-scoped: `ClusterRole admin`). */
export function describeObject(o: PolicyObject): string {
  return `${o.object.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.object.metadata?.name}`;
}

/** Shorthand for a violation. */
export function violation(object: PolicyObject, problem: Problem): Violation {
  return { object, ...problem };
}
