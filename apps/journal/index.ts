import {
  Adapter, ConfigMap, Deployment, EnvValue, ExternalSecret, HorizontalPodAutoscaler, Ingress, NetworkIsolation, NetworkPeer, NetworkPolicy, Probe, ScalingBehavior, Service, ServiceMonitor,
  StackDefinition, StatefulSet, VolumeClaimTemplate,
} from '../../lib';
import { image } from '../images';

/**
 * The journal app from the notes (002, kbp-sample), one component per folder in the notes and
 * one construct group here: the journal-server frontend API reading `journalEntries` from a
 * ConfigMap and the redis password from a Secret file, redis as a one-member StatefulSet with its
 * own disk behind a headless Service (stateful → StatefulSet, the notes), a static file server
 * (nginx) with the web pages, and an Ingress whose host is the environment's, routing `/api` to
 * the API and everything else to the file server. A redis exporter (adapter) exposes metrics
 * that Prometheus scrapes through a ServiceMonitor. The API autoscales where the profile allows.
 */
export const journal: StackDefinition = {
  name: 'journal',
  version: '1.4.2',
  define(chart) {
    const env = chart.environment;
    const config = new ConfigMap(chart, 'frontend-config', {
      name: 'journal-frontend-config',
      component: 'frontend',
      data: { journalEntries: '10' },
    });
    // The password lives in the secret manager; the External Secrets Operator writes the Secret.
    const redisPassword = new ExternalSecret(chart, 'redis-password', {
      name: 'journal-redis-password',
      component: 'database',
      store: { name: 'vault', clusterWide: true },
      data: { password: { key: `${env.name}/journal/redis`, property: 'password' } },
    });
    const data = VolumeClaimTemplate.readWriteOnce('data', '1Gi');
    const redis = new StatefulSet(chart, 'redis', {
      name: 'journal-redis',
      component: 'database',
      ports: [{ port: 6379, name: 'redis', targetPort: 'redis' }],
      volumeClaimTemplates: [data],
      containers: [{
        name: 'redis',
        image: image('redis', env),
        command: ['sh', '-c', 'exec redis-server --dir /data --requirepass "$(cat /etc/redis-passwd/password)"'],
        ports: [{ number: 6379, name: 'redis' }],
        readiness: Probe.fromTcpSocket('redis', { periodSeconds: 10 }),
        liveness: Probe.fromTcpSocket('redis', { initialDelaySeconds: 15, periodSeconds: 20 }),
        mounts: [{ volume: data.volume, path: '/data' }, { volume: redisPassword.volume('redis-password'), path: '/etc/redis-passwd' }],
      }],
    });
    Adapter.addMetricsExporter(redis, {
      port: 9121,
      container: {
        name: 'redis-exporter',
        image: image('redisExporter', env),
        env: { REDIS_ADDR: EnvValue.value('redis://localhost:6379'), REDIS_PASSWORD: redisPassword.env('password') },
      },
    });
    const redisMetrics = new Service(chart, 'redis-metrics', { name: 'journal-redis-metrics', target: redis, ports: [{ port: 9121, targetPort: 'metrics' }] });
    new ServiceMonitor(chart, 'redis-monitor', { service: redisMetrics });

    const frontend = new Deployment(chart, 'frontend', {
      name: 'journal-server',
      component: 'frontend',
      containers: [{
        name: 'journal-server',
        image: image('journalServer', env),
        ports: [{ number: 8080, name: 'http' }],
        env: { JOURNAL_ENTRIES: EnvValue.fromConfigMap(config.name, 'journalEntries') },
        // The notes (002): the password as a file, on a RAM-backed volume, not in the environment.
        mounts: [{ volume: redisPassword.volume('passwd-volume'), path: '/etc/redis-passwd' }],
        readiness: Probe.fromTcpSocket('http', { initialDelaySeconds: 5, periodSeconds: 10 }),
        liveness: Probe.fromTcpSocket('http', { initialDelaySeconds: 15, periodSeconds: 20 }),
        writablePaths: ['/tmp'],
      }],
    });
    const frontendService = new Service(chart, 'frontend-service', { target: frontend, ports: [{ port: 8080, targetPort: 'http' }] });
    // Where the profile enables autoscaling (stage, prod), the API scales on CPU within its bounds.
    HorizontalPodAutoscaler.ifEnabled(chart, 'frontend-autoscaler', { target: frontend, behavior: ScalingBehavior.gentleScaleDown() });

    const fileserver = new Deployment(chart, 'fileserver', {
      name: 'journal-fileserver',
      component: 'fileserver',
      containers: [{
        name: 'nginx',
        image: image('fileServer', env),
        ports: [{ number: 8080, name: 'http' }],
        readiness: Probe.fromHttpGet('/', 'http', { periodSeconds: 10 }),
        liveness: Probe.fromHttpGet('/', 'http', { initialDelaySeconds: 10, periodSeconds: 20 }),
        writablePaths: ['/tmp', '/var/cache/nginx'],
      }],
    });
    const fileserverService = new Service(chart, 'fileserver-service', { target: fileserver, ports: [{ port: 80, targetPort: 'http' }] });

    // The notes: a path that contains another must be ordered after it; the Ingress sorts them.
    new Ingress(chart, 'ingress', {
      name: 'journal',
      rules: [{
        host: env.host('journal'),
        paths: [
          { path: '/', backend: { service: fileserverService } },
          { path: '/api', backend: { service: frontendService } },
        ],
      }],
    });
    const network = new NetworkIsolation(chart, 'network', { baseline: false });
    network.allowFromIngressController(frontend, ['http']);
    network.allowFromIngressController(fileserver, ['http']);
    network.allow(frontend, redis, ['redis']);
    new NetworkPolicy(chart, 'redis-from-prometheus', {
      name: 'journal-redis-from-prometheus',
      selector: redis,
      ingress: [{ peers: [NetworkPeer.namespace('monitoring', { 'app.kubernetes.io/name': 'prometheus' })], ports: [{ port: 'metrics' }] }],
    });
  },
};
