import { Problem } from '../../core/problem';

/** Annotation declaring a Role or ClusterRole read-only; the engine then refuses writes and every capability (PLT081). */
export const READ_ONLY_ANNOTATION = 'k8s-constructs.io/read-only';

/** Annotation on a role listing the sensitive capabilities it has on purpose, e.g. `create workloads, read secrets` (PLT083). */
export const EFFECTIVE_ACCESS_ANNOTATION = 'k8s-constructs.io/effective-access';

/** One RBAC rule as the API writes it (a Role's or ClusterRole's `rules[i]`). */
export interface RbacRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** The verbs the 1.27 API server authorizes on resources: what `*` in verbs stands for. */
export const RBAC_VERBS: readonly string[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection',
  'bind', 'escalate', 'impersonate', 'approve', 'sign', 'use'];
/** Verbs that only read. */
export const READ_VERBS: readonly string[] = ['get', 'list', 'watch'];

/** What a permission lets its holder do beyond what it names, per the Kubernetes RBAC good-practices guide. */
export enum Capability {
  /** `escalate` on roles: grant itself any permission. */
  ESCALATE = 'escalate',
  /** `bind` on roles: bind any role, e.g. cluster-admin, to itself. */
  BIND = 'bind',
  /** `impersonate` on users, groups or ServiceAccounts: act as anyone. */
  IMPERSONATE = 'impersonate',
  /** `create serviceaccounts/token`: mint tokens of any ServiceAccount of the namespace. */
  TOKEN = 'serviceaccounts/token',
  /** pods/exec, pods/attach (a `get` suffices over WebSocket in 1.27): run commands in any pod. */
  EXEC = 'pods/exec',
  /** pods/portforward: reach any port of any pod, past NetworkPolicies. */
  PORT_FORWARD = 'pods/portforward',
  /** nodes/proxy: the kubelet API of every node, exec into every pod of the cluster included. */
  NODE_PROXY = 'nodes/proxy',
  /** get, list or watch on Secrets. */
  READ_SECRETS = 'read secrets',
  /** create, update or patch pods or workloads: mount any Secret and run any code as any ServiceAccount of the namespace. */
  CREATE_WORKLOADS = 'create workloads',
}

/** Whether a capability lets its holder gain permissions it was not given. */
export const ESCALATING: readonly Capability[] = [Capability.ESCALATE, Capability.BIND, Capability.IMPERSONATE, Capability.TOKEN];

interface Grant { readonly group: string; readonly resource: string; readonly verbs: readonly string[] }

