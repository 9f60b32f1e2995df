import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import {
  AppChart, ConfigMap, Deployment, Environment, EnvValue, HorizontalPodAutoscaler, Ingress, NetworkIsolation, NetworkPolicy, Platform,
  JsonPatch, PolicyType, Probe, Role, Secret, SecretValue, Service, StatefulSet,
} from '../lib';
import { ENV, problemsOf } from './support/harness';

const IMAGE = 'registry.example.com/shop/api:1.2.3';

/** Every kind of construct a stack typically has, on a scope. */
function shop(scope: Construct): void {
  const config = new ConfigMap(scope, 'config', { data: { mode: 'fast' } });
  const api = new Deployment(scope, 'api', { containers: [{ name: 'api', image: IMAGE, ports: [{ number: 8080, name: 'http' }], env: { MODE: EnvValue.fromConfigMap(config.name, 'mode') } }] });
  const service = new Service(scope, 'api-service', { target: api, ports: [{ port: 80, targetPort: 'http' }] });
  new Ingress(scope, 'ingress', { rules: [{ host: 'shop.example.com', paths: [{ path: '/', backend: { service } }] }] });
  new StatefulSet(scope, 'db', { containers: [{ name: 'db', image: IMAGE, ports: [{ number: 5432, name: 'pg' }] }], ports: [{ port: 5432, name: 'pg' }] });
  new NetworkPolicy(scope, 'policy', { selector: api, policyTypes: [PolicyType.INGRESS] });
  new NetworkIsolation(scope, 'network', { baseline: true });
  new HorizontalPodAutoscaler(scope, 'hpa', { target: api });
  new Role(scope, 'reader', { rules: [{ resources: ['pods'], verbs: ['get'] }] });
  new Secret(scope, 'secret', { data: { user: SecretValue.nonSensitive('app') } });
}

