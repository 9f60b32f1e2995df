import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { createPlatform } from '../apps/platform';
import { OutputFolder } from '../lib/core/output-folder';
import { roundTripProblems } from './support/cdk8s-roundtrip';
import { strictProblems } from './support/strict-schema';

const DIST = path.join(__dirname, '..', 'dist');

/** Every file under `dir`, as paths relative to it with `/` separators, sorted. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
    .sort();
}

/** Every Kubernetes object under dist/ (the `*.k8s.yaml` files; `kustomization.yaml` is not one), with its file. */
function committedDocuments(): { file: string; object: any }[] {
  return filesUnder(DIST)
    .filter((f) => f.endsWith('.k8s.yaml'))
    .flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(DIST, file), 'utf8')).map((doc) => {
      if (doc.errors.length) throw new Error(`dist/${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return { file, object: doc.toJSON() };
    }));
}

/** Where two texts first differ, e.g. `line 12: "  replicas: 2" → "  replicas: 3"`; undefined if equal. */
function firstDifference(committed: string, fresh: string): string | undefined {
  if (committed === fresh) return undefined;
  const a = committed.split('\n');
  const b = fresh.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i === -1 ? a.length : i;
  return `(line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end>')}, synth ${JSON.stringify(b[at] ?? '<end>')})`;
}

describe('dist/ (the committed manifests)', () => {
  const rendered = createPlatform().render().files;

  test('is exactly what a fresh synth writes: the manifests and the index of them', () => {
    const expected = new Map([...rendered, [OutputFolder.INDEX_FILE, OutputFolder.indexText(rendered.keys())]]);
    const onDisk = filesUnder(DIST);
    const drift = [
      ...[...expected.keys()].filter((f) => !onDisk.includes(f)).map((f) => `missing: dist/${f}`),
      ...onDisk.filter((f) => !expected.has(f)).map((f) => `not produced by synth: dist/${f}`),
      ...onDisk.filter((f) => expected.has(f)).flatMap((f) => {
        const change = firstDifference(fs.readFileSync(path.join(DIST, f), 'utf8'), expected.get(f)!);
        return change ? [`differs: dist/${f} ${change}`] : [];
      }),
    ];
    if (drift.length) {
      throw new Error(`dist/ is out of date with the code. Run \`npm run synth\` and commit dist/.\n  ${drift.join('\n  ')}`);
    }
  });

  test('has the three standard environments, one folder per app', () => {
    const folders = [...new Set(filesUnder(DIST).map((f) => f.split('/').slice(0, 2).join('/')))];
    for (const env of ['dev', 'stage', 'prod']) {
      expect(folders).toContain(`${env}/journal`);
    }
    const kustomizations = /^[a-z0-9-]+\/([a-z0-9-]+\/)?kustomization\.yaml$/;
    expect(filesUnder(DIST).filter((f) => !kustomizations.test(f) && f !== OutputFolder.INDEX_FILE).every((f) => /^[a-z0-9-]+\/[a-z0-9-]+\/[A-Za-z]+\.[a-z0-9.-]+\.k8s\.yaml$/.test(f))).toBe(true);
  });

  test('every document is strictly valid Kubernetes 1.27 (schema + unknown fields)', () => {
    const documents = committedDocuments();
    expect(documents.length).toBeGreaterThan(0);
    const problems = documents.flatMap(({ file, object }) => strictProblems(object).map((p) => `dist/${file}: ${p}`));
    expect(problems).toEqual([]);
  });

  test('every document survives the independent round trip through its generated cdk8s class unchanged', () => {
    // The audit Policy is a kube-apiserver file with no generated class; the schema check covers it.
    const documents = committedDocuments().filter(({ object }) => object.apiVersion !== 'audit.k8s.io/v1');
    const problems = documents.flatMap(({ file, object }) => roundTripProblems(object).map((p) => `dist/${file}: ${p}`));
    expect(problems).toEqual([]);
  });

  test('two renders are byte-identical', () => {
    const again = createPlatform().render().files;
    expect([...again.keys()]).toEqual([...rendered.keys()]);
    for (const [file, content] of again) {
      expect({ file, content }).toEqual({ file, content: rendered.get(file) });
    }
  });
});
