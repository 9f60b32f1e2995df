import {
  AccessMode, AppChart, argoCdDelivery, ArgoCdApplication, ArgoCdProject, AuditLevel, AuditPolicy, ClusterBaseline, ClusterRole, ClusterRoleBinding,
  ConfigMap, Cpu, CronJob, CronSchedule, Deployment, DeploymentStrategy, DisruptionBudget, Environment, EnvValue, ExistingSecret, ExternalSecret,
  HorizontalPodAutoscaler, Ingress, Job, LimitRange, Metric, Namespace, NetworkIsolation, NetworkPeer, NetworkPolicy, PersistentVolume,
  PersistentVolumeClaim, PersistentVolumeSource, Platform, PodCount, PolicyEngine, Probe, ResourceQuota, Resources, Role, RoleBinding, Secret,
  SecretValue, Service, ServiceAccount, ServiceMonitor, Sidecar, StatefulSet, StatefulSetUpdateStrategy, StorageClass, Subject, TeamRoles, Volume,
  VolumeClaimTemplate, ReclaimPolicy, NetworkIsolation as Isolation, ProbePresets, HealthCheck, Waiver,
} from '../lib';
import { ENV } from './support/harness';
import { BadInput, expectRefusal, refusalOf } from './support/refusal';

/**
 * Hand-written bad inputs a JavaScript caller (or a generator fed by JSON or YAML) passes, and the
 * API server's and kustomize's limits: each refused with `[construct path] field: ... (got value). Fix: ...`.
 */

const IMAGE = 'registry.example.com/web:3f2a9c1';
const web = { name: 'web', image: IMAGE, ports: [{ number: 8080, name: 'http' }] };
const js = (v: unknown) => v as any;

function stack(define: (chart: AppChart) => void, environment: Environment = ENV.dev): Platform {
  return new Platform({ environments: [environment], stacks: [{ name: 'test', define }], checks: [new PolicyEngine()] });
}
const container = (change: object) => stack((chart) => new Deployment(chart, 'web', { containers: [{ ...web, ...change }] }));
const service = (props: object) => stack((chart) => new Service(chart, 'svc', { target: new Deployment(chart, 'web', { containers: [web] }), ports: [{ port: 80, targetPort: 'http' }], ...props }));
const configMap = (props: object) => stack((chart) => new ConfigMap(chart, 'cm', js({ data: {}, ...props })));
const W = 'dev/test/web';
const c0 = 'containers[0]';

