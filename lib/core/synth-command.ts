import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputConflictError } from './output-folder';
import { OutputLockedError } from './output-lock';
import { Platform, SynthError } from './platform';

/** Props of {@link synthCommand}. */
export interface SynthCommandProps {
  /**
   * The folder the platform writes when run by `cdk8s synth` with the project's cdk8s.yaml, or
   * run directly: the committed output.
   * @default 'dist'
   */
  readonly outdir?: string;
  /**
   * The `output` of cdk8s.yaml: the folder `cdk8s synth` deletes before every run and names in
   * `CDK8S_OUTDIR`. It gets only a summary; the platform writes `outdir` itself, so that the CLI
   * never deletes the committed output.
   * @default '.cdk8s-out'
   */
  readonly cliOutput?: string;
  /**
   * Environment variables (`CDK8S_OUTDIR`).
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
}

/** File the platform writes into the CLI's folder, for the CLI to list instead of every manifest. */
export const SUMMARY_FILE = 'synth-summary.yaml';
/** File holding every object in the folder of `cdk8s synth --stdout`, for the CLI to print. */
export const STREAM_FILE = 'manifests.yaml';

/**
 * The entry point of a cdk8s app that renders a {@link Platform}: what `cdk8s synth` runs. Where
 * the output goes depends on `CDK8S_OUTDIR`, which the CLI sets:
 *
 * - unset (the app run directly) or `cliOutput` (`cdk8s synth` with the project's cdk8s.yaml):
 *   `outdir` is brought up to date (see {@link Platform.synth}) and `cliOutput` gets a summary;
 * - the temporary folder of `cdk8s synth --stdout`: every object, as one YAML stream
 *   (`---`-separated, in file order) in one file, which the CLI prints; nothing else is written;
 * - any other folder (`cdk8s synth -o <dir>`, which the CLI empties first, or `CDK8S_OUTDIR=<dir>`
 *   with the app run directly): the whole output is written there, as into `outdir`.
 *
 * Prints one line per environment (files written, unchanged, removed) and the warnings on stderr
 * (the CLI swallows the app's stdout). Returns the exit code: 1 when the synth was refused
 * (problems, a lock held by another synth, a path taken by a file the synth did not write);
 * anything else that goes wrong is thrown. In every failing case the output is left as it was.
 */
export function synthCommand(platform: Platform, props: SynthCommandProps = {}): number {
  const outdir = props.outdir ?? 'dist';
  const cliOutput = props.cliOutput ?? '.cdk8s-out';
  // Empty is unset, as a shell's `CDK8S_OUTDIR= node app.js` means.
  const given = (props.env ?? process.env).CDK8S_OUTDIR || undefined;
  try {
    if (given !== undefined && isStdoutFolder(given)) {
      const { files, manifests, warnings } = platform.render();
      printWarnings(warnings);
      fs.mkdirSync(given, { recursive: true });
      fs.writeFileSync(path.join(given, STREAM_FILE), [...new Set(manifests.map((m) => m.file))].sort().map((f) => files.get(f)).join('---\n'));
      return 0;
    }
    const project = given === undefined || path.resolve(given) === path.resolve(cliOutput);
    const target = project ? outdir : given;
    const { changes, warnings } = platform.synth(target);
    printWarnings(warnings);
    const order = platform.props.environments.map((e) => e.name);
    const rank = (folder: string) => (order.includes(folder) ? order.indexOf(folder) : order.length);
    const sorted = [...changes].sort((a, b) => rank(a.folder) - rank(b.folder) || (a.folder < b.folder ? -1 : 1));
    for (const c of sorted) {
      console.error(`${path.join(target, c.folder)}: ${c.written} written, ${c.unchanged} unchanged, ${c.removed} removed`);
    }
    if (project && given !== undefined) {
      fs.mkdirSync(given, { recursive: true });
      fs.writeFileSync(path.join(given, SUMMARY_FILE), summary(outdir, sorted));
    }
    return 0;
  } catch (e) {
    if (e instanceof SynthError || e instanceof OutputLockedError || e instanceof OutputConflictError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

/** The temporary folder `cdk8s synth --stdout` makes (`mkdtemp(<tmpdir>/cdk8s-)`) and prints the YAML files of. */
function isStdoutFolder(dir: string): boolean {
  return path.dirname(path.resolve(dir)) === path.resolve(os.tmpdir()) && /^cdk8s-[0-9A-Za-z]{6}$/.test(path.basename(dir));
}

function printWarnings(warnings: string[]): void {
  for (const warning of warnings) console.error(`warning: ${warning}`);
}

function summary(outdir: string, changes: { folder: string; written: number; unchanged: number; removed: number }[]): string {
  return [
    `# cdk8s synth ran the platform, which wrote ${outdir}/ itself (see the README, "Output"); the CLI gets only this summary.`,
    `outdir: ${JSON.stringify(outdir)}`,
    'environments:',
    ...changes.map((c) => `  - { name: ${JSON.stringify(c.folder)}, written: ${c.written}, unchanged: ${c.unchanged}, removed: ${c.removed} }`),
    '',
  ].join('\n');
}
