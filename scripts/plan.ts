import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computePlan, formatJson, formatMarkdown, formatTerminal, Plan, PlanHeader, PlanSide } from '../lib/plan';
import { RenderResult } from './plan-render';

// `npm run plan -- [--base <git ref>] [--format terminal|markdown|json]`: what the working tree
// changes in each environment, against the rendering of a base commit (default: the merge base
// with main). Exit code 0: no change; 1: changes; 2: error (as `flux diff`).

const USAGE = 'usage: npm run plan -- [--base <git ref>] [--format terminal|markdown|json] [--platform <module>] [--outdir <folder>] [--render-base]';
const FORMATS = ['terminal', 'markdown', 'json'] as const;

interface Options {
  /** Git ref of the base; undefined: merge base of HEAD with main. */
  readonly base?: string;
  readonly format: typeof FORMATS[number];
  /** Module (relative to the repository root, no extension) exporting `createPlatform()`. */
  readonly platform: string;
  /** Folder the manifests are committed under. */
  readonly outdir: string;
  /** Render the base even when its sources equal the working tree's. */
  readonly renderBase: boolean;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options {
  const values = new Map<string, string>();
  let renderBase = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--render-base') {
      renderBase = true;
    } else if (['--base', '--format', '--platform', '--outdir'].includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value\n${USAGE}`);
      values.set(flag.slice(2), value);
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}\n${USAGE}`);
    }
  }
  const format = values.get('format') ?? 'terminal';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(format)})`);
  return {
    base: values.get('base'),
    format: format as Options['format'],
    platform: values.get('platform') ?? 'apps/platform',
    outdir: values.get('outdir') ?? 'dist',
    renderBase,
  };
}

function git(root: string, args: string[], input?: Buffer): string {
  return execFileSync('git', args, { cwd: root, input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] }).toString('utf8').trim();
}

/** The base commit and how to name it: the given ref, else the merge base with main (or origin/main). */
function resolveBase(root: string, ref: string | undefined): { commit: string; label: string } {
  if (ref !== undefined) {
    try {
      return { commit: git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]), label: ref };
    } catch {
      throw new Error(`--base ${ref}: not a commit of this repository`);
    }
  }
  for (const main of ['main', 'origin/main']) {
    try {
      return { commit: git(root, ['merge-base', 'HEAD', main]), label: `merge base with ${main}` };
    } catch {
      // try the next name
    }
  }
  throw new Error('no branch main or origin/main to take the merge base with: pass --base <git ref>');
}

/**
 * Whether the working tree's sources equal the base's: every tracked file outside the output
 * folder unchanged and no untracked file (outside .gitignore). Then both render the same, since
 * a rendering depends on nothing but the sources and the locked dependencies (it is deterministic,
 * `test/dist.test.ts`).
 */
function sameSources(root: string, commit: string, outdir: string): boolean {
  const outside = ['--', '.', `:(exclude)${outdir}`];
  try {
    git(root, ['diff', '--quiet', commit, ...outside]);
  } catch {
    return false;
  }
  return git(root, ['ls-files', '--others', '--exclude-standard', ...outside]) === '';
}

/** Renders the platform of the tree at `root` in a child process (see plan-render.ts). */
function renderTree(root: string, platform: string, scratch: string, name: string): Promise<RenderResult> {
  const out = path.join(scratch, `${name}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(__dirname, 'plan-render.js'), root, platform, out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || !fs.existsSync(out)) {
        reject(new Error(`rendering ${name} crashed (exit ${code}): ${stderr.trim()}`));
        return;
      }
      const result: RenderResult = JSON.parse(fs.readFileSync(out, 'utf8'));
      if (result.error !== undefined) reject(new Error(`the ${name} does not render:\n${result.error}`));
      else resolve(result);
    });
  });
}

/**
 * Writes the base's sources (not its output folder) to `dir` and links the working tree's
 * dependencies when the base locks the same ones; otherwise installs the base's with `npm ci`.
 */