const corpus: BadInput[] = [
  // TypeErrors before
  { name: 'env value as a plain string', platform: container({ env: { MODE: 'fast' } }), path: W, field: `${c0}.env.MODE`, value: 'fast' },
  { name: 'HTTP probe path not a string', platform: container({ readiness: Probe.fromHttpGet(js(123), 'http') }), path: W, field: `pod.${c0}.readiness.path`, value: 123 },
  { name: 'CronJob schedule as a string', platform: stack((chart) => new CronJob(chart, 'cron', js({ schedule: '* * * * *', containers: [web] }))), path: 'dev/test/cron', field: 'schedule', value: '* * * * *' },
  { name: 'Environment.dev without baseDomain', platform: stack(() => undefined, Environment.dev(js({}))), path: 'dev', field: 'environment.baseDomain', value: undefined },
  { name: 'maxUnavailable as a number', platform: stack((chart) => new Deployment(chart, 'web', { containers: [web], strategy: DeploymentStrategy.rollingUpdate(js({ maxUnavailable: 1 })) })), path: W, field: 'strategy.maxUnavailable', value: 1 },
  // Unclear before
  { name: 'containers as an object', platform: stack((chart) => new Deployment(chart, 'web', js({ containers: {} }))), path: W, field: 'containers', value: {} },
  { name: 'containers null', platform: stack((chart) => new Deployment(chart, 'web', js({ containers: null }))), path: W, field: 'containers', value: null },
  { name: 'ports as an object', platform: container({ ports: {} }), path: W, field: `${c0}.ports`, value: {} },
  { name: 'Service target null', platform: service({ target: null }), path: 'dev/test/svc', field: 'target', value: null },
  { name: 'Service without ports', platform: service({ ports: undefined }), path: 'dev/test/svc', field: 'ports', value: undefined },
  { name: 'command as a string', platform: container({ command: 'echo hi' }), path: W, field: `${c0}.command`, value: 'echo hi' },
  { name: 'unknown prop', platform: container({ imagePullPolicy: 'Always' }), path: W, field: `${c0}.imagePullPolicy`, value: 'Always' },
  // Accepted before
  { name: 'Service port above 65535', platform: service({ ports: [{ port: 70000, targetPort: 'http' }] }), path: 'dev/test/svc', field: 'ports[0].port', value: 70000 },
  { name: 'Service port -1', platform: service({ ports: [{ port: -1, targetPort: 'http' }] }), path: 'dev/test/svc', field: 'ports[0].port', value: -1 },
  { name: 'Service port as a string', platform: service({ ports: [{ port: '80', targetPort: 'http' }] }), path: 'dev/test/svc', field: 'ports[0].port', value: '80' },
  { name: 'Service port NaN', platform: service({ ports: [{ port: NaN, targetPort: 'http' }] }), path: 'dev/test/svc', field: 'ports[0].port', value: 'NaN' },
  { name: 'ConfigMap over 1 MiB', platform: configMap({ data: { big: 'x'.repeat(1.5 * 1024 * 1024) } }), path: 'dev/test/cm', field: 'data', value: `${1.5 * 1024 * 1024 + 3} bytes` },
  { name: 'ConfigMap value not a string', platform: configMap({ data: { n: 5 } }), path: 'dev/test/cm', field: 'data.n', value: 5 },
  { name: 'env value from a number', platform: container({ env: { N: EnvValue.value(js(5)) } }), path: W, field: `pod.${c0}.env.N.value`, value: 5 },
  { name: 'args not strings', platform: container({ args: [1] }), path: W, field: `${c0}.args[0]`, value: 1 },
  { name: 'immutable "yes"', platform: configMap({ immutable: 'yes' }), path: 'dev/test/cm', field: 'immutable', value: 'yes' },
  { name: 'resourceScale Infinity', platform: stack(() => undefined, Environment.dev(js({ baseDomain: 'dev.example.com', resourceScale: Infinity }))), path: 'dev', field: 'environment.resourceScale', value: 'Infinity' },
  { name: 'lone surrogate in ConfigMap data', platform: configMap({ data: { a: 'x\ud800' } }), path: 'dev/test/cm/Resource', field: 'data.a', value: 'x\ud800' },
  { name: 'NEL in ConfigMap data', platform: configMap({ data: { a: 'x\u0085y' } }), path: 'dev/test/cm/Resource', field: 'data.a', value: 'x\u0085y' },
  // Silently wrong before
  { name: 'ConfigMap value null', platform: configMap({ data: { a: null } }), path: 'dev/test/cm', field: 'data.a', value: null },
  { name: 'ConfigMap value undefined', platform: configMap({ data: { a: undefined } }), path: 'dev/test/cm', field: 'data.a', value: undefined },
  { name: 'array as ConfigMap data', platform: configMap({ data: ['a', 'b'] }), path: 'dev/test/cm', field: 'data', value: ['a', 'b'] },
  { name: 'string as ConfigMap data', platform: configMap({ data: 'ab' }), path: 'dev/test/cm', field: 'data', value: 'ab' },
  { name: '__proto__ key', platform: configMap({ data: JSON.parse('{"__proto__": "x"}') }), path: 'dev/test/cm', field: 'data.__proto__', value: '__proto__' },
  { name: 'baseDomain 123', platform: stack(() => undefined, Environment.dev(js({ baseDomain: 123 }))), path: 'dev', field: 'environment.baseDomain', value: 123 },
  { name: 'duplicate construct id', platform: stack((chart) => { new ConfigMap(chart, 'cm', { data: {} }); new ConfigMap(chart, 'cm', { name: 'other', data: {} }); }), path: 'dev/test', field: 'id', value: 'cm' },
  { name: 'props not an object', platform: stack((chart) => new ConfigMap(chart, 'cm', js(null))), path: 'dev/test/cm', field: 'props', value: null },
];

const db = { name: 'db', image: IMAGE, ports: [{ number: 5432, name: 'pg' }] };
const REPO = 'https://git.example.com/platform.git';

