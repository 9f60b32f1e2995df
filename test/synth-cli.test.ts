import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { createPlatform } from '../apps/platform';
import { OutputFolder } from '../lib/core/output-folder';
import { OutputLock } from '../lib/core/output-lock';
import { ensureBuilt, ROOT, stamps, synth } from './support/cli-project';

// `npm run synth` as a developer runs it: the real `cdk8s synth` CLI with the project's cdk8s.yaml,
// in a temporary git repository holding a copy of the committed dist/ (and links to build/,
// node_modules/ and scripts/). Changes to the app are made by a module preloaded into the app's node process
// (`--app "node -r <change.js> build/apps/main.js"`), as an edit of a stack would.

const CHANGE = `
const path = require('path');
const { ApiObject } = require(path.resolve('node_modules/cdk8s'));
const lib = require(path.resolve('build/lib'));
const { stacks } = require(path.resolve('build/apps/stacks'));
switch (process.env.CHANGE) {
  case 'construct-problem':
    stacks.push({ name: 'broken', define: (chart) => { new lib.ConfigMap(chart, 'x', { name: 'Not_A_Name', data: {} }); } });
    break;
  case 'policy-finding':
    stacks.push({ name: 'orphan', define: (chart) => {
      new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'orphan' }, spec: { selector: { app: 'nothing' }, ports: [{ port: 80 }] } });
    } });
    break;
  case 'exception':
    stacks.push({ name: 'crashing', define: (chart) => { chart.node.addValidation({ validate: () => undefined.length }); } });
    break;
  case 'extra-app':
    stacks.push({ name: 'extra', define: (chart) => { new lib.ConfigMap(chart, 'settings', { name: 'extra-settings', data: { a: 'b' } }); } });
    break;
  case 'drop-batch':
    stacks.splice(stacks.findIndex((s) => s.name === 'batch'), 1);
    break;
  default:
    throw new Error('unknown CHANGE ' + process.env.CHANGE);
}
`;

