import { App } from 'cdk8s';
import { Environment, ImagePolicy, PodSecurityLevel } from '../core/environment';
import { ExistingSecret } from '../config/existing-secret';
import { ConstructTree } from '../core/construct-tree';
import { Finding, Manifest, ManifestCheck } from '../core/platform';
import { ObjectIndex, PolicyObject } from './object-index';
import { ExternalReferences, Rule } from './rule';
import { PLATFORM_RULES } from './rules';
import { Waiver } from './waiver';

/** Props of a {@link PolicyEngine}. */
export interface PolicyEngineProps {
  /**
   * The rules to run.
   * @default PLATFORM_RULES - every rule
   */
  readonly rules?: readonly Rule[];
  /**
   * Objects that exist in the cluster without being rendered; references to them resolve.
   * @default - none
   */
  readonly external?: ExternalReferences;
}

/** What the engine needs to know about where the objects go. */
export interface PolicySettings {
  /** Namespace of objects that name none. */
  readonly namespace: string;
  /** Pod Security Standards level enforced where no rendered Namespace object says otherwise. */
  readonly podSecurity: PodSecurityLevel;
  /** Which image references are accepted. */
  readonly imagePolicy: ImagePolicy;
}

/** A rendered object to check, with where it came from. */
export interface PolicyInput {
  /** The object. */
  readonly object: any;
  /** Construct path (or file) for messages. */
  readonly path: string;
  /** Manifest file. */
  readonly file: string;
}

/** A finding with the object it is about. */
export interface PolicyFinding extends Finding {
  /** Manifest file of the object. */
  readonly file: string;
  /** `apiVersion` of the object. */
  readonly objectApiVersion: string;
  /** `kind` of the object. */
  readonly objectKind: string;
  /** Namespace of the object (its own, else the default); empty for cluster-scoped kinds. */
  readonly objectNamespace: string;
  /** `metadata.name` of the object. */
  readonly objectName: string;
}

/**
 * Checks everything an environment renders, across objects: names and labels, references
 * between objects, selectors, autoscalers, Pod Security Standards, images, probes and resources.
 * Pass it to the Platform (`checks: [new PolicyEngine()]`) or run it from cdk8s with the
 * validation plugin. An object skips a rule it carries a waiver for (see {@link Waiver}).
 */
export class PolicyEngine implements ManifestCheck {
  private readonly rules: readonly Rule[];
  private readonly external: ExternalReferences;

  constructor(props: PolicyEngineProps = {}) {
    this.rules = props.rules ?? PLATFORM_RULES;
    this.external = props.external ?? {};
  }

  /** The findings of one environment; ExistingSecrets in `app` count as declared external Secrets. */
  public check(manifests: readonly Manifest[], environment: Environment, app?: App): Finding[] {
    const existing = (app ? ConstructTree.findAll(app) : []).filter((c): c is ExistingSecret => c instanceof ExistingSecret).map((s) => s.name);
    const external = { ...this.external, secrets: [...(this.external.secrets ?? []), ...existing] };
    return new PolicyEngine({ rules: this.rules, external }).evaluate(
      manifests.map((m) => ({ object: m.object, path: m.constructPath, file: m.file })),
      { namespace: environment.namespace, podSecurity: environment.podSecurity, imagePolicy: environment.imagePolicy },
    );
  }

  /** Runs every rule over the objects; findings in rule order, then object order. */
  public evaluate(inputs: readonly PolicyInput[], settings: PolicySettings): PolicyFinding[] {
    const index = ObjectIndex.of([...inputs], settings.namespace);
    const context = {
      index,
      podSecurity: settings.podSecurity,
      imagePolicy: settings.imagePolicy,
      external: this.external,
      ruleIds: new Set([...PLATFORM_RULES, ...this.rules].map((r) => r.id)),
    };
    // Read only for objects with findings: far fewer than the objects.
    const waivers = new Map<PolicyObject, Map<string, string>>();
    const waiversOf = (o: PolicyObject) => {
      let w = waivers.get(o);
      if (!w) waivers.set(o, w = Waiver.of(o.object.metadata?.annotations, ...index.podsOf(o).map((p) => p.annotations)));
      return w;
    };
    const findings: PolicyFinding[] = [];
    for (const rule of this.rules) {
      for (const v of rule.check(context)) {
        if (rule.id !== 'PLT000' && waiversOf(v.object).get(rule.id)?.trim()) continue;
        findings.push({
          rule: rule.id,
          severity: rule.severity,
          path: v.object.path,
          file: v.object.file,
          objectApiVersion: String(v.object.object.apiVersion ?? ''),
          objectKind: String(v.object.object.kind ?? ''),
          objectNamespace: v.object.namespace,
          objectName: String(v.object.object.metadata?.name ?? ''),
          field: v.field,
          value: v.value,
          message: v.message,
          fix: v.fix,
        });
      }
    }
    return findings;
  }
}
