import { createPlatform } from '../apps/platform';
import { apps, CONTROL_PLANE_FILES, stacks } from '../apps/stacks';
import { Annotations, PodSecurityLevel } from '../lib';
import { podSecurityProblems } from '../lib/policy/pod-security';
import { EnvName, expectSnapshot } from './support/harness';

const ENVS: EnvName[] = ['dev', 'stage', 'prod'];
const rendering = createPlatform().render();
const shipped = rendering.manifests;

/** The shipped objects of one environment (and app). */
function objectsOf(environment: string, app?: string): any[] {
  return shipped.filter((m) => m.environment === environment && (!app || m.app === app)).map((m) => m.object);
}

/** Pod templates (and their owners) of a set of objects. */
function podsOf(objects: any[]): { owner: any; template: any }[] {
  return objects.flatMap((o) => {
    const template = o.spec?.template ?? o.spec?.jobTemplate?.spec?.template;
    return template ? [{ owner: o, template }] : [];
  });
}

describe('stack snapshots', () => {
  test.each(stacks.flatMap((s) => ENVS.map((env) => [s.name, env] as const)))('%s in %s', (name, environment) => {
    const stack = stacks.find((s) => s.name === name)!;
    expectSnapshot(stack.define, { app: stack.name, version: stack.version, environment });
  });
});

describe('the shipped platform', () => {
  test('renders every stack in every environment, with the policy engine and no warnings', () => {
    expect(rendering.warnings).toEqual([]);
    for (const environment of ENVS) {
      expect([...new Set(shipped.filter((m) => m.environment === environment).map((m) => m.app))].sort()).toEqual(stacks.map((s) => s.name).sort());
    }
  });

  test.each(ENVS)('every pod in %s meets Pod Security Standards restricted; exceptions are annotated', (environment) => {
    const pods = podsOf(objectsOf(environment));
    expect(pods.length).toBeGreaterThan(0);
    for (const { owner, template } of pods) {
      const problems = podSecurityProblems(template.spec, PodSecurityLevel.RESTRICTED, { annotations: template.metadata?.annotations });
      expect({ owner: `${owner.kind}/${owner.metadata.name}`, problems }).toEqual({ owner: `${owner.kind}/${owner.metadata.name}`, problems: [] });
      const added = template.spec.containers.flatMap((c: any) => c.securityContext?.capabilities?.add ?? []);
      if (added.length) expect(template.metadata.annotations[Annotations.SECURITY_EXCEPTIONS]).toBeDefined();
    }
  });

  test('no Secret values are written: Secrets are external (ExternalSecret or declared)', () => {
    const secrets = shipped.filter((m) => m.object.kind === 'Secret');
    expect(secrets.map((m) => m.file)).toEqual([]);
  });

  test('every app object lives in its environment\'s namespace (cluster-scoped kinds have none)', () => {
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'Policy']);
    for (const m of shipped.filter((x) => x.app !== 'argocd')) {
      expect({ file: m.file, namespace: m.object.metadata.namespace }).toEqual({ file: m.file, namespace: clusterScoped.has(m.object.kind) ? undefined : m.environment });
    }
  });
});

