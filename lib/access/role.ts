import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { clusterScopedName, dropNamespace } from '../core/cluster-scope';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { z } from 'zod';
import { bool, checkProps, constructId, str } from '../core/schema';
import { READ_ONLY_ANNOTATION, roleProblems, wildcardProblems } from '../policy/checks/rbac';
import { Waiver } from '../policy/waiver';

/** One permission: verbs on resources of API groups (or, in a ClusterRole, on URL paths). */
export interface PolicyRule {
  /**
   * API groups; `''` is the core group (pods, services, secrets, ...).
   * @default ['']
   */
  readonly apiGroups?: string[];
  /**
   * Resources, subresources written `pods/log`. Required unless `nonResourceUrls` is set.
   * @default - none
   */
  readonly resources?: string[];
  /** Verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  readonly verbs: string[];
  /**
   * Only these objects.
   * @default - every object of the resources
   */
  readonly resourceNames?: string[];
  /**
   * Non-resource URL paths (`/healthz`); ClusterRoles only.
   * @default - none
   */
  readonly nonResourceUrls?: string[];
}

/** Props shared by {@link Role} and {@link ClusterRole}. */
export interface RoleProps {
  /**
   * Object name. A ClusterRole's is prefixed with the environment (`dev-pod-reader`), because
   * environments may share a cluster.
   * @default - the construct id
   */
  readonly name?: string;
  /** Permissions. */
  readonly rules: PolicyRule[];
  /**
   * Declares the role read-only (annotation `k8s-constructs.io/read-only` in the YAML): write
   * verbs, Secrets, pods/exec, pods/attach, pods/portforward and nodes/proxy are refused.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Accept `*` in verbs, resources or API groups (grants future resources too).
   * @default false
   */
  readonly allowWildcards?: boolean;
  /**
   * Accept `escalate` and `bind` on roles, `impersonate`, and `create serviceaccounts/token`
   * (also when granted through `*`), which let the holder gain permissions it was not given.
   * Written into the YAML as a waiver of PLT080.
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;
}

const words = z.array(str).optional();
/** Runtime shape of {@link PolicyRule}. @internal */
export const PolicyRuleSchema = z.strictObject({
  apiGroups: words,
  resources: words,
  verbs: z.array(str).describe('list the verbs, e.g. ["get", "list", "watch"]'),
  resourceNames: words,
  nonResourceUrls: words,
});
/** Runtime shape of {@link RoleProps}. @internal */
export const RolePropsSchema = z.strictObject({
  name: str.optional(),
  rules: z.array(PolicyRuleSchema),
  readOnly: bool.optional(),
  allowWildcards: bool.optional(),
  allowPrivilegeEscalation: bool.optional(),
});

/** A namespaced set of permissions, granted by a RoleBinding in the same namespace. */
export class Role extends Construct {
  /** Kind of the object, as a RoleBinding's `roleRef` names it. */
  public readonly kind = 'Role';
  /** Name of the Role object. */
  public readonly name: string;
  /** The Role object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  private readonly rules: PolicyRule[];

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, constructId(scope, id));
    AppChart.of(this); // outside an AppChart: a problem at synth
    checkProps(this, RolePropsSchema, props);
    this.name = props.name ?? id;
    this.rules = [...props.rules];
    this.apiObject = new k8s.KubeRole(this, 'Resource', {
      metadata: { name: this.name },
      rules: Lazy.any({ produce: () => this.rules.map(toK8s) }),
    });
    markDeclarations(this.apiObject, props);
    addProblems(this, () => [...Names.dnsSubdomain('name', this.name), ...rulesProblems(this.rules, props, false)]);
  }

  /** Adds a permission. */
  public addRule(rule: PolicyRule): void {
    checkProps(this, PolicyRuleSchema, rule);
    this.rules.push(rule);
  }
}

/** A cluster-wide set of permissions (or one reused in many namespaces through RoleBindings). */
export class ClusterRole extends Construct {
  /** Kind of the object, as a binding's `roleRef` names it. */
  public readonly kind = 'ClusterRole';
  /** Name of the ClusterRole object. */
  public readonly name: string;
  /** The ClusterRole object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  private readonly rules: PolicyRule[];

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, constructId(scope, id));
    AppChart.of(this); // outside an AppChart: a problem at synth
    checkProps(this, RolePropsSchema, props);
    this.name = clusterScopedName(this, props.name ?? id);
    this.rules = [...props.rules];
    this.apiObject = new k8s.KubeClusterRole(this, 'Resource', {
      metadata: { name: this.name },
      rules: Lazy.any({ produce: () => this.rules.map(toK8s) }),
    });
    dropNamespace(this.apiObject);
    markDeclarations(this.apiObject, props);
    addProblems(this, () => [...Names.dnsSubdomain('name', this.name), ...rulesProblems(this.rules, props, true)]);
  }

  /** Adds a permission. */
  public addRule(rule: PolicyRule): void {
    checkProps(this, PolicyRuleSchema, rule);
    this.rules.push(rule);
  }
}

function toK8s(rule: PolicyRule): k8s.PolicyRule {
  const nonResource = (rule.nonResourceUrls?.length ?? 0) > 0 && !rule.resources?.length;
  return {
    apiGroups: nonResource ? undefined : rule.apiGroups ?? [''],
    resources: rule.resources,
    verbs: rule.verbs,
    resourceNames: rule.resourceNames,
    nonResourceUrLs: rule.nonResourceUrls,
  };
}

/** Least-privilege checks of a role's rules. */
function rulesProblems(rules: readonly PolicyRule[], props: RoleProps, cluster: boolean): Problem[] {
  const problems: Problem[] = [];
  if (rules.length === 0) {
    problems.push({ field: 'rules', value: [], message: 'a role without rules grants nothing', fix: 'add the permissions the subjects need' });
  }
  rules.forEach((rule, i) => {
    const field = `rules[${i}]`;
    const groups = rule.apiGroups ?? [''];
    const resources = rule.resources ?? [];
    if (rule.verbs.length === 0) {
      problems.push({ field: `${field}.verbs`, value: [], message: 'grants nothing', fix: 'list the verbs, e.g. ["get", "list", "watch"]' });
    }
    if (resources.length === 0 && !rule.nonResourceUrls?.length) {
      problems.push({ field: `${field}.resources`, value: [], message: 'grants nothing', fix: 'list the resources, e.g. ["pods"]' });
    }
    if (rule.nonResourceUrls?.length && !cluster) {
      problems.push({ field: `${field}.nonResourceUrls`, value: rule.nonResourceUrls, message: 'only a ClusterRole can grant URL paths', fix: 'move the rule to a ClusterRole' });
    }
    if (!props.allowWildcards) problems.push(...wildcardProblems([{ ...rule, apiGroups: groups, resources }], 'set allowWildcards: true').map((p) => ({ ...p, field: p.field.replace('rules[0]', field) })));
  });
  // Escalation and read-only checks on effective permissions: the same code as the engine's PLT080 and PLT081.
  const { escalation, readOnly } = roleProblems(rules.map((r) => ({ apiGroups: r.apiGroups ?? [''], resources: r.resources, verbs: r.verbs, resourceNames: r.resourceNames })), props);
  problems.push(...escalation.map((p) => ({ ...p, fix: p.fix.replace('needs a reviewed waiver', 'sets allowPrivilegeEscalation: true') })), ...readOnly);
  return problems;
}

/** Writes what the props declare into the YAML, where the policy engine and reviewers see it. */
function markDeclarations(apiObject: ApiObject, props: RoleProps): void {
  if (props.readOnly) apiObject.metadata.addAnnotation(READ_ONLY_ANNOTATION, 'true');
  if (props.allowPrivilegeEscalation) Waiver.add(apiObject, 'PLT080', 'allowPrivilegeEscalation: true on the role construct');
  if (props.allowWildcards) Waiver.add(apiObject, 'PLT084', 'allowWildcards: true on the role construct');
}
