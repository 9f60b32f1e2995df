import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { measure } from './measure';

// `npm run bench:plan [-- --size 1000 --reps 3]`: the time of `npm run plan` against the synth it
// accompanies, on the shipped stacks and on the benchmark fleet. The rows "compiled code only"
// leave out the tsc run both npm commands start with, which makes them the least favourable to
// the plan.
//
// - shipped stacks as npm runs them: `tsc`, then `cdk8s synth` (into a scratch folder), against
//   `tsc`, then the plan of HEAD with `--render-base` (both trees rendered);
// - shipped stacks, compiled code only: `node build/apps/main.js` (the app `cdk8s synth` runs)
//   into an empty folder, against the same plan;
// - fleet: a temporary git repository with the fleet at APP_TAG 1.0.0, then a commit bumping it
//   to 1.0.1 (every service rolls out in dev and stage, every object's version label changes);
//   `node build/bench/fleet-main.js` into an empty folder against the plan of that commit.

const ROOT = path.join(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'build');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number >= 1`);
  return value;
}

/** A git repository with the library, the fleet and one commit bumping the fleet's tag. */
function fleetHistory(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-bench-'));
  for (const folder of ['lib', 'imports', 'bench']) fs.cpSync(path.join(ROOT, folder), path.join(dir, folder), { recursive: true, filter: (f) => !f.includes(`${path.sep}results`) });
  for (const file of ['package.json', 'package-lock.json', 'tsconfig.json']) fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'fleet 1.0.0');
  const fleet = path.join(dir, 'bench', 'fleet.ts');
  fs.writeFileSync(fleet, fs.readFileSync(fleet, 'utf8').replace("export const APP_TAG = '1.0.0';", "export const APP_TAG = '1.0.1';"));
  git('commit', '-q', '-am', 'fleet 1.0.1');
  return dir;
}

/** Seconds the plan takes, accepting its exit code 1 (changes). */
async function plan(cwd: string, args: string[], env: Record<string, string>): Promise<number> {
  const start = process.hrtime.bigint();
  const result = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(BUILD, 'scripts', 'plan.js'), ...args, '--format', 'json'], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (result !== 0 && result !== 1) throw new Error(`plan exited ${result}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const size = option('size', 1000);
  const reps = option('reps', 3);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-bench-out-'));
  const history = fleetHistory();
  const rows: string[] = [];
  try {
    const npx = (args: string[]) => async () => (await measure('npx', args)).seconds;
    const tscThen = (then: () => Promise<number>) => async () => (await npx(['tsc', '-p', '.'])()) + (await then());
    const pairs: [string, () => Promise<number>, () => Promise<number>][] = [
      ['shipped stacks, as npm runs them (tsc, then cdk8s synth / the plan)',
        tscThen(npx(['cdk8s', 'synth', '--check-upgrade=false', '--output', path.join(scratch, 'cdk8s-out')])),
        tscThen(() => plan(ROOT, ['--base', 'HEAD', '--render-base'], {}))],
      ['shipped stacks, compiled code only',
        async () => (await measure(process.execPath, [path.join(BUILD, 'apps', 'main.js')], { env: { CDK8S_OUTDIR: fs.mkdtempSync(path.join(scratch, 'synth-')) } })).seconds,
        () => plan(ROOT, ['--base', 'HEAD', '--render-base'], {})],
      [`fleet of ${size} services, compiled code only`,
        async () => (await measure(process.execPath, [path.join(BUILD, 'bench', 'fleet-main.js')], { env: { FLEET_SIZE: String(size), FLEET_OUTDIR: fs.mkdtempSync(path.join(scratch, 'fleet-')) } })).seconds,
        () => plan(history, ['--base', 'HEAD~1', '--platform', 'bench/fleet-platform'], { FLEET_SIZE: String(size) })],
    ];
    for (const [name, synth, planRun] of pairs) {
      const synthTimes: number[] = [];
      const planTimes: number[] = [];
      const ratios: number[] = [];
      for (let i = 0; i < reps; i++) {
        // Alternate which runs first, so that neither always gets the warmer machine.
        let s: number;
        let p: number;
        if (i % 2 === 0) {
          s = await synth();
          p = await planRun();
        } else {
          p = await planRun();
          s = await synth();
        }
        synthTimes.push(s);
        planTimes.push(p);
        ratios.push(p / s);
      }
      rows.push(`| ${name} | ${median(synthTimes).toFixed(2)} s | ${median(planTimes).toFixed(2)} s | ${median(ratios).toFixed(2)} |`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(history, { recursive: true, force: true });
  }
  console.log(['| stacks | synth (median) | plan (median) | paired ratio plan / synth |', '| --- | ---: | ---: | ---: |', ...rows].join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
