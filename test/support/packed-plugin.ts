import { execFileSync, spawnSync } from 'child_process';
import { packLibrary } from './consumer-app';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const CDK8S = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

/** What `cdk8s synth` did in a consumer project: exit code, output and the JSON validation reports. */
export interface ConsumerSynth {
  readonly status: number | null;
  readonly output: string;
  readonly reports: any[];
}

/** A temporary cdk8s project with this repository installed from its `npm pack` tarball, as a consumer installs it. */
export interface ConsumerProject {
  /** The project folder. */
  readonly dir: string;
  /** Runs `cdk8s synth` with a cdk8s.yaml (written first). */
  synth(cdk8sYaml: string): ConsumerSynth;
  /** Deletes the project. */
  remove(): void;
}

/**
 * Packs this repository as a consumer gets it ({@link packLibrary}: a copy of the sources, so the
 * repository's own build/ is never touched while other suites use it), then makes a project of
 * the files of `fixtureDir` with the tarball, cdk8s, cdk8s-plus-27 and constructs installed by npm
 * (from its cache when it can).
 */
export function consumerProject(fixtureDir: string): ConsumerProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
  const tarball = 'platform-k8s-constructs.tgz';
  fs.copyFileSync(packLibrary().tarball, path.join(dir, tarball));
  for (const file of fs.readdirSync(fixtureDir)) fs.copyFileSync(path.join(fixtureDir, file), path.join(dir, file));
  const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
  const deps = Object.fromEntries(['cdk8s', 'cdk8s-plus-27', 'constructs'].map((d) => [d, own.dependencies[d] ?? own.peerDependencies?.[d]]));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '0.0.0', private: true, dependencies: { [own.name]: `file:./${tarball}`, ...deps } }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: 'pipe' });
  return {
    dir,
    synth: (cdk8sYaml) => {
      fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), cdk8sYaml);
      const reportFile = path.join(dir, 'reports.json');
      fs.rmSync(reportFile, { force: true });
      const r = spawnSync('node', [CDK8S, 'synth', '--check-upgrade=false', '--validation-reports-output-file', reportFile], { cwd: dir, encoding: 'utf-8' });
      const reports = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf-8')).reports : [];
      return { status: r.status, output: `${r.stdout}${r.stderr}`, reports };
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

