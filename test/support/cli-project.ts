import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');

/** The cdk8s CLI of the project, as `npm run synth` runs it (node_modules/.bin/cdk8s). */
export const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');

/** The outcome of one CLI run. */
export interface CliRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs `cdk8s synth --check-upgrade=false <args>` in `cwd` and waits for it. */
export function synth(cwd: string, args: string[] = [], env: Record<string, string> = {}): CliRun {
  const start = process.hrtime.bigint();
  const r = spawnSync(CDK8S, ['synth', '--check-upgrade=false', ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

/** A CLI run in the background, in its own process group (so that a kill reaches the app too). */
export interface BackgroundSynth {
  readonly child: ChildProcess;
  /** Resolves when the CLI exits. */
  readonly done: Promise<CliRun>;
  /** SIGKILLs the CLI, its shell and the app at once. */
  kill(): void;
}

/** Starts `cdk8s synth --check-upgrade=false` in `cwd` without waiting. */
export function startSynth(cwd: string, env: Record<string, string> = {}): BackgroundSynth {
  const start = process.hrtime.bigint();
  const child = spawn(CDK8S, ['synth', '--check-upgrade=false'], { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  const done = new Promise<CliRun>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr, seconds: Number(process.hrtime.bigint() - start) / 1e9 })));
  return {
    child,
    done,
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
    },
  };
}

/** Every file under `dir`, relative path with `/` → content; folders as `path/` → ''. */
export function tree(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(path.join(dir, rel))) return out;
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      out.set(`${child}/`, '');
      for (const [k, v] of tree(dir, child)) out.set(k, v);
    } else {
      out.set(child, fs.readFileSync(path.join(dir, child), 'utf8'));
    }
  }
  return out;
}

/** Every file under `dir` with its content and modification time, to see that nothing was touched. */
export function stamps(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, content] of tree(dir)) out.set(file, `${fs.statSync(path.join(dir, file)).mtimeMs} ${content}`);
  return out;
}

/** Builds the project (`npm run build`: tsc, validators, bundles) when the compiled app is older than a source file, as `npm test` does first. */
export function ensureBuilt(): void {
  const newest = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs))
    .reduce((a, b) => Math.max(a, b), 0);
  const folders = ['lib', 'apps', 'bench'];
  const built = folders.map((d) => path.join(ROOT, 'build', d));
  const sources = Math.max(...folders.map((d) => newest(path.join(ROOT, d))));
  if (!built.every((d) => fs.existsSync(d)) || Math.max(...built.map(newest)) < sources) {
    spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
}
