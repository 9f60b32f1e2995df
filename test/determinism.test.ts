import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { createPlatform } from '../apps/platform';
import { stacks } from '../apps/stacks';
import { AppChart, ConfigMap, Deployment, EnvValue, Kustomization, Platform, PolicyEngine, Probe, Service } from '../lib';
import { OutputFolder } from '../lib/core/output-folder';
import { ENV } from './support/harness';

/** Every file under a folder, relative path → bytes. */
function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

test('two synths of every environment write byte-identical trees of valid YAML', () => {
  const [a, b] = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'determinism-')));
  try {
    createPlatform().synth(a);
    createPlatform().synth(b);
    const first = readTree(a);
    const second = readTree(b);
    expect([...first.keys()]).toEqual([...second.keys()]);
    expect(new Set([...first.keys()].map((f) => f.split(path.sep)[0]))).toEqual(new Set([...createPlatform().props.environments.map((e) => e.name), OutputFolder.INDEX_FILE]));
    for (const [file, bytes] of first) {
      expect({ file, same: bytes.equals(second.get(file)!) }).toEqual({ file, same: true });
      const docs = parseAllDocuments(bytes.toString('utf-8'));
      expect({ file, errors: docs.flatMap((d) => d.errors.map((e) => e.message)) }).toEqual({ file, errors: [] });
    }
  } finally {
    for (const d of [a, b]) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('the order of the app stacks does not change any file', () => {
  const forward = createPlatform().render();
  const reversed = createPlatform({ stacks: [...stacks].reverse() }).render();
  expect([...reversed.files.entries()]).toEqual([...forward.files.entries()]);
});

test('the order of unrelated constructs in a stack does not change the output or the findings', () => {
  const parts: ((chart: AppChart) => void)[] = [
    (chart) => new ConfigMap(chart, 'settings', { data: { b: '2', a: '1' } }),
    (chart) => {
      const api = new Deployment(chart, 'api', { containers: [{ name: 'api', image: 'registry.example.com/api:3f2a9c1', ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromTcpSocket('http') }] });
      new Service(chart, 'api-service', { target: api, name: 'api', ports: [{ port: 80, targetPort: 'http' }] });
    },
    (chart) => new Deployment(chart, 'worker', { containers: [{ name: 'worker', image: 'registry.example.com/worker:3f2a9c1', env: { TOKEN: EnvValue.fromSecret('worker-token', 'token') } }] }),
  ];
  const renderWith = (order: number[]) => {
    const platform = new Platform({
      environments: [ENV.dev, ENV.prod],
      stacks: [{ name: 'test', define: (chart) => order.forEach((i) => parts[i](chart)) }],
      outputs: [new Kustomization()],
    });
    const rendering = platform.render();
    const files = [...rendering.files.entries()];
    const findings = [ENV.dev, ENV.prod].map((env) => new PolicyEngine().check(rendering.manifests.filter((m) => m.environment === env.name), env));
    return { files, findings: findings.flat().map((f) => `${f.path} ${f.rule} ${f.field}`).sort() };
  };
  const reference = renderWith([0, 1, 2]);
  expect(reference.files.map(([file]) => file)).toContain('dev/test/kustomization.yaml');
  expect(reference.findings).toEqual(['dev/test/worker/Resource PLT040 spec.template.spec.containers[0].env[0].valueFrom', 'prod/test/worker/Resource PLT040 spec.template.spec.containers[0].env[0].valueFrom']);
  for (const order of [[2, 1, 0], [1, 0, 2], [2, 0, 1]]) {
    expect(renderWith(order)).toEqual(reference);
  }
});

test('the output does not depend on the clock, the time zone or the working directory', () => {
  const before = [...createPlatform().render().files.entries()];
  const tz = process.env.TZ;
  const cwd = process.cwd();
  const realNow = Date.now;
  try {
    process.env.TZ = 'Asia/Seoul';
    Date.now = () => 0;
    process.chdir(os.tmpdir());
    expect([...createPlatform().render().files.entries()]).toEqual(before);
  } finally {
    process.chdir(cwd);
    Date.now = realNow;
    if (tz === undefined) delete process.env.TZ; else process.env.TZ = tz;
  }
});
