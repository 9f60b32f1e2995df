import {
  AppChart, ContainerProps, Deployment, Environment, HorizontalPodAutoscaler, HorizontalPodAutoscalerProps, Ingress, IngressProps, Job, Metric,
  MetricTarget, Platform, PodManagementPolicy, PolicyEngine, Probe, ScalingBehavior, Service, StatefulSet, StatefulSetProps, StatefulSetUpdateStrategy, Volume, VolumeClaimTemplate,
} from '../lib';
import { ENV } from './support/harness';
import { BadInput, expectRefusal } from './support/refusal';

/**
 * Hand-written bad inputs for the constructs built on the core: autoscaler, StatefulSet,
 * Ingress. One per refusal, each asserting `[construct path] field: ... (got value). Fix: ...`.
 */

const IMAGE = 'registry.example.com/app:3f2a9c1';
const web: ContainerProps = { name: 'web', image: IMAGE, ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'admin' }], readiness: Probe.fromHttpGet('/healthz', 'http') };
const dbContainer = (mounts: ContainerProps['mounts'] = []): ContainerProps => ({ name: 'db', image: IMAGE, ports: [{ number: 5432, name: 'pg' }], readiness: Probe.fromTcpSocket('pg'), mounts });


function stack(define: (chart: AppChart) => void, environment: Environment = ENV.stage): Platform {
  return new Platform({ environments: [environment], stacks: [{ name: 'test', define }], checks: [new PolicyEngine()] });
}

function hpa(props: Partial<HorizontalPodAutoscalerProps>, environment?: Environment): Platform {
  return stack((chart) => new HorizontalPodAutoscaler(chart, 'hpa', { target: new Deployment(chart, 'web', { containers: [web] }), ...props }), environment);
}

function statefulSet(props: Partial<StatefulSetProps>, wire?: (set: StatefulSet) => void): Platform {
  return stack((chart) => {
    const set = new StatefulSet(chart, 'db', { containers: [dbContainer()], ports: [{ port: 5432, targetPort: 'pg' }], replicas: 1, ...props });
    wire?.(set);
  }, ENV.dev);
}

function ingress(props: (service: Service) => Partial<IngressProps>): Platform {
  return stack((chart) => {
    const service = new Service(chart, 'web-service', { target: new Deployment(chart, 'web', { containers: [web] }), name: 'web', ports: [{ port: 80, targetPort: 'http', name: 'http' }, { port: 90, targetPort: 'admin', name: 'admin' }] });
    new Ingress(chart, 'ing', { rules: [], ...props(service) });
  }, ENV.dev);
}

const route = (service: Service, path = '/', port: number | string | undefined = 'http') => ({ path, backend: { service, port } });
const host = 'web.dev.example.com';
const data = VolumeClaimTemplate.readWriteOnce('data', '1Gi');

