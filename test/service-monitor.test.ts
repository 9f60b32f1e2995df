import { Adapter, AppChart, Deployment, Environment, Platform, Probe, Service, ServiceMonitor } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';
import { refusalOf } from './support/refusal';

const REDIS = 'redis:7.2.4@sha256:3134997edb04277814aa51a4175a588d45eb4299272f8eff2307bbf8b39e4d43';
const EXPORTER = 'oliver006/redis_exporter:v1.58.0@sha256:7f7c3e8d64c2a2f1c41d2e1e1c3b59e4e7e0a9f45c3f2c1d0b9a8f7e6d5c4b3a';

/** redis with a metrics exporter adapter, its Service exposing both ports. */
function redis(chart: AppChart): Service {
  const workload = new Deployment(chart, 'redis', { containers: [{ name: 'redis', image: REDIS, ports: [{ number: 6379, name: 'redis' }], readiness: Probe.fromTcpSocket('redis') }] });
  Adapter.addMetricsExporter(workload, { port: 9121, container: { name: 'exporter', image: EXPORTER } });
  return new Service(chart, 'redis-service', { target: workload, ports: [{ port: 6379, targetPort: 'redis' }, { port: 9121, targetPort: 'metrics' }] });
}

describe('ServiceMonitor', () => {
  test('snapshot', () => expectSnapshot((chart) => { new ServiceMonitor(chart, 'monitor', { service: redis(chart) }); }));

  test('selects the Service by its stable labels in its own namespace and scrapes the named port', () => {
    const objects = render((chart) => {
      new ServiceMonitor(chart, 'monitor', { service: redis(chart), interval: '1m', prometheusLabels: { release: 'kube-prometheus-stack' } });
    }, { environment: 'stage' });
    const monitor = find(objects, 'ServiceMonitor', 'redis');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'redis-stage' } },
      namespaceSelector: { matchNames: ['stage'] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '1m' }],
    });
    const service = find(objects, 'Service', 'redis');
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
  });

  test('refuses a port the Service does not name, a relative path and a bad interval', () => {
    const problems = problemsOf((chart) => { new ServiceMonitor(chart, 'monitor', { service: redis(chart), port: 'prometheus', path: 'metrics', interval: '30 seconds' }); });
    expect(problems).toEqual([
      expect.stringContaining('[dev/test/monitor] port: is not a named port of Service redis (got "prometheus"). Fix: use one of redis, metrics'),
      expect.stringContaining('path: must start with "/" (got "metrics")'),
      expect.stringContaining('interval: is not a Prometheus duration (got "30 seconds")'),
    ]);
  });

  test('refuses a Service of another app', () => {
    let other: Service | undefined;
    const platform = new Platform({
      environments: [Environment.dev({ baseDomain: 'dev.example.com' })],
      stacks: [
        { name: 'cache', define: (chart) => { other = redis(chart); } },
        { name: 'monitoring', define: (chart) => { new ServiceMonitor(chart, 'monitor', { service: other! }); } },
      ],
    });
    expect(refusalOf(platform)).toEqual([expect.stringContaining('[dev/monitoring/monitor] service: is not a Service of this app (monitoring) (got "cache/redis-service")')]);
  });
});
