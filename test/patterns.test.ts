import { Adapter, Ambassador, AppChart, Container, Deployment, EnvValue, InitStep, PodTemplate, Probe, Sidecar, Volume } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';

const APP = 'registry.example.com/shop/api:1.2.3';

function api(chart: AppChart): Deployment {
  return new Deployment(chart, 'api', {
    containers: [{ name: 'api', image: APP, ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/healthz', 'http'), writablePaths: ['/tmp'] }],
  });
}

function podOf(objects: any[], kind = 'Deployment', name = 'api'): any {
  return find(objects, kind, name).spec.template.spec;
}

describe('sidecar', () => {
  const logShipper = (chart: AppChart) => {
    const app = api(chart);
    Sidecar.add(app, {
      container: { name: 'log-shipper', image: 'fluent/fluent-bit:2.2.0', args: ['-i', 'tail', '-p', 'path=/var/log/app/*.log', '-o', 'stdout'] },
      shares: [{ name: 'logs', path: '/var/log/app' }],
    });
  };

  test('a log shipper shares an emptyDir the app writes and the shipper reads', () => {
    const pod = podOf(render(logShipper));
    expect(pod.containers.map((c: any) => c.name)).toEqual(['api', 'log-shipper']);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'logs', mountPath: '/var/log/app' });
    expect(pod.containers[1].volumeMounts).toEqual([{ name: 'logs', mountPath: '/var/log/app', readOnly: true }]);
    expect(pod.volumes).toContainEqual({ name: 'logs', emptyDir: {} });
  });

  test('snapshot', () => expectSnapshot(logShipper));

  test('two helpers naming the same directory share one volume, mounted once in the main container', () => {
    const pod = podOf(render((chart) => {
      const app = api(chart);
      Sidecar.add(app, { container: { name: 'shipper', image: 'fluent/fluent-bit:2.2.0' }, shares: [{ name: 'logs', path: '/var/log/app' }] });
      Sidecar.add(app, { container: { name: 'rotator', image: 'example/logrotate:1.0' }, shares: [{ name: 'logs', path: '/var/log/app', helperPath: '/logs', writer: 'helper' }] });
    }));
    expect(pod.volumes.filter((v: any) => v.name === 'logs')).toHaveLength(1);
    expect(pod.containers[0].volumeMounts.filter((m: any) => m.name === 'logs')).toEqual([{ name: 'logs', mountPath: '/var/log/app' }]);
    expect(pod.containers[2].volumeMounts).toEqual([{ name: 'logs', mountPath: '/logs' }]);
  });

  test('works on a bare PodTemplate too', () => {
    const pod = new PodTemplate({ containers: [{ name: 'main', image: APP }] });
    Sidecar.add(pod, { container: { name: 'helper', image: APP }, shares: [{ name: 'shared', path: '/shared' }] });
    expect(pod.mainContainers.map((c) => c.name)).toEqual(['main', 'helper']);
    expect(pod.allVolumes().map((v) => v.name)).toEqual(['shared']);
  });
});

describe('adapter', () => {
  const exporter = (chart: AppChart) => {
    Adapter.addMetricsExporter(api(chart), {
      container: { name: 'exporter', image: 'nginx/nginx-prometheus-exporter:1.1.0', args: ['--nginx.scrape-uri=http://localhost:8080/stub_status'] },
      port: 9113,
    });
  };

  test('exposes metrics on a named port and annotates the pod for scraping', () => {
    const template = find(render(exporter), 'Deployment', 'api').spec.template;
    expect(template.spec.containers[1].ports).toEqual([{ containerPort: 9113, name: 'metrics', protocol: 'TCP' }]);
    expect(template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9113', 'prometheus.io/path': '/metrics' });
  });

  test('snapshot', () => expectSnapshot(exporter));

  test('a second exporter keeps the first one\'s annotations and is found by its own port name', () => {
    const template = find(render((chart) => {
      const app = api(chart);
      Adapter.addMetricsExporter(app, { container: { name: 'exporter', image: 'example/exporter:1.0' }, port: 9113 });
      Adapter.addMetricsExporter(app, { container: { name: 'jvm-exporter', image: 'example/jmx:1.0' }, port: 9404, portName: 'jvm-metrics' });
    }), 'Deployment', 'api').spec.template;
    expect(template.metadata.annotations['prometheus.io/port']).toBe('9113');
    expect(template.spec.containers[2].ports).toEqual([{ containerPort: 9404, name: 'jvm-metrics', protocol: 'TCP' }]);
  });

  test('refused: two exporters with the default port name', () => {
    const problems = problemsOf((chart) => {
      const app = api(chart);
      Adapter.addMetricsExporter(app, { container: { name: 'a', image: 'example/exporter:1.0' }, port: 9113 });
      Adapter.addMetricsExporter(app, { container: { name: 'b', image: 'example/exporter:1.0' }, port: 9114 });
    });
    expect(problems).toEqual([expect.stringMatching(/pod\.containers\[2\]\.ports: port name is already used by container a \(got "metrics"\)/)]);
  });

  test('refused: the metrics port clashes with a port of the main container', () => {
    const problems = problemsOf((chart) => {
      Adapter.addMetricsExporter(api(chart), { container: { name: 'exporter', image: 'example/exporter:1.0' }, port: 8080 });
    });
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[1\]\.ports: is already used by container api.*\(got 8080\)\. Fix: /)]);
  });
});

