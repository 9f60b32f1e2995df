import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PolicyValidation, ValidationContextLike } from '../lib';
import { rawDeployment } from './fixtures/policy-stack';

const ROOT = path.join(__dirname, '..');
const PROJECT = path.join(__dirname, 'fixtures', 'plugin-project');
const PLUGIN = path.join(ROOT, 'build', 'lib', 'policy', 'validation-plugin.js');

/** Compiles the library (tsc -p .) when build/lib is older than lib/policy, as `npm test` does first. */
function ensureBuilt(): void {
  const newest = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs))
    .reduce((a, b) => Math.max(a, b), 0);
  if (!fs.existsSync(PLUGIN) || fs.statSync(PLUGIN).mtimeMs < newest(path.join(ROOT, 'lib', 'policy'))) {
    // Other files' type errors do not stop tsc from emitting; the plugin file is checked below.
    spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, stdio: 'ignore' });
  }
  expect(fs.existsSync(PLUGIN)).toBe(true);
}

/** Runs `cdk8s synth` in the fixture project; returns exit code, output and the JSON reports. */
function synthFixture(mistake: boolean, metadata = false): { status: number | null; output: string; reports: any[] } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-project-'));
  const reportFile = path.join(out, 'reports.json');
  const result = spawnSync('npx', ['cdk8s', 'synth', '--check-upgrade=false', '-o', path.join(out, 'dist'), '--validation-reports-output-file', reportFile], {
    cwd: PROJECT,
    env: { ...process.env, FIXTURE_MISTAKE: mistake ? '1' : '0', FIXTURE_METADATA: metadata ? '1' : '0' },
    encoding: 'utf-8',
  });
  const reports = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf-8')).reports : [];
  fs.rmSync(out, { recursive: true, force: true });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, reports };
}

describe('cdk8s validation plugin, run by the real `cdk8s synth` in a separate project', () => {
  beforeAll(ensureBuilt, 60_000);

  test('a passing project synthesizes with a success report', () => {
    const { status, output, reports } = synthFixture(false);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('Validations ended succesfully') });
    expect(reports).toHaveLength(1);
    expect(reports[0].summary).toMatchObject({ status: 'success', metadata: { errors: '0' } });
    expect(reports[0].violations).toEqual([]);
  }, 30_000);

  test('a failing project fails the synth, naming rule ids, objects, exact construct paths and fields', () => {
    const { status, output, reports } = synthFixture(true, true);
    expect(status).toBe(2);
    expect(output).toContain('PLT010 service-selector-matches-pods (error)');
    expect(output).toContain('PLT060 image-policy (error)');
    // The README's one-line format, beside cdk8s's report.
    expect(output).toContain('[shop/web-service] PLT010 spec.selector: matches no pod template in namespace "shop" (got {"app":"wbe"}). Fix: ');
    expect(output).toMatch(/\[shop\/web\] PLT060 spec\.template\.spec\.containers\[0\]\.image: has no tag/);
    const violations = reports[0].violations;
    expect(reports[0].summary).toMatchObject({ status: 'failure', metadata: { errors: '2', 'skipped documents': '1', 'construct paths': 'exact (PolicyMetadata)' } });
    expect(violations.map((v: any) => v.ruleName)).toEqual(['PLT010 service-selector-matches-pods (error)', 'PLT060 image-policy (error)']);
    expect(violations[0].violatingConstructs[0]).toMatchObject({
      resourceName: 'v1 Service shop/web',
      constructPath: 'shop/web-service',
      locations: ['Service shop/web spec.selector: matches no pod template in namespace "shop" (got {"app":"wbe"}). Fix: use the selector of the workload it fronts (app=wbe selects nothing)'],
    });
    expect(violations[1].violatingConstructs[0]).toMatchObject({ resourceName: 'apps/v1 Deployment shop/web', constructPath: 'shop/web' });
    expect(violations[0].fix).toContain('k8s-constructs.io/waive.PLT010');
  }, 30_000);

  test('without PolicyMetadata, a name shared by two objects gives no construct path rather than a wrong one', () => {
    const { status, output, reports } = synthFixture(true);
    expect(status).toBe(2);
    const [service, deployment] = reports[0].violations.map((v: any) => v.violatingConstructs[0]);
    expect(service.constructPath).toBeUndefined();
    expect(deployment.constructPath).toBeUndefined();
    expect(service.locations[0]).toMatch(/^Service shop\/web \(construct path ambiguous: 2 objects are named "web"; add PolicyMetadata to the app for exact paths\) spec\.selector/);
    expect(output).not.toContain('shop/web-service');
  }, 30_000);

  test('the fixture loads the plugin from the package folder by local path, as cdk8s requires', () => {
    const config = fs.readFileSync(path.join(PROJECT, 'cdk8s.yaml'), 'utf-8');
    expect(config).toMatch(/package: \.\/\.\.\/\.\.\/\.\.\n\s+class: PolicyValidation/);
    expect(execFileSync('node', ['-e', `console.log(typeof require(${JSON.stringify(ROOT)}).PolicyValidation)`]).toString().trim()).toBe('function');
  });
});