const corpus: BadInput[] = [
  // HorizontalPodAutoscaler
  { name: 'autoscaler where autoscaling is off', platform: hpa({}, ENV.dev), path: 'dev/test/hpa', field: 'target', value: 'web' },
  { name: 'autoscaler on a Job', platform: stack((chart) => new HorizontalPodAutoscaler(chart, 'hpa', { target: new Job(chart, 'migrate', { containers: [{ name: 'm', image: IMAGE }] }) })), path: 'stage/test/hpa', field: 'target', value: 'Job/migrate' },
  { name: 'autoscaler name', platform: hpa({ name: 'Web_HPA' }), path: 'stage/test/hpa', field: 'name', value: 'Web_HPA' },
  { name: 'minReplicas 0', platform: hpa({ minReplicas: 0 }), path: 'stage/test/hpa', field: 'minReplicas', value: 0 },
  { name: 'maxReplicas 0', platform: hpa({ maxReplicas: 0 }), path: 'stage/test/hpa', field: 'maxReplicas', value: 0 },
  { name: 'minReplicas above maxReplicas', platform: hpa({ minReplicas: 5, maxReplicas: 3 }), path: 'stage/test/hpa', field: 'minReplicas', value: 5 },
  { name: 'no metrics', platform: hpa({ metrics: [] }), path: 'stage/test/hpa', field: 'metrics', value: [] },
  { name: 'utilization 0%', platform: hpa({ metrics: [Metric.cpuUtilization(0)] }), path: 'stage/test/hpa', field: 'metrics[0]', value: 0 },
  { name: 'non-positive quantity', platform: hpa({ metrics: [Metric.cpuAverageValue('0')] }), path: 'stage/test/hpa', field: 'metrics[0]', value: '0' },
  { name: 'metric without name', platform: hpa({ metrics: [Metric.external('', MetricTarget.value('10'))] }), path: 'stage/test/hpa', field: 'metrics[0]', value: '' },
  { name: 'stabilization window too long', platform: hpa({ behavior: ScalingBehavior.gentleScaleDown(5000) }), path: 'stage/test/hpa', field: 'behavior.scaleDown.stabilizationWindowSeconds', value: 5000 },
  // StatefulSet
  { name: 'negative members', platform: statefulSet({ replicas: -1 }), path: 'dev/test/db', field: 'replicas', value: -1 },
  { name: 'negative minReadySeconds', platform: statefulSet({ minReadySeconds: -1 }), path: 'dev/test/db', field: 'minReadySeconds', value: -1 },
  { name: 'negative revisionHistoryLimit', platform: statefulSet({ revisionHistoryLimit: -2 }), path: 'dev/test/db', field: 'revisionHistoryLimit', value: -2 },
  { name: 'unknown pod management policy', platform: statefulSet({ podManagementPolicy: 'Random' as PodManagementPolicy }), path: 'dev/test/db', field: 'podManagementPolicy', value: 'Random' },
  { name: 'negative partition', platform: statefulSet({ updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: -1 }) }), path: 'dev/test/db', field: 'updateStrategy.partition', value: -1 },
  { name: 'partition above the members', platform: statefulSet({ updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 3 }) }), path: 'dev/test/db', field: 'updateStrategy.partition', value: 3 },
  { name: 'unnamed member port', platform: statefulSet({ ports: [{ port: 5432 }] }), path: 'dev/test/db', field: 'ports[0].name', value: 5432 },
  { name: 'DNS name of a missing member', platform: statefulSet({}, (set) => set.memberDnsName(2)), path: 'dev/test/db', field: 'memberDnsName', value: 2 },
  { name: 'claim template nobody mounts', platform: statefulSet({ volumeClaimTemplates: [VolumeClaimTemplate.readWriteOnce('unused', '1Gi')] }), path: 'dev/test/db', field: 'volumeClaimTemplates[0].name', value: 'unused' },
  { name: 'two claim templates with one name', platform: statefulSet({ containers: [dbContainer([{ volume: data.volume, path: '/data' }])], volumeClaimTemplates: [data, VolumeClaimTemplate.readWriteOnce('data', '2Gi')] }), path: 'dev/test/db', field: 'volumeClaimTemplates[1].name', value: 'data' },
  { name: 'claim template named like a pod volume', platform: statefulSet({ containers: [dbContainer([{ volume: Volume.emptyDir('cache'), path: '/cache' }])], volumeClaimTemplates: [VolumeClaimTemplate.readWriteOnce('cache', '1Gi')] }), path: 'dev/test/db', field: 'volumeClaimTemplates[0].name', value: 'cache' },
  // Ingress
  { name: 'Ingress without rules', platform: ingress(() => ({ rules: [] })), path: 'dev/test/ing', field: 'rules', value: [] },
  { name: 'host with a scheme', platform: ingress((s) => ({ rules: [{ host: 'https://web.dev.example.com', paths: [route(s)] }] })), path: 'dev/test/ing', field: 'rules[0].host', value: 'https://web.dev.example.com' },
  { name: 'host without paths', platform: ingress(() => ({ rules: [{ host, paths: [] }] })), path: 'dev/test/ing', field: 'rules[0].paths', value: [] },
  { name: 'relative path', platform: ingress((s) => ({ rules: [{ host, paths: [route(s, 'api')] }] })), path: 'dev/test/ing', field: 'rules[0].paths[0].path', value: 'api' },
  { name: 'path routed twice', platform: ingress((s) => ({ rules: [{ host, paths: [route(s), route(s, '/', 'admin')] }] })), path: 'dev/test/ing', field: 'rules[0].paths[1].path', value: `${host}/` },
  { name: 'no port for a multi-port Service', platform: ingress((s) => ({ rules: [{ host, paths: [{ path: '/', backend: { service: s } }] }] })), path: 'dev/test/ing', field: 'rules[0].paths[0].backend.port', value: undefined },
  { name: 'port the Service lacks', platform: ingress((s) => ({ rules: [{ host, paths: [route(s, '/', 8443)] }] })), path: 'dev/test/ing', field: 'rules[0].paths[0].backend.port', value: 8443 },
];

test.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, bad) => expectRefusal(bad));
