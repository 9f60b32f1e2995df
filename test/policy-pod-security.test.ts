import { Deployment, PodSecurityLevel } from '../lib';
import { podSecurityProblems } from '../lib/policy/pod-security';
import { goodPodSpec } from './fixtures/policy-stack';
import { find, render } from './support/harness';

const { BASELINE, RESTRICTED, PRIVILEGED } = PodSecurityLevel;

/** The controls a pod spec breaks at a level, as `control field=value`. */
function broken(spec: any, level: PodSecurityLevel, annotations?: Record<string, string>): string[] {
  return podSecurityProblems(spec, level, { annotations }).map((p) => `${p.control} ${p.field}=${JSON.stringify(p.value)}`);
}

const c0 = 'containers[0].securityContext';

test('a pod of the library meets restricted in every environment', () => {
  for (const environment of ['dev', 'stage', 'prod'] as const) {
    const objects = render((chart) => new Deployment(chart, 'web', { containers: [{ name: 'web', image: 'registry.example.com/web:3f2a9c1' }] }), { environment });
    expect(podSecurityProblems(find(objects, 'Deployment', 'web').spec.template.spec, RESTRICTED)).toEqual([]);
  }
});

test('the fixture pod meets restricted; privileged accepts anything', () => {
  expect(broken(goodPodSpec(), RESTRICTED)).toEqual([]);
  expect(broken(goodPodSpec({ hostPID: true }, { securityContext: { privileged: true } }), PRIVILEGED)).toEqual([]);
});

describe('baseline controls (also refused by restricted)', () => {
  const cases: [string, any, string][] = [
    ['host namespaces', goodPodSpec({ hostNetwork: true, hostPID: true, hostIPC: true }), 'Host Namespaces hostNetwork=true'],
    ['privileged', goodPodSpec({}, { securityContext: { ...goodPodSpec().containers[0].securityContext, privileged: true } }), `Privileged Containers ${c0}.privileged=true`],
    ['capabilities beyond baseline', goodPodSpec({}, { securityContext: { ...goodPodSpec().containers[0].securityContext, capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } } }), `Capabilities ${c0}.capabilities.add="NET_ADMIN"`],
    ['hostPath', goodPodSpec({ volumes: [{ name: 'h', hostPath: { path: '/var/run/docker.sock' } }] }), 'HostPath Volumes volumes[0].hostPath="/var/run/docker.sock"'],
    ['host ports', goodPodSpec({}, { ports: [{ containerPort: 80, hostPort: 80 }] }), 'Host Ports containers[0].ports[0].hostPort=80'],
    ['AppArmor unconfined', goodPodSpec(), 'AppArmor metadata.annotations.container.apparmor.security.beta.kubernetes.io/app="unconfined"'],
    ['SELinux type', goodPodSpec({ securityContext: { ...goodPodSpec().securityContext, seLinuxOptions: { type: 'spc_t' } } }), 'SELinux securityContext.seLinuxOptions.type="spc_t"'],
    ['SELinux user', goodPodSpec({}, { securityContext: { ...goodPodSpec().containers[0].securityContext, seLinuxOptions: { user: 'root' } } }), `SELinux ${c0}.seLinuxOptions.user="root"`],
    ['procMount', goodPodSpec({}, { securityContext: { ...goodPodSpec().containers[0].securityContext, procMount: 'Unmasked' } }), `/proc Mount Type ${c0}.procMount="Unmasked"`],
    ['seccomp unconfined', goodPodSpec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } } }), 'Seccomp securityContext.seccompProfile.type="Unconfined"'],
    ['unsafe sysctl', goodPodSpec({ securityContext: { ...goodPodSpec().securityContext, sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }), 'Sysctls securityContext.sysctls[0].name="kernel.msgmax"'],
    ['Windows host process', goodPodSpec({ securityContext: { ...goodPodSpec().securityContext, windowsOptions: { hostProcess: true } } }), 'HostProcess securityContext.windowsOptions.hostProcess=true'],
  ];

  test.each(cases)('%s', (_name, spec, expected) => {
    const annotations = _name === 'AppArmor unconfined' ? { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } : undefined;
    expect(broken(spec, BASELINE, annotations)).toContain(expected);
    expect(broken(spec, RESTRICTED, annotations)).toContain(expected);
  });

  test('safe values pass baseline', () => {
    const spec = goodPodSpec({ securityContext: { ...goodPodSpec().securityContext, sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }], seLinuxOptions: { type: 'container_t', level: 's0:c1' } } },
      { securityContext: { ...goodPodSpec().containers[0].securityContext, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, procMount: 'Default' } });
    expect(broken(spec, BASELINE, { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' })).toEqual([]);
    expect(broken(spec, RESTRICTED, { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/custom' })).toEqual([]);
  });
});

describe('restricted-only controls', () => {
  const insecure = { allowPrivilegeEscalation: true, capabilities: { add: ['CHOWN'] }, runAsUser: 0, runAsNonRoot: false };
  const spec = goodPodSpec({ securityContext: {}, volumes: [{ name: 'nfs', nfs: { server: 'x', path: '/' } }] }, { securityContext: insecure });

  test('each is refused by restricted, none by baseline', () => {
    expect(broken(spec, RESTRICTED)).toEqual([
      'Volume Types volumes[0]="nfs"',
      `Privilege Escalation ${c0}.allowPrivilegeEscalation=true`,
      `Running as Non-root ${c0}.runAsNonRoot=false`,
      `Running as Non-root user ${c0}.runAsUser=0`,
      `Seccomp ${c0}.seccompProfile.type=undefined`,
      `Capabilities ${c0}.capabilities.drop=undefined`,
      `Capabilities ${c0}.capabilities.add="CHOWN"`,
    ]);
    expect(broken(spec, BASELINE)).toEqual([]);
  });

  test('pod-level runAsNonRoot and seccomp cover the containers; init containers are checked too', () => {
    const pod = goodPodSpec({ initContainers: [{ name: 'init', image: 'x:1', securityContext: { capabilities: { drop: ['ALL'] } } }] });
    expect(broken(pod, RESTRICTED)).toEqual(['Privilege Escalation initContainers[0].securityContext.allowPrivilegeEscalation=undefined']);
  });

  test('fields are prefixed and messages name the standard and control', () => {
    const [p] = podSecurityProblems(goodPodSpec({ hostIPC: true }), RESTRICTED, { field: 'spec.template.spec' });
    expect(p).toEqual({
      control: 'Host Namespaces',
      field: 'spec.template.spec.hostIPC',
      value: true,
      message: 'shares a host namespace (Pod Security Standards restricted: Host Namespaces)',
      fix: 'remove hostIPC',
    });
  });
});
