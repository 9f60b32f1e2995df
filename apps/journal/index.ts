import { ConfigMap, Deployment, EnvValue, Probe, Service, StackDefinition } from '../../lib';
import { image } from '../images';

/**
 * The journal app from the notes (002, kbp-sample): the journal-server frontend API reading
 * `journalEntries` from a ConfigMap.
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
    new Service(chart, 'frontend-service', { target: frontend, ports: [{ port: 8080, targetPort: 'http' }] });
  },
};