function exportBase(root: string, commit: string, outdir: string, dir: string, notes: string[]): void {
  const archive = execFileSync('git', ['archive', commit, '--', '.', `:(exclude)${outdir}`], { cwd: root, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive, maxBuffer: 1 << 30 });
  const lock = (f: () => string) => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  const baseLock = lock(() => git(root, ['rev-parse', `${commit}:package-lock.json`]));
  const headLock = lock(() => git(root, ['hash-object', 'package-lock.json']));
  if (baseLock !== undefined && baseLock === headLock) {
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  } else {
    notes.push('the base locks other dependencies than the working tree: installed them with npm ci');
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

/** Compares the rendered manifests with the base's committed output folder, by git blob id. */
function committedOutputNote(root: string, commit: string, outdir: string, blobs: Record<string, string>): string {
  const committed = new Map<string, string>();
  for (const line of git(root, ['ls-tree', '-r', commit, '--', `${outdir}/`]).split('\n').filter(Boolean)) {
    const [meta, file] = line.split('\t');
    if (file.endsWith('.k8s.yaml')) committed.set(file.slice(outdir.length + 1), meta.split(' ')[2]);
  }
  if (!committed.size) return `the base commits no manifests under ${outdir}/: nothing to compare its rendering with`;
  const rendered = Object.keys(blobs);
  const missing = rendered.filter((f) => !committed.has(f)).length;
  const extra = [...committed.keys()].filter((f) => !(f in blobs)).length;
  const differ = rendered.filter((f) => committed.has(f) && committed.get(f) !== blobs[f]).length;
  if (!missing && !extra && !differ) return `the base's committed ${outdir}/ is what its code renders (${rendered.length} manifests): the plan shows what syncing the change does`;
  return `WARNING: the base's committed ${outdir}/ is not what its code renders (${differ} differ, ${missing} missing, ${extra} extra): Argo CD applied the committed files, so the cluster may differ from the base shown here`;
}

/** Production-like first: manual sync, then immutable images, then reverse output order. */
function criticalityOrder(environments: NonNullable<RenderResult['environments']>): string[] {
  return environments
    .map((e, i) => ({ name: e.name, key: [e.sync === 'manual' ? 0 : 1, e.imagePolicy === 'immutable' ? 0 : 1, -i] }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2])
    .map((e) => e.name);
}

function side(result: RenderResult): PlanSide {
  return { environments: (result.environments ?? []).map((e) => e.name), objects: result.objects ?? [] };
}

async function run(options: Options): Promise<{ plan: Plan; header: PlanHeader }> {
  const root = git(process.cwd(), ['rev-parse', '--show-toplevel']);
  const base = resolveBase(root, options.base);
  const short = base.commit.slice(0, 12);
  const notes: string[] = [];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-plan-'));
  try {
    const identical = !options.renderBase && sameSources(root, base.commit, options.outdir);
    // The working tree renders while the base is exported.
    const headRender = renderTree(root, options.platform, scratch, 'working tree');
    headRender.catch(() => undefined);
    let baseRender: Promise<RenderResult> | undefined;
    if (!identical) {
      const tree = path.join(scratch, 'base');
      fs.mkdirSync(tree);
      exportBase(root, base.commit, options.outdir, tree, notes);
      baseRender = renderTree(tree, options.platform, scratch, `base ${short}`);
    }
    // Both children finish before the scratch folder is removed, even when one fails.
    const [headSettled, baseSettled] = await Promise.allSettled([headRender, baseRender ?? headRender]);
    if (headSettled.status === 'rejected') throw headSettled.reason;
    if (baseSettled.status === 'rejected') throw baseSettled.reason;
    const head = headSettled.value;
    const baseResult = baseSettled.value;
    notes.unshift(identical
      ? `the working tree's sources equal the base's (outside ${options.outdir}/): one rendering serves both`
      : `base rendered from its sources (git archive of ${short}, compiled as loaded), the working tree likewise`);
    notes.push(committedOutputNote(root, base.commit, options.outdir, baseResult.blobs ?? {}));
    const order = criticalityOrder([...(head.environments ?? []), ...(baseResult.environments ?? []).filter((e) => !head.environments?.some((h) => h.name === e.name))]);
    const plan = computePlan(side(baseResult), side(head), { order, outdir: options.outdir });
    return { plan, header: { title: `base ${short} (${base.label}) → working tree`, notes } };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`plan: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const { plan, header } = await run(options);
    const color = options.format === 'terminal' && (process.env.FORCE_COLOR ? process.env.FORCE_COLOR !== '0' : process.stdout.isTTY === true && !process.env.NO_COLOR);
    const text = options.format === 'json' ? formatJson(plan, header) : options.format === 'markdown' ? formatMarkdown(plan, header) : formatTerminal(plan, header, color);
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
    return plan.changed ? 1 : 0;
  } catch (e) {
    process.stderr.write(`plan: ${(e as Error).message}\n`);
    return 2;
  }
}

void main().then((code) => (process.exitCode = code));
