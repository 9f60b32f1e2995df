import { PodSecurityLevel } from '../core/environment';
import { Problem } from '../core/problem';
import { containersOf, join, list } from './object-index';

/** A Pod Security Standards violation: the problem and the control it breaks. */
export interface PodSecurityProblem extends Problem {
  /** The control's name in the standard, e.g. `Running as Non-root`. */
  readonly control: string;
}

/** Options of {@link podSecurityProblems}. */
export interface PodSecurityOptions {
  /**
   * Field path of the pod spec, prefixed to every field, e.g. `spec.template.spec`.
   * @default - fields relative to the pod spec
   */
  readonly field?: string;
  /**
   * Annotations of the pod (AppArmor profiles are annotations in Kubernetes 1.27).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/**
 * Checks one pod spec against the Pod Security Standards
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/, Kubernetes 1.27) at a
 * level: every control of baseline, and for restricted also its own. Use it in tests on any
 * rendered pod: `expect(podSecurityProblems(deployment.spec.template.spec, PodSecurityLevel.RESTRICTED)).toEqual([])`.
 */
export function podSecurityProblems(spec: any, level: PodSecurityLevel | string, options: PodSecurityOptions = {}): PodSecurityProblem[] {
  if (level === PodSecurityLevel.PRIVILEGED) return [];
  const prefix = options.field ?? '';
  const f = (field: string) => join(prefix, field);
  const problems: PodSecurityProblem[] = [];
  const add = (control: string, field: string, value: unknown, message: string, fix: string) =>
    problems.push({ control, field, value, message: `${message} (Pod Security Standards ${level}: ${control})`, fix });
  const s = spec ?? {};
  const podContext = s.securityContext ?? {};
  const containers = containersOf(s, prefix ? `${prefix}.` : '');

  // Baseline.
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (s[key] === true) add('Host Namespaces', f(key), true, 'shares a host namespace', `remove ${key}`);
  }
  if (podContext.windowsOptions?.hostProcess === true) {
    add('HostProcess', f('securityContext.windowsOptions.hostProcess'), true, 'runs as a Windows host process', 'remove hostProcess');
  }
  list(s.volumes).forEach((v: any, i: number) => {
    if (v?.hostPath) add('HostPath Volumes', f(`volumes[${i}].hostPath`), v.hostPath.path, 'mounts a host path', 'use an emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim');
  });
  checkSelinux(podContext.seLinuxOptions, f('securityContext.seLinuxOptions'), add);
  checkSeccomp(podContext.seccompProfile, f('securityContext.seccompProfile.type'), add);
  list(podContext.sysctls).forEach((sc: any, i: number) => {
    if (!SAFE_SYSCTLS.has(sc?.name)) add('Sysctls', f(`securityContext.sysctls[${i}].name`), sc?.name, 'is not a safe sysctl', `use only ${[...SAFE_SYSCTLS].join(', ')}`);
  });
  for (const [key, value] of Object.entries(options.annotations ?? {})) {
    if (key.startsWith(APPARMOR_PREFIX) && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      add('AppArmor', `metadata.annotations.${key}`, value, 'overrides the AppArmor profile', 'use runtime/default or a localhost/ profile');
    }
  }
  for (const { container: c, field } of containers) {
    const sc = c.securityContext ?? {};
    if (sc.windowsOptions?.hostProcess === true) {
      add('HostProcess', `${field}.securityContext.windowsOptions.hostProcess`, true, 'runs as a Windows host process', 'remove hostProcess');
    }
    if (sc.privileged === true) add('Privileged Containers', `${field}.securityContext.privileged`, true, 'is privileged', 'set privileged: false');
    for (const cap of sc.capabilities?.add ?? []) {
      if (!BASELINE_CAPABILITIES.has(cap)) add('Capabilities', `${field}.securityContext.capabilities.add`, cap, 'adds a capability beyond the baseline set', 'remove it');
    }
    list(c.ports).forEach((p: any, i: number) => {
      if (p?.hostPort) add('Host Ports', `${field}.ports[${i}].hostPort`, p.hostPort, 'binds a host port', 'remove hostPort and reach the pod through a Service');
    });
    checkSelinux(sc.seLinuxOptions, `${field}.securityContext.seLinuxOptions`, add);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') {
      add('/proc Mount Type', `${field}.securityContext.procMount`, sc.procMount, 'unmasks /proc', 'remove procMount or set it to Default');
    }
    checkSeccomp(sc.seccompProfile, `${field}.securityContext.seccompProfile.type`, add);
  }
  if (level !== PodSecurityLevel.RESTRICTED) return problems;

  // Restricted.
  list(s.volumes).forEach((v: any, i: number) => {
    const type = Object.keys(v ?? {}).find((k) => k !== 'name');
    if (type && type !== 'hostPath' && !RESTRICTED_VOLUMES.has(type)) {
      add('Volume Types', f(`volumes[${i}]`), type, 'is a volume type restricted does not allow', `use one of ${[...RESTRICTED_VOLUMES].join(', ')}`);
    }
  });
  if (podContext.runAsNonRoot === false) add('Running as Non-root', f('securityContext.runAsNonRoot'), false, 'allows root', 'set runAsNonRoot: true');
  if (podContext.runAsUser === 0) add('Running as Non-root user', f('securityContext.runAsUser'), 0, 'runs as root', 'use an unprivileged uid such as 10001');
  for (const { container: c, field } of containers) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) {
      add('Privilege Escalation', `${field}.securityContext.allowPrivilegeEscalation`, sc.allowPrivilegeEscalation, 'must be false', 'set allowPrivilegeEscalation: false');
    }
    const nonRoot = sc.runAsNonRoot ?? podContext.runAsNonRoot;
    if (nonRoot !== true) {
      add('Running as Non-root', `${field}.securityContext.runAsNonRoot`, sc.runAsNonRoot, 'must be true here or in the pod securityContext', 'set runAsNonRoot: true');
    }
    if (sc.runAsUser === 0) add('Running as Non-root user', `${field}.securityContext.runAsUser`, 0, 'runs as root', 'use an unprivileged uid such as 10001');
    const seccomp = sc.seccompProfile?.type ?? podContext.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      add('Seccomp', `${field}.securityContext.seccompProfile.type`, seccomp, 'must be RuntimeDefault or Localhost here or in the pod securityContext', 'set seccompProfile: { type: RuntimeDefault } on the pod');
    }
    const caps = sc.capabilities ?? {};
    if (!(caps.drop ?? []).includes('ALL')) {
      add('Capabilities', `${field}.securityContext.capabilities.drop`, caps.drop, 'must drop ALL', 'set capabilities.drop: [ALL]');
    }
    for (const cap of caps.add ?? []) {
      if (cap !== 'NET_BIND_SERVICE') add('Capabilities', `${field}.securityContext.capabilities.add`, cap, 'adds a capability other than NET_BIND_SERVICE', 'remove it, or run in a baseline namespace with a waiver');
    }
  }
  return problems;
}

type Add = (control: string, field: string, value: unknown, message: string, fix: string) => void;

function checkSelinux(options: any, field: string, add: Add): void {
  if (!options) return;
  if (options.type !== undefined && !SELINUX_TYPES.has(options.type)) {
    add('SELinux', `${field}.type`, options.type, 'sets a custom SELinux type', 'use container_t, container_init_t or container_kvm_t, or leave it unset');
  }
  for (const key of ['user', 'role']) {
    if (options[key] !== undefined && options[key] !== '') add('SELinux', `${field}.${key}`, options[key], `sets an SELinux ${key}`, `remove seLinuxOptions.${key}`);
  }
}

function checkSeccomp(profile: any, field: string, add: Add): void {
  if (profile?.type === 'Unconfined') add('Seccomp', field, 'Unconfined', 'disables seccomp', 'use RuntimeDefault');
}
