import {
  AccessMode, AppChart, Cpu, Deployment, DeploymentStrategy, DisruptionBudget, ExistingSecret, ExternalSecret, LimitRange, Memory, Namespace,
  PersistentVolumeClaim, Platform, PodCount, PolicyEngine, Probe, ResourceQuota, Secret, SecretValue, Service, ServiceMonitor, StorageClass,
  VolumeBindingMode,
} from '../lib';
import { ENV } from './support/harness';
import { BadInput, expectRefusal } from './support/refusal';

/**
 * Hand-written bad inputs for configuration, storage, availability and cluster constructs: one
 * per refusal, each asserting `[construct path] field: ... (got value). Fix: ...`.
 */

const IMAGE = 'registry.example.com/app:3f2a9c1';
const web = { name: 'web', image: IMAGE, ports: [{ number: 8080, name: 'http' }, { number: 9100, name: 'metrics' }], readiness: Probe.fromHttpGet('/healthz', 'http') };


function stack(define: (chart: AppChart) => void): Platform {
  return new Platform({ environments: [ENV.dev], stacks: [{ name: 'test', define }], checks: [new PolicyEngine()] });
}

const external = (data: Record<string, { key: string }>, refreshInterval?: string) => stack((chart) => new ExternalSecret(chart, 'es', { store: { name: 'vault' }, data, refreshInterval }));
const budget = (props: { maxUnavailable?: PodCount; minAvailable?: PodCount }) => stack((chart) => new DisruptionBudget(chart, 'pdb', { target: new Deployment(chart, 'web', { containers: [web] }), ...props }));
const strategy = (s: DeploymentStrategy) => stack((chart) => new Deployment(chart, 'web', { containers: [web], strategy: s }));
const monitor = (props: { port?: string; path?: string; interval?: string }) => stack((chart) => {
  const service = new Service(chart, 'svc', { target: new Deployment(chart, 'web', { containers: [web] }), name: 'web', ports: [{ port: 80, targetPort: 'http' }, { port: 9100, targetPort: 'metrics' }] });
  new ServiceMonitor(chart, 'monitor', { service, ...props });
});

