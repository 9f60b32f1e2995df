import {
  AppChart, ConfigMap, ContainerProps, Cpu, Deployment, DeploymentProps, Environment, EnvValue, Memory, Platform, PolicyEngine, Probe, Resources,
  Service, ServicePort, StackDefinition, Volume,
} from '../lib';
import { ENV } from './support/harness';
import { BadInput, expectRefusal, refusalOf } from './support/refusal';

/**
 * Hand-written bad inputs: one per refusal of the core constructs. Each entry changes one thing
 * in an otherwise valid stack and asserts the exact line: `[construct path] field: ... (got value). Fix: ...`.
 */

const IMAGE = 'registry.example.com/web:3f2a9c1';
const good: ContainerProps = { name: 'web', image: IMAGE, ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/healthz', 'http') };


function stack(define: (chart: AppChart) => void, environment: Environment = ENV.dev, extra: Partial<StackDefinition> = {}): Platform {
  return new Platform({ environments: [environment], stacks: [{ name: 'test', define, ...extra }], checks: [new PolicyEngine()] });
}

/** A Deployment `web` with its first container changed. */
function container(change: Partial<ContainerProps>, environment?: Environment): Platform {
  return deployment({ containers: [{ ...good, ...change }] }, environment);
}

function deployment(props: Partial<DeploymentProps>, environment?: Environment): Platform {
  return stack((chart) => new Deployment(chart, 'web', { containers: [good], ...props }), environment);
}

function service(ports: ServicePort[], name?: string): Platform {
  return stack((chart) => new Service(chart, 'svc', { target: new Deployment(chart, 'web', { containers: [good] }), ports, name }));
}

const cfg = (options: object) => Volume.fromConfigMap('cfg', 'settings', options);
const withSettings = (props: Partial<DeploymentProps>) => stack((chart) => {
  new ConfigMap(chart, 'settings', { data: { a: '1' } });
  new Deployment(chart, 'web', { containers: [good], ...props });
});

const c0 = 'pod.containers[0]';
const W = 'dev/test/web';
const shared = Volume.emptyDir('data');

const corpus: BadInput[] = [
  // Container
  { name: 'container name not a DNS label', platform: container({ name: 'Web_1' }), path: W, field: `${c0}.name`, value: 'Web_1' },
  { name: 'image without tag', platform: container({ image: 'nginx' }), path: W, field: `${c0}.image`, value: 'nginx' },
  { name: 'image :latest', platform: container({ image: 'nginx:latest' }), path: W, field: `${c0}.image`, value: 'nginx:latest' },
  { name: 'mutable image in prod', platform: container({ image: 'nginx:1.25' }, ENV.prod), path: 'prod/test/web', field: `${c0}.image`, value: 'nginx:1.25' },
  { name: 'unparsable image', platform: container({ image: 'Not An Image' }), path: W, field: `${c0}.image`, value: 'Not An Image' },
  { name: 'env var name', platform: container({ env: { '1BAD': EnvValue.value('x') } }), path: W, field: `${c0}.env.1BAD`, value: '1BAD' },
  { name: 'credential as a literal env value', platform: container({ env: { DB_PASSWORD: EnvValue.value('hunter2') } }), path: W, field: `${c0}.env.DB_PASSWORD`, value: '<hidden>' },
  { name: 'port out of range', platform: container({ ports: [{ number: 70000 }], readiness: undefined }), path: W, field: `${c0}.ports[0].number`, value: 70000 },
  { name: 'port name too long', platform: container({ ports: [{ number: 8080, name: 'way-too-long-port' }], readiness: undefined }), path: W, field: `${c0}.ports[0].name`, value: 'way-too-long-port' },
  { name: 'probe on an undeclared port', platform: container({ readiness: Probe.fromTcpSocket(9999) }), path: W, field: `${c0}.readiness.port`, value: 9999 },
  { name: 'liveness successThreshold', platform: container({ liveness: Probe.fromTcpSocket('http', { successThreshold: 2, periodSeconds: 20 }) }), path: W, field: `${c0}.liveness.successThreshold`, value: 2 },
  { name: 'liveness identical to readiness', platform: container({ liveness: Probe.fromHttpGet('/healthz', 'http') }), path: W, field: `${c0}.liveness`, value: Probe.fromHttpGet('/healthz', 'http').check },
  { name: 'relative mount path', platform: container({ mounts: [{ volume: Volume.emptyDir('data'), path: 'data' }] }), path: W, field: `${c0}.mounts[0].path`, value: 'data' },
  { name: 'two mounts on one path', platform: container({ mounts: [{ volume: shared, path: '/data' }, { volume: Volume.emptyDir('other'), path: '/data' }] }), path: W, field: `${c0}.mounts[1].path`, value: '/data' },
  { name: 'capability beyond restricted', platform: container({ securityExceptions: { addCapabilities: ['SYS_ADMIN'] } }), path: W, field: `${c0}.securityExceptions.addCapabilities`, value: 'SYS_ADMIN' },
  // Resources
  { name: 'zero CPU', platform: container({ resources: Resources.of({ cpu: Cpu.millis(0), memory: Memory.mebibytes(64) }) }), path: W, field: `${c0}.resources.cpu`, value: 0 },
  { name: 'CPU limit below request', platform: container({ resources: Resources.of({ cpu: Cpu.millis(200), memory: Memory.mebibytes(64), cpuLimit: Cpu.millis(100) }) }), path: W, field: `${c0}.resources.cpuLimit`, value: Cpu.millis(100).toString() },
  { name: 'memory limit below request', platform: container({ resources: Resources.of({ cpu: Cpu.millis(100), memory: Memory.mebibytes(256), memoryLimit: Memory.mebibytes(128) }) }), path: W, field: `${c0}.resources.memoryLimit`, value: Memory.mebibytes(128).toString() },
  // Probe
  { name: 'probe period 0', platform: container({ readiness: Probe.fromHttpGet('/healthz', 'http', { periodSeconds: 0 }) }), path: W, field: `${c0}.readiness.periodSeconds`, value: 0 },
  { name: 'probe timeout not below period', platform: container({ readiness: Probe.fromHttpGet('/healthz', 'http', { periodSeconds: 5, timeoutSeconds: 5 }) }), path: W, field: `${c0}.readiness.timeoutSeconds`, value: 5 },
  { name: 'HTTP probe path without /', platform: container({ readiness: Probe.fromHttpGet('healthz', 'http') }), path: W, field: `${c0}.readiness.path`, value: 'healthz' },
  { name: 'exec probe without command', platform: container({ readiness: Probe.fromCommand([]) }), path: W, field: `${c0}.readiness.command`, value: [] },
  // PodTemplate
  { name: 'pod without containers', platform: deployment({ containers: [] }), path: W, field: 'pod.containers', value: [] },
  { name: 'duplicate container name', platform: deployment({ containers: [good, { ...good, ports: [], readiness: undefined }] }), path: W, field: 'pod.containers[1].name', value: 'web' },
  { name: 'two containers on one port', platform: deployment({ containers: [good, { name: 'side', image: IMAGE, ports: [{ number: 8080 }] }] }), path: W, field: 'pod.containers[1].ports', value: 8080 },
  { name: 'two ports with one name', platform: deployment({ containers: [good, { name: 'side', image: IMAGE, ports: [{ number: 9090, name: 'http' }] }] }), path: W, field: 'pod.containers[1].ports', value: 'http' },
  { name: 'volume name not a DNS label', platform: deployment({ volumes: [Volume.emptyDir('Bad_Vol')] }), path: W, field: 'pod.volumes.Bad_Vol.name', value: 'Bad_Vol' },
  { name: 'two volumes with one name', platform: deployment({ volumes: [Volume.emptyDir('data'), Volume.emptyDir('data')] }), path: W, field: 'pod.volumes.data', value: 'data' },
  { name: 'root user', platform: deployment({ identity: { user: 0 } }), path: W, field: 'pod.identity.user', value: 0 },
  // Volume
  { name: 'file mode out of range', platform: withSettings({ volumes: [cfg({ defaultMode: 0o1000 })] }), path: W, field: 'pod.volumes.cfg.defaultMode', value: 0o1000 },
  { name: 'projected path escaping the mount', platform: withSettings({ volumes: [cfg({ items: [{ key: 'a', path: '../a' }] })] }), path: W, field: 'pod.volumes.cfg.items[0].path', value: '../a' },
  { name: 'two projected keys on one file', platform: withSettings({ volumes: [cfg({ items: [{ key: 'a', path: 'x' }, { key: 'a', path: 'x' }] })] }), path: W, field: 'pod.volumes.cfg.items[1].path', value: 'x' },
  // Deployment
  { name: 'negative replicas', platform: deployment({ replicas: -1 }), path: W, field: 'replicas', value: -1 },
  { name: 'workload name', platform: deployment({ name: 'Web' }), path: W, field: 'name', value: 'Web' },
  // Service
  { name: 'Service name', platform: service([{ port: 80, targetPort: 'http' }], 'Svc'), path: 'dev/test/svc', field: 'name', value: 'Svc' },
  { name: 'Service without ports', platform: service([]), path: 'dev/test/svc', field: 'ports', value: [] },
  { name: 'Service target port not on the pods', platform: service([{ port: 80, targetPort: 9999 }]), path: 'dev/test/svc', field: 'ports[0].targetPort', value: 9999 },
  { name: 'unnamed port of a multi-port Service', platform: service([{ port: 80, targetPort: 'http' }, { port: 8080 }]), path: 'dev/test/svc', field: 'ports[1].name', value: undefined },
  // ConfigMap
  { name: 'ConfigMap name', platform: stack((chart) => new ConfigMap(chart, 'cm', { name: 'Bad_CM', data: {} })), path: 'dev/test/cm', field: 'name', value: 'Bad_CM' },
  { name: 'ConfigMap key', platform: stack((chart) => new ConfigMap(chart, 'cm', { data: { 'bad key': 'x' } })), path: 'dev/test/cm', field: 'data.bad key', value: 'bad key' },
  // AppChart, Environment, Platform
  { name: 'app name', platform: new Platform({ environments: [ENV.dev], stacks: [{ name: 'Bad_App', define: () => undefined }] }), path: 'dev/Bad_App', field: 'app name', value: 'Bad_App' },
  { name: 'app version', platform: stack(() => undefined, ENV.dev, { version: 'v 1' }), path: 'dev/test', field: 'version', value: 'v 1' },
  { name: 'environment replicas', platform: stack(() => undefined, Environment.of({ name: 'dev', replicas: 0, baseDomain: 'dev.example.com' })), path: 'dev', field: 'environment.replicas', value: 0 },
  { name: 'environment resource scale', platform: stack(() => undefined, Environment.of({ name: 'dev', replicas: 1, resourceScale: 0, baseDomain: 'dev.example.com' })), path: 'dev', field: 'environment.resourceScale', value: 0 },
  { name: 'environment autoscaling bounds', platform: stack(() => undefined, Environment.of({ name: 'dev', replicas: 1, baseDomain: 'dev.example.com', autoscaling: { minReplicas: 3, maxReplicas: 2 } })), path: 'dev', field: 'environment.autoscaling', value: { minReplicas: 3, maxReplicas: 2 } },
  { name: 'environment name', platform: stack(() => undefined, Environment.of({ name: 'Dev', namespace: 'dev', replicas: 1, baseDomain: 'dev.example.com' })), path: 'Dev', field: 'environment.name', value: 'Dev' },
  { name: 'environment base domain', platform: stack(() => undefined, Environment.of({ name: 'dev', replicas: 1, baseDomain: 'Example_COM' })), path: 'dev', field: 'environment.baseDomain', value: 'Example_COM' },
  { name: 'stack defined twice', platform: new Platform({ environments: [ENV.dev], stacks: [{ name: 'test', define: () => undefined }, { name: 'test', define: () => undefined }] }), path: 'test', field: 'stack name', value: 'test' },
  { name: 'stack for an unknown environment', platform: stack(() => undefined, ENV.dev, { environments: ['qa'] }), path: 'test', field: 'environments', value: 'qa' },
  { name: 'unknown environment selected', platform: new Platform({ environments: [ENV.dev], stacks: [], only: ['qa'] }), path: 'platform', field: 'only', value: 'qa' },
];

test.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, bad) => expectRefusal(bad));

test('corpus entries are distinct refusals', () => {
  const keys = corpus.map((c) => `${c.path} ${c.field} ${JSON.stringify(c.value)}`);
  expect(keys.length).toBeGreaterThanOrEqual(45);
  expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
});

test('a value the cdk8s serializer cannot render is a problem of its object, not an unhandled exception', () => {
  // cdk8s's resolver reads `obj.constructor.name`, so a data key named "constructor" breaks it.
  const problems = refusalOf(stack((chart) => new ConfigMap(chart, 'cm', { data: { constructor: 'x' } })));
  expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/cm\/Resource\] object: cannot be serialized by cdk8s: .* \(got "ConfigMap"\)\. Fix: .*"constructor"/)]);
});
