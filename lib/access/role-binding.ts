import { ApiObject, Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { clusterScopedName, dropNamespace } from '../core/cluster-scope';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { broadGrantProblem, isDefaultClusterRole } from '../policy/checks/rbac';
import { z } from 'zod';
import { checkArguments, checkProps, constructId, instanceOf, refusedArgumentsOf, schemaProblems, str } from '../core/schema';

const ACCOUNT_REF = z.strictObject({ name: str, namespace: str });

const subjectName = (name: unknown) => schemaProblems(str.describe('give the name as a string'), name, '', 'name');
import { ClusterRole, Role } from './role';
import { ServiceAccount } from './service-account';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Who a binding grants a role to: a user, a group, or a ServiceAccount. */
export class Subject {
  /** A human user, as the authenticator names it. */
  public static user(name: string): Subject {
    return checkArguments(new Subject({ kind: 'User', name, apiGroup: RBAC_GROUP }), subjectName(name));
  }

  /** A group of users (e.g. a team group from the identity provider, or `system:authenticated`). */
  public static group(name: string): Subject {
    return checkArguments(new Subject({ kind: 'Group', name, apiGroup: RBAC_GROUP }), subjectName(name));
  }

  /** A ServiceAccount of this stack, or one elsewhere by name and namespace. */
  public static serviceAccount(account: ServiceAccount | { readonly name: string; readonly namespace: string }): Subject {
    const refused = account instanceof ServiceAccount ? [] : schemaProblems(ACCOUNT_REF, account, '', 'account');
    return checkArguments(new Subject({ kind: 'ServiceAccount', name: refused.length ? '' : account.name, namespace: refused.length ? undefined : account.namespace }), refused);
  }

  private constructor(private readonly subject: k8s.Subject) {}

  /** The subject as the API writes it; a ServiceAccount without namespace gets the binding's. */
  public toK8s(namespace: string | undefined): k8s.Subject {
    return this.subject.kind === 'ServiceAccount' ? { ...this.subject, namespace: this.subject.namespace ?? namespace } : this.subject;
  }
}

/** A role by kind and name, for roles not made in this stack (the cluster's defaults). */
export interface RoleReference {
  /** `Role` (same namespace) or `ClusterRole`. */
  readonly kind: 'Role' | 'ClusterRole';
  /** Name as it exists in the cluster, e.g. `view`, `admin`, `system:auth-delegator`. */
  readonly name: string;
}

/** Props of a {@link RoleBinding} and a {@link ClusterRoleBinding}. */
export interface RoleBindingProps {
  /**
   * The role granted: a Role or ClusterRole of the stack, or a reference to a cluster default.
   * Pass a ClusterRole of the stack itself: its name carries the environment (`dev-pod-reader`),
   * and a reference by the name it was given (`{ kind: 'ClusterRole', name: 'pod-reader' }`) is refused.
   */
  readonly role: Role | ClusterRole | RoleReference;
  /** Who gets it. */
  readonly subjects: Subject[];
  /**
   * Object name. A ClusterRoleBinding's is prefixed with the environment, like a ClusterRole's.
   * @default - the construct id
   */
  readonly name?: string;
}

/** Runtime shape of {@link RoleBindingProps}. @internal */
export const RoleBindingPropsSchema = z.strictObject({
  role: z.union([
    instanceOf(Role, 'a Role'),
    instanceOf(ClusterRole, 'a ClusterRole'),
    z.strictObject({ kind: z.enum(['Role', 'ClusterRole']), name: str }),
  ]).describe('pass the Role or ClusterRole construct, or { kind: "ClusterRole", name: "view" }'),
  subjects: z.array(instanceOf(Subject, 'a Subject', 'use Subject.user(...), Subject.group(...) or Subject.serviceAccount(...)')),
  name: str.optional(),
});

/** ClusterRoles every cluster has (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings). */
const DEFAULT_CLUSTER_ROLES = ['cluster-admin', 'admin', 'edit', 'view'];
/** Roles every cluster has in kube-system (bind them with a RoleBinding placed in kube-system). */
const DEFAULT_KUBE_SYSTEM_ROLES = ['extension-apiserver-authentication-reader'];

/** Grants a Role, or a ClusterRole's permissions, inside the binding's namespace. */
export class RoleBinding extends Construct {
  /** Name of the RoleBinding object. */
  public readonly name: string;
  /** The RoleBinding object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: RoleBindingProps) {
    super(scope, constructId(scope, id));
    AppChart.of(this); // outside an AppChart: a problem at synth
    checkProps(this, RoleBindingPropsSchema, props);
    this.name = props.name ?? id;
    const namespace = Chart.of(this).namespace;
    this.apiObject = new k8s.KubeRoleBinding(this, 'Resource', {
      metadata: { name: this.name },
      roleRef: { apiGroup: RBAC_GROUP, kind: props.role.kind, name: Lazy.any({ produce: () => props.role.name }) },
      subjects: props.subjects.map((s) => s.toK8s(namespace)),
    });
    addProblems(this, () => [...Names.dnsSubdomain('name', this.name), ...bindingProblems(this, props)]);
  }
}

/** Grants a ClusterRole everywhere in the cluster. Prefer a RoleBinding per namespace. */
export class ClusterRoleBinding extends Construct {
  /** Name of the ClusterRoleBinding object. */
  public readonly name: string;
  /** The ClusterRoleBinding object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: RoleBindingProps) {
    super(scope, constructId(scope, id));
    AppChart.of(this); // outside an AppChart: a problem at synth
    checkProps(this, RoleBindingPropsSchema, props);
    this.name = clusterScopedName(this, props.name ?? id);
    const namespace = Chart.of(this).namespace;
    this.apiObject = new k8s.KubeClusterRoleBinding(this, 'Resource', {
      metadata: { name: this.name },
      roleRef: { apiGroup: RBAC_GROUP, kind: props.role.kind, name: Lazy.any({ produce: () => props.role.name }) },
      subjects: props.subjects.map((s) => s.toK8s(namespace)),
    });
    dropNamespace(this.apiObject);
    addProblems(this, () => {
      const problems = [...Names.dnsSubdomain('name', this.name), ...bindingProblems(this, props)];
      if (props.role.kind === 'Role') {
        problems.push({ field: 'role', value: props.role.name, message: 'a ClusterRoleBinding can only grant a ClusterRole', fix: 'use a RoleBinding, or make the role a ClusterRole' });
      }
      return problems;
    });
  }
}

/** Refuses bindings without subjects and references to roles that exist neither in the stack nor in every cluster. */
function bindingProblems(binding: IConstruct, props: RoleBindingProps): Problem[] {
  const problems: Problem[] = props.subjects.flatMap((s, i) => refusedArgumentsOf(s, `subjects[${i}]`));
  if (props.subjects.length === 0) {
    problems.push({ field: 'subjects', value: [], message: 'a binding without subjects grants nothing', fix: 'add a Subject.group(), Subject.user() or Subject.serviceAccount()' });
  }
  const role = props.role;
  if (role instanceof Role || role instanceof ClusterRole) return problems; // rendered rules: the engine's PLT082 checks them
  const broad = broadGrantProblem(role.name, undefined, props.subjects.map((s) => s.toK8s(undefined)));
  if (broad) problems.push(broad);
  const namespace = Chart.of(binding).namespace;
  const inStack = binding.node.root.node.findAll().some((c) => (role.kind === 'Role'
    ? c instanceof Role && c.name === role.name && Chart.of(c).namespace === namespace
    : c instanceof ClusterRole && c.name === role.name));
  const isDefault = role.kind === 'ClusterRole' ? isDefaultClusterRole(role.name) : DEFAULT_KUBE_SYSTEM_ROLES.includes(role.name);
  if (!inStack && !isDefault) {
    // ClusterRoles of the stack carry their environment in their name (`dev-pod-reader`): a
    // binding by the name given (`pod-reader`) would grant nothing. Point at the one meant.
    const meant = role.kind === 'ClusterRole'
      ? binding.node.root.node.findAll().find((c): c is ClusterRole => c instanceof ClusterRole && c.name === clusterScopedName(c, role.name))
      : undefined;
    problems.push(meant ? {
      field: 'role',
      value: role,
      message: `names the ClusterRole of the stack by the name it was given, but it renders as "${meant.name}" (cluster-scoped names carry the environment): the binding would grant nothing`,
      fix: `pass the ClusterRole construct itself (role: the ClusterRole made as "${meant.node.id}"), which binds "${meant.name}"`,
      rule: 'PLT043',
    } : {
      field: 'role',
      value: role,
      message: `names a ${role.kind} that is neither in the stack${role.kind === 'Role' ? ` (namespace ${namespace})` : ''} nor a cluster default`,
      fix: `pass the Role/ClusterRole construct itself, or use a default (${DEFAULT_CLUSTER_ROLES.join(', ')}, or a system: role of Kubernetes 1.27); a role made outside this repository: waive PLT043 with a reason`,
      rule: 'PLT043',
    });
  }
  return problems;
}
