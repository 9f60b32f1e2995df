import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { toolPath } from '../test/support/k8s-tools';
import { FLEET_ENVIRONMENTS, fleetPlatform, serviceName } from './fleet';
import { writeHelmChart } from './helm-chart';
import { writeKustomizeTree } from './kustomize-tree';
import { measure, Measurement } from './measure';
import { fleetProfiles } from './profile';

// `npm run bench [-- --sizes 10,100,1000 --reps 5 --kustomize-max 300]`: renders a fleet of N
// services for dev, stage and prod with the library through the real `cdk8s synth` CLI (over its
// previous output, and into an empty folder), with the app alone (no CLI), with `helm template`
// and with `kubectl kustomize`, alternating the renderers in each repetition, checks they produce
// the same objects, and prints medians; then the shipped stacks through the CLI against the CLI
// running an empty app, and what creating, replacing and reading the fleet's files costs here.

const ROOT = path.join(__dirname, '..', '..');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const SYNTH = ['synth', '--check-upgrade=false'];
const WORK = path.join(ROOT, 'node_modules', '.cache', 'k8s-bench');
const RESULTS = path.join(ROOT, 'bench', 'results');
const ENVIRONMENTS = FLEET_ENVIRONMENTS.map((e) => e.name);

interface Options {
  readonly sizes: number[];
  readonly reps: number;
  readonly kustomizeMax: number;
}

function parseOptions(argv: string[]): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    if (!name.startsWith('--')) throw new Error(`unexpected argument ${argv[i]}; use --sizes 10,100,1000 --reps 5 --kustomize-max 300`);
    flags.set(name.slice(2), inline ?? argv[++i]);
  }
  const int = (name: string, fallback: number) => {
    const value = Number(flags.get(name) ?? fallback);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number (got ${flags.get(name)})`);
    return value;
  };
  const sizes = (flags.get('sizes') ?? '10,100,1000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes must list whole numbers >= 1 (got ${flags.get('sizes')})`);
  return { sizes, reps: Math.max(1, int('reps', 5)), kustomizeMax: int('kustomize-max', 300) };
}

/** One way of rendering the fleet: runs it once, and counts its objects per environment. */
interface Renderer {
  readonly name: string;
  run(): Promise<Measurement>;
  objects(): Map<string, any[]>;
  count(): Map<string, number>;
}

/** Runs the commands one after the other: total time, highest peak RSS. */
async function sequence(runs: (() => Promise<Measurement>)[]): Promise<Measurement> {
  let seconds = 0;
  let peakRssMiB = 0;
  for (const run of runs) {
    const m = await run();
    seconds += m.seconds;
    peakRssMiB = Math.max(peakRssMiB, m.peakRssMiB);
  }
  return { seconds, peakRssMiB };
}

function parseDocs(text: string): any[] {
  return parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o);
}

function countKinds(text: string): number {
  return text.match(/^kind: /gm)?.length ?? 0;
}

