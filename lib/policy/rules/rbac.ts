import { broadGrantProblem, Capability, capabilitiesOf, EFFECTIVE_ACCESS_ANNOTATION, ESCALATING, READ_ONLY_ANNOTATION, READ_VERBS, RbacRule, roleProblems, wildcardProblems } from '../checks/rbac';
import { PolicyObject } from '../object-index';
import { Rule, RuleContext, Severity, violation } from '../rule';


const roles = ({ index }: RuleContext) => [...index.ofKind('Role'), ...index.ofKind('ClusterRole')]
  .filter((o) => String(o.object.apiVersion).startsWith('rbac.authorization.k8s.io/'));
const rulesOf = (role: PolicyObject): RbacRule[] => (Array.isArray(role.object.rules) ? role.object.rules : []);
/** Declared read-only by annotation, or granting read verbs only. */
const readOnly = (role: PolicyObject) => role.object.metadata?.annotations?.[READ_ONLY_ANNOTATION] === 'true';
const onlyReads = (role: PolicyObject) => rulesOf(role).every((r) => (Array.isArray(r?.verbs) ? r.verbs : []).every((v) => READ_VERBS.includes(v)));

/** PLT080: no role lets its holder gain permissions it was not given. */
export const rbacEscalation = Rule.of({
  id: 'PLT080',
  name: 'rbac-privilege-escalation',
  severity: Severity.ERROR,
  rationale: 'escalate and bind on roles, impersonate, and create serviceaccounts/token each let the holder gain any permission, cluster-admin included; "*" in verbs or resources grants them silently.',
  fix: 'List the verbs and resources the subjects need, without escalate, bind, impersonate and serviceaccounts/token; a role that really manages RBAC needs a reviewed waiver.',
  library: 'Role and ClusterRole refuse these unless allowPrivilegeEscalation: true, which writes the waiver.',
  examples: {
    failing: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: ops, namespace: shop }\nrules:\n  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [roles, rolebindings]\n    verbs: ["*"]',
    passing: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: ops, namespace: shop }\nrules:\n  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [roles, rolebindings]\n    verbs: [get, list, watch]',
  },
  check: (context) => roles(context).flatMap((role) => roleProblems(rulesOf(role), {}).escalation.map((p) => violation(role, p))),
});

/** PLT081: a read-only role reads no Secret and runs nothing. */
export const rbacReadOnly = Rule.of({
  id: 'PLT081',
  name: 'rbac-read-only-role',
  severity: Severity.ERROR,
  rationale: 'A role that only reads (or is annotated k8s-constructs.io/read-only) is handed out freely; get on secrets, pods/exec, pods/attach (exec over WebSocket in 1.27), pods/portforward or nodes/proxy makes it a way into every workload.',
  fix: 'List the resources explicitly, without secrets and the pods/exec, pods/attach, pods/portforward and nodes/proxy subresources; a declared read-only role keeps get, list and watch only.',
  library: 'Role({ readOnly: true }) refuses the same at synth.',
  examples: {
    failing: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: viewer, namespace: shop }\nrules:\n  - apiGroups: [""]\n    resources: [pods, pods/exec, pods/log]\n    verbs: [get, list]',
    passing: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: viewer, namespace: shop }\nrules:\n  - apiGroups: [""]\n    resources: [pods, pods/log]\n    verbs: [get, list]',
  },
  check: (context) => roles(context).flatMap((role) => {
    if (readOnly(role)) return roleProblems(rulesOf(role), { readOnly: true, allowPrivilegeEscalation: true }).readOnly.map((p) => violation(role, p));
    if (!onlyReads(role)) return [];
    // A role of read verbs reads named Secrets on purpose (resourceNames); all Secrets, exec or a node proxy never.
    return capabilitiesOf(rulesOf(role)).filter((g) => !(g.capability === Capability.READ_SECRETS && g.named)).map((g) => violation(role, {
      field: `rules[${g.rule}].resources`,
      value: rulesOf(role)[g.rule].resources,
      message: `grants only read verbs, yet ${g.capability === Capability.READ_SECRETS ? 'reads every Secret' : `reaches ${g.capability}${g.capability === Capability.EXEC ? ' (get is enough to exec over WebSocket)' : ''}`}`,
      fix: g.capability === Capability.READ_SECRETS ? 'remove secrets, or list the Secrets needed in resourceNames' : `remove ${g.capability} from the resources`,
    }));
  }),
});

