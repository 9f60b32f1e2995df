import { k8s } from 'cdk8s-plus-27';
import { createPlatform } from '../apps/platform';
import { AppChart, argoCdDelivery, ArgoCdApplication, ArgoCdProject, ArgoCdProjectCheck, ClusterRole, ConfigMap, Environment, GroupKind, Platform, StackDefinition, SyncPolicy } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';
import { refusalOf } from './support/refusal';

const REPO = 'https://git.example.com/platform/k8s-constructs.git';
const noop = (name: string, environments?: string[]): StackDefinition => ({ name, environments, define: (chart) => { new ConfigMap(chart, 'c', { data: {} }); } });
const delivery = argoCdDelivery({
  repoURL: REPO,
  apps: [noop('journal'), noop('todo'), noop('canary', ['dev'])],
  clusterResources: [{ group: '', kind: 'Namespace' }],
});
const options = { app: 'argocd' };

describe('Argo CD delivery', () => {
  test.each(['dev', 'prod'] as const)('snapshot: %s', (environment) => expectSnapshot(delivery.define, { ...options, environment }));

  test('one Application per app rendered in the environment, pointing at dist/<env>/<app>', () => {
    const dev = render(delivery.define, options);
    expect(dev.filter((o) => o.kind === 'Application').map((o) => [o.metadata.name, o.spec.source.path])).toEqual([
      ['dev-journal', 'dist/dev/journal'],
      ['dev-todo', 'dist/dev/todo'],
      ['dev-canary', 'dist/dev/canary'],
      ['dev-argocd', 'dist/dev/argocd'],
    ]);
    const prod = render(delivery.define, { ...options, environment: 'prod' });
    expect(prod.filter((o) => o.kind === 'Application').map((o) => o.metadata.name)).toEqual(['prod-journal', 'prod-todo', 'prod-argocd']);
  });

  test('self-managed: the argocd folder is an Application too, in a project limited to the argocd namespace', () => {
    const objects = render(delivery.define, { ...options, environment: 'stage' });
    expect(find(objects, 'Application', 'stage-argocd').spec).toMatchObject({
      project: 'stage-bootstrap',
      source: { path: 'dist/stage/argocd' },
      destination: { namespace: 'argocd' },
    });
    expect(find(objects, 'AppProject', 'stage-bootstrap').spec).toMatchObject({
      sourceRepos: [REPO],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }],
      clusterResourceWhitelist: [],
    });
    const unmanaged = argoCdDelivery({ repoURL: REPO, apps: [noop('journal')], selfManaged: false });
    expect(render(unmanaged.define, options).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['AppProject/dev', 'Application/dev-journal']);
  });

  test('dev and stage sync automatically with prune and self-heal; prod waits for a human', () => {
    for (const environment of ['dev', 'stage'] as const) {
      const app = find(render(delivery.define, { ...options, environment }), 'Application', `${environment}-journal`);
      expect(app.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } } });
    }
    expect(find(render(delivery.define, { ...options, environment: 'prod' }), 'Application', 'prod-journal').spec.syncPolicy).toBeUndefined();
  });

  test('everything lives in the argocd namespace; the project limits repository, namespace and cluster kinds', () => {
    const objects = render(delivery.define, { ...options, environment: 'stage' });
    expect(objects.map((o) => o.metadata.namespace)).toEqual(objects.map(() => 'argocd'));
    const project = find(objects, 'AppProject', 'stage');
    expect(project.spec).toEqual({
      description: 'Apps of the stage environment',
      sourceRepos: [REPO],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'stage' }],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    });
    const app = find(objects, 'Application', 'stage-todo');
    expect(app.spec).toEqual({
      project: 'stage',
      source: { repoURL: REPO, path: 'dist/stage/todo', targetRevision: 'HEAD' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'stage' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } } },
    });
  });

  test('sync can be overridden per Application', () => {
    const objects = render((chart) => {
      const project = new ArgoCdProject(chart, 'project', { sourceRepos: [REPO] });
      new ArgoCdApplication(chart, 'journal', { project, repoURL: REPO, path: 'dist/dev/journal', sync: SyncPolicy.MANUAL, targetRevision: 'main' });
    }, options);
    expect(find(objects, 'Application', 'dev-journal').spec).toMatchObject({ source: { targetRevision: 'main' } });
    expect(find(objects, 'Application', 'dev-journal').spec.syncPolicy).toBeUndefined();
  });
});

