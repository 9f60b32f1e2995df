import * as fs from 'fs';
import * as path from 'path';
import { installApp, packLibrary, PackedLibrary, removeApp, run } from './support/consumer-app';

const ROOT = path.join(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'consumer-app');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
const fixturePkg = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'package.json'), 'utf-8'));

/**
 * Another team's app, laid out as `cdk8s init typescript-app` makes it (its own package.json,
 * tsconfig, cdk8s.yaml with the validation plugin, ts-node, ts-jest), with the packed library
 * and every peer dependency at the bottom of its supported range. Needs the npm registry (cache
 * first) for the app's own dependencies.
 */
describe('the packed library in a consumer app', () => {
  let library: PackedLibrary;
  let app: string | undefined;

  beforeAll(() => {
    library = packLibrary();
    app = installApp(FIXTURE, library);
  }, 240_000);
  afterAll(() => removeApp(app), 60_000);

  test('the tarball holds the compiled library, its types, the strict 1.27 schema and its precompiled validators, the consumer README and the rules, nothing else', () => {
    const outside = library.files.filter((f) => !/^build\/(lib|imports)\/.*\.(js|d\.ts)$/.test(f)).sort();
    expect(outside).toEqual(['LICENSE', 'README.md', 'build/lib/core/schema/k8s-v1.27-strict.json', 'docs/rules.md', 'package.json']);
    expect(library.files).toEqual(expect.arrayContaining(['build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/policy/validation-plugin.js', 'build/lib/core/schema/validators.js', 'build/lib/core/schema/validators-more.js']));
    const readme = fs.readFileSync(path.join(app!, 'node_modules', '@platform', 'k8s-constructs', 'README.md'), 'utf-8');
    expect(readme).toBe(fs.readFileSync(path.join(ROOT, 'docs', 'package-readme.md'), 'utf-8'));
  });

  test('the app pins each peer dependency at the bottom of the supported range', () => {
    const bottoms = Object.fromEntries(Object.entries(pkg.peerDependencies as Record<string, string>).map(([name, range]) => [name, range.replace(/^\^/, '')]));
    expect(Object.keys(bottoms).sort()).toEqual(['cdk8s', 'cdk8s-plus-27', 'constructs']);
    for (const [name, bottom] of Object.entries(bottoms)) {
      expect({ name, version: fixturePkg.dependencies[name] }).toEqual({ name, version: bottom });
      expect({ name, installed: JSON.parse(fs.readFileSync(path.join(app!, 'node_modules', name, 'package.json'), 'utf-8')).version }).toEqual({ name, installed: bottom });
    }
  });

  test('one copy of constructs, cdk8s and cdk8s-plus-27, shared by the app and the library', () => {
    for (const name of ['constructs', 'cdk8s', 'cdk8s-plus-27']) {
      const listed = run(app!, 'npm', ['ls', name, '--all', '--parseable']);
      // cdk8s-cli keeps private copies for its own process; the app never loads them.
      const copies = listed.output.split('\n').filter((line) => line.trim() && !line.includes(`${path.sep}node_modules${path.sep}cdk8s-cli${path.sep}`));
      expect({ name, copies }).toEqual({ name, copies: [path.join(fs.realpathSync(app!), 'node_modules', name)] });
      const fromLibrary = run(app!, 'node', ['-e', `console.log(require.resolve('${name}/package.json', { paths: [require.resolve('@platform/k8s-constructs')] }))`]);
      expect(fromLibrary.output.trim()).toBe(fs.realpathSync(path.join(app!, 'node_modules', name, 'package.json')));
    }
  });

  test('the exports map opens the package root only; the validation plugin is reachable as cdk8s loads it', () => {
    const deep = run(app!, 'node', ['-e', "require('@platform/k8s-constructs/build/lib/core/yaml-writer')"]);
    expect(deep).toMatchObject({ status: 1, output: expect.stringContaining('ERR_PACKAGE_PATH_NOT_EXPORTED') });
    // cdk8s requires the folder of a local plugin package by path (package.json "main").
    const plugin = run(app!, 'node', ['-e', "console.log(typeof require(require('path').resolve('node_modules/@platform/k8s-constructs')).PolicyValidation)"]);
    expect(plugin).toMatchObject({ status: 0, output: 'function\n' });
  });

  test('the strict schema check uses the precompiled validators: neither ajv nor the schema is loaded to check a Deployment, near miss included', () => {
    const script = [
      "const { strictSchemaProblems } = require('@platform/k8s-constructs');",
      "const problems = strictSchemaProblems({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'w', imagePullPolcy: 'Always' }] } } } });",
      "const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/]ajv[\\\\/]|k8s-v1\\.27-strict\\.json$/.test(f));",
      'console.log(JSON.stringify({ fix: problems[0].fix, loaded }));',
    ].join('\n');
    const checked = run(app!, 'node', ['-e', script]);
    expect(checked).toMatchObject({ status: 0 });
    expect(JSON.parse(checked.output)).toEqual({ fix: 'did you mean "imagePullPolicy"? Otherwise remove it', loaded: [] });
  });

  test('tsc compiles the app without errors', () => {
    const compiled = run(app!, 'npx', ['tsc', '--build']);
    expect(compiled).toMatchObject({ status: 0, output: '' });
  }, 60_000);

  test('cdk8s synth renders it and the validation plugin passes', () => {
    const synth = run(app!, 'npx', ['cdk8s', 'synth', '--check-upgrade=false']);
    expect(synth).toMatchObject({ status: 0, output: expect.stringContaining('Validations ended succesfully') });
    const manifest = fs.readFileSync(path.join(app!, 'dist', 'shop.k8s.yaml'), 'utf-8');
    expect(manifest).toContain('name: shop-web');
    expect(manifest).toContain('name: shop-worker');
  }, 90_000);

  test("the app's own jest snapshot test passes (ts-jest)", () => {
    // `npx jest test/consumer.test.ts -u` updates the fixture's snapshot as well.
    const updating = (expect.getState() as any).snapshotState?._updateSnapshot === 'all';
    const tested = run(app!, 'npx', updating ? ['jest', '--ci=false', '-u'] : ['jest', '--ci']);
    expect(tested).toMatchObject({ status: 0, output: expect.stringContaining('1 passed') });
    if (updating) fs.cpSync(path.join(app!, '__snapshots__'), path.join(FIXTURE, '__snapshots__'), { recursive: true });
  }, 90_000);
});
