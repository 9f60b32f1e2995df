import { ConfigMap, Deployment, EnvValue, Ingress, NetworkIsolation, Probe, Service, StackDefinition } from '../../lib';
import { image } from '../images';

/**
 * The journal app from the notes (002, kbp-sample), one component per folder in the notes and
 * one construct group here: the journal-server frontend API reading `journalEntries` from a
 * ConfigMap, a static file server (nginx) with the web pages, and an Ingress whose host is the
 * environment's, routing `/api` to the API and everything else to the file server.
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
    const frontend = new Deployment(chart, 'frontend', {
      name: 'journal-server',
      component: 'frontend',
      containers: [{
        name: 'journal-server',
        image: image('journalServer', env),
        ports: [{ number: 8080, name: 'http' }],
        env: { JOURNAL_ENTRIES: EnvValue.fromConfigMap(config.name, 'journalEntries') },
        readiness: Probe.fromTcpSocket('http', { initialDelaySeconds: 5, periodSeconds: 10 }),
        liveness: Probe.fromTcpSocket('http', { initialDelaySeconds: 15, periodSeconds: 20 }),
        writablePaths: ['/tmp'],
      }],
    });
    const frontendService = new Service(chart, 'frontend-service', { target: frontend, ports: [{ port: 8080, targetPort: 'http' }] });

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
  },
};