/** What each capability is made of: any of these verbs on a resource of the group grants it. */
const GRANTS: Record<Capability, readonly Grant[]> = {
  [Capability.ESCALATE]: [{ group: 'rbac.authorization.k8s.io', resource: 'roles', verbs: ['escalate'] }, { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', verbs: ['escalate'] }],
  [Capability.BIND]: [{ group: 'rbac.authorization.k8s.io', resource: 'roles', verbs: ['bind'] }, { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', verbs: ['bind'] }],
  [Capability.IMPERSONATE]: [
    ...['users', 'groups', 'serviceaccounts'].map((resource) => ({ group: '', resource, verbs: ['impersonate'] })),
    ...['userextras/scopes', 'uids'].map((resource) => ({ group: 'authentication.k8s.io', resource, verbs: ['impersonate'] })),
  ],
  [Capability.TOKEN]: [{ group: '', resource: 'serviceaccounts/token', verbs: ['create'] }],
  [Capability.EXEC]: [{ group: '', resource: 'pods/exec', verbs: ['create', 'get'] }, { group: '', resource: 'pods/attach', verbs: ['create', 'get'] }],
  [Capability.PORT_FORWARD]: [{ group: '', resource: 'pods/portforward', verbs: ['create', 'get'] }],
  [Capability.NODE_PROXY]: [{ group: '', resource: 'nodes/proxy', verbs: RBAC_VERBS }],
  [Capability.READ_SECRETS]: [{ group: '', resource: 'secrets', verbs: READ_VERBS }],
  [Capability.CREATE_WORKLOADS]: [
    ...['pods', 'replicationcontrollers'].map((resource) => ({ group: '', resource, verbs: ['create', 'update', 'patch'] })),
    ...['deployments', 'replicasets', 'statefulsets', 'daemonsets'].map((resource) => ({ group: 'apps', resource, verbs: ['create', 'update', 'patch'] })),
    ...['jobs', 'cronjobs'].map((resource) => ({ group: 'batch', resource, verbs: ['create', 'update', 'patch'] })),
  ],
};

/** A capability one rule grants. */
export interface GrantedCapability {
  readonly capability: Capability;
  /** Index of the rule. */
  readonly rule: number;
  /** Whether the rule is limited to named objects. */
  readonly named: boolean;
  /** The verbs that grant it, after expanding `*`. */
  readonly verbs: string[];
}

function matches(values: readonly string[] | undefined, value: string, fallback: readonly string[] = []): boolean {
  return (values ?? fallback).some((v) => v === '*' || v === value);
}

function matchesResource(resources: readonly string[] | undefined, resource: string): boolean {
  const [base, sub] = resource.split('/');
  return (resources ?? []).some((r) => r === '*' || r === resource || (sub !== undefined && r === `*/${sub}`) || (sub === undefined && r === base));
}

/** A rule as written in YAML, with every list a list of strings (anything else counts as empty). */
function normalize(rule: unknown): RbacRule {
  const r = (rule && typeof rule === 'object' ? rule : {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  return { apiGroups: list(r.apiGroups), resources: list(r.resources), verbs: list(r.verbs), resourceNames: list(r.resourceNames), nonResourceURLs: list(r.nonResourceURLs) };
}

/** The capabilities a list of rules grants, wildcards expanded against the 1.27 verbs. */
export function capabilitiesOf(written: readonly RbacRule[]): GrantedCapability[] {
  const result: GrantedCapability[] = [];
  written.map(normalize).forEach((rule, i) => {
    for (const capability of Object.values(Capability)) {
      const verbs = new Set<string>();
      for (const grant of GRANTS[capability]) {
        if (!matches(rule.apiGroups, grant.group, ['']) || !matchesResource(rule.resources, grant.resource)) continue;
        for (const verb of grant.verbs) if (matches(rule.verbs, verb)) verbs.add(verb);
      }
      if (verbs.size) result.push({ capability, rule: i, named: (rule.resourceNames ?? []).length > 0, verbs: [...verbs] });
    }
  });
  return result;
}

/** The verbs of a rule with `*` expanded. */
export function effectiveVerbs(rule: RbacRule): string[] {
  return (rule.verbs ?? []).includes('*') ? [...RBAC_VERBS] : [...(rule.verbs ?? [])];
}

/** What a role may not grant, and what it was declared as. */
export interface RoleCheckOptions {
  /** Declared read-only: writes and every capability are refused. */
  readonly readOnly?: boolean;
  /** Escalating capabilities (escalate, bind, impersonate, token creation) are accepted. */
  readonly allowPrivilegeEscalation?: boolean;
}

const WHAT: Record<Capability, string> = {
  [Capability.ESCALATE]: 'lets the holder grant itself any permission (escalate on roles)',
  [Capability.BIND]: 'lets the holder bind any role, cluster-admin included (bind on roles)',
  [Capability.IMPERSONATE]: 'lets the holder act as any user, group or ServiceAccount (impersonate)',
  [Capability.TOKEN]: 'lets the holder mint tokens for any ServiceAccount of the namespace (create serviceaccounts/token)',
  [Capability.EXEC]: 'lets the holder run commands in any pod (pods/exec or pods/attach; get suffices over WebSocket)',
  [Capability.PORT_FORWARD]: 'lets the holder reach any port of any pod, past NetworkPolicies (pods/portforward)',
  [Capability.NODE_PROXY]: 'opens the kubelet API of every node, exec into every pod included (nodes/proxy)',
  [Capability.READ_SECRETS]: 'reads Secrets',
  [Capability.CREATE_WORKLOADS]: 'creates pods or workloads, which can mount any Secret and run any code as any ServiceAccount of the namespace',
};

const SHORT: Record<Capability, string> = {
  [Capability.ESCALATE]: 'escalate on roles', [Capability.BIND]: 'bind on roles', [Capability.IMPERSONATE]: 'impersonate',
  [Capability.TOKEN]: 'create serviceaccounts/token', [Capability.EXEC]: 'pods/exec', [Capability.PORT_FORWARD]: 'pods/portforward',
  [Capability.NODE_PROXY]: 'nodes/proxy', [Capability.READ_SECRETS]: 'read secrets', [Capability.CREATE_WORKLOADS]: 'create workloads',
};


/**
 * Privilege problems of a role's rules, after expanding wildcards: escalating capabilities unless
 * allowed, and, for a read-only role, write verbs and any capability. The same code runs in the
 * library's Role construct and in the policy engine (PLT080, PLT081).
 */
export function roleProblems(written: readonly RbacRule[], options: RoleCheckOptions): { escalation: Problem[]; readOnly: Problem[] } {
  const rules = written.map(normalize);
  const escalation: Problem[] = [];
  const readOnly: Problem[] = [];
  const granted = capabilitiesOf(rules);
  rules.forEach((rule, i) => {
    const mine = granted.filter((g) => g.rule === i);
    const star = (rule.verbs ?? []).includes('*') || (rule.resources ?? []).includes('*') ? ' (through "*")' : '';
    const escalating = mine.filter((g) => ESCALATING.includes(g.capability));
    if (escalating.length && !options.allowPrivilegeEscalation) {
      escalation.push({
        field: `rules[${i}].verbs`,
        value: (rule.verbs ?? []).filter((v) => v === '*' || escalating.some((g) => g.verbs.includes(v))),
        message: `grants ${escalating.map((g) => SHORT[g.capability]).join(', ')}${star}, which let the holder gain permissions it was not given`,
        fix: 'list the verbs and resources needed without them; a role that really manages RBAC needs a reviewed waiver',
      });
    }
    const sensitive = mine.filter((g) => !ESCALATING.includes(g.capability) && g.capability !== Capability.CREATE_WORKLOADS);
    if (options.readOnly && sensitive.length) {
      readOnly.push({
        field: `rules[${i}].resources`,
        value: (rule.resources ?? []).filter((r) => sensitive.some((g) => GRANTS[g.capability].some((grant) => matchesResource([r], grant.resource)))),
        message: `${sensitive.map((g) => WHAT[g.capability]).join('; ')}${star}, but the role is read-only`,
        fix: 'list the resources explicitly, without secrets and the pods/exec, pods/attach, pods/portforward and nodes/proxy subresources',
      });
    }
  });
  if (options.readOnly) {
    rules.forEach((rule, i) => {
      const writes = effectiveVerbs(rule).filter((v) => !READ_VERBS.includes(v));
      if (writes.length) readOnly.push({ field: `rules[${i}].verbs`, value: (rule.verbs ?? []).filter((v) => !READ_VERBS.includes(v)), message: `grants ${writes.join(', ')}${(rule.verbs ?? []).includes('*') ? ' (through "*")' : ''}, which are not read verbs, but the role is read-only`, fix: 'keep get, list and watch only' });
    });
  }
  return { escalation, readOnly };
}

/** ClusterRoles every 1.27 cluster has: the user-facing ones and the `system:` bootstrap roles. */
const DEFAULT_CLUSTER_ROLES: readonly string[] = ['cluster-admin', 'admin', 'edit', 'view',
  'system:aggregate-to-admin', 'system:aggregate-to-edit', 'system:aggregate-to-view', 'system:auth-delegator', 'system:basic-user',
  'system:certificates.k8s.io:certificatesigningrequests:nodeclient', 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
  'system:certificates.k8s.io:kube-apiserver-client-approver', 'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver',
  'system:certificates.k8s.io:kubelet-serving-approver', 'system:certificates.k8s.io:legacy-unknown-approver', 'system:discovery',
  'system:heapster', 'system:kube-aggregator', 'system:kube-controller-manager', 'system:kube-dns', 'system:kube-scheduler',
  'system:kubelet-api-admin', 'system:monitoring', 'system:node', 'system:node-bootstrapper', 'system:node-problem-detector',
  'system:node-proxier', 'system:persistent-volume-provisioner', 'system:public-info-viewer', 'system:service-account-issuer-discovery',
  'system:volume-scheduler'];
/** Controllers of kube-controller-manager each have a `system:controller:<name>` ClusterRole. */
const CONTROLLER_ROLES = ['attachdetach-controller', 'certificate-controller', 'clusterrole-aggregation-controller', 'cronjob-controller',
  'daemon-set-controller', 'deployment-controller', 'disruption-controller', 'endpoint-controller', 'endpointslice-controller',
  'endpointslicemirroring-controller', 'ephemeral-volume-controller', 'expand-controller', 'generic-garbage-collector',
  'horizontal-pod-autoscaler', 'job-controller', 'namespace-controller', 'node-controller', 'persistent-volume-binder',
  'pod-garbage-collector', 'pv-protection-controller', 'pvc-protection-controller', 'replicaset-controller', 'replication-controller',
  'resourcequota-controller', 'root-ca-cert-publisher', 'route-controller', 'service-account-controller', 'service-controller',
  'statefulset-controller', 'ttl-after-finished-controller', 'ttl-controller'];

/** Whether a ClusterRole exists in every 1.27 cluster (a misspelt `system:` name does not). */
export function isDefaultClusterRole(name: string): boolean {
  return DEFAULT_CLUSTER_ROLES.includes(name) || (name.startsWith('system:controller:') && CONTROLLER_ROLES.includes(name.slice('system:controller:'.length)));
}

/** Default ClusterRoles that grant nothing beyond discovery and reading public objects: safe for everyone. */
export const HARMLESS_DEFAULT_ROLES: readonly string[] = ['view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer', 'system:service-account-issuer-discovery'];

/** Subjects that stand for everyone, or every workload: `system:authenticated`, `system:unauthenticated`, all ServiceAccounts, anonymous. */
export function isBroadSubject(subject: { kind?: string; name?: string }): boolean {
  const name = String(subject?.name ?? '');
  return subject?.kind === 'Group' ? ['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'].includes(name) || name.startsWith('system:serviceaccounts:')
    : subject?.kind === 'User' && name === 'system:anonymous';
}

/**
 * Why granting a role to a broad subject is refused, or undefined when the role is harmless:
 * a harmless default, or rendered rules that only read and reach nothing sensitive. `rules` is
 * undefined for a role whose rules are unknown here. The same code runs in the RoleBinding
 * constructs and in the engine (PLT082).
 */
export function broadGrantProblem(roleName: string, rules: readonly RbacRule[] | undefined, subjects: readonly { kind?: string; name?: string }[], field = 'subjects'): Problem | undefined {
  const broad = subjects.map((s, i) => ({ s, i })).filter(({ s }) => isBroadSubject(s));
  if (!broad.length) return undefined;
  let why: string | undefined;
  if (rules === undefined) {
    why = HARMLESS_DEFAULT_ROLES.includes(roleName) ? undefined
      : isDefaultClusterRole(roleName) ? `grants the default ClusterRole ${roleName}, which is more than discovery or public reads`
        : `grants ${roleName}, whose permissions cannot be checked here`;
  } else {
    const caps = [...new Set(capabilitiesOf(rules).map((g) => g.capability))];
    const writes = rules.map(normalize).some((r) => effectiveVerbs(r).some((v) => !READ_VERBS.includes(v)));
    why = caps.length ? `grants ${roleName}, which ${caps.map((c) => WHAT[c]).join('; ')}` : writes ? `grants ${roleName}, which writes` : undefined;
  }
  return why === undefined ? undefined : {
    field: `${field}[${broad[0].i}]`,
    value: broad.map(({ s }) => `${s.kind}:${s.name}`),
    message: `${why} to everyone in ${broad.map(({ s }) => s.name).join(', ')}`,
    fix: 'bind the role to the specific groups, users or ServiceAccounts that need it',
  };
}

/**
 * `*` in a rule's verbs, resources or API groups: it also grants what Kubernetes adds later. The
 * same code runs in the library's Role constructs and in the engine (PLT084); `optOut` names
 * how to accept it.
 */
export function wildcardProblems(written: readonly RbacRule[], optOut: string): Problem[] {
  return written.map(normalize).flatMap((rule, i) => (['verbs', 'resources', 'apiGroups'] as const)
    .filter((name) => (rule?.[name] ?? []).includes('*'))
    .map((name) => ({
      field: `rules[${i}].${name}`,
      value: rule[name],
      message: 'contains "*", which also grants what is added to Kubernetes later',
      fix: `list the ${name} the subjects need, or ${optOut}`,
    })));
}