/** Every construct with valid props, a field whose type is wrong and the wrong value. */
const constructs: [string, (chart: AppChart, props: any) => void, Record<string, unknown>, string, unknown][] = [
  ['ConfigMap', (c, p) => new ConfigMap(c, 'x', p), { data: {} }, 'immutable', 'no'],
  ['Secret', (c, p) => new Secret(c, 'x', p), { data: {} }, 'type', 5],
  ['ExistingSecret', (c, p) => new ExistingSecret(c, 'x', p), { name: 'db', keys: ['p'], createdBy: 'ops' }, 'keys', 'p'],
  ['ExternalSecret', (c, p) => new ExternalSecret(c, 'x', p), { store: { name: 'vault' }, data: { p: { key: 'db/p' } } }, 'store', 'vault'],
  ['Deployment', (c, p) => new Deployment(c, 'x', p), { containers: [web] }, 'replicas', '2'],
  ['StatefulSet', (c, p) => new StatefulSet(c, 'x', p), { containers: [db], ports: [{ port: 5432, targetPort: 'pg' }] }, 'ports', 5432],
  ['Job', (c, p) => new Job(c, 'x', p), { containers: [web] }, 'parallelism', '3'],
  ['CronJob', (c, p) => new CronJob(c, 'x', p), { containers: [web], schedule: CronSchedule.HOURLY }, 'suspend', 'true'],
  ['Service', (c, p) => new Service(c, 'x', { target: new Deployment(c, 'web', { containers: [web] }), ...p }), { ports: [{ port: 80, targetPort: 'http' }] }, 'headless', 1],
  ['Ingress', (c, p) => new Ingress(c, 'x', p), { rules: [] }, 'tls', 'on'],
  ['NetworkPolicy', (c, p) => new NetworkPolicy(c, 'x', p), { policyTypes: [] }, 'ingress', {}],
  ['NetworkIsolation', (c, p) => new NetworkIsolation(c, 'x', p), {}, 'baseline', 'no'],
  ['ServiceMonitor', (c, p) => new ServiceMonitor(c, 'x', { service: new Service(c, 'svc', { target: new Deployment(c, 'web', { containers: [web] }), ports: [{ port: 80, targetPort: 'http' }] }), ...p }), {}, 'interval', 30],
  ['HorizontalPodAutoscaler', (c, p) => new HorizontalPodAutoscaler(c, 'x', { target: new Deployment(c, 'web', { containers: [web] }), ...p }), {}, 'maxReplicas', '5'],
  ['DisruptionBudget', (c, p) => new DisruptionBudget(c, 'x', { target: new Deployment(c, 'web', { containers: [web] }), ...p }), {}, 'maxUnavailable', 1],
  ['ServiceAccount', (c, p) => new ServiceAccount(c, 'x', p), {}, 'automountToken', 'false'],
  ['Role', (c, p) => new Role(c, 'x', p), { rules: [] }, 'rules', { verbs: ['get'] }],
  ['ClusterRole', (c, p) => new ClusterRole(c, 'x', p), { rules: [] }, 'readOnly', 'yes'],
  ['RoleBinding', (c, p) => new RoleBinding(c, 'x', p), { role: { kind: 'ClusterRole', name: 'view' }, subjects: [] }, 'subjects', 'team'],
  ['ClusterRoleBinding', (c, p) => new ClusterRoleBinding(c, 'x', p), { role: { kind: 'ClusterRole', name: 'view' }, subjects: [] }, 'name', 5],
  ['TeamRoles', (c, p) => new TeamRoles(c, 'x', p), {}, 'groupPrefix', 5],
  ['Namespace', (c, p) => new Namespace(c, 'x', p), {}, 'limits', true],
  ['LimitRange', (c, p) => new LimitRange(c, 'x', p), {}, 'minStorage', 1],
  ['ResourceQuota', (c, p) => new ResourceQuota(c, 'x', p), {}, 'pods', '10'],
  ['ClusterBaseline', (c, p) => new ClusterBaseline(c, 'x', p), {}, 'teams', 'all'],
  ['AuditPolicy', (c, p) => new AuditPolicy(c, 'x', p), { rules: [{ level: AuditLevel.METADATA }] }, 'omitManagedFields', 1],
  ['PersistentVolumeClaim', (c, p) => new PersistentVolumeClaim(c, 'x', p), { size: '1Gi' }, 'size', 1],
  ['PersistentVolume', (c, p) => new PersistentVolume(c, 'x', p), { source: PersistentVolumeSource.nfs('nfs.example.com', '/x'), size: '1Gi' }, 'source', { nfs: {} }],
  ['StorageClass', (c, p) => new StorageClass(c, 'x', p), { provisioner: 'ebs.csi.aws.com' }, 'mountOptions', 'ro'],
  ['ArgoCdProject', (c, p) => new ArgoCdProject(c, 'x', p), { sourceRepos: [REPO] }, 'sourceRepos', REPO],
  ['ArgoCdApplication', (c, p) => new ArgoCdApplication(c, 'x', { project: new ArgoCdProject(c, 'p', { sourceRepos: [REPO] }), ...p }), { repoURL: REPO, path: 'dist/dev/x' }, 'path', ['dist']],
];