describe('environment differences are visible', () => {
  const deployment = (environment: string, app: string, name: string) => objectsOf(environment, app).find((o) => o.kind === 'Deployment' && o.metadata.name === name);

  test('replicas follow the profile: 1 in dev, 2 in stage, 3 in prod (fixed-size workloads excepted)', () => {
    expect(ENVS.map((e) => deployment(e, 'basic-auth', 'basic-auth').spec.replicas)).toEqual([1, 2, 3]);
    expect(ENVS.map((e) => deployment(e, 'pod-reader', 'pod-reader').spec.replicas)).toEqual([1, 1, 1]);
  });

  test('resources are scaled: dev asks for half of what prod asks for', () => {
    const requests = (e: string) => deployment(e, 'journal', 'journal-fileserver').spec.template.spec.containers[0].resources.requests;
    expect(requests('dev')).not.toEqual(requests('prod'));
  });

  test('hosts differ per environment', () => {
    const hosts = (e: string) => objectsOf(e).filter((o) => o.kind === 'Ingress').flatMap((o) => o.spec.rules.map((r: any) => r.host)).sort();
    expect(hosts('dev')).toEqual(['basic-auth.dev.example.com', 'journal.dev.example.com']);
    expect(hosts('stage')).toEqual(['basic-auth.stage.example.com', 'journal.stage.example.com']);
    expect(hosts('prod')).toEqual(['basic-auth.example.com', 'journal.example.com']);
  });

  test('the journal API autoscales within the profile\'s bounds where it enables autoscaling, and has fixed replicas elsewhere', () => {
    const hpa = (e: string) => objectsOf(e, 'journal').find((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpa('dev')).toBeUndefined();
    expect(deployment('dev', 'journal', 'journal-server').spec.replicas).toBe(1);
    expect([hpa('stage').spec.minReplicas, hpa('stage').spec.maxReplicas]).toEqual([2, 5]);
    expect([hpa('prod').spec.minReplicas, hpa('prod').spec.maxReplicas]).toEqual([3, 10]);
    expect(hpa('prod').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'journal-server' });
    expect(deployment('prod', 'journal', 'journal-server').spec.replicas).toBeUndefined();
  });

  test('PodDisruptionBudgets only where the profile asks for high availability', () => {
    const pdbs = (e: string) => objectsOf(e).filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name).sort();
    expect(pdbs('dev')).toEqual([]);
    expect(pdbs('stage').length).toBeGreaterThan(0);
    expect(pdbs('prod')).toEqual(pdbs('stage'));
  });

  test('prod pins every image by digest; dev and stage use readable tags', () => {
    const images = (e: string) => podsOf(objectsOf(e)).flatMap(({ template }) => [...template.spec.containers, ...(template.spec.initContainers ?? [])].map((c: any) => c.image));
    expect(images('prod').every((i) => /@sha256:[0-9a-f]{64}$/.test(i))).toBe(true);
    expect(images('dev').some((i) => i.includes('@sha256:'))).toBe(false);
  });
});

describe('delivery', () => {
  test.each(ENVS)('%s: one Argo CD Application per app (and one for the Applications), each pointing at a folder the synth writes', (environment) => {
    const applications = objectsOf(environment, 'argocd').filter((o) => o.kind === 'Application');
    // The apps, and the argocd folder itself (app of apps), so new Applications are applied by Argo CD too.
    expect(applications.map((a) => a.spec.source.path).sort()).toEqual([...apps.map((a) => a.name), 'argocd'].map((name) => `dist/${environment}/${name}`).sort());
    for (const a of applications) {
      const folder = a.spec.source.path.slice('dist/'.length);
      expect([...rendering.files.keys()].some((f) => f.startsWith(`${folder}/`))).toBe(true);
    }
  });

  test('control-plane files are neither delivered by Argo CD nor listed in any kustomization', () => {
    for (const environment of ENVS) {
      const paths = objectsOf(environment, 'argocd').filter((o) => o.kind === 'Application').map((o) => o.spec.source.path);
      for (const folder of CONTROL_PLANE_FILES) {
        expect(paths).not.toContain(`dist/${environment}/${folder}`);
        expect(rendering.files.has(`${environment}/${folder}/kustomization.yaml`)).toBe(false);
        expect(rendering.files.get(`${environment}/kustomization.yaml`)).not.toContain(`- ${folder}\n`);
      }
    }
  });
});

