import { AppChart, Deployment, Environment, Ingress, IngressRouteCheck, PathType, Platform, Probe, Service } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';
import { refusalOf } from './support/refusal';

const NGINX = 'nginxinc/nginx-unprivileged:1.25.3@sha256:2d09de0d5f5a6d5e0b1e3c3f1a8e4e7d7d9c1c8b6a7f5e4d3c2b1a0f9e8d7c6b';

/** A web server with two named ports and its Service. */
function web(chart: AppChart, name: string): Service {
  const workload = new Deployment(chart, name, {
    containers: [{ name, image: NGINX, ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'metrics' }], readiness: Probe.fromHttpGet('/', 'http'), writablePaths: ['/tmp'] }],
  });
  return new Service(chart, `${name}-service`, { target: workload, ports: [{ port: 80, targetPort: 'http' }, { port: 9090, targetPort: 'metrics' }] });
}

/** The journal routes of the notes (002): `/api` to the API, `/` to the file server, given in the wrong order. */
function journalRoutes(chart: AppChart): void {
  const api = web(chart, 'api');
  const files = web(chart, 'files');
  new Ingress(chart, 'ingress', {
    name: 'journal',
    ingressClassName: 'nginx',
    rules: [{
      host: chart.environment.host('journal'),
      paths: [
        { path: '/', backend: { service: files, port: 'http' } },
        { path: '/api', backend: { service: api, port: 80 } },
      ],
    }],
  });
}

describe('Ingress', () => {
  test('snapshot: journal routes in dev', () => expectSnapshot(journalRoutes));

  test('the host and TLS secret come from the environment', () => {
    for (const [environment, host] of [['dev', 'journal.dev.example.com'], ['stage', 'journal.stage.example.com'], ['prod', 'journal.example.com']] as const) {
      const spec = find(render(journalRoutes, { environment }), 'Ingress', 'journal').spec;
      expect(spec.rules.map((r: any) => r.host)).toEqual([host]);
      expect(spec.tls).toEqual([{ hosts: [host], secretName: `${host.replace(/\./g, '-')}-tls` }]);
    }
  });

  test('the more specific path comes first, so that "/" does not swallow "/api"', () => {
    const paths = find(render(journalRoutes), 'Ingress', 'journal').spec.rules[0].http.paths;
    expect(paths).toEqual([
      { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } },
      { path: '/', pathType: 'Prefix', backend: { service: { name: 'files', port: { name: 'http' } } } },
    ]);
  });

  test('ordering: longest first, Exact before Prefix on the same path, stable; rules of one host merge', () => {
    const objects = render((chart) => {
      const api = web(chart, 'api');
      const ingress = new Ingress(chart, 'ingress', {
        tls: false,
        rules: [
          { host: 'a.example.com', paths: [{ path: '/', backend: { service: api, port: 'http' } }, { path: '/v1', backend: { service: api, port: 'http' } }] },
          { host: 'b.example.com', paths: [{ path: '/b', backend: { service: api, port: 'http' } }] },
          { host: 'a.example.com', paths: [{ path: '/v1', pathType: PathType.EXACT, backend: { service: api, port: 'http' } }, { path: '/v1/users', backend: { service: api, port: 'http' } }] },
        ],
      });
      ingress.addPath('a.example.com', { path: '/v2', backend: { service: api, port: 'metrics' } });
    });
    const spec = find(objects, 'Ingress', 'ingress').spec;
    expect(spec.tls).toBeUndefined();
    expect(spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => `${p.pathType} ${p.path}`)])).toEqual([
      ['a.example.com', ['Prefix /v1/users', 'Exact /v1', 'Prefix /v1', 'Prefix /v2', 'Prefix /']],
      ['b.example.com', ['Prefix /b']],
    ]);
  });

  test('a Service with one port needs no port; a wildcard host gets its own TLS secret', () => {
    const objects = render((chart) => {
      const workload = new Deployment(chart, 'one', { containers: [{ name: 'one', image: NGINX, ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/', 'http'), writablePaths: ['/tmp'] }] });
      const service = new Service(chart, 'one-service', { target: workload, ports: [{ port: 80, targetPort: 'http' }] });
      new Ingress(chart, 'ingress', { rules: [{ host: '*.apps.example.com', paths: [{ path: '/', backend: { service } }] }] });
    });
    const spec = find(objects, 'Ingress', 'ingress').spec;
    expect(spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'one', port: { number: 80 } } });
    expect(spec.tls).toEqual([{ hosts: ['*.apps.example.com'], secretName: 'wildcard-apps-example-com-tls' }]);
  });
});