describe('Argo CD refusals', () => {
  const app = (props: { repoURL?: string; path?: string; namespace?: string; projectRepo?: string; server?: string }) => (chart: AppChart) => {
    const project = new ArgoCdProject(chart, 'project', { sourceRepos: [props.projectRepo ?? REPO], server: props.server });
    new ArgoCdApplication(chart, 'journal', { project, repoURL: props.repoURL ?? REPO, path: props.path ?? 'dist/dev/journal', namespace: props.namespace });
  };

  test('a repository the project does not allow', () => {
    expect(problemsOf(app({ repoURL: 'https://git.example.com/other.git' }), options)).toEqual([
      expect.stringContaining('[dev/argocd/journal] repoURL: is not a source repository of project dev; Argo CD would refuse to sync (got "https://git.example.com/other.git")'),
    ]);
  });

  test('something that is not a Git URL', () => {
    const problems = problemsOf(app({ repoURL: 'git.example.com/x', projectRepo: 'git.example.com/x' }), options);
    expect(problems).toEqual([
      expect.stringContaining('[dev/argocd/project] sourceRepos[0]: is not a Git repository URL Argo CD can clone (got "git.example.com/x")'),
      expect.stringContaining('[dev/argocd/journal] repoURL: is not a Git repository URL Argo CD can clone (got "git.example.com/x")'),
    ]);
  });

  test('a namespace outside the project', () => {
    expect(problemsOf(app({ namespace: 'kube-system' }), options)).toEqual([
      expect.stringContaining('namespace: is not a destination of project dev; Argo CD would refuse to sync (got "kube-system")'),
    ]);
  });

  test('absolute or escaping paths', () => {
    expect(problemsOf(app({ path: '/dist/dev/journal' }), options)).toEqual([expect.stringContaining('path: must be a relative folder inside the repository (got "/dist/dev/journal")')]);
    expect(problemsOf(app({ path: 'dist/../secrets' }), options)).toEqual([expect.stringContaining('path: must be a relative folder inside the repository (got "dist/../secrets")')]);
  });

  test('a server that is not an https API address', () => {
    expect(problemsOf(app({ server: 'kubernetes.default.svc' }), options)).toEqual([
      expect.stringContaining('[dev/argocd/project] server: must be the https:// address of a Kubernetes API server (got "kubernetes.default.svc")'),
    ]);
  });
});

describe('ArgoCdProjectCheck', () => {
  const environments = [Environment.dev({ baseDomain: 'dev.example.com' })];
  const platform = (define: (chart: AppChart) => void, clusterResources: GroupKind[] = []) => {
    const app: StackDefinition = { name: 'app', define };
    return new Platform({ environments, stacks: [app, argoCdDelivery({ repoURL: REPO, apps: [app], clusterResources })], checks: [new ArgoCdProjectCheck()] });
  };
  const clusterRole = (chart: AppChart) => { new ClusterRole(chart, 'reader', { rules: [{ resources: ['pods'], verbs: ['get'] }], readOnly: true }); };

  test('a cluster-scoped kind the project does not allow is refused', () => {
    expect(refusalOf(platform(clusterRole))).toEqual([
      expect.stringContaining('[dev/app/reader/Resource] ARGOCD kind: is cluster-scoped and not in the clusterResourceWhitelist of Argo CD project dev; the sync would fail (got "rbac.authorization.k8s.io/ClusterRole")'),
    ]);
    expect(() => platform(clusterRole, [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }]).render()).not.toThrow();
  });

  test('a namespace outside the project is refused', () => {
    const problems = refusalOf(platform((chart) => { new k8s.KubeConfigMap(chart, 'elsewhere', { metadata: { name: 'elsewhere', namespace: 'kube-system' } }); }));
    expect(problems).toEqual([expect.stringContaining('ARGOCD metadata.namespace: is not a destination of Argo CD project dev; the sync would fail (got "kube-system")')]);
  });

  test('the shipped stacks pass it', () => {
    expect(() => createPlatform({ checks: [new ArgoCdProjectCheck()] }).render()).not.toThrow();
  });
});
