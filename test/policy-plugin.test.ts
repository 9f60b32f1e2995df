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
function synthFixture(mistake: boolean): { status: number | null; output: string; reports: any[] } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-project-'));
  const reportFile = path.join(out, 'reports.json');
  const result = spawnSync('npx', ['cdk8s', 'synth', '--check-upgrade=false', '-o', path.join(out, 'dist'), '--validation-reports-output-file', reportFile], {
    cwd: PROJECT,
    env: { ...process.env, FIXTURE_MISTAKE: mistake ? '1' : '0' },
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

  test('a failing project fails the synth, naming rule ids, construct paths and fields', () => {
    const { status, output, reports } = synthFixture(true);
    expect(status).toBe(2);
    expect(output).toContain('PLT010 service-selector-matches-pods (error)');
    expect(output).toContain('PLT060 image-policy (error)');
    const violations = reports[0].violations;
    expect(reports[0].summary).toMatchObject({ status: 'failure', metadata: { errors: '2' } });
    expect(violations.map((v: any) => v.ruleName)).toEqual(['PLT010 service-selector-matches-pods (error)', 'PLT060 image-policy (error)']);
    expect(violations[0].violatingConstructs[0]).toMatchObject({
      resourceName: 'web',
      constructPath: 'shop/web-service',
      locations: ['Service/web spec.selector: matches no pod template in namespace "shop" (got {"app":"wbe"}). Fix: use the selector of the workload it fronts (app=wbe selects nothing)'],
    });
    expect(violations[1].violatingConstructs[0].locations[0]).toMatch(/^Deployment\/web spec\.template\.spec\.containers\[0\]\.image: has no tag/);
    expect(violations[0].fix).toContain('k8s-constructs.io/waive.PLT010');
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
    let summary: any;
    const context: ValidationContextLike = {
      manifests: ['app.k8s.yaml'],
      metadata: {},
      parseManifest: () => objects,
      report: { addViolation: (v) => violations.push(v), submit: (status, metadata) => { summary = { status, metadata }; } },
    };
    return new PolicyValidation(properties).validate(context).then(() => ({ violations, summary }));
  }

  test('properties select the image policy and the namespace', async () => {
    expect((await run([rawDeploymentJson('nginx:1.25')])).summary.status).toBe('success');
    const immutable = await run([rawDeploymentJson('nginx:1.25')], { imagePolicy: 'immutable' });
    expect(immutable.summary).toEqual({ status: 'failure', metadata: { errors: '1', warnings: '0', rules: expect.any(String) } });
    expect(immutable.violations[0].violatingResources).toEqual([{ resourceName: 'a', manifestPath: 'app.k8s.yaml', locations: [expect.stringContaining('is mutable')] }]);
  });

  test('misspelt properties are refused when cdk8s loads the plugin', () => {
    expect(() => new PolicyValidation({ podSecurity: 'strict' as any })).toThrow('PolicyValidation: properties.podSecurity is "strict"; use one of privileged, baseline, restricted');
    expect(() => new PolicyValidation({ imagePolicy: 'pinned' as any })).toThrow('properties.imagePolicy is "pinned"');
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
