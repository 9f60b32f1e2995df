import { isDefaultClusterRole } from '../checks/rbac';
import { podConfigReferences } from '../checks/pod-references';
import { declaredExternal, ExternalKind, list, ObjectIndex, perIndex, PolicyObject } from '../object-index';
import { ExternalReferences, Rule, RuleContext, Severity, violation, Violation } from '../rule';


interface Reference { readonly owner: PolicyObject; readonly annotations: Record<string, string>; readonly field: string; readonly name: string }

const PROPERTY: Record<ExternalKind, string> = { secrets: 'secrets', configmaps: 'configMaps', serviceaccounts: 'serviceAccounts', roles: 'roles' };
const HOW_TO_DECLARE = (kind: ExternalKind) => `or, if it is made outside this repository, list it in the annotation k8s-constructs.io/external-${kind} of this object or under external.${PROPERTY[kind]} of the policy settings`;

/** PLT040: referenced Secrets exist. */
export const secretReferences = Rule.of({
  id: 'PLT040',
  name: 'secret-reference-resolves',
  severity: Severity.ERROR,
  rationale: 'A pod that reads a missing Secret (env, envFrom, volume, image pull secret) never starts: CreateContainerConfigError or a stuck mount.',
  fix: 'Render the Secret (or an ExternalSecret creating it) in the same namespace, mark the reference optional, or declare it external.',
  examples: {
    failing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]
          env: [{ name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: db, key: password } } }]
`,
    passing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]
          env: [{ name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: db, key: password } } }]

---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: { name: db, namespace: shop }
spec: { secretStoreRef: { kind: ClusterSecretStore, name: vault }, target: { name: db }, data: [{ secretKey: password, remoteRef: { key: shop/db } }] }`,
  },
  check: (context) => unresolved(context, podReferences(context, 'secret'), 'Secret', 'secrets', context.external.secrets),
});

/** PLT041: referenced ConfigMaps exist. */
export const configMapReferences = Rule.of({
  id: 'PLT041',
  name: 'configmap-reference-resolves',
  severity: Severity.ERROR,
  rationale: 'A pod that reads a missing ConfigMap (env, envFrom, volume, projected) never starts.',
  fix: 'Render the ConfigMap in the same namespace, mark the reference optional, or declare it external.',
  examples: {
    failing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]
          envFrom: [{ configMapRef: { name: settings } }]
`,
    passing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]
          envFrom: [{ configMapRef: { name: settings } }]

---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop }
data: { mode: prod }`,
  },
  check: (context) => unresolved(context, podReferences(context, 'configMap'), 'ConfigMap', 'configmaps', context.external.configMaps),
});

/** PLT042: referenced ServiceAccounts exist. */
export const serviceAccountReferences = Rule.of({
  id: 'PLT042',
  name: 'serviceaccount-reference-resolves',
  severity: Severity.ERROR,
  rationale: 'Pods naming a missing ServiceAccount are refused by the admission controller; a binding to one grants nothing.',
  fix: 'Render the ServiceAccount in the same namespace, or declare it external.',
  examples: {
    failing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]
`,
    passing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]

---
apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: shop }`,
  },
  check: (context) => {
    const refs: Reference[] = context.index.pods.flatMap((pod) => {
      const name = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
      const field = `${pod.field ? `${pod.field}.` : ''}spec.serviceAccountName`;
      return typeof name === 'string' && name !== 'default' ? [{ owner: pod.owner, annotations: pod.annotations, field, name }] : [];
    });
    for (const binding of [...context.index.ofKind('RoleBinding'), ...context.index.ofKind('ClusterRoleBinding')]) {
      list(binding.object.subjects).forEach((s: any, i: number) => {
        const ns = s?.namespace ?? binding.namespace;
        if (s?.kind === 'ServiceAccount' && ns === binding.namespace && s.name !== 'default') {
          refs.push({ owner: binding, annotations: {}, field: `subjects[${i}].name`, name: s.name });
        }
      });
    }
    return unresolved(context, refs, 'ServiceAccount', 'serviceaccounts', context.external.serviceAccounts);
  },
});

