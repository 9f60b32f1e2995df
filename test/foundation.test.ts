import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createPlatform } from '../apps/platform';
import { journal } from '../apps/journal';
import { OutputFolder } from '../lib/core/output-folder';
import { ConfigMap, Deployment, Labels, Platform, Service, SynthError } from '../lib';
import { ENV, expectSnapshot, find, problemsOf, render } from './support/harness';
import { refusalOf } from './support/refusal';

const STANDARD_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
  'environment',
];

const shipped = createPlatform().render().manifests;

/** The shipped journal objects of one environment. */
function journalIn(environment: string): any[] {
  return shipped.filter((m) => m.environment === environment && m.app === 'journal').map((m) => m.object);
}

describe('journal stack snapshots', () => {
  const options = { app: journal.name, version: journal.version };

  test.each(['dev', 'stage', 'prod'] as const)('%s', (environment) => {
    expectSnapshot(journal.define, { ...options, environment });
  });

  test('the harness renders what the shipped platform renders', () => {
    for (const environment of ['dev', 'stage', 'prod'] as const) {
      expect(render(journal.define, { ...options, environment })).toEqual(journalIn(environment));
    }
  });
});

describe('standard labels', () => {
  test('every shipped object carries all seven, with the environment and app filled in', () => {
    expect(shipped.length).toBeGreaterThan(0);
    // The audit Policy is a kube-apiserver file, not an API object: it carries no labels.
    for (const m of shipped.filter((x) => x.object.apiVersion !== 'audit.k8s.io/v1')) {
      const labels = m.object.metadata.labels;
      expect({ file: m.file, keys: Object.keys(labels).sort() }).toEqual({ file: m.file, keys: expect.arrayContaining(STANDARD_LABELS) });
      expect(labels[Labels.ENVIRONMENT]).toBe(m.environment);
      expect(labels[Labels.PART_OF]).toBe(m.app);
      expect(labels[Labels.MANAGED_BY]).toBe('cdk8s');
      expect(labels[Labels.INSTANCE]).toBe(`${labels[Labels.NAME]}-${m.environment}`);
    }
  });

  test('pod templates carry them too', () => {
    for (const m of shipped.filter((x) => x.object.spec?.template)) {
      expect(Object.keys(m.object.spec.template.metadata.labels)).toEqual(expect.arrayContaining(STANDARD_LABELS));
    }
  });

  test('objects made through an escape hatch get them as well', () => {
    const objects = render((chart) => {
      new ConfigMap(chart, 'plain', { data: { a: 'b' } });
    }, { app: 'tools' });
    expect(Object.keys(find(objects, 'ConfigMap', 'plain').metadata.labels).sort()).toEqual([...STANDARD_LABELS].sort());
  });

  test('selectors use only name and instance', () => {
    for (const m of shipped) {
      const o = m.object;
      const selectors = [o.spec?.selector?.matchLabels, o.kind === 'Service' ? o.spec.selector : undefined].filter(Boolean);
      for (const selector of selectors) {
        expect(Object.keys(selector).sort()).toEqual([Labels.INSTANCE, Labels.NAME]);
      }
    }
    const deployment = find(journalIn('prod'), 'Deployment', 'journal-server');
    expect(deployment.spec.selector.matchLabels).toEqual({ [Labels.NAME]: 'journal-server', [Labels.INSTANCE]: 'journal-server-prod' });
    expect(find(journalIn('prod'), 'Service', 'journal-server').spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });
});

describe('environments differ where their profiles differ', () => {
  const deploymentIn = (env: string) => find(journalIn(env), 'Deployment', 'journal-server');

  test('replicas follow the profile', () => {
    // The file server: the API's replicas belong to its autoscaler where the profile enables one.
    expect(['dev', 'stage', 'prod'].map((e) => find(journalIn(e), 'Deployment', 'journal-fileserver').spec.replicas)).toEqual([1, 2, 3]);
  });

  test('prod pins the image by digest; dev and stage use the readable tag', () => {
    const image = (env: string) => deploymentIn(env).spec.template.spec.containers[0].image;
    expect(image('dev')).toBe('brendanburns/journal-server:v1.4.2');
    expect(image('stage')).toBe(image('dev'));
    expect(image('prod')).toMatch(/^brendanburns\/journal-server@sha256:[0-9a-f]{64}$/);
  });

  test('each environment has its own namespace', () => {
    for (const env of ['dev', 'stage', 'prod']) {
      expect(new Set(journalIn(env).map((o) => o.metadata.namespace))).toEqual(new Set([env]));
    }
  });

  test('the journal reads journalEntries=10 from its ConfigMap as an environment variable', () => {
    const config = find(journalIn('dev'), 'ConfigMap', 'journal-frontend-config');
    expect(config.data).toEqual({ journalEntries: '10' });
    expect(deploymentIn('dev').spec.template.spec.containers[0].env).toEqual([
      { name: 'JOURNAL_ENTRIES', valueFrom: { configMapKeyRef: { name: 'journal-frontend-config', key: 'journalEntries' } } },
    ]);
  });
});

describe('bad input fails the synth with path, field, value and fix', () => {
  const image = 'nginx:1.25.3';

  test('duplicate app names', () => {
    const problems = refusalOf(createPlatform({ stacks: [journal, { ...journal }] }));
    expect(problems).toEqual(['[journal] stack name: is defined twice (got "journal"). Fix: give each app stack its own name']);
  });

  test('an invalid app name', () => {
    expect(problemsOf(() => undefined, { app: 'Journal_App' })).toEqual([
      expect.stringMatching(/^\[dev\/Journal_App\] app name: must be a DNS-1123 label .*\(got "Journal_App"\)\. Fix: rename it, e\.g\. "journal-app"$/),
    ]);
  });

  test('invalid object names', () => {
    const problems = problemsOf((chart) => {
      new ConfigMap(chart, 'config', { name: 'Journal_Config', data: {} });
      new Deployment(chart, 'server', { name: 'journal.server', containers: [{ name: 'server', image }] });
    });
    expect(problems).toEqual([
      expect.stringMatching(/^\[dev\/test\/config\] name: must be a DNS-1123 subdomain .*\(got "Journal_Config"\)\. Fix: rename it, e\.g\. "journal-config"$/),
      expect.stringMatching(/^\[dev\/test\/server\] name: must be a DNS-1123 label .*\(got "journal\.server"\)\. Fix: rename it, e\.g\. "journal-server"$/),
    ]);
  });

  test('an app version that is not a label value', () => {
    const problems = refusalOf(createPlatform({ stacks: [{ ...journal, version: '1.4.2 beta' }], only: ['dev'] }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/journal\] version: must be a label value .*\(got "1\.4\.2 beta"\)\. Fix: /)]);
  });

  test('a component version label with spaces', () => {
    const problems = problemsOf((chart) => {
      new Deployment(chart, 'server', { version: 'v1 final', containers: [{ name: 'server', image }] });
    });
    expect(problems).toEqual([
      expect.stringMatching(/^\[dev\/test\/server\/Resource\] PLT002 metadata\.labels\.app\.kubernetes\.io\/version: must be a label value .*\(got "v1 final"\)\. Fix: /),
      expect.stringMatching(/^\[dev\/test\/server\/Resource\] PLT002 spec\.template\.metadata\.labels\.app\.kubernetes\.io\/version: must be a label value .*\(got "v1 final"\)\. Fix: /),
    ]);
  });

  test('a component label that is not a label value', () => {
    const problems = problemsOf((chart) => {
      new ConfigMap(chart, 'config', { component: 'front end', data: {} });
    });
    expect(problems).toEqual([
      expect.stringMatching(/^\[dev\/test\/config\/Resource\] PLT002 metadata\.labels\.app\.kubernetes\.io\/component: must be a label value .*\(got "front end"\)/),
    ]);
  });

  test('every problem of every environment is reported at once', () => {
    const problems = refusalOf(createPlatform({
      stacks: [{
        name: 'broken',
        define: (chart) => {
          new ConfigMap(chart, 'a', { name: 'A', data: {} });
          const d = new Deployment(chart, 'b', { name: 'B', containers: [{ name: 'b', image }] });
          new Service(chart, 'c', { name: 'c', target: d, ports: [{ port: 80 }] });
        },
      }],
    }));
    for (const env of ['dev', 'stage', 'prod']) {
      expect(problems).toEqual(expect.arrayContaining([
        expect.stringMatching(new RegExp(`^\\[${env}/broken/a\\] name: .*\\(got "A"\\)`)),
        expect.stringMatching(new RegExp(`^\\[${env}/broken/b\\] name: .*\\(got "B"\\)`)),
        expect.stringMatching(new RegExp(`^\\[${env}/broken/c\\] ports\\[0\\]\\.targetPort: .*\\(got 80\\)`)),
      ]));
    }
  });
});