const generated: BadInput[] = constructs.flatMap(([name, make, valid, field, wrong]) => [
  { name: `${name}: unknown field`, platform: stack((chart) => make(chart, { ...valid, colour: 'red' })), path: 'dev/test/x', field: 'colour', value: 'red' },
  { name: `${name}: ${field} of the wrong type`, platform: stack((chart) => make(chart, { ...valid, [field]: wrong })), path: 'dev/test/x', field, value: wrong },
]);

const svc = (ports: object[]) => stack((chart) => new Service(chart, 'svc', { target: new Deployment(chart, 'web', { containers: [web, { ...db, name: 'side' }] }), ports: ports as any }));
const deployment = (props: object) => stack((chart) => new Deployment(chart, 'web', { containers: [web], ...props }));
const hpa = (metrics: Metric[]) => stack((chart) => new HorizontalPodAutoscaler(chart, 'hpa', { target: new Deployment(chart, 'web', { containers: [web] }), metrics }), ENV.stage);

/** The refusals of limits and of factory arguments, carried by the value and reported where it is used. */
const limitsAndFactories: BadInput[] = [
  { name: 'Service port name', platform: svc([{ port: 80, targetPort: 'http', name: 'Bad_Name' }]), path: 'dev/test/svc', field: 'ports[0].name', value: 'Bad_Name' },
  { name: 'Service port twice', platform: svc([{ port: 80, targetPort: 'http', name: 'a' }, { port: 80, targetPort: 'pg', name: 'b' }]), path: 'dev/test/svc', field: 'ports[1].port', value: 80 },
  { name: 'Service target port 0', platform: svc([{ port: 80, targetPort: 0 }]), path: 'dev/test/svc', field: 'ports[0].targetPort', value: 0 },
  { name: 'Service target port name too long', platform: svc([{ port: 80, targetPort: 'much-too-long-name' }]), path: 'dev/test/svc', field: 'ports[0].targetPort', value: 'much-too-long-name' },
  { name: 'Secret over 1 MiB', platform: stack((chart) => new Secret(chart, 's', { data: { big: SecretValue.nonSensitive('x'.repeat(1024 * 1024)) } })), path: 'dev/test/s', field: 'data', value: `${1024 * 1024 + 3} bytes` },
  { name: 'emptyDir size limit', platform: deployment({ volumes: [Volume.emptyDir('cache', { sizeLimit: 'lots' })] }), path: W, field: 'pod.volumes.cache.sizeLimit', value: 'lots' },
  { name: 'LimitRange amount 0', platform: stack((chart) => new LimitRange(chart, 'lr', { min: { cpu: Cpu.millis(0) } })), path: 'dev/test/lr', field: 'min.cpu', value: 0 },
  { name: 'ResourceQuota amount not finite', platform: stack((chart) => new ResourceQuota(chart, 'q', { requestsCpu: Cpu.cores(Infinity) })), path: 'dev/test/q', field: 'requestsCpu', value: 'Infinity' },
  { name: 'annotation key', platform: stack((chart) => new Deployment(chart, 'web', { containers: [web] }).pod.addAnnotation('bad key', 'x')), path: 'dev/test/web/Resource', field: 'spec.template.metadata.annotations.bad key', value: 'bad key' },
  { name: 'annotations over 256 KiB', platform: stack((chart) => new Deployment(chart, 'web', { containers: [web] }).pod.addAnnotation('example.com/big', 'x'.repeat(300_000))), path: 'dev/test/web/Resource', field: 'spec.template.metadata.annotations', value: `${300_000 + 15} bytes` },
  { name: 'Probe port null', platform: container({ readiness: Probe.fromTcpSocket(js(null)) }), path: W, field: `pod.${c0}.readiness.port`, value: null },
  { name: 'Probe timing unknown field', platform: container({ readiness: Probe.fromTcpSocket('http', js({ period: 5 })) }), path: W, field: `pod.${c0}.readiness.period`, value: 5 },
  { name: 'Volume name not a string', platform: deployment({ volumes: [Volume.emptyDir(js(5))] }), path: W, field: 'pod.volumes.5.name', value: 5 },
  { name: 'Resources preset unknown', platform: container({ resources: Resources.preset(js('huge')) }), path: W, field: `pod.${c0}.resources.size`, value: 'huge' },
  { name: 'CronSchedule expression not a string', platform: stack((chart) => new CronJob(chart, 'cron', { schedule: CronSchedule.expression(js(5)), containers: [web] })), path: 'dev/test/cron', field: 'schedule', value: 5 },
  { name: 'PodCount not a number', platform: deployment({ strategy: DeploymentStrategy.rollingUpdate({ maxUnavailable: PodCount.count(js('1')) }) }), path: W, field: 'strategy.maxUnavailable', value: '1' },
  { name: 'Metric percent not a number', platform: hpa([Metric.cpuUtilization(js('80'))]), path: 'stage/test/hpa', field: 'metrics[0].percent', value: '80' },
  { name: 'NetworkPeer name not a string', platform: stack((chart) => new NetworkPolicy(chart, 'np', { ingress: [{ peers: [NetworkPeer.cidr(js(5), '10.0.0.0/8')] }] })), path: 'dev/test/np', field: 'ingress[0].peers[0].name', value: 5 },
  { name: 'Subject name not a string', platform: stack((chart) => new RoleBinding(chart, 'rb', { role: { kind: 'ClusterRole', name: 'view' }, subjects: [Subject.user(js(5))] })), path: 'dev/test/rb', field: 'subjects[0].name', value: 5 },
  { name: 'SecretValue not a string', platform: stack((chart) => new Secret(chart, 's', { data: { a: SecretValue.nonSensitive(js(5)) } })), path: 'dev/test/s', field: 'data.a', value: 5 },
  { name: 'PersistentVolumeSource server not a string', platform: stack((chart) => new PersistentVolume(chart, 'pv', { size: '1Gi', source: PersistentVolumeSource.nfs(js(5), '/x') })), path: 'dev/test/pv', field: 'source.server', value: 5 },
  { name: 'VolumeClaimTemplate unknown option', platform: stack((chart) => {
    const claim = VolumeClaimTemplate.readWriteOnce('data', '1Gi', js({ storageClass: 'fast' }));
    new StatefulSet(chart, 'db', { containers: [{ ...db, mounts: [{ volume: claim.volume, path: '/data' }] }], ports: [{ port: 5432, targetPort: 'pg' }], volumeClaimTemplates: [claim] });
  }), path: 'dev/test/db', field: 'volumeClaimTemplates[0].storageClass', value: 'fast' },
  { name: 'StatefulSetUpdateStrategy partition not a number', platform: stack((chart) => new StatefulSet(chart, 'db', { containers: [db], ports: [{ port: 5432, targetPort: 'pg' }], updateStrategy: StatefulSetUpdateStrategy.rollingUpdate(js({ partition: '1' })) })), path: 'dev/test/db', field: 'updateStrategy.partition', value: '1' },
  { name: 'EnvValue field path not a string', platform: container({ env: { POD: EnvValue.fromField(js(5)) } }), path: W, field: `pod.${c0}.env.POD.fieldPath`, value: 5 },
  { name: 'PersistentVolumeClaim access mode', platform: stack((chart) => new PersistentVolumeClaim(chart, 'pvc', { size: '1Gi', accessModes: [js(AccessMode.READ_WRITE_ONCE), js(5)] })), path: 'dev/test/pvc', field: 'accessModes[1]', value: 5 },
  { name: 'Environment unknown field', platform: stack(() => undefined, Environment.dev(js({ baseDomain: 'dev.example.com', colour: 'red' }))), path: 'dev', field: 'environment.colour', value: 'red' },
  { name: 'Platform stack without define', platform: new Platform(js({ environments: [ENV.dev], stacks: [{ name: 'test' }] })), path: 'platform', field: 'stacks[0].define', value: undefined },
  { name: 'pod pattern without container', platform: stack((chart) => Sidecar.add(new Deployment(chart, 'web', { containers: [web] }), js({}))), path: W, field: 'Sidecar.add.container', value: undefined },
  { name: 'Argo CD delivery without repository', platform: new Platform({ environments: [ENV.dev], stacks: [argoCdDelivery(js({ apps: [] }))] }), path: 'dev/argocd', field: 'repoURL', value: undefined },
];