/** PLT082: nothing powerful is granted to everyone. */
export const rbacBroadSubjects = Rule.of({
  id: 'PLT082',
  name: 'rbac-broad-subject',
  severity: Severity.ERROR,
  rationale: 'system:authenticated is every user and ServiceAccount of the cluster, system:unauthenticated and system:anonymous anyone on the network, system:serviceaccounts every workload: a role bound to them with writes, Secrets, exec or escalation (cluster-admin, admin, edit, most system: roles) is everyone\'s.',
  fix: 'Bind the role to the specific groups, users or ServiceAccounts that need it.',
  examples: {
    failing: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: everyone-admin }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\nsubjects:\n  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated" }',
    passing: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: platform-admin }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\nsubjects:\n  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: "platform-admins" }',
  },
  check: ({ index }) => [...index.ofKind('RoleBinding'), ...index.ofKind('ClusterRoleBinding')].flatMap((binding) => {
    const ref = binding.object.roleRef ?? {};
    const role = ref.kind === 'Role' ? index.find('Role', binding.namespace, ref.name) : index.find('ClusterRole', '', ref.name);
    const problem = broadGrantProblem(String(ref.name), role ? rulesOf(role) : undefined, Array.isArray(binding.object.subjects) ? binding.object.subjects : []);
    return problem ? [violation(binding, problem)] : [];
  }),
});

/** PLT083: a role that reaches Secrets or runs code says so in its YAML. */
export const rbacEffectiveAccess = Rule.of({
  id: 'PLT083',
  name: 'rbac-effective-access-declared',
  severity: Severity.ERROR,
  rationale: 'Creating pods or workloads is reading every Secret and running code as every ServiceAccount of the namespace (Kubernetes RBAC good practices); with exec, port-forward, node proxy and Secret reads, a reviewer must see it in the role, not discover it.',
  fix: `Remove the access, or list what the role reaches in the annotation ${EFFECTIVE_ACCESS_ANNOTATION} (e.g. "create workloads, read secrets").`,
  examples: {
    failing: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: deployer, namespace: shop }\nrules:\n  - apiGroups: [apps]\n    resources: [deployments]\n    verbs: [get, list, create, update, patch]',
    passing: `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: deployer\n  namespace: shop\n  annotations:\n    ${EFFECTIVE_ACCESS_ANNOTATION}: "create workloads: mounts any Secret, runs code as any ServiceAccount of shop"\nrules:\n  - apiGroups: [apps]\n    resources: [deployments]\n    verbs: [get, list, create, update, patch]`,
  },
  check: (context) => roles(context).filter((role) => !readOnly(role) && !onlyReads(role)).flatMap((role) => {
    const declared = String(role.object.metadata?.annotations?.[EFFECTIVE_ACCESS_ANNOTATION] ?? '');
    const caps = capabilitiesOf(rulesOf(role)).filter((g) => !ESCALATING.includes(g.capability) && !declared.includes(g.capability) && !(g.capability === Capability.READ_SECRETS && g.named));
    const missing = [...new Set(caps.map((g) => g.capability))];
    return missing.length ? [violation(role, {
      field: `metadata.annotations.${EFFECTIVE_ACCESS_ANNOTATION}`,
      value: declared || undefined,
      message: `does not declare that the role can ${missing.join(', ')} (rules ${[...new Set(caps.map((g) => g.rule))].join(', ')})`,
      fix: `remove that access, or write "${missing.join(', ')}" into the annotation ${EFFECTIVE_ACCESS_ANNOTATION}`,
    })] : [];
  }),
});

/** PLT084: no wildcard in a role. */
export const rbacWildcards = Rule.of({
  id: 'PLT084',
  name: 'rbac-wildcard',
  severity: Severity.ERROR,
  rationale: '"*" in verbs, resources or apiGroups grants every verb and resource Kubernetes and its CRDs add later, escalate, bind and impersonate included.',
  fix: 'List the verbs, resources and API groups the subjects need.',
  library: 'Role and ClusterRole refuse "*" unless allowWildcards: true, which writes the waiver (the same code).',
  examples: {
    failing: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: secrets-admin, namespace: shop }\nrules:\n  - apiGroups: [""]\n    resources: [secrets]\n    verbs: ["*"]',
    passing: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: secrets-admin, namespace: shop }\nrules:\n  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get, list, watch]',
  },
  check: (context) => roles(context).flatMap((role) => wildcardProblems(rulesOf(role), 'waive this rule with a reason').map((p) => violation(role, p))),
});