describe('npm run synth through the real cdk8s CLI', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-cli-'));
  const repo = path.join(work, 'repo');
  const dist = path.join(repo, 'dist');
  /** CLI arguments and environment of a synth of the app changed by `change` (see CHANGE), plus `env`. */
  const changed = (change: string, env: Record<string, string> = {}): [string[], Record<string, string>] =>
    [['--app', `node -r ${path.join(work, 'change.js')} build/apps/main.js`], { CHANGE: change, ...env }];
  const gitStatus = () => execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo, encoding: 'utf8' });
  const rendering = createPlatform().render();
  const summaryLines = (stderr: string) => stderr.split('\n').filter((l) => /^dist\/\S+: \d+ written, \d+ unchanged, \d+ removed$/.test(l));

  beforeAll(() => {
    ensureBuilt();
    fs.mkdirSync(repo);
    for (const f of ['cdk8s.yaml', '.gitignore']) fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
    fs.cpSync(path.join(ROOT, 'dist'), dist, { recursive: true });
    for (const d of ['build', 'node_modules', 'scripts']) fs.symlinkSync(path.join(ROOT, d), path.join(repo, d));
    fs.writeFileSync(path.join(work, 'change.js'), CHANGE);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, stdio: 'ignore' });
    git('init', '-q');
    fs.appendFileSync(path.join(repo, '.git', 'info', 'exclude'), 'build\nnode_modules\nscripts\n');
    git('add', '.');
    git('commit', '-q', '-m', 'dist as committed');
  }, 120_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  afterEach(() => {
    execFileSync('git', ['checkout', '-q', '--', '.'], { cwd: repo });
    execFileSync('git', ['clean', '-fdq'], { cwd: repo });
  });

  test('over the committed dist/: nothing rewritten, one summary line per environment, the CLI lists one file', () => {
    const before = stamps(dist);
    const run = synth(repo);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.anything() });
    const counts = new Map(['dev', 'stage', 'prod'].map((env) => [env, [...rendering.files.keys()].filter((f) => f.startsWith(`${env}/`)).length]));
    expect(summaryLines(run.stderr)).toEqual([...counts].map(([env, n]) => `dist/${env}: 0 written, ${n} unchanged, 0 removed`));
    expect(run.stdout.split('\n').filter((l) => l.startsWith('  - '))).toEqual(['  - .cdk8s-out/synth-summary.yaml']);
    expect(stamps(dist)).toEqual(before);
    expect(gitStatus()).toBe('');
  }, 60_000);

  test.each([
    ['a construct problem', ...changed('construct-problem'), /Synth failed with \d+ problem\(s\); nothing was written:\n {2}\[dev\/broken\/x\] name: /],
    ['a policy finding', ...changed('policy-finding'), /\[dev\/orphan\/svc\] PLT010 spec\.selector: matches no pod template/],
    ['an exception in the app', ...changed('exception'), /could not be checked: Cannot read properties of undefined/],
    ['an unknown environment name', [], { PLATFORM_ENVIRONMENTS: 'dev,qa' }, /\[platform\] only: is not a known environment \(got "qa"\)/],
  ])('a synth failing with %s leaves dist/ byte for byte as it was and git status clean', (_, args, env, message) => {
    const before = stamps(dist);
    const run = synth(repo, args as string[], env as Record<string, string>);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(message as RegExp);
    expect(stamps(dist)).toEqual(before);
    expect(gitStatus()).toBe('');
  }, 60_000);

  test('a synth of some environments (PLATFORM_ENVIRONMENTS=dev) touches only their folders', () => {
    const before = stamps(dist);
    const run = synth(repo, ...changed('extra-app', { PLATFORM_ENVIRONMENTS: 'dev' }));
    expect(run.status).toBe(0);
    expect(summaryLines(run.stderr)).toEqual([expect.stringMatching(/^dist\/dev: 3 written, \d+ unchanged, 0 removed$/)]);
    expect(gitStatus().split('\n').filter(Boolean).sort()).toEqual([
      ` M dist/${OutputFolder.INDEX_FILE}`,
      ' M dist/dev/kustomization.yaml',
      '?? dist/dev/extra/ConfigMap.extra-settings.k8s.yaml',
      '?? dist/dev/extra/kustomization.yaml',
    ]);
    const after = stamps(dist);
    for (const [file, stamp] of before) {
      if (!file.startsWith('dev/') && file !== OutputFolder.INDEX_FILE) expect({ file, stamp: after.get(file) }).toEqual({ file, stamp });
    }
  }, 60_000);

  test('files a person added stay, even in the folder of an app that is removed', () => {
    fs.writeFileSync(path.join(dist, 'NOTES.md'), 'release notes\n');
    fs.writeFileSync(path.join(dist, 'dev', 'batch', 'NOTES.md'), 'why batch runs in dev\n');
    const run = synth(repo, ...changed('drop-batch'));
    expect(run.status).toBe(0);
    expect(fs.readFileSync(path.join(dist, 'NOTES.md'), 'utf8')).toBe('release notes\n');
    expect(fs.readdirSync(path.join(dist, 'dev', 'batch'))).toEqual(['NOTES.md']);
    expect(fs.existsSync(path.join(dist, 'prod', 'batch'))).toBe(false);
    expect(summaryLines(run.stderr)).toEqual(['dev', 'stage', 'prod'].map((env) => expect.stringMatching(new RegExp(`^dist/${env}: 1 written, \\d+ unchanged, [1-9]\\d* removed$`))));
    const status = gitStatus().split('\n').filter(Boolean);
    expect(status.filter((l) => l.startsWith('??'))).toEqual(['?? dist/NOTES.md', '?? dist/dev/batch/NOTES.md']);
    expect(status.filter((l) => !l.startsWith('??')).every((l) => / D dist\/\w+\/batch\/|kustomization\.yaml$|\.generated-files$/.test(l))).toBe(true);
  }, 60_000);

  test('a synth while another holds the lock is refused at once, naming the holder, and changes nothing', async () => {
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    await new Promise((resolve) => holder.once('spawn', resolve));
    try {
      fs.writeFileSync(path.join(dist, OutputLock.FILE), JSON.stringify({ pid: holder.pid, hostname: os.hostname(), started: '2026-01-01T00:00:00.000Z', command: 'node build/apps/main.js' }));
      const before = stamps(dist);
      const run = synth(repo);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`another synth is writing this folder: pid ${holder.pid} on ${os.hostname()}, started 2026-01-01T00:00:00.000Z (node build/apps/main.js)`);
      expect(stamps(dist)).toEqual(before);
    } finally {
      holder.kill('SIGKILL');
      fs.rmSync(path.join(dist, OutputLock.FILE), { force: true });
    }
  }, 60_000);

  test('--stdout prints every object as one YAML stream and leaves dist/ alone', () => {
    const before = stamps(dist);
    const run = synth(repo, ['--stdout']);
    expect(run.status).toBe(0);
    const docs = parseAllDocuments(run.stdout);
    expect(docs.flatMap((d) => d.errors)).toEqual([]);
    expect(docs.map((d) => d.toJS())).toEqual([...rendering.manifests].sort((a, b) => (a.file < b.file ? -1 : 1)).map((m) => m.object));
    expect(stamps(dist)).toEqual(before);
    expect(gitStatus()).toBe('');
  }, 60_000);

  test('-o <dir> writes the whole output there (the CLI lists it) and leaves dist/ alone', () => {
    const before = stamps(dist);
    const outdir = path.join(work, 'elsewhere');
    const run = synth(repo, ['-o', outdir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`  - ${outdir}/prod/journal/Deployment.journal-server.k8s.yaml`);
    const files = rendering.files;
    for (const [file, content] of files) expect({ file, content: fs.readFileSync(path.join(outdir, file), 'utf8') }).toEqual({ file, content });
    expect(fs.readFileSync(path.join(outdir, OutputFolder.INDEX_FILE), 'utf8')).toBe(OutputFolder.indexText(files.keys()));
    expect(stamps(dist)).toEqual(before);
  }, 60_000);
});
