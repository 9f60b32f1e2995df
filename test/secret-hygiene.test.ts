import * as fs from 'fs';
import * as path from 'path';
import { createPlatform } from '../apps/platform';
import { parseAllDocuments } from 'yaml';
import { AppChart, ConfigMap, Deployment, EnvValue, ExistingSecret, ImagePolicy, Platform, PLATFORM_RULES, PodSecurityLevel, PolicyEngine, Secret, SecretValue } from '../lib';
import { TEST_SECRET_VALUES } from './fixtures/secret-values';
import { ENV } from './support/harness';

const DIST = path.join(__dirname, '..', 'dist');

/** The forms a value can leak in: plain, base64 and base64url. */
function forms(value: string): string[] {
  const b64 = Buffer.from(value, 'utf-8').toString('base64');
  return [value, b64, b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')];
}

/** The data values of a rendered Secret (decoded `data` and `stringData`). */
function secretValues(secret: any): string[] {
  return [
    ...Object.values<string>(secret.data ?? {}).map((v) => Buffer.from(v, 'base64').toString('utf-8')),
    ...Object.values<string>(secret.stringData ?? {}),
  ];
}

/** Leaks of `values` in `files` (path → content): `file: name (form)`. */
function leaks(files: Map<string, string>, values: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [file, content] of files) {
    for (const [name, value] of Object.entries(values)) {
      const form = forms(value).find((f) => f.length >= 6 && content.includes(f));
      if (form) found.push(`${file}: ${name} (${form === value ? 'plain' : 'base64'})`);
    }
  }
  return found;
}

function readDist(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else files.set(path.relative(DIST, full), fs.readFileSync(full, 'utf-8'));
    }
  };
  if (fs.existsSync(DIST)) walk(DIST);
  return files;
}

/** A stack that passes each test credential the ways the library offers. */
function credentials(chart: AppChart): void {
  const files = new Secret(chart, 'htpasswd', { data: { '.htpasswd': SecretValue.nonSensitive(TEST_SECRET_VALUES.htpasswd) } });
  const redis = new ExistingSecret(chart, 'redis', { name: 'redis-password', keys: ['password'], createdBy: 'the redis operator' });
  const settings = new ConfigMap(chart, 'settings', { data: { mode: 'test' } });
  new Deployment(chart, 'api', {
    containers: [{
      name: 'api',
      image: 'registry.example.com/api:3f2a9c1',
      env: { REDIS_PASSWORD: redis.env('password'), HTPASSWD: files.env('.htpasswd'), MODE: EnvValue.fromConfigMap(settings.name, 'mode') },
      mounts: [{ volume: files.volume('htpasswd'), path: '/etc/nginx/auth' }],
    }],
  });
}

describe('secret hygiene', () => {
  test('the secret scanner (PLT090, PLT091) finds no credential in the committed dist/ or in a fresh render of the shipped platform', () => {
    const documents = [...readDist()].filter(([file]) => file.endsWith('.k8s.yaml'))
      .flatMap(([file, content]) => parseAllDocuments(content).map((d) => ({ object: d.toJS(), path: file, file })));
    const fresh = createPlatform().render().manifests.map((m) => ({ object: m.object, path: m.constructPath, file: m.file }));
    expect(documents.length).toBeGreaterThan(0);
    const scanner = new PolicyEngine({ rules: PLATFORM_RULES.filter((r) => r.id === 'PLT090' || r.id === 'PLT091') });
    const settings = { namespace: 'default', podSecurity: PodSecurityLevel.RESTRICTED, imagePolicy: ImagePolicy.TAGGED };
    expect(scanner.evaluate(documents, settings).map((f) => `${f.path} ${f.rule} ${f.field}`)).toEqual([]);
    expect(scanner.evaluate(fresh, settings).map((f) => `${f.path} ${f.rule} ${f.field}`)).toEqual([]);
    // The test credentials, plain or base64, appear nowhere either.
    expect(leaks(readDist(), TEST_SECRET_VALUES)).toEqual([]);
  });

  test('values of the shipped Secrets appear in no other object', () => {
    const { manifests, files } = createPlatform().render();
    for (const secret of manifests.filter((m) => m.object.kind === 'Secret')) {
      const values = Object.fromEntries(secretValues(secret.object).map((v, i) => [`${secret.file}#${i}`, v]));
      const others = new Map([...files].filter(([file]) => file !== secret.file));
      expect(leaks(others, values)).toEqual([]);
    }
  });

  test('a stack using every way to pass credentials renders each value only inside its own Secret', () => {
    const rendering = new Platform({ environments: [ENV.dev, ENV.prod], stacks: [{ name: 'test', define: credentials }] }).render();
    const secretFiles = rendering.manifests.filter((m) => m.object.kind === 'Secret').map((m) => m.file);
    expect(secretFiles).toEqual(['dev/test/Secret.htpasswd.k8s.yaml', 'prod/test/Secret.htpasswd.k8s.yaml']);
    const others = new Map([...rendering.files].filter(([file]) => !secretFiles.includes(file)));
    expect(others.size).toBeGreaterThan(0);
    expect(leaks(others, TEST_SECRET_VALUES)).toEqual([]);
    // The pod's config hash covers the Secret, but as a digest, never the value.
    const pod = rendering.manifests.find((m) => m.object.kind === 'Deployment')!.object.spec.template;
    expect(JSON.stringify(pod)).not.toContain('canary');
  });

  test('the scanner finds a leak in each form', () => {
    const value = TEST_SECRET_VALUES.apiToken;
    const files = new Map([
      ['plain.yaml', `value: ${value}`],
      ['base64.yaml', `data: ${Buffer.from(value).toString('base64')}`],
      ['clean.yaml', 'value: nothing'],
    ]);
    expect(leaks(files, { apiToken: value })).toEqual(['plain.yaml: apiToken (plain)', 'base64.yaml: apiToken (base64)']);
  });
});