/** PLT043: binding role references exist. */
export const roleReferences = Rule.of({
  id: 'PLT043',
  name: 'role-reference-resolves',
  severity: Severity.ERROR,
  rationale: 'A RoleBinding to a missing Role grants nothing, silently; the workload fails later with 403s.',
  fix: 'Render the Role or ClusterRole, use a Kubernetes default ClusterRole, or declare it external.',
  examples: {
    failing: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: readers, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: shop-team }]`,
    passing: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: readers, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: shop-team }]`,
  },
  check: (context) => [...context.index.ofKind('RoleBinding'), ...context.index.ofKind('ClusterRoleBinding')].flatMap((binding) => {
    const ref = binding.object.roleRef ?? {};
    const name = ref.name;
    const exists = ref.kind === 'Role' ? context.index.find('Role', binding.namespace, name) ?? (binding.namespace === 'kube-system' && DEFAULT_KUBE_SYSTEM_ROLES.has(name) ? true : undefined)
      : context.index.find('ClusterRole', '', name) ?? (isDefaultClusterRole(String(name)) || undefined);
    const declared = [...(context.external.roles ?? []), ...declaredExternal({ owner: binding }, 'roles')];
    return exists || declared.includes(name) ? [] : [violation(binding, {
      field: 'roleRef.name',
      value: name,
      message: `is not a ${ref.kind}${ref.kind === 'Role' ? ` in namespace "${binding.namespace}"` : ''} rendered here nor a default ClusterRole`,
      fix: `add the ${ref.kind}, ${HOW_TO_DECLARE('roles')}`,
    })];
  }),
});

/** Roles every cluster has in kube-system. */
const DEFAULT_KUBE_SYSTEM_ROLES = new Set(['extension-apiserver-authentication-reader']);

/** Secret or ConfigMap names read by pods, skipping optional references. */
function podReferences({ index }: RuleContext, kind: 'secret' | 'configMap'): Reference[] {
  return collected(index)[kind];
}

/** The references of each environment, found in one pass over the pods for PLT040 and PLT041. */
const collected = perIndex(collect);

function collect(index: ObjectIndex): Record<'secret' | 'configMap', Reference[]> {
  const refs = { secret: [] as Reference[], configMap: [] as Reference[] };
  for (const pod of index.pods) {
    for (const ref of podConfigReferences(pod.spec, pod.field ? `${pod.field}.spec` : 'spec', pod.containers)) {
      if (!ref.optional) refs[ref.kind === 'Secret' ? 'secret' : 'configMap'].push({ owner: pod.owner, annotations: pod.annotations, field: ref.field, name: ref.name });
    }
  }
  return refs;
}

/** Whether the environment renders a Secret or ConfigMap, or an ExternalSecret that creates that Secret. */
function rendered({ index }: RuleContext, kind: string, namespace: string, name: string, externalSecrets: () => ReadonlySet<string>): boolean {
  return index.find(kind, namespace, name) !== undefined || (kind === 'Secret' && externalSecrets().has(`${namespace}\u0000${name}`));
}

/**
 * The Secrets ExternalSecrets create, as `namespace NUL name`: looked up once per environment
 * rather than by scanning every ExternalSecret for each reference.
 */
function externalSecretTargets({ index }: RuleContext): Set<string> {
  const targets = new Set<string>();
  for (const o of index.ofKind('ExternalSecret')) {
    const name = o.object.spec?.target?.name ?? o.object.metadata?.name;
    if (String(o.object.apiVersion).startsWith('external-secrets.io/') && typeof name === 'string') targets.add(`${o.namespace}\u0000${name}`);
  }
  return targets;
}

function unresolved(context: RuleContext, refs: Reference[], kind: string, externalKind: ExternalKind, external: ExternalReferences[keyof ExternalReferences]): Violation[] {
  let targets: Set<string> | undefined;
  const externalSecrets = () => targets ??= externalSecretTargets(context);
  return refs.flatMap((ref) => {
    if (rendered(context, kind, ref.owner.namespace, ref.name, externalSecrets)) return [];
    if ((external ?? []).includes(ref.name) || declaredExternal(ref, externalKind).includes(ref.name)) return [];
    return [violation(ref.owner, {
      field: ref.field,
      value: ref.name,
      message: `is not a ${kind} in namespace "${ref.owner.namespace}"`,
      fix: `add the ${kind}, ${HOW_TO_DECLARE(externalKind)}`,
    })];
  });
}