describe('ambassador', () => {
  const proxy = (chart: AppChart) => {
    Ambassador.add(api(chart), {
      container: { name: 'redis-proxy', image: 'example/twemproxy:0.5.0', args: ['--listen', '127.0.0.1:6380'] },
      port: 6380,
      env: 'REDIS_URL',
      scheme: 'redis',
    });
  };

  test('gives the main container a localhost endpoint as env', () => {
    const pod = podOf(render(proxy));
    expect(pod.containers[0].env).toEqual([{ name: 'REDIS_URL', value: 'redis://localhost:6380' }]);
    expect(pod.containers[1].ports).toEqual([{ containerPort: 6380, protocol: 'TCP' }]);
  });

  test('snapshot', () => expectSnapshot(proxy));

  test('refused: the endpoint variable is already set on the main container', () => {
    const problems = problemsOf((chart) => {
      const app = new Deployment(chart, 'api', { containers: [{ name: 'api', image: APP, env: { REDIS_URL: EnvValue.value('redis:6379') } }] });
      Ambassador.add(app, { container: { name: 'proxy', image: 'example/proxy:1.0' }, port: 6380, env: 'REDIS_URL' });
    });
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[0\]\.env\.REDIS_URL: is set twice .*\(got "REDIS_URL"\)\. Fix: /)]);
  });
});

describe('init steps', () => {
  const steps = (chart: AppChart) => {
    const app = api(chart);
    InitStep.waitFor(app, { name: 'wait-for-db', image: 'busybox:1.36.1', host: 'postgres.test.svc.cluster.local', port: 5432 });
    InitStep.renderConfig(app, {
      container: { name: 'render-config', image: 'example/confd:0.16.0', args: ['-onetime', '-backend', 'env'] },
      into: { name: 'config', path: '/etc/app' },
    });
    InitStep.run(app, { name: 'migrate', image: APP, args: ['migrate', 'up'] });
  };

  test('run in the order they were added, before the main containers', () => {
    const pod = podOf(render(steps));
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['wait-for-db', 'render-config', 'migrate']);
  });

  test('wait-for passes host and port as env, never spliced into the shell command', () => {
    const wait = podOf(render(steps)).initContainers[0];
    expect(wait.command[2]).not.toContain('postgres');
    expect(wait.env).toEqual([{ name: 'WAIT_HOST', value: 'postgres.test.svc.cluster.local' }, { name: 'WAIT_PORT', value: '5432' }]);
  });

  test('rendered config is written by the init step and read-only in the main container', () => {
    const pod = podOf(render(steps));
    expect(pod.initContainers[1].volumeMounts).toEqual([{ name: 'config', mountPath: '/etc/app' }]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/app', readOnly: true });
  });

  test('snapshot', () => expectSnapshot(steps));
});

describe('pod refusals', () => {
  test('two containers with the same name (main or init)', () => {
    const problems = problemsOf((chart) => {
      const app = api(chart);
      Sidecar.add(app, { container: { name: 'api', image: APP } });
      InitStep.run(app, { name: 'api', image: APP });
    });
    expect(problems).toEqual([
      expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[0\]\.name: is already the name of pod\.initContainers\[0\] \(got "api"\)\. Fix: /),
      expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[1\]\.name: is already the name of pod\.containers\[0\] \(got "api"\)\. Fix: /),
    ]);
  });

  test('two containers listening on the same port', () => {
    const problems = problemsOf((chart) => {
      Sidecar.add(api(chart), { container: { name: 'proxy', image: APP, ports: [{ number: 8080 }] } });
    });
    expect(problems).toEqual([expect.stringMatching(/pod\.containers\[1\]\.ports: is already used by container api.*\(got 8080\)/)]);
  });

  test('two ports with the same name', () => {
    const problems = problemsOf((chart) => {
      Sidecar.add(api(chart), { container: { name: 'proxy', image: APP, ports: [{ number: 9090, name: 'http' }] } });
    });
    expect(problems).toEqual([expect.stringMatching(/pod\.containers\[1\]\.ports: port name is already used by container api \(got "http"\)/)]);
  });

  test('init containers may reuse a port: they never run at the same time as the main containers', () => {
    expect(() => render((chart) => InitStep.run(api(chart), { name: 'warmup', image: APP, ports: [{ number: 8080 }] }))).not.toThrow();
  });

  test('two mounts on one path in one container', () => {
    const problems = problemsOf((chart) => {
      const app = api(chart);
      Sidecar.add(app, { container: { name: 'shipper', image: APP }, shares: [{ name: 'scratch', path: '/tmp' }] });
    });
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[0\]\.mounts\[1\]\.path: collides with mount 0 on the same path \(got "\/tmp"\)\. Fix: /)]);
  });

  test('a mount cannot name a volume the pod lacks: the pod adds every volume its containers mount', () => {
    const pod = podOf(render((chart) => {
      new Deployment(chart, 'api', { containers: [{ name: 'api', image: APP, mounts: [{ volume: Volume.emptyDir('cache'), path: '/cache' }] }] });
    }));
    expect(pod.volumes).toEqual([{ name: 'cache', emptyDir: {} }]);
  });

  test('two different volumes with one name (a mount would name the wrong one)', () => {
    const problems = problemsOf((chart) => {
      new Deployment(chart, 'api', {
        containers: [{ name: 'api', image: APP, mounts: [{ volume: Volume.emptyDir('data'), path: '/a' }, { volume: Volume.fromConfigMap('data', 'settings'), path: '/b' }] }],
      });
    });
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/api\] pod\.volumes\.data: names two different volumes \(got "data"\)\. Fix: /)]);
  });

  test('a pod without containers', () => {
    const problems = problemsOf((chart) => new Deployment(chart, 'api', { containers: [] }));
    expect(problems).toEqual([expect.stringMatching(/pod\.containers: a pod needs at least one container \(got \[\]\)/)]);
  });

  test('a Container object can be passed to a pattern', () => {
    const pod = podOf(render((chart) => {
      Sidecar.add(api(chart), { container: new Container({ name: 'helper', image: APP }) });
    }));
    expect(pod.containers[1].name).toBe('helper');
  });
});
