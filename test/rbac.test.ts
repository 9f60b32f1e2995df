import { AppChart, ClusterRole, ClusterRoleBinding, Deployment, Role, RoleBinding, ServiceAccount, Subject, TeamRoles } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';

/** The notes' pod-reader (000): a ServiceAccount, a ClusterRole to read pods, its binding, and kubectl running under it. */
function podReader(chart: AppChart): void {
  const account = new ServiceAccount(chart, 'pod-reader');
  const role = new ClusterRole(chart, 'pod-reader-role', { name: 'pod-reader', rules: [{ resources: ['pods'], verbs: ['get', 'watch', 'list'] }], readOnly: true });
  new ClusterRoleBinding(chart, 'pod-reader-binding', { name: 'pod-reader', role, subjects: [Subject.serviceAccount(account)] });
  new Deployment(chart, 'kubectl', {
    name: 'pod-reader',
    serviceAccountName: account.name,
    automountServiceAccountToken: true,
    containers: [{
      name: 'kubectl',
      image: 'bitnami/kubectl:1.27.4',
      command: ['sh', '-c', 'while true; do echo "check pod..."; kubectl get pod --all-namespaces; sleep 30; done'],
    }],
  });
}

describe('RBAC', () => {
  test('snapshot: the pod-reader of the notes', () => expectSnapshot(podReader));

  test('pod-reader: cluster-scoped objects carry the environment in their name and no namespace', () => {
    const objects = render(podReader, { environment: 'stage' });
    const role = find(objects, 'ClusterRole', 'stage-pod-reader');
    expect(role.metadata.namespace).toBeUndefined();
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }]);
    const binding = find(objects, 'ClusterRoleBinding', 'stage-pod-reader');
    expect(binding.metadata.namespace).toBeUndefined();
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'stage-pod-reader' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'pod-reader', namespace: 'stage' }]);
    expect(find(objects, 'ServiceAccount', 'pod-reader').automountServiceAccountToken).toBe(false);
    const pod = find(objects, 'Deployment', 'pod-reader').spec.template.spec;
    expect([pod.serviceAccountName, pod.automountServiceAccountToken]).toEqual(['pod-reader', true]);
  });

  test('snapshot: team roles in dev', () => expectSnapshot((chart) => new TeamRoles(chart, 'team')));

  test('team roles: default groups per environment, custom groups, viewer never reads Secrets', () => {
    const objects = render((chart) => new TeamRoles(chart, 'team'), { environment: 'prod' });
    expect(find(objects, 'RoleBinding', 'team-admin')).toMatchObject({
      metadata: { namespace: 'prod' },
      roleRef: { kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'Group', name: 'team:prod:admin', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    expect(find(objects, 'RoleBinding', 'team-deployer').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'team-deployer' });
    const viewer = find(objects, 'Role', 'team-viewer');
    expect(viewer.rules.flatMap((r: any) => r.resources)).not.toContain('secrets');
    expect(new Set(viewer.rules.flatMap((r: any) => r.verbs))).toEqual(new Set(['get', 'list', 'watch']));
    const deployer = find(objects, 'Role', 'team-deployer');
    const canWrite = (resource: string) => deployer.rules.some((r: any) => r.resources.includes(resource) && r.verbs.includes('update'));
    expect(['deployments', 'services', 'ingresses'].every(canWrite)).toBe(true);
    expect(deployer.rules.flatMap((r: any) => r.resources)).not.toContain('secrets');

    const custom = render((chart) => new TeamRoles(chart, 'team', { groups: { deployer: ['oidc:journal-devs'] } }));
    expect(custom.filter((o) => o.kind === 'RoleBinding').map((o) => [o.metadata.name, o.subjects[0].name])).toEqual([['team-deployer', 'oidc:journal-devs']]);
  });

  test('a binding to a cluster default role is accepted', () => {
    const objects = render((chart) => new RoleBinding(chart, 'auditors', { role: { kind: 'ClusterRole', name: 'view' }, subjects: [Subject.user('jane@example.com')] }));
    expect(find(objects, 'RoleBinding', 'auditors').subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane@example.com' }]);
  });
});

describe('RBAC refusals', () => {
  const roleProblems = (props: ConstructorParameters<typeof Role>[2]) => problemsOf((chart) => new Role(chart, 'r', props));

  test('wildcard verbs, resources and API groups are refused', () => {
    expect(roleProblems({ rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] })).toEqual([
      '[dev/test/r] rules[0].verbs: contains "*", which also grants what is added to Kubernetes later (got ["*"]). Fix: list the verbs the subjects need, or set allowWildcards: true',
      expect.stringContaining('rules[0].resources: contains "*"'),
      expect.stringContaining('rules[0].apiGroups: contains "*"'),
      // "*" is expanded: it includes the escalating verbs, refused on their own account.
      '[dev/test/r] rules[0].verbs: grants escalate on roles, bind on roles, impersonate, create serviceaccounts/token (through "*"), which let the holder gain permissions it was not given (got ["*"]). Fix: list the verbs and resources needed without them; a role that really manages RBAC sets allowPrivilegeEscalation: true',
    ]);
    // allowWildcards accepts "*" for what it is, not the escalation inside it.
    expect(roleProblems({ allowWildcards: true, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['*'] }] })).toEqual([
      expect.stringContaining('rules[0].verbs: grants escalate on roles, bind on roles (through "*")'),
    ]);
    expect(roleProblems({ allowWildcards: true, rules: [{ resources: ['users', 'groups'], verbs: ['*'] }] })).toEqual([expect.stringContaining('grants impersonate (through "*")')]);
  });

  test('minting ServiceAccount tokens is escalation', () => {
    expect(roleProblems({ rules: [{ resources: ['serviceaccounts/token'], verbs: ['create'] }] })).toEqual([expect.stringContaining('rules[0].verbs: grants create serviceaccounts/token, which let the holder gain permissions')]);
  });

  test('escalate, bind and impersonate are refused unless allowed', () => {
    const rules = [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['get', 'escalate', 'bind'] }];
    expect(roleProblems({ rules })).toEqual([
      '[dev/test/r] rules[0].verbs: grants escalate on roles, bind on roles, which let the holder gain permissions it was not given (got ["escalate","bind"]). Fix: list the verbs and resources needed without them; a role that really manages RBAC sets allowPrivilegeEscalation: true',
    ]);
    expect(problemsOf((chart) => new ClusterRole(chart, 'r', { rules: [{ resources: ['users', 'groups'], verbs: ['impersonate'] }] }))[0]).toContain('grants impersonate, which let the holder gain permissions');
    expect(render((chart) => new Role(chart, 'r', { rules, allowPrivilegeEscalation: true }))).toHaveLength(1);
  });

  test('a read-only role may neither read Secrets nor write', () => {
    expect(roleProblems({ readOnly: true, rules: [{ resources: ['pods', 'secrets'], verbs: ['get', 'delete'] }] })).toEqual([
      '[dev/test/r] rules[0].resources: reads Secrets, but the role is read-only (got ["secrets"]). Fix: list the resources explicitly, without secrets and the pods/exec, pods/attach, pods/portforward and nodes/proxy subresources',
      '[dev/test/r] rules[0].verbs: grants delete, which are not read verbs, but the role is read-only (got ["delete"]). Fix: keep get, list and watch only',
    ]);
  });

  test('a read-only role may not exec, attach, port-forward or proxy to nodes, even with get only', () => {
    expect(roleProblems({ readOnly: true, rules: [{ resources: ['pods/exec', 'pods/attach', 'pods/portforward'], verbs: ['get'] }] })).toEqual([
      expect.stringContaining('rules[0].resources: lets the holder run commands in any pod (pods/exec or pods/attach; get suffices over WebSocket); lets the holder reach any port of any pod'),
    ]);
    expect(roleProblems({ readOnly: true, rules: [{ resources: ['nodes/proxy'], verbs: ['get'] }] })).toEqual([expect.stringContaining('opens the kubelet API of every node')]);
  });

  test('powerful default roles are not granted to everyone', () => {
    expect(problemsOf((chart) => new RoleBinding(chart, 'b', { role: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [Subject.group('system:authenticated')] }))).toEqual([
      '[dev/test/b] subjects[0]: grants the default ClusterRole cluster-admin, which is more than discovery or public reads to everyone in system:authenticated (got ["Group:system:authenticated"]). Fix: bind the role to the specific groups, users or ServiceAccounts that need it',
    ]);
    expect(problemsOf((chart) => new RoleBinding(chart, 'b', { role: { kind: 'ClusterRole', name: 'edit' }, subjects: [Subject.group('system:serviceaccounts')] }))).toHaveLength(1);
    expect(render((chart) => new RoleBinding(chart, 'b', { role: { kind: 'ClusterRole', name: 'view' }, subjects: [Subject.group('system:authenticated')] }))).toHaveLength(1);
  });

  test('a misspelt system: ClusterRole is not taken for a default', () => {
    expect(problemsOf((chart) => new RoleBinding(chart, 'b', { role: { kind: 'ClusterRole', name: 'system:auth-delegater' }, subjects: [Subject.group('devs')] }))[0])
      .toContain('role: names a ClusterRole that is neither in the stack nor a cluster default');
    expect(render((chart) => new RoleBinding(chart, 'b', { role: { kind: 'ClusterRole', name: 'system:auth-delegator' }, subjects: [Subject.group('devs')] }))).toHaveLength(1);
  });

  test('empty rules, URL paths in a Role', () => {
    expect(roleProblems({ rules: [] })).toEqual([expect.stringContaining('rules: a role without rules grants nothing (got [])')]);
    expect(roleProblems({ rules: [{ nonResourceUrls: ['/healthz'], verbs: ['get'] }] })).toEqual([
      expect.stringContaining('rules[0].nonResourceUrls: only a ClusterRole can grant URL paths (got ["/healthz"])'),
    ]);
  });

  test('a binding to a role that is neither in the stack nor a cluster default is refused', () => {
    expect(problemsOf((chart) => new RoleBinding(chart, 'b', { role: { kind: 'ClusterRole', name: 'pod-reader' }, subjects: [Subject.group('devs')] }))).toEqual([
      '[dev/test/b] PLT043 role: names a ClusterRole that is neither in the stack nor a cluster default (got {"kind":"ClusterRole","name":"pod-reader"}). Fix: pass the Role/ClusterRole construct itself, or use a default (cluster-admin, admin, edit, view, or a system: role of Kubernetes 1.27); a role made outside this repository: waive PLT043 with a reason',
    ]);
    expect(problemsOf((chart) => new RoleBinding(chart, 'b', { role: { kind: 'Role', name: 'view' }, subjects: [Subject.group('devs')] }))[0])
      .toContain('role: names a Role that is neither in the stack (namespace dev) nor a cluster default');
  });

  test('a binding by the short name of a stack ClusterRole points at its environment-prefixed name', () => {
    expect(problemsOf((chart) => {
      new ClusterRole(chart, 'pod-reader', { rules: [{ resources: ['pods'], verbs: ['get'] }] });
      new ClusterRoleBinding(chart, 'b', { role: { kind: 'ClusterRole', name: 'pod-reader' }, subjects: [Subject.group('devs')] });
    })).toEqual([expect.stringContaining('[dev/test/b] PLT043 role: names the ClusterRole of the stack by the name it was given, but it renders as "dev-pod-reader"')]);
  });

  test('a binding by name to a role of the stack is accepted', () => {
    render((chart) => {
      new Role(chart, 'reader', { rules: [{ resources: ['pods'], verbs: ['get'] }] });
      new RoleBinding(chart, 'b', { role: { kind: 'Role', name: 'reader' }, subjects: [Subject.group('devs')] });
    });
  });

  test('a ClusterRoleBinding of a Role, and a binding without subjects, are refused', () => {
    const p = problemsOf((chart) => {
      const role = new Role(chart, 'reader', { rules: [{ resources: ['pods'], verbs: ['get'] }] });
      new ClusterRoleBinding(chart, 'b', { role, subjects: [] });
    });
    expect(p).toEqual([
      expect.stringContaining('[dev/test/b] subjects: a binding without subjects grants nothing'),
      expect.stringContaining('[dev/test/b] role: a ClusterRoleBinding can only grant a ClusterRole (got "reader")'),
    ]);
  });
});
