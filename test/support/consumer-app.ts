/**
 * The library as another team gets it: `npm pack` of a clean copy of the sources, installed into
 * an app of their own. Shared by the suites that test the packed library (the consumer app, the
 * validation plugin in a project that only has the tarball).
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
/** What a fresh clone needs to pack the library (no build/, no apps/, no dist/). */
const PACK_SOURCES = ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json', 'tsconfig.package.json', 'README.md', 'LICENSE', 'lib', 'imports', 'docs/rules.md', 'docs/package-readme.md', 'scripts/pack.js', 'scripts/validators.js'];
/** Packed tarballs, one per content of PACK_SOURCES, so that several suites pack once. */
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'k8s-constructs-pack');
/** The file name fixture apps depend on (`"@platform/k8s-constructs": "file:platform-k8s-constructs.tgz"`). */
export const TARBALL_NAME = 'platform-k8s-constructs.tgz';

/** Result of a command. */
export interface Run {
  readonly status: number | null;
  /** stdout followed by stderr. */
  readonly output: string;
  readonly stdout: string;
}

/** Runs a command in `cwd`; never throws. */
export function run(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(command, args, { cwd, encoding: 'utf-8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

function sourceHash(): string {
  const hash = crypto.createHash('sha256');
  for (const source of PACK_SOURCES) {
    const p = path.join(ROOT, source);
    if (!fs.existsSync(p)) continue;
    for (const file of (fs.statSync(p).isDirectory() ? files(p) : [p]).sort()) {
      hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** The packed library: its tarball and the files in it. */
export interface PackedLibrary {
  readonly tarball: string;
  readonly files: string[];
}

/**
 * `npm pack` of a copy of the sources (as in a fresh clone: prepack builds from nothing), so
 * that the repository's own build/ is never touched while other suites use it. Cached by content.
 */
export function packLibrary(): PackedLibrary {
  const key = sourceHash();
  const tarball = path.join(CACHE, `${key}.tgz`);
  const listing = path.join(CACHE, `${key}.json`);
  if (fs.existsSync(tarball) && fs.existsSync(listing)) {
    return { tarball, files: JSON.parse(fs.readFileSync(listing, 'utf-8')) };
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-constructs-pack-'));
  try {
    const src = path.join(work, 'src');
    fs.mkdirSync(src);
    for (const source of PACK_SOURCES) {
      if (!fs.existsSync(path.join(ROOT, source))) continue;
      fs.mkdirSync(path.dirname(path.join(src, source)), { recursive: true });
      fs.cpSync(path.join(ROOT, source), path.join(src, source), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules'), 'dir');
    const packed = run(src, 'npm', ['pack', '--json', '--pack-destination', work]);
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
    const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[\n')));
    const names: string[] = report[0].files.map((f: { path: string }) => f.path).sort();
    fs.mkdirSync(CACHE, { recursive: true });
    // Rename last: a concurrent suite sees a complete tarball or none.
    fs.writeFileSync(`${listing}.${process.pid}`, JSON.stringify(names));
    fs.renameSync(`${listing}.${process.pid}`, listing);
    fs.copyFileSync(path.join(work, report[0].filename), `${tarball}.${process.pid}`);
    fs.renameSync(`${tarball}.${process.pid}`, tarball);
    // Tarballs of earlier sources are never used again.
    for (const old of fs.readdirSync(CACHE).filter((f) => !f.startsWith(key) && /\.(tgz|json)$/.test(f))) fs.rmSync(path.join(CACHE, old), { force: true });
    return { tarball, files: names };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Copies a fixture app into a new temporary folder, puts the tarball where its package.json
 * expects it, and installs its dependencies from the npm registry (cache first). Returns the
 * app folder; remove it with {@link removeApp}.
 */
export function installApp(fixture: string, library: PackedLibrary): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${path.basename(fixture)}-`));
  fs.cpSync(fixture, dir, { recursive: true, filter: (src) => !/[\\/](node_modules|dist)$/.test(src) });
  fs.copyFileSync(library.tarball, path.join(dir, TARBALL_NAME));
  const installed = run(dir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error']);
  if (installed.status !== 0) throw new Error(`npm install in ${dir} failed:\n${installed.output}`);
  return dir;
}

/** Removes an app made by {@link installApp}. */
export function removeApp(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
