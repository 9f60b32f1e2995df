import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computePlan, diffFields, formatMarkdown, formatTerminal, Plan, PlannedObject } from '../lib';

// `npm run plan` on real git histories: each test commits a change of a small platform (the
// library's constructs, Argo CD delivery, the namespace baseline) to a temporary repository and
// runs the compiled CLI (build/scripts/plan.js, made by `npm run build`, which `npm test` runs
// first) in it, as CI does in a pull request.

// Each CLI run renders two trees in child processes: a few seconds on a busy machine.
jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'build', 'scripts', 'plan.js');

/** What varies between the commits of a history. */
interface Fixture {
  readonly webName: string;
  readonly webImage: string;
  readonly verbs: string[];
  /** Peer of the web NetworkPolicy: the ingress controller, or every namespace. */
  readonly openToAll: boolean;
  readonly claimSize: string;
  readonly environments: string[];
}

const INITIAL: Fixture = {
  webName: 'shop-web',
  webImage: 'registry.example.com/shop/web:3f9c2a1',
  verbs: ['get', 'list'],
  openToAll: false,
  claimSize: '1Gi',
  environments: ['Environment.dev({ baseDomain: "dev.example.com" })', 'Environment.prod({ baseDomain: "example.com" })'],
};

function platformSource(f: Fixture): string {
  return `import {
  argoCdDelivery, ClusterBaseline, Deployment, Environment, NetworkPeer, NetworkPolicy, Platform, Role, RoleBinding, Service,
  StackDefinition, StatefulSet, Subject, VolumeClaimTemplate,
} from '../lib';

const cluster: StackDefinition = { name: 'cluster', version: '1.0.0', define(chart) { new ClusterBaseline(chart, 'baseline'); } };

const shop: StackDefinition = {
  name: 'shop',
  version: '1.0.0',
  define(chart) {
    const web = new Deployment(chart, 'web', {
      name: ${JSON.stringify(f.webName)},
      containers: [{ name: 'web', image: ${JSON.stringify(f.webImage)}, ports: [{ number: 8080, name: 'http' }] }],
    });
    new Service(chart, 'web-service', { target: web, ports: [{ port: 80, targetPort: 'http' }] });
    const data = VolumeClaimTemplate.readWriteOnce('data', ${JSON.stringify(f.claimSize)});
    new StatefulSet(chart, 'db', {
      name: 'shop-db',
      ports: [{ port: 6379, name: 'redis', targetPort: 'redis' }],
      volumeClaimTemplates: [data],
      containers: [{ name: 'db', image: 'registry.example.com/shop/db:1a2b3c4', ports: [{ number: 6379, name: 'redis' }], mounts: [{ volume: data.volume, path: '/data' }] }],
    });
    new NetworkPolicy(chart, 'web-ingress', {
      name: 'shop-web-ingress',
      selector: web,
      ingress: [{ peers: [${f.openToAll ? "NetworkPeer.cidr('anywhere', '0.0.0.0/0')" : "NetworkPeer.namespace('ingress-nginx')"}], ports: [{ port: 'http' }] }],
    });
    const role = new Role(chart, 'reader', { name: 'shop-reader', rules: [{ resources: ['configmaps'], verbs: ${JSON.stringify(f.verbs)} }] });
    new RoleBinding(chart, 'reader-binding', { name: 'shop-reader', role, subjects: [Subject.group('team:shop')] });
  },
};

const apps = [cluster, shop];

export function createPlatform(): Platform {
  return new Platform({
    environments: [${f.environments.join(', ')}],
    stacks: [...apps, argoCdDelivery({ repoURL: 'https://git.example.com/shop.git', apps })],
  });
}
`;
}

/** A git repository holding the library's sources and the fixture platform, one commit per fixture. */
class History {
  public readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-test-'));