const project = (chart: AppChart) => new ArgoCdProject(chart, 'project', { sourceRepos: [REPO] });
const app = (props: object) => stack((chart) => new ArgoCdApplication(chart, 'app', { project: project(chart), repoURL: REPO, path: 'dist/dev/app', ...props }));
const webIn = (chart: AppChart) => new Deployment(chart, 'web', { containers: [web] });

/** Refusals of constructs the other corpora leave out. */
const others: BadInput[] = [
  { name: 'PersistentVolume Recycle', platform: stack((chart) => new PersistentVolume(chart, 'pv', { size: '1Gi', source: PersistentVolumeSource.nfs('nfs.example.com', '/x'), reclaimPolicy: ReclaimPolicy.RECYCLE })), path: 'dev/test/pv', field: 'reclaimPolicy', value: 'Recycle' },
  { name: 'PersistentVolume unknown reclaim policy', platform: stack((chart) => new PersistentVolume(chart, 'pv', { size: '1Gi', source: PersistentVolumeSource.nfs('nfs.example.com', '/x'), reclaimPolicy: js('Keep') })), path: 'dev/test/pv', field: 'reclaimPolicy', value: 'Keep' },
  { name: 'PersistentVolume with two sources', platform: stack((chart) => new PersistentVolume(chart, 'pv', { size: '1Gi', source: PersistentVolumeSource.of({ nfs: { server: 's', path: '/x' }, hostPath: { path: '/y' } }) })), path: 'dev/test/pv', field: 'source', value: ['nfs', 'hostPath'] },
  { name: 'PersistentVolume size', platform: stack((chart) => new PersistentVolume(chart, 'pv', { size: 'big', source: PersistentVolumeSource.nfs('nfs.example.com', '/x') })), path: 'dev/test/pv', field: 'size', value: 'big' },
  { name: 'StorageClass Recycle', platform: stack((chart) => new StorageClass(chart, 'sc', { provisioner: 'ebs.csi.aws.com', reclaimPolicy: ReclaimPolicy.RECYCLE })), path: 'dev/test/sc', field: 'reclaimPolicy', value: 'Recycle' },
  { name: 'AppProject without repositories', platform: stack((chart) => new ArgoCdProject(chart, 'p', { sourceRepos: [] })), path: 'dev/test/p', field: 'sourceRepos', value: [] },
  { name: 'AppProject repository URL', platform: stack((chart) => new ArgoCdProject(chart, 'p', { sourceRepos: ['ftp://x'] })), path: 'dev/test/p', field: 'sourceRepos[0]', value: 'ftp://x' },
  { name: 'AppProject namespace', platform: stack((chart) => new ArgoCdProject(chart, 'p', { sourceRepos: [REPO], namespaces: ['Bad_NS'] })), path: 'dev/test/p', field: 'namespaces[0]', value: 'Bad_NS' },
  { name: 'AppProject server', platform: stack((chart) => new ArgoCdProject(chart, 'p', { sourceRepos: [REPO], server: 'http://k8s' })), path: 'dev/test/p', field: 'server', value: 'http://k8s' },
  { name: 'Application repository not in the project', platform: app({ repoURL: 'https://git.example.com/other.git' }), path: 'dev/test/app', field: 'repoURL', value: 'https://git.example.com/other.git' },
  { name: 'Application namespace not in the project', platform: app({ namespace: 'elsewhere' }), path: 'dev/test/app', field: 'namespace', value: 'elsewhere' },
  { name: 'Application path', platform: app({ path: '../dist' }), path: 'dev/test/app', field: 'path', value: '../dist' },
  { name: 'progress deadline not above minReadySeconds', platform: deployment({ progressDeadlineSeconds: 10, minReadySeconds: 10 }), path: W, field: 'progressDeadlineSeconds', value: 10 },
  { name: 'negative revisionHistoryLimit', platform: deployment({ revisionHistoryLimit: -1 }), path: W, field: 'revisionHistoryLimit', value: -1 },
  { name: 'startup budget below the declared start time', platform: container({ startup: ProbePresets.slowStart(HealthCheck.tcpSocket('http'), { worstCaseStartSeconds: 60 }).withTiming({ failureThreshold: 2 }) }), path: W, field: `pod.${c0}.startup.failureThreshold`, value: 2 },
  { name: 'declared start time not positive', platform: container({ startup: Probe.fromTcpSocket('http').coveringStartOf(-1) }), path: W, field: `pod.${c0}.startup.worstCaseStartSeconds`, value: -1 },
  { name: 'pod group 0', platform: deployment({ identity: { group: 0 } }), path: W, field: 'pod.identity.group', value: 0 },
  { name: 'allowance to a port the pods lack', platform: stack((chart) => new Isolation(chart, 'net', { baseline: false }).allowFromIngressController(webIn(chart), [9999])), path: 'dev/test/net', field: 'web-from-ingress-controller.ports[0]', value: 9999 },
  { name: 'allowance without ports', platform: stack((chart) => new Isolation(chart, 'net', { baseline: false }).allowFromIngressController(webIn(chart), [])), path: 'dev/test/net', field: 'web-from-ingress-controller.ports', value: [] },
  { name: 'allowance port of the wrong type', platform: stack((chart) => new Isolation(chart, 'net', { baseline: false }).allowFromIngressController(webIn(chart), js([true]))), path: 'dev/test/net', field: 'ports[0]', value: true },
  { name: 'Ingress class name', platform: stack((chart) => new Ingress(chart, 'ing', { ingressClassName: 'Bad Class', rules: [{ host: 'web.dev.example.com', paths: [{ path: '/', backend: { service: new Service(chart, 'svc', { target: webIn(chart), ports: [{ port: 80, targetPort: 'http' }] }) } }] }] })), path: 'dev/test/ing', field: 'ingressClassName', value: 'Bad Class' },
  { name: 'Namespace name', platform: stack((chart) => new Namespace(chart, 'ns', { name: 'Bad_NS' })), path: 'dev/test/ns', field: 'name', value: 'Bad_NS' },
  { name: 'ServiceAccount name', platform: stack((chart) => new ServiceAccount(chart, 'sa', { name: 'Bad_SA' })), path: 'dev/test/sa', field: 'name', value: 'Bad_SA' },
  { name: 'waiver of an unknown rule', platform: stack((chart) => Waiver.add(webIn(chart), js('NOPE'), 'reason')), path: W, field: 'waiver.rule', value: 'NOPE' },
  { name: 'waiver without a reason', platform: stack((chart) => Waiver.add(webIn(chart), 'PLT070', js(undefined))), path: W, field: 'waiver.PLT070.reason', value: undefined },
  { name: 'waiver on something that is not a construct', platform: stack(() => Waiver.add(js({}), 'PLT070', 'reason')), path: 'dev/test', field: 'waiver.target', value: 'object' },
  { name: 'construct outside a construct', platform: stack(() => new ConfigMap(js({}), 'cm', { data: {} })), path: 'dev/test', field: 'scope', value: {} },
];

test.each([...corpus, ...generated, ...limitsAndFactories, ...others].map((c) => [c.name, c] as const))('%s', (_name, bad) => expectRefusal(bad));

test('nothing of a refused construct is rendered, and the other problems of the stack are still listed', () => {
  const problems = refusalOf(stack((chart) => {
    new ConfigMap(chart, 'bad-name', { name: 'Bad_Name', data: {} });
    new Deployment(chart, 'web', js({ containers: {} }));
  }));
  expect(problems).toEqual([
    expect.stringMatching(/^\[dev\/test\/bad-name\] name: /),
    expect.stringMatching(/^\[dev\/test\/web\] containers: must be an array/),
  ]);
});
