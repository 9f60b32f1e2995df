import { parseAllDocuments } from 'yaml';
import { ImagePolicy, PLATFORM_RULES, PodSecurityLevel, PolicyEngine } from '../lib';

/** RBAC findings (PLT043, PLT080-083) of YAML documents: `rule field: message`. */
function rbac(yaml: string): string[] {
  const objects = parseAllDocuments(yaml).map((d) => d.toJS());
  return new PolicyEngine({ rules: PLATFORM_RULES.filter((r) => ['PLT043', 'PLT080', 'PLT081', 'PLT082', 'PLT083'].includes(r.id)) })
    .evaluate(objects.map((object) => ({ object, path: 'x', file: 'x.yaml' })), { namespace: 'shop', podSecurity: PodSecurityLevel.RESTRICTED, imagePolicy: ImagePolicy.TAGGED })
    .map((f) => `${f.rule} ${f.field}: ${f.message}`);
}

const role = (rules: string, annotations = '{}') => `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: r, namespace: shop, annotations: ${annotations} }\nrules:\n${rules}`;
const binding = (kind: string, roleKind: string, roleName: string, subject: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata: { name: b${kind === 'RoleBinding' ? ', namespace: shop' : ''} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ${roleKind}, name: "${roleName}" }\nsubjects: [${subject}]`;
const group = (name: string) => `{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: "${name}" }`;

describe('RBAC on effective permissions, tried as an attacker would', () => {
  test('"*" verbs on roles and rolebindings include escalate and bind', () => {
    expect(rbac(role('  - { apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: ["*"] }'))).toEqual([
      'PLT080 rules[0].verbs: grants escalate on roles, bind on roles (through "*"), which let the holder gain permissions it was not given',
    ]);
  });

  test('"*" verbs on users and groups include impersonate', () => {
    expect(rbac(role('  - { apiGroups: [""], resources: [users, groups], verbs: ["*"] }'))).toEqual([expect.stringMatching(/^PLT080 rules\[0\]\.verbs: grants impersonate \(through "\*"\)/)]);
  });

  test('create serviceaccounts/token is escalation', () => {
    expect(rbac(role('  - { apiGroups: [""], resources: [serviceaccounts/token], verbs: [create] }'))).toEqual([expect.stringMatching(/^PLT080 .*create serviceaccounts\/token/)]);
  });

  test('a read-only role may not get pods/exec, pods/attach or nodes/proxy', () => {
    const readOnly = '{ k8s-constructs.io/read-only: "true" }';
    expect(rbac(role('  - { apiGroups: [""], resources: [pods, pods/exec, pods/attach], verbs: [get] }', readOnly))).toEqual([
      expect.stringMatching(/^PLT081 rules\[0\]\.resources: lets the holder run commands in any pod .*, but the role is read-only$/),
    ]);
    // Without the annotation, a role of read verbs is still taken for read-only.
    expect(rbac(role('  - { apiGroups: [""], resources: [nodes/proxy], verbs: [get] }'))).toEqual(['PLT081 rules[0].resources: grants only read verbs, yet reaches nodes/proxy']);
    expect(rbac(role('  - { apiGroups: [""], resources: [secrets], verbs: [list] }'))).toEqual(['PLT081 rules[0].resources: grants only read verbs, yet reads every Secret']);
    expect(rbac(role('  - { apiGroups: [""], resources: [secrets], resourceNames: [app-config], verbs: [get] }'))).toEqual([]);
    expect(rbac(role('  - { apiGroups: [""], resources: [pods], verbs: [get, list, delete] }', readOnly))).toEqual([expect.stringMatching(/^PLT081 rules\[0\]\.verbs: grants delete/)]);
  });

  test('cluster-admin to system:authenticated, and powerful rendered roles to every ServiceAccount, are refused', () => {
    expect(rbac(binding('ClusterRoleBinding', 'ClusterRole', 'cluster-admin', group('system:authenticated')))).toEqual([
      'PLT082 subjects[0]: grants the default ClusterRole cluster-admin, which is more than discovery or public reads to everyone in system:authenticated',
    ]);
    const deployer = role('  - { apiGroups: [apps], resources: [deployments], verbs: [create] }', '{ k8s-constructs.io/effective-access: "create workloads" }');
    expect(rbac(`${deployer}\n---\n${binding('RoleBinding', 'Role', 'r', group('system:serviceaccounts'))}`)).toEqual([
      expect.stringMatching(/^PLT082 subjects\[0\]: grants r, which creates pods or workloads.* to everyone in system:serviceaccounts$/),
    ]);
    expect(rbac(binding('ClusterRoleBinding', 'ClusterRole', 'system:discovery', group('system:unauthenticated')))).toEqual([]);
    expect(rbac(binding('ClusterRoleBinding', 'ClusterRole', 'system:node', group('system:authenticated')))).toEqual([expect.stringContaining('PLT082')]);
  });

  test('a binding to a system: ClusterRole that Kubernetes 1.27 does not have is unresolved', () => {
    expect(rbac(binding('RoleBinding', 'ClusterRole', 'system:auth-delegater', group('devs')))).toEqual([expect.stringMatching(/^PLT043 roleRef\.name: is not a ClusterRole rendered here/)]);
    expect(rbac(binding('RoleBinding', 'ClusterRole', 'system:controller:job-controller', group('devs')))).toEqual([]);
  });

  test('a role that creates workloads says so (the TeamRoles deployer does)', () => {
    expect(rbac(role('  - { apiGroups: [batch], resources: [jobs], verbs: [create] }'))).toEqual([
      'PLT083 metadata.annotations.k8s-constructs.io/effective-access: does not declare that the role can create workloads (rules 0)',
    ]);
  });
});
