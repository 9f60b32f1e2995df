import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBuilt, ROOT } from './support/cli-project';

// scripts/app.js, the `app:` of cdk8s.yaml: runs build/<entry>.bundle.js with a V8 code cache, and
// the unbundled build/<entry>.js when the bundle is missing or older than one of its inputs.
// Exercised on a small project of its own (a copy of the loader next to a hand-made build/), so that
// inputs can be touched and bundles removed; the repository's real bundles are checked at the end.

describe('scripts/app.js', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'app-loader-'));
  const build = path.join(root, 'build', 'apps');
  const cache = path.join(build, 'main.bundle.cache');
  const run = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'scripts', 'app.js'), 'apps/main', ...args], { cwd: root, encoding: 'utf8' });
  const report = (variant: string) => `console.log(JSON.stringify({ variant: '${variant}', argv: process.argv.slice(1), helper: require('./helper') }));`;

  beforeEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, 'scripts'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'scripts', 'app.js'), path.join(root, 'scripts', 'app.js'));
    fs.mkdirSync(build, { recursive: true });
    fs.writeFileSync(path.join(build, 'helper.js'), 'module.exports = 42;\n');
    fs.writeFileSync(path.join(build, 'main.js'), report('unbundled'));
    fs.writeFileSync(path.join(build, 'main.bundle.json'), JSON.stringify({ inputs: ['build/apps/main.js', 'build/apps/helper.js'] }));
    fs.writeFileSync(path.join(build, 'main.bundle.js'), report('bundle'));
    // The bundle is newer than its inputs, as after scripts/bundle.js.
    const later = new Date(Date.now() + 1000);
    fs.utimesSync(path.join(build, 'main.bundle.js'), later, later);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const output = (r: ReturnType<typeof run>) => ({ status: r.status, stderr: r.stderr, out: JSON.parse(r.stdout) });

  test('runs the bundle as the entry itself (argv, relative requires) and stores a code cache on its first run', () => {
    expect(output(run('--flag'))).toEqual({ status: 0, stderr: '', out: { variant: 'bundle', argv: [path.join(build, 'main.js'), '--flag'], helper: 42 } });
    expect(fs.statSync(cache).size).toBeGreaterThan(0);
  });

  test('a second run uses the cache and leaves it alone; a cache V8 rejects is rewritten', () => {
    run();
    const first = fs.statSync(cache).mtimeMs;
    expect(output(run()).out.variant).toBe('bundle');
    expect(fs.statSync(cache).mtimeMs).toBe(first);
    fs.writeFileSync(cache, 'not a code cache');
    expect(output(run()).out.variant).toBe('bundle');
    expect(fs.readFileSync(cache, 'utf8')).not.toBe('not a code cache');
    expect(fs.readdirSync(build).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('an input newer than the bundle (tsc -w) runs the unbundled entry, and says so', () => {
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(build, 'helper.js'), later, later);
    const r = output(run());
    expect(r.out.variant).toBe('unbundled');
    expect(r.stderr).toContain('build/apps/main.bundle.js is older than build/apps/helper.js; running the unbundled build (`npm run build` bundles again)');
    expect(fs.existsSync(cache)).toBe(false);
  });

  test('without a bundle (or its list of inputs), the unbundled entry runs', () => {
    fs.rmSync(path.join(build, 'main.bundle.json'));
    expect(output(run())).toEqual({ status: 0, stderr: '', out: { variant: 'unbundled', argv: [path.join(build, 'main.js')], helper: 42 } });
    fs.rmSync(path.join(build, 'main.bundle.js'));
    expect(output(run()).out.variant).toBe('unbundled');
  });

  test('an exception in the app fails the run as it would unbundled', () => {
    fs.writeFileSync(path.join(build, 'main.bundle.js'), 'throw new Error("boom");\n');
    const later = new Date(Date.now() + 1000);
    fs.utimesSync(path.join(build, 'main.bundle.js'), later, later);
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Error: boom');
  });

  test('the repository bundles its synth entry points, leaving the precompiled validators and ajv outside', () => {
    ensureBuilt();
    for (const entry of ['apps/main', 'bench/fleet-main']) {
      const bundle = fs.readFileSync(path.join(ROOT, 'build', `${entry}.bundle.js`), 'utf8');
      expect(bundle).toContain('require("../lib/core/schema/validators")');
      expect(bundle).toContain('require("../lib/core/schema/validators-more")');
      expect(bundle).toContain('require("ajv")');
      const { inputs } = JSON.parse(fs.readFileSync(path.join(ROOT, 'build', `${entry}.bundle.json`), 'utf8'));
      expect(inputs).toEqual(expect.arrayContaining([`build/${entry}.js`, 'build/lib/index.js', 'node_modules/cdk8s/lib/index.js']));
    }
  });
});