describe('the notes examples, as shipped', () => {
  test('journal: redis is a StatefulSet behind a headless Service with its password Secret mounted; /api wins over /', () => {
    const objects = objectsOf('prod', 'journal');
    const redis = objects.find((o) => o.kind === 'StatefulSet');
    const headless = objects.find((o) => o.kind === 'Service' && o.metadata.name === redis.spec.serviceName);
    expect(headless.spec.clusterIP).toBe('None');
    expect(redis.spec.template.spec.volumes).toContainEqual({ name: 'redis-password', secret: { secretName: 'journal-redis-password', defaultMode: 0o400 } });
    expect(objects.find((o) => o.kind === 'ExternalSecret').metadata.name).toBe('journal-redis-password');
    const frontend = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'journal-server').spec.template.spec;
    expect(frontend.containers[0].volumeMounts).toContainEqual({ name: 'passwd-volume', mountPath: '/etc/redis-passwd', readOnly: true });
    const ingress = objects.find((o) => o.kind === 'Ingress');
    expect(ingress.spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name])).toEqual([['/api', 'journal-server'], ['/', 'journal-fileserver']]);
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor');
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
  });

  test('todo: nginx and the api in one pod, DB URLs from mysql-secret, mysql primary and replicas', () => {
    for (const [environment, members] of [['dev', 2], ['stage', 3], ['prod', 3]] as const) {
      const objects = objectsOf(environment, 'todo');
      const pod = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'todoapi').spec.template.spec;
      expect(pod.containers.map((c: any) => c.name)).toEqual(['api', 'nginx']);
      expect(pod.containers[0].env).toEqual([
        { name: 'TODO_BIND', value: ':8080' },
        { name: 'TODO_MASTER_URL', valueFrom: { secretKeyRef: { name: 'mysql-secret', key: 'master-url' } } },
        { name: 'TODO_SLAVE_URL', valueFrom: { secretKeyRef: { name: 'mysql-secret', key: 'slave-url' } } },
      ]);
      expect(pod.containers[1].env).toContainEqual({ name: 'BACKEND_HOST', value: 'localhost:8080' });
      const mysql = objects.find((o) => o.kind === 'StatefulSet');
      expect([mysql.metadata.name, mysql.spec.replicas, mysql.spec.serviceName]).toEqual(['todo-mysql', members, 'todo-mysql']);
      expect(mysql.spec.template.spec.containers[1].command[2]).toContain(`MASTER_HOST='todo-mysql-0.todo-mysql.${environment}.svc.cluster.local'`);
    }
  });

  test('batch: pingpong Job with three parallel pods (Never), CronJob every minute (OnFailure) without overlapping runs', () => {
    for (const environment of ENVS) {
      const objects = objectsOf(environment, 'batch');
      const job = objects.find((o) => o.kind === 'Job');
      expect([job.metadata.name, job.spec.parallelism, job.spec.template.spec.restartPolicy]).toEqual(['pingpong', 3, 'Never']);
      const cron = objects.find((o) => o.kind === 'CronJob');
      expect([cron.spec.schedule, cron.spec.concurrencyPolicy, cron.spec.jobTemplate.spec.template.spec.restartPolicy]).toEqual(['*/1 * * * *', 'Forbid', 'OnFailure']);
    }
  });

  test('basic-auth: .htpasswd from an ExternalSecret, mounted read-only where BASIC_AUTH_FILE points', () => {
    const objects = objectsOf('stage', 'basic-auth');
    expect(objects.find((o) => o.kind === 'ExternalSecret').spec.target.name).toBe('nginx-secret');
    const nginx = objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers.find((c: any) => c.name === 'nginx');
    expect(nginx.env).toContainEqual({ name: 'BASIC_AUTH_FILE', value: '/etc/nginx/secret/.htpasswd' });
    expect(nginx.volumeMounts).toContainEqual({ name: 'nginx-secret', mountPath: '/etc/nginx/secret', readOnly: true });
  });

  test('pod-reader: the only pod that mounts its token, bound to a read-only ClusterRole on pods', () => {
    const withToken = shipped.filter((m) => m.environment === 'prod').flatMap((m) => podsOf([m.object])).filter(({ template }) => template.spec.automountServiceAccountToken !== false);
    expect(withToken.map(({ owner }) => owner.metadata.name)).toEqual(['pod-reader']);
    const role = objectsOf('prod', 'pod-reader').find((o) => o.kind === 'ClusterRole');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }]);
  });
});
