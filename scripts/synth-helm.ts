/**
 * `npm run synth:helm -- [chart-version]`: one Helm chart per environment in `helm-out/<env>/`,
 * made by `cdk8s synth --format helm`, for teams that deploy with Helm instead of Argo CD.
 *
 * The cdk8s CLI writes one chart per run, with the app's output as `templates/`, so the app is
 * run once per environment (`PLATFORM_ENVIRONMENTS=<env>`). Each run uses a generated
 * `cdk8s.yaml` without `imports:`: otherwise the CLI downloads every imported CRD into the chart's
 * `crds/`, and those CRDs belong to their operators (Argo CD, Prometheus Operator), not to the apps.
 * Afterwards the chart keeps the app manifests only: the Argo CD bootstrap, files that are not
 * API objects, the kustomizations and the synth's index are removed, and `{{` is escaped so that Helm renders every
 * manifest byte for byte.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { environments } from '../apps/environments';
import { CONTROL_PLANE_FILES } from '../apps/stacks';
import { KUSTOMIZATION_FILE } from '../lib';
import { OutputFolder } from '../lib/core/output-folder';

/** The project root: the nearest folder with a cdk8s.yaml (this file runs from scripts/ or build/scripts/). */
const ROOT = [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..')].find((d) => fs.existsSync(path.join(d, 'cdk8s.yaml')))!;

/** App folders that are not part of a Helm release: the Argo CD bootstrap and non-API files. */
export const NOT_IN_CHART = ['argocd', ...CONTROL_PLANE_FILES];

/** Prefix of the chart names: `<prefix>-<environment>`. */
export const CHART_PREFIX = 'platform';

/** Writes the chart of one environment to `<outdir>/<environment>/` and returns its folder. */
export function synthHelmChart(environment: string, version: string, outdir = path.join(ROOT, 'helm-out')): string {
  const chartDir = path.join(outdir, environment);
  const workDir = path.join(outdir, '.work', `${CHART_PREFIX}-${environment}`);
  fs.mkdirSync(workDir, { recursive: true });
  fs.writeFileSync(path.join(workDir, 'cdk8s.yaml'), `language: typescript\napp: node ${JSON.stringify(path.join(ROOT, 'build', 'apps', 'main.js'))}\n`);
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--format', 'helm', '--chart-version', version, '--output', chartDir, '--check-upgrade=false'], {
    cwd: workDir, // the CLI names the chart after its working directory
    env: { ...process.env, PLATFORM_ENVIRONMENTS: environment, CDK8S_CHECK_UPGRADE: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  fs.rmSync(path.join(outdir, '.work'), { recursive: true, force: true });
  keepAppManifests(chartDir, environment);
  return chartDir;
}

/**
 * Leaves only the app manifests in a chart's `templates/<environment>/`, each rendering byte for
 * byte: removes {@link NOT_IN_CHART} folders and kustomizations, and escapes `{{` (which Helm
 * would take for a template action) as `{{ "{{" }}`.
 */
export function keepAppManifests(chartDir: string, environment: string): void {
  for (const app of NOT_IN_CHART) {
    fs.rmSync(path.join(chartDir, 'templates', environment, app), { recursive: true, force: true });
  }
  // The synth's index of what it wrote: bookkeeping of an output folder, not part of a chart.
  fs.rmSync(path.join(chartDir, 'templates', OutputFolder.INDEX_FILE), { force: true });
  for (const file of filesUnder(path.join(chartDir, 'templates'))) {
    if (path.basename(file) === KUSTOMIZATION_FILE) {
      fs.rmSync(file);
    } else {
      const text = fs.readFileSync(file, 'utf8');
      if (text.includes('{{')) fs.writeFileSync(file, text.replace(/\{\{/g, '{{ "{{" }}'));
    }
  }
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

if (require.main === module) {
  const version = process.argv[2] ?? (require(path.join(ROOT, 'package.json')) as { version: string }).version;
  for (const environment of environments) {
    console.error(`helm chart ${CHART_PREFIX}-${environment.name} ${version}: ${path.relative(ROOT, synthHelmChart(environment.name, version))}`);
  }
}