const corpus: BadInput[] = [
  // Secret, ExistingSecret, ExternalSecret
  { name: 'Secret key', platform: stack((chart) => new Secret(chart, 's', { data: { 'bad key': SecretValue.nonSensitive('x') } })), path: 'dev/test/s', field: 'data.bad key', value: 'bad key' },
  { name: 'Secret value not a SecretValue', platform: stack((chart) => new Secret(chart, 's', { data: { password: 'hunter2' as unknown as SecretValue } })), path: 'dev/test/s', field: 'data.password', value: '<hidden>' },
  { name: 'ExistingSecret without keys', platform: stack((chart) => new ExistingSecret(chart, 'e', { name: 'db', keys: [], createdBy: 'dba' })), path: 'dev/test/e', field: 'keys', value: [] },
  { name: 'ExistingSecret the stack makes', platform: stack((chart) => {
    new Secret(chart, 's', { name: 'db', data: { a: SecretValue.nonSensitive('x') } });
    new ExistingSecret(chart, 'e', { name: 'db', keys: ['a'], createdBy: 'dba' });
  }), path: 'dev/test/e', field: 'name', value: 'db' },
  { name: 'ExternalSecret mapping no keys', platform: external({}), path: 'dev/test/es', field: 'data', value: {} },
  { name: 'ExternalSecret key', platform: external({ 'bad key': { key: 'db/password' } }), path: 'dev/test/es', field: 'data.bad key', value: 'bad key' },
  { name: 'ExternalSecret empty remote key', platform: external({ password: { key: '' } }), path: 'dev/test/es', field: 'data.password.key', value: '' },
  { name: 'ExternalSecret refresh interval', platform: external({ password: { key: 'db/password' } }, 'hourly'), path: 'dev/test/es', field: 'refreshInterval', value: 'hourly' },
  // DisruptionBudget and rollout strategy (PodCount)
  { name: 'budget with both bounds', platform: budget({ maxUnavailable: PodCount.count(1), minAvailable: PodCount.count(1) }), path: 'dev/test/pdb', field: 'minAvailable', value: PodCount.count(1).toString() },
  { name: 'budget blocking every drain', platform: budget({ maxUnavailable: PodCount.count(0) }), path: 'dev/test/pdb', field: 'maxUnavailable', value: PodCount.count(0).toString() },
  { name: 'percentage above 100', platform: budget({ maxUnavailable: PodCount.percent(150) }), path: 'dev/test/pdb', field: 'maxUnavailable', value: PodCount.percent(150).toString() },
  { name: 'negative surge', platform: strategy(DeploymentStrategy.rollingUpdate({ maxSurge: PodCount.count(-1) })), path: 'dev/test/web', field: 'strategy.maxSurge', value: PodCount.count(-1).toString() },
  { name: 'rolling update that cannot progress', platform: strategy(DeploymentStrategy.rollingUpdate({ maxSurge: PodCount.count(0), maxUnavailable: PodCount.count(0) })), path: 'dev/test/web', field: 'strategy.maxUnavailable', value: PodCount.count(0).toString() },
  // Storage
  { name: 'claim size', platform: stack((chart) => new PersistentVolumeClaim(chart, 'pvc', { size: 'big' })), path: 'dev/test/pvc', field: 'size', value: 'big' },
  { name: 'claim without access modes', platform: stack((chart) => new PersistentVolumeClaim(chart, 'pvc', { size: '1Gi', accessModes: [] })), path: 'dev/test/pvc', field: 'accessModes', value: [] },
  { name: 'unknown access mode', platform: stack((chart) => new PersistentVolumeClaim(chart, 'pvc', { size: '1Gi', accessModes: ['ReadWriteSometimes' as AccessMode] })), path: 'dev/test/pvc', field: 'accessModes', value: 'ReadWriteSometimes' },
  { name: 'provisioner name', platform: stack((chart) => new StorageClass(chart, 'sc', { provisioner: 'not a driver!' })), path: 'dev/test/sc', field: 'provisioner', value: 'not a driver!' },
  { name: 'binding mode', platform: stack((chart) => new StorageClass(chart, 'sc', { provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'Later' as VolumeBindingMode })), path: 'dev/test/sc', field: 'volumeBindingMode', value: 'Later' },
  // ServiceMonitor
  { name: 'monitor port that is not a named Service port', platform: monitor({ port: 'prometheus' }), path: 'dev/test/monitor', field: 'port', value: 'prometheus' },
  { name: 'monitor path', platform: monitor({ port: 'metrics', path: 'metrics' }), path: 'dev/test/monitor', field: 'path', value: 'metrics' },
  { name: 'monitor interval', platform: monitor({ port: 'metrics', interval: 'often' }), path: 'dev/test/monitor', field: 'interval', value: 'often' },
  // Namespace, LimitRange, ResourceQuota
  { name: 'Pod Security version', platform: stack((chart) => new Namespace(chart, 'ns', { podSecurityVersion: '1.27' })), path: 'dev/test/ns', field: 'podSecurityVersion', value: '1.27' },
  { name: 'CPU max without a default limit', platform: stack((chart) => new LimitRange(chart, 'lr', { max: { cpu: Cpu.millis(2000) } })), path: 'dev/test/lr', field: 'max.cpu', value: Cpu.millis(2000).toString() },
  { name: 'default limit below default request', platform: stack((chart) => new LimitRange(chart, 'lr', { defaultRequest: { memory: Memory.mebibytes(512) }, defaultLimit: { memory: Memory.mebibytes(256) } })), path: 'dev/test/lr', field: 'defaultLimit.memory', value: Memory.mebibytes(256).toString() },
  { name: 'storage bound not a quantity', platform: stack((chart) => new LimitRange(chart, 'lr', { maxStorage: 'lots' })), path: 'dev/test/lr', field: 'maxStorage', value: 'lots' },
  { name: 'storage max below min', platform: stack((chart) => new LimitRange(chart, 'lr', { minStorage: '10Gi', maxStorage: '1Gi' })), path: 'dev/test/lr', field: 'maxStorage', value: '1Gi' },
  { name: 'negative pod count', platform: stack((chart) => new ResourceQuota(chart, 'rq', { pods: -1 })), path: 'dev/test/rq', field: 'pods', value: -1 },
  { name: 'storage quota not a quantity', platform: stack((chart) => new ResourceQuota(chart, 'rq', { requestsStorage: 'plenty' })), path: 'dev/test/rq', field: 'requestsStorage', value: 'plenty' },
  { name: 'memory limit quota below requests', platform: stack((chart) => new ResourceQuota(chart, 'rq', { requestsMemory: Memory.gibibytes(4), limitsMemory: Memory.gibibytes(2) })), path: 'dev/test/rq', field: 'limitsMemory', value: Memory.gibibytes(2).toString() },
];

test.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, bad) => expectRefusal(bad));
