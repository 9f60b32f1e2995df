import { Deployment, EnvValue, ExternalSecret, Ingress, NetworkIsolation, Probe, Service, Sidecar, StackDefinition } from '../../lib';
import { image } from '../images';

/**
 * nginx with HTTP basic auth in front of an echo server (the notes, 000). The `.htpasswd` file
 * comes from the secret manager through an ExternalSecret (never written here) and is mounted
 * read-only where nginx's BASIC_AUTH_FILE points. The notes expose it on NodePort 30060; here it
 * gets an Ingress host per environment instead, because one node port cannot serve three
 * environments of one cluster.
 */
export const basicAuth: StackDefinition = {
  name: 'basic-auth',
  version: '1.0.0',
  define(chart) {
    const env = chart.environment;
    const htpasswd = new ExternalSecret(chart, 'nginx-secret', {
      name: 'nginx-secret',
      store: { name: 'vault', clusterWide: true },
      data: { '.htpasswd': { key: `${env.name}/basic-auth/htpasswd` } },
    });
    const app = new Deployment(chart, 'basic-auth', {
      containers: [{
        name: 'echo',
        image: image('echo', env),
        ports: [{ number: 8080, name: 'echo' }],
        env: { HTTP_PORT: EnvValue.value('8080') },
        readiness: Probe.fromTcpSocket('echo', { periodSeconds: 10 }),
        liveness: Probe.fromTcpSocket('echo', { initialDelaySeconds: 10, periodSeconds: 20 }),
      }],
    });
    Sidecar.add(app, {
      container: {
        name: 'nginx',
        image: image('nginx', env),
        ports: [{ number: 80, name: 'http' }],
        env: { BACKEND_HOST: EnvValue.value('localhost:8080'), BASIC_AUTH_FILE: EnvValue.value('/etc/nginx/secret/.htpasswd') },
        mounts: [{ volume: htpasswd.volume('nginx-secret'), path: '/etc/nginx/secret', readOnly: true }],
        writablePaths: ['/var/cache/nginx', '/var/run', '/tmp'],
        // nginx binds port 80 as a non-root user: the one capability restricted allows.
        securityExceptions: { addCapabilities: ['NET_BIND_SERVICE'] },
        readiness: Probe.fromTcpSocket('http', { periodSeconds: 10 }),
        liveness: Probe.fromTcpSocket('http', { initialDelaySeconds: 10, periodSeconds: 20 }),
      },
    });
    const service = new Service(chart, 'basic-auth-service', { target: app, ports: [{ port: 80, targetPort: 'http' }] });
    new Ingress(chart, 'ingress', {
      name: 'basic-auth',
      rules: [{ host: env.host('basic-auth'), paths: [{ path: '/', backend: { service } }] }],
    });
    new NetworkIsolation(chart, 'network', { baseline: false }).allowFromIngressController(app, ['http']);
  },
};
