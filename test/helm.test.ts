import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { createPlatform } from '../apps/platform';
import { CHART_PREFIX, keepAppManifests, NOT_IN_CHART, synthHelmChart } from '../scripts/synth-helm';
import { run } from './support/k8s-tools';

const ROOT = path.join(__dirname, '..');
const ENVIRONMENTS = ['dev', 'stage', 'prod'];
const key = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('Helm charts from cdk8s synth --format helm (real helm 3.12)', () => {
  let outdir: string;
  const rendered = createPlatform().render().manifests;

  beforeAll(() => {
    // The charts are made by the cdk8s CLI running the compiled app, as `npm run synth:helm` does.
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: ROOT, stdio: 'inherit' });
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-'));
    for (const environment of ENVIRONMENTS) synthHelmChart(environment, '1.2.3', outdir);
  }, 300_000);
  afterAll(() => outdir && fs.rmSync(outdir, { recursive: true, force: true }));

  test.each(ENVIRONMENTS)('%s: Chart.yaml names the environment and the version', (environment) => {
    const chart = parseAllDocuments(fs.readFileSync(path.join(outdir, environment, 'Chart.yaml'), 'utf8'))[0].toJSON();
    expect(chart).toMatchObject({ apiVersion: 'v2', name: `${CHART_PREFIX}-${environment}`, version: '1.2.3', type: 'application' });
    expect(fs.existsSync(path.join(outdir, environment, 'crds'))).toBe(false);
  });

  test.each(ENVIRONMENTS)('%s: helm lint --strict passes', (environment) => {
    expect(run('helm', ['lint', '--strict', path.join(outdir, environment)])).toContain('0 chart(s) failed');
  });

  test.each(ENVIRONMENTS)('%s: helm template renders exactly the app objects the synth writes to dist/<env>', (environment) => {
    const templated = parseAllDocuments(run('helm', ['template', 'release', path.join(outdir, environment), '--namespace', environment]))
      .map((d) => d.toJSON())
      .filter(Boolean);
    const expected = rendered.filter((m) => m.environment === environment && !NOT_IN_CHART.includes(m.app)).map((m) => m.object);
    expect(expected.length).toBeGreaterThan(0);
    expect(templated.map(key).sort()).toEqual(expected.map(key).sort());
    const byKey = new Map(expected.map((o) => [key(o), o]));
    for (const object of templated) {
      expect({ key: key(object), object }).toEqual({ key: key(object), object: byKey.get(key(object)) });
    }
  });

  test('the charts hold no Argo CD bootstrap, no kustomization files and no bookkeeping of the synth', () => {
    const files = execFileSync('find', [outdir, '-type', 'f'], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => path.relative(outdir, f)).sort();
    expect(files.filter((f) => f.includes('/argocd/') || f.endsWith('kustomization.yaml') || path.basename(f).startsWith('.'))).toEqual([]);
    expect(files).toContain('dev/templates/dev/journal/Deployment.journal-server.k8s.yaml');
  });
});

describe('keepAppManifests', () => {
  test('text that looks like a Helm template renders unchanged', () => {
    const chart = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-'));
    try {
      fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: t\nversion: 0.0.1\n');
      fs.mkdirSync(path.join(chart, 'templates', 'dev', 'app'), { recursive: true });
      const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alerts\ndata:\n  summary: "{{ $labels.pod }} is down {{- x }}"\n';
      fs.writeFileSync(path.join(chart, 'templates', 'dev', 'app', 'ConfigMap.alerts.k8s.yaml'), manifest);
      fs.writeFileSync(path.join(chart, 'templates', 'dev', 'app', 'kustomization.yaml'), 'resources: []\n');
      keepAppManifests(chart, 'dev');
      expect(fs.readdirSync(path.join(chart, 'templates', 'dev', 'app'))).toEqual(['ConfigMap.alerts.k8s.yaml']);
      const rendered = parseAllDocuments(run('helm', ['template', 'r', chart])).map((d) => d.toJSON()).filter(Boolean);
      expect(rendered).toEqual(parseAllDocuments(manifest).map((d) => d.toJSON()));
    } finally {
      fs.rmSync(chart, { recursive: true, force: true });
    }
  });
});