  constructor() {
    for (const folder of ['lib', 'imports']) fs.cpSync(path.join(ROOT, folder), path.join(this.dir, folder), { recursive: true });
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json']) fs.copyFileSync(path.join(ROOT, file), path.join(this.dir, file));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(this.dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(this.dir, '.gitignore'), 'node_modules\n');
    this.git('init', '-q', '-b', 'main');
  }

  /** Commits the initial fixture, then the change: the change is the last commit. */
  public change(fixture: Fixture, message: string): void {
    this.commit(INITIAL, 'back to the initial fixture');
    this.commit(fixture, message);
  }

  public commit(fixture: Fixture, message: string): void {
    fs.mkdirSync(path.join(this.dir, 'apps'), { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'apps', 'platform.ts'), platformSource(fixture));
    this.git('add', '-A');
    this.git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-q', '--allow-empty', '-m', message);
  }

  public git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir }).toString();
  }

  /** Runs the CLI in the repository: exit code, stdout, stderr. */
  public plan(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: this.dir, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** The JSON plan of the working tree against the previous commit (exit code 1 expected). */
  public planOfLastCommit(): Plan & { notes: string[] } {
    const r = this.plan('--base', 'HEAD~1', '--format', 'json');
    if (r.status !== 1) throw new Error(`plan exited ${r.status}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout);
  }

  public remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function changeOf(plan: Plan, environment: string, kind: string, name: string) {
  const env = plan.environments.find((e) => e.environment === environment);
  const change = env?.changes.find((c) => c.kind.endsWith(`/${kind}`) && c.name === name);
  if (!change) throw new Error(`no change of ${kind} ${name} in ${environment}: ${JSON.stringify(env?.changes.map((c) => `${c.kind} ${c.name}`))}`);
  return change;
}

function classesOf(change: { classes: readonly { class: string }[] }): string[] {
  return [...new Set(change.classes.map((c) => c.class))];
}

function reasonOf(change: { classes: readonly { class: string; reason: string; details?: readonly string[] }[] }, cls: string): string {
  return change.classes.filter((c) => c.class === cls).map((c) => [c.reason, ...(c.details ?? [])].join('\n')).join('\n');
}

describe('npm run plan on a git history', () => {
  let history: History;
  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    history = new History();
    history.commit(INITIAL, 'initial');
  });
  afterAll(() => (process.env.KEEP_PLAN_REPO ? console.log(history.dir) : history.remove()));

  test('an unchanged tree: exit 0, whether the base is rendered or not', () => {
    const shortcut = history.plan('--base', 'HEAD');
    expect(shortcut).toMatchObject({ status: 0, stderr: '' });
    expect(shortcut.stdout).toContain('No changes in any environment.');
    expect(shortcut.stdout).toContain("the working tree's sources equal the base's");
    const rendered = history.plan('--base', 'HEAD', '--render-base', '--format', 'markdown');
    expect(rendered).toMatchObject({ status: 0, stderr: '' });
    expect(rendered.stdout).toContain('base rendered from its sources');
    expect(rendered.stdout).toContain('the base commits no manifests under dist/');
  });

  test('default base: the merge base with main', () => {
    history.git('checkout', '-q', '-b', 'feature');
    try {
      const r = history.plan();
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/\(merge base with main\)/);
    } finally {
      history.git('checkout', '-q', 'main');
      history.git('branch', '-q', '-D', 'feature');
    }
  });

  test('an image bump: rollout of the workload with its replicas, and the image change', () => {
    history.change({ ...INITIAL, webImage: 'registry.example.com/shop/web:4e8d3b2' }, 'bump web');
    const plan = history.planOfLastCommit();
    expect(plan.environments.map((e) => e.environment)).toEqual(['prod', 'dev']);
    const prod = changeOf(plan, 'prod', 'Deployment', 'shop-web');
    expect(classesOf(prod)).toEqual(['rollout', 'image']);
    expect(reasonOf(prod, 'rollout')).toMatch(/pod template changed \(.*spec\.containers\[name=web\]\.image.*\): 3 replicas roll/);
    expect(reasonOf(prod, 'image')).toBe('container web: registry.example.com/shop/web:3f9c2a1 → registry.example.com/shop/web:4e8d3b2 (tag)');
    expect(prod.fields).toContainEqual({ path: 'spec.template.spec.containers[name=web].image', op: 'replace', before: 'registry.example.com/shop/web:3f9c2a1', after: 'registry.example.com/shop/web:4e8d3b2' });
    expect(reasonOf(changeOf(plan, 'dev', 'Deployment', 'shop-web'), 'rollout')).toMatch(/: 1 replica roll/);
    expect(plan.environments[0].counts).toMatchObject({ rollout: 1, image: 1 });
  });

  test('a rename: the new workload replaces the old one (selector changed) and the old one is pruned', () => {
    history.change({ ...INITIAL, webName: 'shop-frontend' }, 'rename web');
    const plan = history.planOfLastCommit();
    const added = changeOf(plan, 'dev', 'Deployment', 'shop-frontend');
    expect(added).toMatchObject({ action: 'add', renamedFrom: 'shop-web' });
    expect(reasonOf(added, 'replace')).toMatch(/replaces Deployment shop-web \(renamed\).*selector \{.*app\.kubernetes\.io\/name=shop-web\} → \{.*app\.kubernetes\.io\/name=shop-frontend\}/);
    const removed = changeOf(plan, 'dev', 'Deployment', 'shop-web');
    expect(classesOf(removed)).toEqual(['prune']);
    expect(reasonOf(removed, 'prune')).toMatch(/Argo CD \(dev-shop, automated sync with prune\) deletes it/);
    expect(reasonOf(changeOf(plan, 'prod', 'Deployment', 'shop-web'), 'prune')).toMatch(/manual sync\) marks it as requiring pruning/);
    expect(reasonOf(changeOf(plan, 'dev', 'Service', 'shop-frontend'), 'replace')).toMatch(/clients that call shop-web/);
  });

  test('an RBAC widening: the permissions gained, by subject', () => {
    history.change({ ...INITIAL, verbs: ['get', 'list', 'watch', 'update'] }, 'widen role');
    const plan = history.planOfLastCommit();
    const role = changeOf(plan, 'prod', 'Role', 'shop-reader');
    expect(classesOf(role)).toEqual(['access']);
    expect(reasonOf(role, 'access')).toBe([
      'widened: 2 permission(s) gained',
      '+ Group team:shop may update configmaps in namespace prod',
      '+ Group team:shop may watch configmaps in namespace prod',
    ].join('\n'));
  });

  test('a NetworkPolicy opened: the exposure widened and narrowed', () => {
    history.change({ ...INITIAL, openToAll: true }, 'open web');
    const plan = history.planOfLastCommit();
    const policy = changeOf(plan, 'prod', 'NetworkPolicy', 'shop-web-ingress');
    expect(classesOf(policy)).toEqual(['exposure']);
    const reason = reasonOf(policy, 'exposure');
    expect(reason).toMatch(/^widened \(1\), narrowed \(1\)/);
    expect(reason).not.toMatch(/isolated/);
    expect(reason).toMatch(/\+ ingress to pods \{.*shop-web\} from 0\.0\.0\.0\/0 on TCP\/http/);
    expect(reason).toMatch(/- ingress to pods \{.*shop-web\} from every pod in namespaces \{kubernetes\.io\/metadata\.name=ingress-nginx\} on TCP\/http/);
  });

  test('a StatefulSet volumeClaimTemplate change: replace, with the data warning', () => {
    history.change({ ...INITIAL, claimSize: '5Gi' }, 'bigger claims');
    const plan = history.planOfLastCommit();
    const db = changeOf(plan, 'prod', 'StatefulSet', 'shop-db');
    expect(classesOf(db)).toContain('replace');
    expect(classesOf(db)).not.toContain('rollout');
    const reason = reasonOf(db, 'replace');
    expect(reason).toMatch(/^spec\.volumeClaimTemplates\[name=data\]\.spec\.resources\.requests\.storage changed: Kubernetes refuses the update/);
    expect(reason).toMatch(/Replace=true/);
    expect(reason).toMatch(/DATA MAY BE LOST/);
    const quota = plan.environments.find((e) => e.environment === 'prod')!.quotas[0];
    expect(quota.resources).toContainEqual(expect.objectContaining({ resource: 'requests.storage', before: '1Gi', after: '5Gi' }));
  });

  test('an environment added: every object added, listed as a new environment, summary in Markdown', () => {
    history.change({ ...INITIAL, environments: [...INITIAL.environments, 'Environment.qa({ baseDomain: "qa.example.com" })'] }, 'add qa');
    const plan = history.planOfLastCommit();
    const qa = plan.environments.find((e) => e.environment === 'qa')!;
    expect(qa.status).toBe('added');
    expect(qa.changes.length).toBeGreaterThan(10);
    expect(qa.changes.every((c) => c.action === 'add')).toBe(true);
    expect(plan.environments.filter((e) => e.environment !== 'qa').every((e) => e.status === 'unchanged')).toBe(true);
    const markdown = history.plan('--base', 'HEAD~1', '--format', 'markdown');
    expect(markdown.status).toBe(1);
    expect(markdown.stdout).toMatch(/\| \*\*qa \(new environment\)\*\* \| /);
    expect(markdown.stdout).toContain('### qa (new environment) (Argo CD, automated sync with prune)');
  });

  test('errors exit 2 with a message: an unknown ref, an unknown option, a tree that does not render', () => {
    expect(history.plan('--base', 'no-such-ref')).toMatchObject({ status: 2, stderr: 'plan: --base no-such-ref: not a commit of this repository\n' });
    expect(history.plan('--frmat', 'json').status).toBe(2);
    fs.writeFileSync(path.join(history.dir, 'apps', 'platform.ts'), platformSource({ ...INITIAL, webName: 'Shop_Web' }));
    try {
      const r = history.plan('--base', 'HEAD');
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/the working tree does not render:\nSynth failed .*Shop_Web/s);
    } finally {
      history.git('checkout', '--', 'apps/platform.ts');
    }
  });
});

describe('computePlan and the formats (pure)', () => {
  const object = (environment: string, kind: string, name: string, spec: any, extra: any = {}): PlannedObject => ({
    environment,
    app: 'a',
    file: `${environment}/a/${kind}.${name}.k8s.yaml`,
    object: { apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, metadata: { name, namespace: environment }, spec, ...extra },
  });

  test('a Service turned LoadBalancer widens exposure; clusterIP is immutable', () => {
    const before = object('prod', 'Service', 'web', { clusterIP: 'None', ports: [{ port: 80 }] });
    const after = object('prod', 'Service', 'web', { type: 'LoadBalancer', ports: [{ port: 80 }] });
    const plan = computePlan({ environments: ['prod'], objects: [before] }, { environments: ['prod'], objects: [after] });
    const change = plan.environments[0].changes[0];
    expect(change.classes.map((c) => c.class)).toEqual(['replace', 'exposure']);
    expect(change.classes[1].details).toEqual(['+ type LoadBalancer: reachable from outside the cluster', '+ LoadBalancer port TCP/80']);
  });

  test('replicas are a scale change', () => {
    const d = (replicas: number) => object('dev', 'Deployment', 'web', { replicas, selector: { matchLabels: { a: 'b' } }, template: {} });
    const plan = computePlan({ environments: ['dev'], objects: [d(2)] }, { environments: ['dev'], objects: [d(4)] });
    expect(plan.environments[0].changes[0].classes).toEqual([{ class: 'scale', reason: 'replicas 2 → 4' }]);
  });

  test('a Deployment selector changed in place, a Job template: replace, not rollout', () => {
    const d = (name: string) => object('prod', 'Deployment', 'web', { selector: { matchLabels: { name } }, template: { metadata: { labels: { name } } } });
    const deployment = computePlan({ environments: ['prod'], objects: [d('a')] }, { environments: ['prod'], objects: [d('b')] }).environments[0].changes[0];
    expect(deployment.classes.map((c) => c.class)).toEqual(['replace']);
    expect(deployment.classes[0].reason).toMatch(/^spec\.selector\.matchLabels\.name changed: Kubernetes refuses the update/);
    const job = (image: string): PlannedObject => ({ ...object('prod', 'Job', 'once', { template: { spec: { containers: [{ name: 'c', image }] } } }), object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'prod' }, spec: { template: { spec: { containers: [{ name: 'c', image }] } } } } });
    const jobChange = computePlan({ environments: ['prod'], objects: [job('x:1')] }, { environments: ['prod'], objects: [job('x:2')] }).environments[0].changes[0];
    expect(jobChange.classes.map((c) => c.class)).toEqual(['replace', 'image']);
    expect(jobChange.classes[0].reason).toMatch(/replacing it runs the Job again$/);
  });

  test('autoscaler bounds are scale; a removed object without an Argo CD Application is pruned by nobody', () => {
    const hpa = (max: number): PlannedObject => ({ ...object('dev', 'HorizontalPodAutoscaler', 'web', {}), object: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'dev' }, spec: { minReplicas: 2, maxReplicas: max, scaleTargetRef: { kind: 'Deployment', name: 'web' } } } });
    const plan = computePlan({ environments: ['dev'], objects: [hpa(5), object('dev', 'ConfigMap', 'old', undefined)] }, { environments: ['dev'], objects: [hpa(8)] });
    const [removed, scaled] = plan.environments[0].changes;
    expect(removed.classes[0].reason).toMatch(/no Argo CD Application syncs dist\/dev\/a, so nothing deletes it/);
    expect(scaled.classes).toEqual([{ class: 'scale', reason: 'HorizontalPodAutoscaler web: bounds 2–5 → 2–8 replicas' }]);
  });

  test('the Markdown stays within its length budget, listing the rest by name, then cutting', () => {
    const many = Array.from({ length: 3000 }, (_, i) => object('dev', 'ConfigMap', `config-${i}`, undefined, { data: { k: String(i) } }));
    const plan = computePlan({ environments: ['dev'], objects: [] }, { environments: ['dev'], objects: many });
    const markdown = formatMarkdown(plan, { title: 't' }, { objectsPerEnvironment: 5000, maxLength: 20_000 });
    expect(markdown.length).toBeLessThan(25_000);
    expect(markdown).toMatch(/And \d+ more, by name only: `\+ ConfigMap config-\d+` \(add\), .* and \d+ more \(see --format json\)/);
  });

  test('list items with a name are matched by it; the terminal output has colour only when asked', () => {
    const fields = diffFields({ c: [{ name: 'a', x: 1 }, { name: 'b', x: 1 }] }, { c: [{ name: 'z', x: 0 }, { name: 'a', x: 1 }, { name: 'b', x: 2 }] });
    expect(fields).toEqual([
      { path: 'c[name=b].x', op: 'replace', before: 1, after: 2 },
      { path: 'c[name=z]', op: 'add', after: { name: 'z', x: 0 } },
    ]);
    const plan = computePlan({ environments: ['dev'], objects: [] }, { environments: ['dev'], objects: [object('dev', 'ConfigMap', 'c', undefined, { data: { k: 'v' } })] });
    expect(formatTerminal(plan, { title: 't' }, false)).not.toContain('\u001b[');
    expect(formatTerminal(plan, { title: 't' }, true)).toContain('\u001b[32m+\u001b[39m');
    expect(formatMarkdown(plan, { title: 't' })).toContain('| **dev** | 1 |');
  });
});