describe('Platform.synth', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-constructs-synth-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  /** How many files the shipped platform renders for an environment. */
  const rendered = createPlatform().render().files;
  const filesOf = (env: string) => [...rendered.keys()].filter((f) => f.startsWith(`${env}/`)).length;

  /** Every file under outdir, relative and sorted. */
  const written = () => (fs.readdirSync(outdir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(outdir, f)).isFile()).map((f) => f.split(path.sep).join('/')).sort();

  test('writes nothing when anything fails, not even the environments that passed', () => {
    fs.mkdirSync(path.join(outdir, 'dev', 'old'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'dev', 'old', 'keep.yaml'), 'previous synth\n');
    const platform = createPlatform({
      stacks: [journal, { name: 'broken', environments: ['prod'], define: (chart) => { new ConfigMap(chart, 'x', { name: 'X', data: {} }); } }],
    });
    expect(() => platform.synth(outdir)).toThrow(SynthError);
    expect(written()).toEqual(['dev/old/keep.yaml']);
  });

  test('writes <env>/<app>/<Kind>.<name>.k8s.yaml and the index of what it wrote; files it did not write stay', () => {
    const rendering = createPlatform().synth(outdir);
    expect(written()).toEqual([...rendering.files.keys(), OutputFolder.INDEX_FILE, 'dev/old/keep.yaml'].sort());
    expect(written()).toContain('prod/journal/Deployment.journal-server.k8s.yaml');
    for (const [file, content] of rendering.files) {
      expect(fs.readFileSync(path.join(outdir, file), 'utf8')).toBe(content);
    }
    expect(fs.readFileSync(path.join(outdir, OutputFolder.INDEX_FILE), 'utf8')).toBe(OutputFolder.indexText(rendering.files.keys()));
    expect(rendering.changes).toEqual(['dev', 'prod', 'stage'].map((folder) => ({ folder, written: filesOf(folder), unchanged: 0, removed: 0 })));
  });

  test('a synth of a subset (only) leaves the other environments alone', () => {
    const before = written().map((f) => [f, fs.statSync(path.join(outdir, f)).mtimeMs]);
    const { changes } = createPlatform({ only: ['dev'] }).synth(outdir);
    expect(changes).toEqual([{ folder: 'dev', written: 0, unchanged: filesOf('dev'), removed: 0 }]);
    expect(written().map((f) => [f, fs.statSync(path.join(outdir, f)).mtimeMs])).toEqual(before);
  });

  test('an environment no longer defined loses its generated files, and only those', () => {
    fs.writeFileSync(path.join(outdir, 'prod', 'NOTES.md'), 'kept');
    const { changes } = new Platform({ ...createPlatform().props, environments: [ENV.dev, ENV.stage] }).synth(outdir);
    expect(changes.map((c) => [c.folder, c.written, c.removed])).toEqual([['dev', 0, 0], ['prod', 0, filesOf('prod')], ['stage', 0, 0]]);
    expect(written().filter((f) => f.startsWith('prod/'))).toEqual(['prod/NOTES.md']);
  });
});