/** A cdk8s project folder: a cdk8s.yaml running `node <app...>`, with the CLI's scratch output as in the repository's. */
function cdk8sProject(dir: string, app: string[]): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: node ${app.map((a) => JSON.stringify(a)).join(' ')}\noutput: .cdk8s-out\n`);
  return dir;
}

/**
 * The arguments of `node` for an entry point of build/, as the repository's cdk8s.yaml runs its app
 * (`app: node [flags] scripts/app.js apps/main`), with `entry` for apps/main: the bench runs what
 * `npm run synth` runs, node flags included.
 */
function appOf(entry: string): string[] {
  const app = String(parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')).app);
  const argv = app.trim().split(/\s+/);
  const at = argv.indexOf('scripts/app.js');
  if (argv[0] !== 'node' || at < 0 || argv[at + 1] !== 'apps/main' || argv.length !== at + 2) {
    throw new Error(`cdk8s.yaml: app is "${app}"; the bench expects "node [flags] scripts/app.js apps/main"`);
  }
  return [...argv.slice(1, at), path.join(ROOT, 'scripts', 'app.js'), entry];
}

/**
 * The library, as `npm run synth` runs it: the real `cdk8s synth` CLI (without npx) running
 * build/bench/fleet-main.js as the repository's cdk8s.yaml runs its app (scripts/app.js), which
 * writes `dist/` of its project folder. `fresh`: a new project
 * (no dist/ yet, as in a clean checkout without it); else over the previous run's output (dist/ is
 * committed, so this is what CI and developers run: only changed files are written). `direct`:
 * the app alone (`node scripts/app.js bench/fleet-main`), without the CLI, over its previous output.
 * Fresh folders are deleted only after all runs of a size: deleting thousands of files just before
 * a run slows this disk's writes down by several times, which is the deletion's cost, not the synth's.
 */
function cdk8sRenderer(n: number, dir: string, mode: 'previous' | 'fresh' | 'direct'): Renderer & { cleanUp(): void } {
  let runs = 0;
  const app = appOf('bench/fleet-main');
  const project = () => path.join(dir, mode === 'fresh' ? `cli-fresh-${runs}` : mode === 'direct' ? 'direct' : 'cli-previous');
  const outdir = () => path.join(project(), 'dist');
  const files = (env: string) => fs.readdirSync(path.join(outdir(), env)).flatMap((app) => fs.readdirSync(path.join(outdir(), env, app)).map((f) => path.join(outdir(), env, app, f)));
  const cleanUp = () => {
    for (const f of fs.readdirSync(dir)) if (f.startsWith('cli-fresh-')) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
  };
  const names = {
    previous: 'cdk8s synth (CLI), over previous output',
    fresh: 'cdk8s synth (CLI), empty output folder',
    direct: 'fleet app alone (no CLI), over previous output',
  };
  return {
    name: names[mode],
    run: () => {
      if (mode === 'fresh') runs++;
      if (mode === 'direct') {
        fs.mkdirSync(project(), { recursive: true });
        return measure(process.execPath, app, { cwd: project(), env: { FLEET_SIZE: String(n) } });
      }
      return measure(CDK8S, SYNTH, { cwd: cdk8sProject(project(), app), env: { FLEET_SIZE: String(n) } });
    },
    count: () => new Map(ENVIRONMENTS.map((env) => [env, files(env).length])),
    objects: () => new Map(ENVIRONMENTS.map((env) => [env, files(env).flatMap((f) => parseDocs(fs.readFileSync(f, 'utf8')))])),
    cleanUp,
  };
}

function toolRenderer(name: string, tool: string, runs: Map<string, string[]>, dir: string): Renderer {
  const out = (env: string) => path.join(dir, `${name.split(' ')[0]}-${env}.yaml`);
  return {
    name,
    run: () => sequence(ENVIRONMENTS.map((env) => () => measure(tool, runs.get(env)!, { stdoutFile: out(env) }))),
    count: () => new Map(ENVIRONMENTS.map((env) => [env, countKinds(fs.readFileSync(out(env), 'utf8'))])),
    objects: () => new Map(ENVIRONMENTS.map((env) => [env, parseDocs(fs.readFileSync(out(env), 'utf8'))])),
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The object without what legitimately differs between renderers (manager label, config hash). */
function comparable(object: any): string {
  const copy = JSON.parse(JSON.stringify(object));
  for (const meta of [copy.metadata, copy.spec?.template?.metadata]) {
    delete meta?.labels?.['app.kubernetes.io/managed-by'];
    delete meta?.annotations?.['k8s-constructs.io/config-hash'];
  }
  return JSON.stringify(copy);
}

/** Differences between the objects of two renderers, by environment; full objects or kind/name only. */
function differences(a: Map<string, any[]>, b: Map<string, any[]>, full: boolean): string[] {
  const out: string[] = [];
  for (const env of ENVIRONMENTS) {
    const index = (objects: any[]) => new Map(objects.map((o) => [`${o.kind}/${o.metadata?.name}`, full ? comparable(o) : '']));
    const [x, y] = [index(a.get(env)!), index(b.get(env)!)];
    for (const [id, body] of x) {
      if (!y.has(id)) out.push(`${env}: ${id} missing`);
      else if (y.get(id) !== body) out.push(`${env}: ${id} differs`);
    }
    for (const id of y.keys()) if (!x.has(id)) out.push(`${env}: ${id} extra`);
  }
  return out;
}

interface Row {
  renderer: string;
  n: number;
  seconds: number[];
  peakRssMiB: number[];
  objects: number;
  medianSeconds: number;
  maxPeakRssMiB: number;
  objectsPerSecond: number;
  ratioToHelm?: number;
}

/**
 * Writes dirty pages back to disk between runs (`sync`, not timed), so that the files one run
 * created are not flushed during, and charged to, the next run.
 */
function settle(): void {
  execFileSync('sync');
}

/** Runs of the shipped stacks through the CLI, and of the CLI running an empty app, alternating. */
interface StartupRow {
  run: string;
  seconds: number[];
  medianSeconds: number;
  maxPeakRssMiB: number;
  ratioToEmptyApp: number;
}

/**
 * `npm run synth` without its compile step: the CLI running the shipped app over a copy of the
 * committed dist/ (nothing to write when dist/ is up to date), against the CLI running an app that
 * renders nothing (the CLI's own cost: start-up, running a node process, listing the output).
 */
async function shippedStacks(reps: number): Promise<StartupRow[]> {
  const dir = path.join(WORK, 'shipped');
  fs.rmSync(dir, { recursive: true, force: true });
  const stacks = cdk8sProject(path.join(dir, 'stacks'), appOf('apps/main'));
  fs.cpSync(path.join(ROOT, 'dist'), path.join(stacks, 'dist'), { recursive: true });
  const empty = cdk8sProject(path.join(dir, 'empty'), [path.join(ROOT, 'build', 'bench', 'empty-app.js')]);
  const runs: [string, () => Promise<Measurement>][] = [
    ['cdk8s synth (CLI), shipped stacks over dist/', () => measure(CDK8S, SYNTH, { cwd: stacks })],
    ['cdk8s synth (CLI), empty app', () => measure(CDK8S, SYNTH, { cwd: empty })],
  ];
  process.stdout.write('shipped stacks: warm-up');
  for (const [, run] of runs) await run();
  settle();
  const samples = runs.map((): Measurement[] => []);
  for (let rep = 0; rep < reps; rep++) {
    for (let i = 0; i < runs.length; i++) {
      const k = (rep + i) % runs.length;
      samples[k].push(await runs[k][1]());
      settle();
    }
    process.stdout.write(` ${rep + 1}`);
  }
  process.stdout.write('\n');
  return runs.map(([run], k) => ({
    run,
    seconds: samples[k].map((m) => m.seconds),
    medianSeconds: median(samples[k].map((m) => m.seconds)),
    maxPeakRssMiB: Math.max(...samples[k].map((m) => m.peakRssMiB)),
    ratioToEmptyApp: median(samples[k].map((m, i) => m.seconds / samples[1][i].seconds)),
  }));
}

/**
 * What the file system costs for the fleet's files (one run each, in this process): creating them
 * in a new folder, directly and as the synth does (a temporary file, then a rename), overwriting
 * them in place, replacing them as the synth does, and reading them back (what a synth over an
 * up-to-date output does).
 */
function fileSystemFigures(files: Map<string, string>, dir: string): { operation: string; seconds: number }[] {
  const time = (body: () => void) => {
    const start = process.hrtime.bigint();
    body();
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  const folders = [...new Set([...files.keys()].map((f) => path.dirname(f)))];
  const target = (root: string, file: string) => path.join(dir, root, file);
  const mkdirs = (root: string) => folders.forEach((f) => fs.mkdirSync(path.join(dir, root, f), { recursive: true }));
  let tmp = 0;
  const atomic = (file: string, content: string) => {
    const t = path.join(path.dirname(file), `.bench-${tmp++}.synth-tmp`);
    fs.writeFileSync(t, content);
    fs.renameSync(t, file);
  };
  fs.rmSync(dir, { recursive: true, force: true });
  const rows = [
    { operation: 'create in a new folder (write)', seconds: time(() => { mkdirs('a'); files.forEach((c, f) => fs.writeFileSync(target('a', f), c)); }) },
    { operation: 'create in a new folder (temporary file + rename, as the synth)', seconds: time(() => { mkdirs('b'); files.forEach((c, f) => atomic(target('b', f), c)); }) },
    { operation: 'overwrite in place (write, not atomic)', seconds: time(() => files.forEach((c, f) => fs.writeFileSync(target('a', f), c))) },
    { operation: 'replace (temporary file + rename, as the synth)', seconds: time(() => files.forEach((c, f) => atomic(target('b', f), c))) },
    { operation: 'read and compare (as the synth over an up-to-date output)', seconds: time(() => files.forEach((c, f) => { if (fs.readFileSync(target('b', f), 'utf8') !== c) throw new Error(f); })) },
  ];
  fs.rmSync(dir, { recursive: true, force: true });
  return rows;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const helm = toolPath('helm');
  const kubectl = toolPath('kubectl');
  const versions = {
    node: process.version,
    helm: execFileSync(helm, ['version', '--short'], { encoding: 'utf8' }).trim(),
    kustomize: /Kustomize Version: (\S+)/.exec(execFileSync(kubectl, ['version', '--client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[1],
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
  };
  console.log(`fleet benchmark: sizes ${options.sizes.join(', ')}, ${options.reps} repetitions, kustomize up to N=${options.kustomizeMax}`);
  console.log(`node ${versions.node}, helm ${versions.helm}, kustomize ${versions.kustomize}, ${versions.cpus} CPUs (${versions.cpu})`);
  const profiles = fleetProfiles();
  const rows: Row[] = [];
  const problems: string[] = [];

  for (const n of options.sizes) {
    const dir = path.join(WORK, `n${n}`);
    fs.mkdirSync(dir, { recursive: true });
    const services = Array.from({ length: n }, (_, i) => serviceName(i));
    const fresh = cdk8sRenderer(n, dir, 'fresh');
    fresh.cleanUp();
    const renderers = [
      cdk8sRenderer(n, dir, 'previous'),
      fresh,
      cdk8sRenderer(n, dir, 'direct'),
      toolRenderer('helm template', helm, writeHelmChart(path.join(dir, 'chart'), profiles, services), dir),
    ];
    if (n <= options.kustomizeMax) {
      const devObjects = new Map<string, any[]>();
      for (const m of fleetPlatform(n).render().manifests.filter((x) => x.environment === ENVIRONMENTS[0])) {
        devObjects.set(m.app, [...(devObjects.get(m.app) ?? []), m.object]);
      }
      renderers.push(toolRenderer('kubectl kustomize', kubectl, writeKustomizeTree(path.join(dir, 'kustomize'), devObjects, profiles, services), dir));
    }
    process.stdout.write(`N=${n}: warm-up`);
    for (const r of renderers) {
      await r.run();
      settle();
    }
    const samples = new Map<string, Measurement[]>(renderers.map((r) => [r.name, []]));
    for (let rep = 0; rep < options.reps; rep++) {
      // Alternate the order (A B C, B C A, ...) so that drift between runs hits every renderer.
      for (let i = 0; i < renderers.length; i++) {
        const r = renderers[(rep + i) % renderers.length];
        samples.get(r.name)!.push(await r.run());
        settle();
      }
      process.stdout.write(` ${rep + 1}`);
    }
    process.stdout.write('\n');

    const counts = new Map(renderers.map((r) => [r.name, r.count()]));
    const reference = counts.get(renderers[0].name)!;
    for (const r of renderers.slice(1)) {
      for (const env of ENVIRONMENTS) {
        if (counts.get(r.name)!.get(env) !== reference.get(env)) {
          problems.push(`N=${n} ${env}: ${r.name} rendered ${counts.get(r.name)!.get(env)} objects, cdk8s ${reference.get(env)}`);
        }
      }
    }
    if (n <= 100) {
      // Helm is given the library's values: its objects must equal ours; kustomize's (which cannot
      // derive per-environment instance labels) by kind and name.
      const ours = renderers[0].objects();
      for (const r of renderers.slice(1)) {
        const full = r.name !== 'kubectl kustomize';
        for (const d of differences(ours, r.objects(), full).slice(0, 5)) problems.push(`N=${n} ${r.name}: ${d}`);
      }
    }
    fresh.cleanUp();
    const helmSeconds = samples.get('helm template')!.map((m) => m.seconds);
    for (const r of renderers) {
      const s = samples.get(r.name)!;
      const objects = [...reference.values()].reduce((a, b) => a + b, 0);
      const medianSeconds = median(s.map((m) => m.seconds));
      rows.push({
        renderer: r.name,
        n,
        seconds: s.map((m) => m.seconds),
        peakRssMiB: s.map((m) => m.peakRssMiB),
        objects,
        medianSeconds,
        maxPeakRssMiB: Math.max(...s.map((m) => m.peakRssMiB)),
        objectsPerSecond: objects / medianSeconds,
        // Paired: each run against the helm run of the same repetition.
        ratioToHelm: median(s.map((m, i) => m.seconds / helmSeconds[i])),
      });
    }
  }

  const growth = new Map<string, number>();
  const [from, to] = options.sizes.includes(100) && options.sizes.includes(1000) ? [100, 1000] : [...options.sizes].sort((a, b) => a - b).slice(-2);
  for (const renderer of new Set(rows.map((r) => r.renderer))) {
    const a = rows.find((r) => r.renderer === renderer && r.n === from);
    const b = rows.find((r) => r.renderer === renderer && r.n === to);
    if (a && b && from !== to) growth.set(renderer, Math.log(b.medianSeconds / a.medianSeconds) / Math.log(to / from));
  }

  console.log('\n| renderer | N | objects | median wall time | peak RSS | objects/s | paired time ratio to helm |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.renderer} | ${r.n} | ${r.objects} | ${r.medianSeconds.toFixed(2)} s | ${Math.round(r.maxPeakRssMiB)} MiB | ${Math.round(r.objectsPerSecond)} | ${r.ratioToHelm!.toFixed(2)} |`);
  }
  if (growth.size) {
    console.log(`\ngrowth exponent of the median time from N=${from} to N=${to} (1 = linear, 2 = quadratic):`);
    for (const [renderer, k] of growth) console.log(`  ${renderer}: ${k.toFixed(2)}`);
  }

  const startup = await shippedStacks(options.reps);
  console.log('\n| run | median wall time | peak RSS | paired time ratio to the empty app |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of startup) console.log(`| ${r.run} | ${r.medianSeconds.toFixed(2)} s | ${Math.round(r.maxPeakRssMiB)} MiB | ${r.ratioToEmptyApp.toFixed(2)} |`);

  const largest = Math.max(...options.sizes);
  const fleetFiles = fleetPlatform(largest).render().files;
  const fileSystem = fileSystemFigures(fleetFiles, path.join(WORK, 'file-system'));
  console.log(`\nfile system, the ${fleetFiles.size} files of the N=${largest} fleet (one run each):`);
  for (const r of fileSystem) console.log(`  ${r.operation}: ${r.seconds.toFixed(2)} s`);

  const headline = rows.find((r) => r.n === 1000 && r.renderer === 'cdk8s synth (CLI), over previous output');
  const shipped = startup[0];
  console.log('\ntargets (issue 11): 1000-service fleet through the CLI over its previous output: ratio to helm < 1.0, peak RSS <= 300 MiB; shipped stacks within 1.3x of the CLI on an empty app');
  if (headline) {
    const ok = headline.ratioToHelm! < 1 && headline.maxPeakRssMiB <= 300;
    console.log(`  ${ok ? 'met' : 'NOT met'}: ${headline.renderer}, ratio ${headline.ratioToHelm!.toFixed(2)}, ${Math.round(headline.maxPeakRssMiB)} MiB`);
  }
  console.log(`  ${shipped.ratioToEmptyApp <= 1.3 ? 'met' : 'NOT met'}: ${shipped.run}, ratio ${shipped.ratioToEmptyApp.toFixed(2)}`);

  fs.mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const result = { date: new Date().toISOString(), options, versions, rows, startup, fileSystem, growth: Object.fromEntries(growth), growthFrom: from, growthTo: to, problems };
  for (const file of [`${stamp}.json`, 'latest.json']) fs.writeFileSync(path.join(RESULTS, file), JSON.stringify(result, null, 2) + '\n');
  console.log(`\nresults: bench/results/${stamp}.json`);
  if (problems.length) {
    console.error(`\nthe renderers disagree:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('the renderers produce the same objects per environment');
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
