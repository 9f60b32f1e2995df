import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { fleetPlatform } from '../bench/fleet';
import { OutputFolder } from '../lib/core/output-folder';
import { OutputLock } from '../lib/core/output-lock';
import { BackgroundSynth, CliRun, ensureBuilt, ROOT, startSynth, synth, tree } from './support/cli-project';

// A large fleet synthesized by the real `cdk8s synth` CLI (the benchmark's fleet, in a project of
// its own), killed with SIGKILL at several points of a release that changes every service and
// removes some, then synthesized again; and two synths started at once.

const SIZE = 150; // 2,406 files; 10 services are left out of the new release
const OLD = { FLEET_SIZE: String(SIZE), FLEET_TAG: '1.0.0' };
const NEW = { FLEET_SIZE: String(SIZE - 10), FLEET_TAG: '2.0.0' };

/** The output a synth of the fleet must leave: the files, the index, and their folders. */
function expectedTree(size: number, tag: string): Map<string, string> {
  const files = fleetPlatform(size, tag).render().files;
  const out = new Map([...files, [OutputFolder.INDEX_FILE, OutputFolder.indexText(files.keys())]]);
  for (const file of files.keys()) {
    for (let dir = path.dirname(file); dir !== '.'; dir = path.dirname(dir)) out.set(`${dir}/`, '');
  }
  return out;
}

/** The lock and temporary files: the bookkeeping a killed synth leaves for the next one. */
const isBookkeeping = (file: string) => path.basename(file).startsWith(OutputLock.FILE) || file.endsWith('.synth-tmp');

const sorted = (m: Map<string, string>) => new Map([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

describe('a fleet synth through the real cdk8s CLI, killed and run concurrently', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-crash-'));
  const dist = path.join(project, 'dist');
  let oldTree: Map<string, string>;
  let newTree: Map<string, string>;

  beforeAll(() => {
    ensureBuilt();
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: node ${path.join(ROOT, 'scripts', 'app.js')} bench/fleet-main\noutput: .cdk8s-out\n`);
    const first = synth(project, [], OLD);
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: expect.stringContaining(`dist/prod: ${(SIZE * 6 + 2)} written`) });
    oldTree = tree(dist);
    newTree = expectedTree(SIZE - 10, NEW.FLEET_TAG);
  }, 120_000);
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  /**
   * Every file is its old or its new version (or absent where one of them is absent), parses
   * as YAML, and nothing else is there but the lock and temporary files. Returns how many files
   * are new, to see where the kill landed.
   */
  function checkOldOrNew(when: string): { new: number; old: number } {
    const problems: string[] = [];
    const disk = tree(dist);
    let fresh = 0;
    let old = 0;
    for (const [file, content] of disk) {
      if (file.endsWith('/') || isBookkeeping(file)) continue;
      if (!oldTree.has(file) && !newTree.has(file)) problems.push(`unexpected ${file}`);
      else if (content !== oldTree.get(file) && content !== newTree.get(file)) problems.push(`neither old nor new: ${file}`);
      else if (content === newTree.get(file) && content !== oldTree.get(file)) fresh++;
      else if (content !== newTree.get(file)) old++;
      if (file.endsWith('.yaml')) {
        const errors = parseAllDocuments(content).flatMap((d) => d.errors.map((e) => e.message));
        if (errors.length) problems.push(`${file} does not parse: ${errors[0]}`);
      }
    }
    for (const file of new Set([...oldTree.keys(), ...newTree.keys()])) {
      if (!file.endsWith('/') && !disk.has(file) && oldTree.has(file) && newTree.has(file)) problems.push(`missing ${file}`);
    }
    expect({ when, problems: problems.slice(0, 10) }).toEqual({ when, problems: [] });
    return { new: fresh, old };
  }

  /** Starts a synth of the new release and SIGKILLs the CLI and the app as soon as `condition` holds. */
  async function killWhen(when: string, condition: () => boolean): Promise<{ new: number; old: number; run: CliRun }> {
    const run: BackgroundSynth = startSynth(project, NEW);
    let finished = false;
    void run.done.then(() => { finished = true; });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (finished || condition()) {
          clearInterval(timer);
          resolve();
        }
      }, 2);
    });
    run.kill();
    const result = await run.done;
    expect({ when, killed: result.signal, stderr: result.signal ? '' : result.stderr }).toEqual({ when, killed: 'SIGKILL', stderr: '' });
    return { ...checkOldOrNew(when), run: result };
  }

  const file = (env: string, service: string) => path.join(dist, env, service, `Deployment.${service}.k8s.yaml`);
  const isNew = (env: string, service: string) => {
    try {
      return fs.readFileSync(file(env, service), 'utf8') === newTree.get(`${env}/${service}/Deployment.${service}.k8s.yaml`);
    } catch {
      return false;
    }
  };

  test('killed at several points, every file is old or new; the next synth restores exactly the new tree', async () => {
    // While rendering (lock taken, nothing written), after the first removal of a service left out
    // of the release, and early, half-way and late in the writes (files are written in path order).
    const rendering = await killWhen('while rendering', () => fs.existsSync(path.join(dist, OutputLock.FILE)));
    expect(rendering.new).toBe(0);
    await killWhen('after the first removal', () => !fs.existsSync(path.join(dist, 'dev', 'svc-0140')));
    const early = await killWhen('early in the writes', () => isNew('dev', 'svc-0050'));
    const middle = await killWhen('half-way', () => isNew('prod', 'svc-0050'));
    const late = await killWhen('late in the writes', () => isNew('stage', 'svc-0060'));
    // The kills landed inside the writes: each left both new and old files.
    for (const point of [early, middle, late]) expect(point.new > 0 && point.old > 0).toBe(true);
    expect(middle.new).toBeGreaterThan(early.new);
    expect(late.new).toBeGreaterThan(middle.new);

    const repair = synth(project, [], NEW);
    expect({ status: repair.status, stderr: repair.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(repair.stderr).toMatch(/dist\/stage: [1-9]\d* written, [1-9]\d* unchanged/);
    expect(sorted(tree(dist))).toEqual(sorted(newTree));
  }, 180_000);

  test('two synths at once: one is refused at once naming the holder, the other completes', async () => {
    const [a, b] = [startSynth(project, OLD), startSynth(project, OLD)];
    const runs = await Promise.all([a.done, b.done]);
    const winner = runs.find((r) => r.status === 0);
    const loser = runs.find((r) => r.status !== 0);
    expect(winner).toBeDefined();
    expect(loser?.stderr).toMatch(new RegExp(`dist/${OutputLock.FILE.replace('.', '\\.')}: another synth is writing this folder: pid \\d+ on ${os.hostname()}, started .*fleet-main\\.js`));
    expect(loser!.seconds).toBeLessThan(winner!.seconds);
    expect(sorted(tree(dist))).toEqual(sorted(oldTree));
  }, 120_000);
});