/** The message of what `fn` throws. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).not.toBeInstanceOf(TypeError);
    return (e as Error).message;
  }
  throw new Error('expected it to throw');
}

describe('AppChart is told apart from other charts', () => {
  test('instanceof AppChart is true for AppCharts only, not for any cdk8s Chart', () => {
    const app = Testing.app();
    const plain = new Chart(app, 'plain');
    const chart = new AppChart(app, 'shop', { environment: ENV.dev });
    expect(plain instanceof AppChart).toBe(false);
    expect(AppChart.isAppChart(plain)).toBe(false);
    expect(chart instanceof AppChart).toBe(true);
    expect(chart instanceof Chart).toBe(true);
    expect(AppChart.isAppChart(chart)).toBe(true);
    expect(AppChart.isAppChart(undefined)).toBe(false);
  });

  test('a subclass keeps its own instanceof', () => {
    class ShopChart extends AppChart {}
    const app = Testing.app();
    expect(new ShopChart(app, 'a', { environment: ENV.dev }) instanceof ShopChart).toBe(true);
    expect(new AppChart(app, 'b', { environment: ENV.dev }) instanceof ShopChart).toBe(false);
    expect(new ShopChart(app, 'c', { environment: ENV.dev }) instanceof AppChart).toBe(true);
  });

  test('AppChart.of finds the nearest AppChart', () => {
    const chart = new AppChart(Testing.app(), 'shop', { environment: ENV.dev });
    const config = new ConfigMap(new Construct(chart, 'group'), 'config', { data: {} });
    expect(AppChart.of(config)).toBe(chart);
  });
});

describe('library constructs outside an AppChart', () => {
  test('in a plain cdk8s Chart: no TypeError, one problem per construct naming AppChart and the fix, all at once', () => {
    const app = Testing.app();
    shop(new Chart(app, 'shop'));
    const message = thrown(() => app.synthYaml());
    const lines = message.split('\n').slice(1).map((l) => l.trim());
    const outside = lines.filter((l) => l.includes('is not inside an AppChart'));
    // One per construct the stack created, none for the constructs they made (Services of the StatefulSet, policies of NetworkIsolation).
    expect(outside.map((l) => l.slice(1, l.indexOf(']')))).toEqual([
      'shop/config', 'shop/api', 'shop/api-service', 'shop/ingress', 'shop/db', 'shop/policy', 'shop/network', 'shop/hpa', 'shop/reader', 'shop/secret',
    ]);
    expect(outside[0]).toBe('[shop/config] scope: is not inside an AppChart (a plain cdk8s Chart gives no environment): library constructs take their environment, namespace and standard labels from the AppChart they are created in (got "shop"). '
      + 'Fix: create it in an AppChart instead, e.g. new AppChart(app, \'shop-dev\', { appName: \'shop\', environment: Environment.dev({ baseDomain: \'dev.example.com\' }) })');
  });

  test('the cdk8s synth (App.synth) fails with the same problems and writes nothing', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-chart-'));
    try {
      const app = new App({ outdir });
      new Deployment(new Chart(app, 'shop'), 'api', { containers: [{ name: 'api', image: IMAGE }] });
      new ConfigMap(new Chart(app, 'other'), 'config', { data: {} });
      expect(thrown(() => app.synth())).toMatch(/\[shop\/api\] scope: is not inside an AppChart[^\n]*\n\s*\[other\/config\] scope: is not inside an AppChart/);
      expect(fs.readdirSync(outdir)).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('directly under the App (no chart at all) cdk8s itself refuses the object, as it does any API object', () => {
    expect(thrown(() => new ConfigMap(Testing.app(), 'config', { data: {} }))).toBe('cannot find a parent chart (directly or indirectly)');
  });

  test('in an AppChart the same stack synthesizes', () => {
    const app = Testing.app();
    shop(new AppChart(app, 'shop', { environment: ENV.stage }));
    const docs = parseAllDocuments(app.synthYaml()).map((d) => d.toJS());
    expect(docs.find((d) => d.kind === 'Deployment').metadata.labels['app.kubernetes.io/part-of']).toBe('shop');
  });
});

describe('AppChart checks what the Platform checks', () => {
  test('in a plain cdk8s App, a misspelt field patched in fails the synth naming it; a valid unmodelled field renders', () => {
    const appWith = (field: string) => {
      const app = Testing.app();
      const chart = new AppChart(app, 'shop', { environment: ENV.dev });
      const api = new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE, ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/healthz', 'http') }] });
      api.apiObject.addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/0/${field}`, { preStop: { exec: { command: ['sleep', '5'] } } }));
      return app;
    };
    expect(thrown(() => appWith('lifecyle').synthYaml())).toMatch(/\[shop\/api\/Resource\] spec\.template\.spec\.containers\[0\]\.lifecyle: is not a field of Kubernetes 1\.27.*Fix: did you mean "lifecycle"/);
    const [deployment] = parseAllDocuments(appWith('lifecycle').synthYaml() as string).map((d) => d.toJS());
    expect(deployment.spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
  });

  const chartWith = (environment: Environment) => {
    const app = Testing.app();
    new ConfigMap(new AppChart(app, 'shop-a', { appName: 'shop', environment }), 'config', { data: {} });
    new ConfigMap(new AppChart(app, 'tools-a', { appName: 'tools', environment }), 'config', { data: {} });
    return app;
  };

  test.each([
    ['name', { name: 'Prod_1' }, 'environment.name', 'Prod_1'],
    ['replicas', { replicas: 0 }, 'environment.replicas', 0],
    ['base domain', { baseDomain: 'not a domain' }, 'environment.baseDomain', 'not a domain'],
  ])('a bad environment %s is refused, once for all charts of the environment', (_what, change, field, value) => {
    const environment = Environment.of({ name: 'prod', replicas: 3, baseDomain: 'example.com', ...change });
    const lines = thrown(() => chartWith(environment).synthYaml()).split('\n').slice(1).map((l) => l.trim());
    const problems = lines.filter((l) => l.includes(`${field}:`) && l.includes(`(got ${JSON.stringify(value)})`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\[shop-a\] environment\.\w+: .*Fix: /);
  });

  test('two objects of one kind and name in one app are refused, naming both', () => {
    const app = Testing.app();
    const chart = new AppChart(app, 'shop', { environment: ENV.dev });
    new ConfigMap(chart, 'a', { name: 'settings', data: {} });
    new ConfigMap(chart, 'b', { name: 'settings', data: {} });
    new Secret(chart, 'c', { name: 'settings', data: {} });
    expect(thrown(() => app.synthYaml())).toContain(
      '[shop] metadata.name: is the name of two ConfigMap objects of this app (shop/a/Resource and shop/b/Resource); the later would replace the earlier (got "settings"). Fix: give each object its own name',
    );
  });

  test('under the Platform a duplicate is reported once and a bad environment only by the Platform', () => {
    const stack = { name: 'shop', define: (chart: AppChart) => { new ConfigMap(chart, 'a', { name: 'settings', data: {} }); new ConfigMap(chart, 'b', { name: 'settings', data: {} }); } };
    expect(problemsOf(stack.define)).toEqual([
      '[dev/test] metadata.name: is the name of two ConfigMap objects of this app (test/a/Resource and test/b/Resource); the later would replace the earlier (got "settings"). Fix: give each object its own name',
    ]);
    const bad = Environment.of({ name: 'dev', replicas: 0, baseDomain: 'dev.example.com' });
    expect(() => new Platform({ environments: [bad], stacks: [{ name: 'a', define: () => undefined }, { name: 'b', define: () => undefined }] }).render())
      .toThrow(/^Synth failed with 1 problem\(s\); nothing was written:\n {2}\[dev\] environment\.replicas: must be a whole number >= 1/);
  });
});

describe('one App holds one app for several environments', () => {
  const environments = [ENV.dev, ENV.stage, ENV.prod];

  test('app name separate from the id: one file per chart, no hash suffixes, labels and namespaces per environment', () => {
    const app = Testing.app();
    for (const environment of environments) {
      const chart = new AppChart(app, `shop-${environment.name}`, { appName: 'shop', environment });
      new ConfigMap(chart, 'config', { name: 'shop-config', data: { env: environment.name } });
    }
    app.synth();
    expect(fs.readdirSync(app.outdir).sort()).toEqual(['shop-dev.k8s.yaml', 'shop-prod.k8s.yaml', 'shop-stage.k8s.yaml']);
    for (const environment of environments) {
      const [config] = parseAllDocuments(fs.readFileSync(path.join(app.outdir, `shop-${environment.name}.k8s.yaml`), 'utf8')).map((d) => d.toJS());
      expect(config.metadata).toEqual({
        name: 'shop-config',
        namespace: environment.namespace,
        labels: expect.objectContaining({ 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/instance': `shop-config-${environment.name}`, 'environment': environment.name }),
      });
    }
  });

  test('a folder per chart with one file per object', () => {
    const app = Testing.app({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    for (const environment of environments) {
      new ConfigMap(new AppChart(app, environment.name, { appName: 'shop', environment }), 'config', { name: 'shop-config', data: {} });
    }
    app.synth();
    expect(fs.readdirSync(app.outdir).sort()).toEqual(['dev', 'prod', 'stage']);
    expect(fs.readdirSync(path.join(app.outdir, 'prod'))).toEqual(['ConfigMap.shop-config.k8s.yaml']);
  });

  test('the app name is checked as a DNS label; the id may be anything cdk8s takes', () => {
    const app = Testing.app();
    new AppChart(app, 'Shop in prod', { appName: 'Shop', environment: ENV.prod });
    expect(thrown(() => app.synthYaml())).toContain('[Shop in prod] app name: must be a DNS-1123 label');
  });
});

describe('the real `cdk8s synth` of a project using the library', () => {
  const ROOT = path.join(__dirname, '..');
  const PROJECT = path.join(__dirname, 'fixtures', 'app-chart-project');

  /** Runs `cdk8s synth` in the fixture project (the library as built by `npm test`); returns its exit code, output and files. */
  function synth(plain: boolean): { status: number | null; output: string; files: string[] } {
    if (!fs.existsSync(path.join(ROOT, 'build', 'lib', 'index.js'))) {
      spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, stdio: 'ignore' });
    }
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'app-chart-project-'));
    try {
      const result = spawnSync('npx', ['cdk8s', 'synth', '--check-upgrade=false', '-o', path.join(out, 'dist')], {
        cwd: PROJECT,
        env: { ...process.env, FIXTURE_PLAIN: plain ? '1' : '0' },
        encoding: 'utf-8',
      });
      const dist = path.join(out, 'dist');
      return { status: result.status, output: `${result.stdout}${result.stderr}`, files: fs.existsSync(dist) ? fs.readdirSync(dist).sort() : [] };
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }

  test('AppCharts for two environments in one App: one file each, no hash suffixes', () => {
    const { status, files } = synth(false);
    expect({ status, files }).toEqual({ status: 0, files: ['shop-dev.k8s.yaml', 'shop-prod.k8s.yaml'] });
  }, 60_000);

  test('plain cdk8s Charts: the synth fails listing every library construct, naming AppChart, with no TypeError', () => {
    const { status, output, files } = synth(true);
    expect(status).not.toBe(0);
    expect(output).not.toContain('TypeError');
    const refused = output.split('\n').filter((l) => l.includes('scope: is not inside an AppChart')).map((l) => l.trim().split(']')[0].slice(1));
    expect(refused).toEqual(['shop-dev/config', 'shop-dev/api', 'shop-dev/api-service', 'shop-dev/ingress', 'shop-prod/config', 'shop-prod/api', 'shop-prod/api-service', 'shop-prod/ingress']);
    expect(files).toEqual([]);
  }, 60_000);
});