describe('Ingress refusals', () => {
  const routes = (rules: (api: Service) => any[], extra: object = {}) => (chart: AppChart) => {
    const api = web(chart, 'api');
    new Ingress(chart, 'ingress', { rules: rules(api), ...extra });
  };

  test('duplicate host + path', () => {
    const problems = problemsOf(routes((api) => [
      { host: 'a.example.com', paths: [{ path: '/api', backend: { service: api, port: 'http' } }] },
      { host: 'a.example.com', paths: [{ path: '/api', backend: { service: api, port: 'metrics' } }] },
    ]));
    expect(problems).toEqual([expect.stringContaining('[dev/test/ingress] rules[1].paths[0].path: is routed twice (pathType Prefix)')]);
    expect(problems[0]).toContain('(got "a.example.com/api")');
  });

  test('a port the Service does not have, by number and by name', () => {
    const problems = problemsOf(routes((api) => [{ host: 'a.example.com', paths: [
      { path: '/a', backend: { service: api, port: 8080 } },
      { path: '/b', backend: { service: api, port: 'grpc' } },
    ] }]));
    expect(problems).toEqual([
      expect.stringContaining('rules[0].paths[0].backend.port: is not a port of Service api (got 8080). Fix: use one of 80 ("http"), 9090 ("metrics")'),
      expect.stringContaining('rules[0].paths[1].backend.port: is not a port of Service api (got "grpc")'),
    ]);
  });

  test('no port for a Service with several', () => {
    const problems = problemsOf(routes((api) => [{ host: 'a.example.com', paths: [{ path: '/', backend: { service: api } }] }]));
    expect(problems).toEqual([expect.stringContaining('rules[0].paths[0].backend.port: must be given: Service api has 2 ports (got nothing)')]);
  });

  test('a backend Service of another app stack', () => {
    let other: Service | undefined;
    const platform = new Platform({
      environments: [Environment.dev({ baseDomain: 'dev.example.com' })],
      stacks: [
        { name: 'other', define: (chart) => { other = web(chart, 'api'); } },
        { name: 'edge', define: (chart) => { new Ingress(chart, 'ingress', { rules: [{ host: 'a.example.com', paths: [{ path: '/', backend: { service: other!, port: 'http' } }] }] }); } },
      ],
    });
    expect(refusalOf(platform)).toEqual([expect.stringContaining('[dev/edge/ingress] rules[0].paths[0].backend.service: is not a Service of this app (edge)')]);
    expect(refusalOf(platform)[0]).toContain('(got "other/api-service")');
  });

  test('malformed hosts and paths', () => {
    const problems = problemsOf(routes((api) => [
      { host: 'https://a.example.com', paths: [{ path: 'api', backend: { service: api, port: 'http' } }] },
      { host: 'localhost', paths: [{ path: '/ok', backend: { service: api, port: 'http' } }] },
    ], { tls: false }));
    expect(problems).toEqual([
      expect.stringContaining('rules[0].host: must be a fully qualified DNS name (optionally starting with "*."), without port or scheme (got "https://a.example.com")'),
      expect.stringContaining('rules[0].paths[0].path: must start with "/" and contain only URL path characters (got "api")'),
      expect.stringContaining('rules[1].host: must be a fully qualified DNS name (optionally starting with "*."), without port or scheme (got "localhost")'),
    ]);
  });

  test('no rules, a host without paths, a bad class name', () => {
    expect(problemsOf(routes(() => []))).toEqual([expect.stringContaining('rules: an Ingress needs at least one host with one path (got [])')]);
    expect(problemsOf(routes(() => [{ host: 'a.example.com', paths: [] }]))).toEqual([expect.stringContaining('rules[0].paths: a host needs at least one path (got [])')]);
    expect(problemsOf(routes((api) => [{ host: 'a.example.com', paths: [{ path: '/', backend: { service: api, port: 80 } }] }], { ingressClassName: 'Nginx' })))
      .toEqual([expect.stringContaining('ingressClassName: must be a DNS-1123 subdomain')]);
  });
});

describe('IngressRouteCheck', () => {
  const platform = (secondPath: string) => new Platform({
    environments: [Environment.dev({ baseDomain: 'dev.example.com' })],
    stacks: ['shop', 'blog'].map((name) => ({
      name,
      define: (chart: AppChart) => {
        const service = web(chart, 'web');
        new Ingress(chart, 'ingress', { name, rules: [{ host: 'www.dev.example.com', paths: [{ path: name === 'shop' ? '/' : secondPath, backend: { service, port: 'http' } }] }] });
      },
    })),
    checks: [new IngressRouteCheck()],
  });

  test('two Ingresses routing the same host and path are refused, naming the first', () => {
    expect(refusalOf(platform('/'))).toEqual([
      expect.stringContaining('[dev/blog/ingress/Resource] INGRESS spec.rules[0].http.paths[0]: is also routed by Ingress shop (dev/shop/Ingress.shop.k8s.yaml); the controller would pick one backend silently (got "www.dev.example.com/")'),
    ]);
  });

  test('different paths of one host are fine', () => {
    expect(() => platform('/blog').render()).not.toThrow();
  });
});
