import { createHash } from 'crypto';
import {
  ConfigMap, Deployment, Environment, EnvValue, ExistingSecret, HealthCheck, HorizontalPodAutoscaler, ImagePolicy, Metric, NetworkIsolation,
  NetworkPolicy, NetworkPeer, Platform, PolicyEngine, PolicyType, ProbePresets, Resources, ResourceSize, Service, Sidecar,
  StackDefinition,
} from '../lib';

/** The benchmark's environments: the shipped presets. */
export const FLEET_ENVIRONMENTS: Environment[] = [
  Environment.dev({ baseDomain: 'dev.example.com' }),
  Environment.stage({ baseDomain: 'stage.example.com' }),
  Environment.prod({ baseDomain: 'example.com' }),
];

/** `svc-0007`: stable, sortable service names. */
export function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** A deterministic fake digest, so that prod (immutable images) has one per image. */
export function digestOf(repository: string): string {
  return `sha256:${createHash('sha256').update(repository).digest('hex')}`;
}

/** Image reference the environment's policy accepts: a version tag, or a digest where required. */
export function imageFor(repository: string, tag: string, environment: Environment): string {
  return environment.imagePolicy === ImagePolicy.IMMUTABLE ? `${repository}@${digestOf(repository)}` : `${repository}:${tag}`;
}

export const APP_REGISTRY = 'registry.example.com/fleet';
export const APP_TAG = '1.0.0';
export const SIDECAR_REPOSITORY = 'fluent/fluent-bit';
export const SIDECAR_TAG = '2.2.0';
export const APP_CONF = 'listen = 0.0.0.0:8080\nlog_dir = /var/log/app\n';

/**
 * One service of the fleet, built with the library's high-level constructs: a ConfigMap, a
 * Deployment (app + log-shipping sidecar, readiness/liveness presets, secret-backed env), a
 * Service, and a NetworkPolicy letting the ingress controller in; stage and prod add a
 * HorizontalPodAutoscaler (autoscaling) and a PodDisruptionBudget (high availability).
 */
export function fleetService(name: string, tag = APP_TAG): StackDefinition {
  return {
    name,
    version: tag,
    define(chart) {
      const env = chart.environment;
      const config = new ConfigMap(chart, 'config', {
        name: `${name}-config`,
        component: 'api',
        data: { LOG_LEVEL: env.name === 'prod' ? 'info' : 'debug', 'app.conf': APP_CONF },
      });
      const db = new ExistingSecret(chart, 'db', { name: `${name}-db`, keys: ['password'], createdBy: 'the database operator' });
      const api = new Deployment(chart, 'api', {
        name,
        component: 'api',
        containers: [{
          name: 'app',
          image: imageFor(`${APP_REGISTRY}/${name}`, tag, env),
          ports: [{ number: 8080, name: 'http' }],
          env: {
            LOG_LEVEL: EnvValue.fromConfigMap(config.name, 'LOG_LEVEL'),
            DB_PASSWORD: db.env('password'),
          },
          resources: Resources.preset(ResourceSize.SMALL),
          readiness: ProbePresets.readiness(HealthCheck.httpGet('/healthz', 'http')),
          liveness: ProbePresets.liveness(HealthCheck.httpGet('/livez', 'http')),
          writablePaths: ['/tmp'],
        }],
      });
      Sidecar.add(api, {
        container: {
          name: 'log-shipper',
          image: imageFor(SIDECAR_REPOSITORY, SIDECAR_TAG, env),
          resources: Resources.preset(ResourceSize.NANO),
        },
        shares: [{ name: 'logs', path: '/var/log/app' }],
      });
      new Service(chart, 'service', { target: api, ports: [{ port: 80, targetPort: 'http' }] });
      HorizontalPodAutoscaler.ifEnabled(chart, 'autoscaler', { target: api, metrics: [Metric.cpuUtilization(70)] });
      new NetworkIsolation(chart, 'network', { baseline: false }).allowFromIngressController(api, ['http']);
    },
  };
}

/** The namespace baseline once per environment: deny everything, then allow DNS. */
export const fleetBaseline: StackDefinition = {
  name: 'baseline',
  version: APP_TAG,
  define(chart) {
    new NetworkPolicy(chart, 'default-deny', { name: 'default-deny', policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS] });
    new NetworkPolicy(chart, 'allow-dns', {
      name: 'allow-dns',
      egress: [{
        peers: [NetworkPeer.namespace('kube-system', { 'k8s-app': 'kube-dns' })],
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      }],
    });
  },
};

/** The fleet: the baseline and `n` services, released as `tag` (a new tag changes every service's files). */
export function fleetStacks(n: number, tag = APP_TAG): StackDefinition[] {
  return [fleetBaseline, ...Array.from({ length: n }, (_, i) => fleetService(serviceName(i), tag))];
}

/**
 * The fleet's Platform, as `cdk8s synth` runs the shipped one: every environment, the policy
 * engine (told that the database Secrets are made outside the repository).
 */
export function fleetPlatform(n: number, tag = APP_TAG): Platform {
  const secrets = Array.from({ length: n }, (_, i) => `${serviceName(i)}-db`);
  return new Platform({ environments: FLEET_ENVIRONMENTS, stacks: fleetStacks(n, tag), checks: [new PolicyEngine({ external: { secrets } })] });
}
