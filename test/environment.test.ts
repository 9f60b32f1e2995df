import { parse } from 'yaml';
import { createPlatform } from '../apps/platform';
import { environments } from '../apps/environments';
import { Environment, environmentsFromEnv, ImagePolicy, PodSecurityLevel, SyncPolicy } from '../lib';
import { refusalOf } from './support/refusal';

describe('Environment presets', () => {
  test('dev: one replica, half-size resources, tagged images, no autoscaling, automated sync', () => {
    const dev = Environment.dev({ baseDomain: 'dev.example.com' });
    expect(dev).toMatchObject({
      name: 'dev', namespace: 'dev', replicas: 1, resourceScale: 0.5, baseDomain: 'dev.example.com',
      imagePolicy: ImagePolicy.TAGGED, podSecurity: PodSecurityLevel.RESTRICTED, highAvailability: false, sync: SyncPolicy.AUTOMATED,
    });
    expect(dev.autoscalingEnabled).toBe(false);
  });

  test('qa: like dev, with autoscaling 1..3', () => {
    const qa = Environment.qa({ baseDomain: 'qa.example.com' });
    expect(qa).toMatchObject({ name: 'qa', namespace: 'qa', replicas: 1, resourceScale: 0.5, autoscaling: { minReplicas: 1, maxReplicas: 3 } });
  });

  test('stage: production-shaped, two replicas, autoscaling 2..5, high availability', () => {
    const stage = Environment.stage({ baseDomain: 'stage.example.com' });
    expect(stage).toMatchObject({
      name: 'stage', replicas: 2, resourceScale: 1, imagePolicy: ImagePolicy.TAGGED,
      autoscaling: { minReplicas: 2, maxReplicas: 5 }, highAvailability: true, sync: SyncPolicy.AUTOMATED,
    });
  });

  test('prod: three replicas, immutable images, autoscaling 3..10, manual sync', () => {
    const prod = Environment.prod({ baseDomain: 'example.com' });
    expect(prod).toMatchObject({
      name: 'prod', replicas: 3, resourceScale: 1, imagePolicy: ImagePolicy.IMMUTABLE,
      autoscaling: { minReplicas: 3, maxReplicas: 10 }, highAvailability: true, sync: SyncPolicy.MANUAL,
    });
    expect(prod.autoscalingEnabled).toBe(true);
  });

  test('preset values can be overridden, and the namespace follows the name unless set', () => {
    expect(Environment.dev({ baseDomain: 'x.example.com', name: 'dev2' }).namespace).toBe('dev2');
    expect(Environment.prod({ baseDomain: 'example.com', namespace: 'shop-prod', replicas: 5 })).toMatchObject({ name: 'prod', namespace: 'shop-prod', replicas: 5 });
  });

  test('host() makes names under the base domain', () => {
    expect(Environment.dev({ baseDomain: 'dev.example.com' }).host('journal')).toBe('journal.dev.example.com');
  });

  test('the shipped environments are dev, stage and prod, in that order', () => {
    expect(environments.map((e) => e.name)).toEqual(['dev', 'stage', 'prod']);
    expect(environments.flatMap((e) => e.problems())).toEqual([]);
  });
});