describe('PolicyValidation in process', () => {
  function run(objects: any[], properties = {}) {
    const violations: any[] = [];
    const lines: string[] = [];
    let summary: any;
    const context: ValidationContextLike = {
      manifests: ['app.k8s.yaml'],
      metadata: {},
      parseManifest: () => objects,
      logger: { log: (line) => lines.push(line) },
      report: { addViolation: (v) => violations.push(v), submit: (status, metadata) => { summary = { status, metadata }; } },
    };
    return new PolicyValidation(properties).validate(context).then(() => ({ violations, summary, lines }));
  }

  test('properties select the image policy and the namespace', async () => {
    expect((await run([rawDeploymentJson('nginx:1.25')])).summary.status).toBe('success');
    const immutable = await run([rawDeploymentJson('nginx:1.25')], { imagePolicy: 'immutable' });
    expect(immutable.summary).toMatchObject({ status: 'failure', metadata: { errors: '1', warnings: '0', rules: expect.any(String), objects: '1' } });
    expect(immutable.violations[0].violatingResources).toEqual([{ resourceName: 'apps/v1 Deployment default/a', manifestPath: 'app.k8s.yaml', locations: [expect.stringContaining('is mutable')] }]);
  });

  test('misspelt properties are refused when cdk8s loads the plugin', () => {
    expect(() => new PolicyValidation({ podSecurity: 'strict' as any })).toThrow('PolicyValidation: properties.podSecurity is "strict"; use one of privileged, baseline, restricted');
    expect(() => new PolicyValidation({ imagePolicy: 'pinned' as any })).toThrow('properties.imagePolicy is "pinned"');
    expect(() => new PolicyValidation({ externals: { secrets: ['a'] }, imagepolicy: 'tagged' } as any)).toThrow(
      'PolicyValidation: properties.externals is not a property; did you mean external? (known: namespace, podSecurity, imagePolicy, external, environments); '
      + 'properties.imagepolicy is not a property; did you mean imagePolicy?');
    expect(() => new PolicyValidation({ external: { secret: ['a'] } } as any)).toThrow('properties.external.secret is not a property; did you mean secrets?');
    expect(() => new PolicyValidation({ external: { secrets: 'a' } } as any)).toThrow('properties.external.secrets must be a list of strings (got "a")');
    expect(() => new PolicyValidation({ environments: { prod: { imagePolicy: 'immutable' } } } as any)).toThrow('properties.environments.prod selects no object');
  });

  test('per-environment settings: each environment is checked with its own, on its own', async () => {
    const dev = { ...rawDeploymentJson('nginx:1.25'), metadata: { name: 'a', namespace: 'dev' } };
    const prod = { ...rawDeploymentJson('nginx:1.25'), metadata: { name: 'a', namespace: 'prod' } };
    const { violations } = await run([dev, prod], { environments: { prod: { namespaces: ['prod'], imagePolicy: 'immutable' }, dev: { namespaces: ['dev'] } } });
    expect(violations.map((v) => v.violatingResources.map((r: any) => r.resourceName))).toEqual([['apps/v1 Deployment prod/a']]);
  });

  test('per-environment settings by manifest path', async () => {
    const violations: any[] = [];
    const files: Record<string, any[]> = { 'dist/prod/app.k8s.yaml': [rawDeploymentJson('nginx:1.25')], 'dist/dev/app.k8s.yaml': [rawDeploymentJson('nginx:1.25')] };
    await new PolicyValidation({ environments: { prod: { manifests: ['dist/prod/'], imagePolicy: 'immutable' as any } } }).validate({
      manifests: Object.keys(files),
      metadata: {},
      logger: { log: () => undefined },
      parseManifest: (f) => files[f],
      report: { addViolation: (v) => violations.push(v), submit: () => undefined },
    });
    expect(violations.flatMap((v) => v.violatingResources.map((r: any) => `${v.ruleName.split(' ')[0]} ${r.manifestPath}`))).toEqual(['PLT060 dist/prod/app.k8s.yaml']);
  });

  test('documents that are not Kubernetes objects are skipped', async () => {
    const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', metadata: {}, resources: ['a.yaml'] };
    const values = { replicaCount: 1 };
    const { summary } = await run([rawDeploymentJson('nginx:1.25'), kustomization, values, null]);
    expect(summary).toMatchObject({ status: 'success', metadata: { objects: '1', 'skipped documents': '3' } });
  });

  test('declarations recorded by PolicyMetadata (ExistingSecret) resolve references', async () => {
    const { App, Chart } = require('cdk8s');
    const { ExistingSecret, PolicyMetadata } = require('../lib');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-metadata-'));
    const app = new App({ outdir: dir });
    new PolicyMetadata(app, 'policy-metadata');
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    new ExistingSecret(chart, 'vault', { name: 'vault', keys: ['x'], createdBy: 'the vault operator' });
    rawDeployment(chart, 'a', {}, { image: 'nginx:1.25', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'vault', key: 'x' } } }] });
    app.synth();
    const manifest = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.yaml'))!);
    const violations: any[] = [];
    let summary: any;
    await new PolicyValidation().validate({
      manifests: [manifest],
      metadata: {},
      logger: { log: () => undefined },
      parseManifest: (f) => require('yaml').parseAllDocuments(fs.readFileSync(f, 'utf-8')).map((d: any) => d.toJS()),
      report: { addViolation: (v) => violations.push(v), submit: (status, metadata) => { summary = { status, metadata }; } },
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect({ violations, status: summary.status, paths: summary.metadata['construct paths'] }).toEqual({ violations: [], status: 'success', paths: 'exact (PolicyMetadata)' });
  });

  test('external references from properties resolve', async () => {
    const obj = rawDeploymentJson('nginx:1.25');
    obj.spec.template.spec.containers[0].env = [{ name: 'X', valueFrom: { secretKeyRef: { name: 'vault', key: 'x' } } }];
    expect((await run([obj])).violations.map((v) => v.ruleName)).toEqual(['PLT040 secret-reference-resolves (error)']);
    expect((await run([obj], { external: { secrets: ['vault'] } })).summary.status).toBe('success');
  });
});

/** A Deployment that passes every rule, as JSON (no chart). */
function rawDeploymentJson(image: string): any {
  const { App, Chart } = require('cdk8s');
  const chart = new Chart(new App(), 'c');
  const json = rawDeployment(chart, 'a', {}, { image }).toJson();
  delete json.metadata.namespace;
  return json;
}