describe('Environment problems', () => {
  const ok = { name: 'dev', replicas: 1, baseDomain: 'dev.example.com' };

  test('a valid profile has none', () => {
    expect(Environment.of(ok).problems()).toEqual([]);
  });

  test.each([
    ['name', { name: 'Dev_1', namespace: 'dev' }, 'environment.name', 'Dev_1'],
    ['namespace', { namespace: 'team.dev' }, 'environment.namespace', 'team.dev'],
    ['base domain', { baseDomain: 'Example..com' }, 'environment.baseDomain', 'Example..com'],
    ['zero replicas', { replicas: 0 }, 'environment.replicas', 0],
    ['fractional replicas', { replicas: 1.5 }, 'environment.replicas', 1.5],
    ['resource scale', { resourceScale: 0 }, 'environment.resourceScale', 0],
    ['autoscaling min > max', { autoscaling: { minReplicas: 4, maxReplicas: 2 } }, 'environment.autoscaling', { minReplicas: 4, maxReplicas: 2 }],
    ['autoscaling min 0', { autoscaling: { minReplicas: 0, maxReplicas: 2 } }, 'environment.autoscaling', { minReplicas: 0, maxReplicas: 2 }],
  ])('bad %s is refused', (_what, change, field, value) => {
    const problems = Environment.of({ ...ok, ...change }).problems();
    expect(problems).toEqual([expect.objectContaining({ field, value })]);
    expect(problems[0].fix).not.toBe('');
  });

  test('the platform refuses a bad profile before rendering anything, naming it, the field and the value', () => {
    const bad = Environment.qa({ baseDomain: 'qa.example.com', name: 'QA' });
    const problems = refusalOf(createPlatform({ environments: [...environments, bad] }));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\[QA\] environment\.name: must be a DNS-1123 label .*\(got "QA"\)\. Fix: rename it, e\.g\. "qa"$/),
      expect.stringMatching(/^\[QA\] environment\.namespace: must be a DNS-1123 label .*\(got "QA"\)/),
    ]));
    // Objects named after the environment are refused too; the valid environments are not blamed.
    expect(problems.filter((p) => !p.startsWith('[QA'))).toEqual([]);
  });

  test('two environments with the same name are refused', () => {
    const again = Environment.dev({ baseDomain: 'other.example.com' });
    expect(refusalOf(createPlatform({ environments: [...environments, again] }))).toEqual([
      '[dev] environment.name: is defined twice (got "dev"). Fix: give each environment its own name',
    ]);
  });
});

describe('selecting and adding environments', () => {
  test('adding a fourth environment is one more list entry and renders qa/<app>/ files', () => {
    // Without autoscaling, so that qa differs from dev in replicas only (an autoscaler would add an HPA).
    const qa = Environment.qa({ baseDomain: 'qa.example.com', replicas: 2, autoscaling: undefined });
    const files = createPlatform({ environments: [...environments, qa] }).render().files;
    const dev = createPlatform().render().files;
    const qaFiles = [...files.keys()].filter((f) => f.startsWith('qa/'));
    // Same files as dev, with the environment's name where dev's has it (folder, per-environment objects).
    expect(qaFiles).toEqual([...dev.keys()].filter((f) => f.startsWith('dev/')).map((f) => f.replace(/\bdev\b/g, 'qa')));

    // Where the profiles differ (name, namespace, replicas) the YAML differs; elsewhere it is the same.
    const qaDeployment = parse(files.get('qa/journal/Deployment.journal-server.k8s.yaml')!);
    const devDeployment = parse(dev.get('dev/journal/Deployment.journal-server.k8s.yaml')!);
    expect(qaDeployment.metadata.namespace).toBe('qa');
    expect(qaDeployment.metadata.labels.environment).toBe('qa');
    expect(qaDeployment.spec.replicas).toBe(2);
    expect(devDeployment.spec.replicas).toBe(1);
    expect(qaDeployment.spec.template.spec.containers).toEqual(devDeployment.spec.template.spec.containers);

    // The existing environments render exactly as before.
    for (const [file, content] of dev) {
      expect(files.get(file)).toBe(content);
    }
  });

  test('`only` renders a subset, e.g. from PLATFORM_ENVIRONMENTS', () => {
    expect(environmentsFromEnv(' dev, prod ,')).toEqual(['dev', 'prod']);
    expect(environmentsFromEnv('')).toBeUndefined();
    expect(environmentsFromEnv(undefined)).toBeUndefined();
    const files = createPlatform({ only: environmentsFromEnv('dev,prod') }).render().files;
    expect(new Set([...files.keys()].map((f) => f.split('/')[0]))).toEqual(new Set(['dev', 'prod']));
  });

  test('an unknown environment in `only` is refused', () => {
    expect(refusalOf(createPlatform({ only: ['dev', 'qa'] }))).toEqual([
      '[platform] only: is not a known environment (got "qa"). Fix: use one of dev, stage, prod',
    ]);
  });

  test("an unknown environment in a stack's environments is refused", () => {
    const stack = { name: 'tools', environments: ['dev', 'prd'], define: () => undefined };
    expect(refusalOf(createPlatform({ stacks: [stack] }))).toEqual([
      '[tools] environments: is not a known environment (got "prd"). Fix: use one of dev, stage, prod',
    ]);
  });

  test('a stack limited to some environments renders only there', () => {
    const [journal] = createPlatform().props.stacks;
    const files = createPlatform({ stacks: [{ ...journal, environments: ['prod'] }] }).render().files;
    expect(new Set([...files.keys()].map((f) => f.split('/')[0]))).toEqual(new Set(['prod']));
  });
});
