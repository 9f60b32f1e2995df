import { Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Annotations, AppChart, ConfigMap, Deployment, EnvValue, ExistingSecret, ExternalSecret, HorizontalPodAutoscaler, Ingress, NetworkIsolation, NetworkPeer, NetworkPolicy, Secret,
  SecretValue, Service, ServiceAccount, StatefulSet, Volume,
} from '../lib';
import { AppChart as Chart } from '../lib';
import { ENV, find, problemsOf as problemsWithPolicy, render as renderWithPolicy, RenderOptions } from './support/harness';

// Interop is about how objects reference each other: raw cdk8s-plus-27 pods cannot meet the
// restricted policy (no seccomp, no drop ALL) without patches, so the engine stays out here.
const render = (define: (chart: Chart) => void, options: RenderOptions = {}) => renderWithPolicy(define, { policy: false, ...options });
const problemsOf = (define: (chart: Chart) => void, options: RenderOptions = {}) => problemsWithPolicy(define, { policy: false, ...options });

const IMAGE = 'registry.example.com/shop/api:1.2.3';
const SELECTOR = (name: string, env = 'dev') => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${env}` });

/** A library Deployment serving on 8080 ("http"). */
function api(chart: AppChart, name = 'api'): Deployment {
  return new Deployment(chart, name, { containers: [{ name, image: IMAGE, ports: [{ number: 8080, name: 'http' }] }] });
}

/** A cdk8s-plus-27 Deployment serving on 8080. */
function kweb(chart: AppChart, props: Partial<kplus.ContainerProps> = {}): kplus.Deployment {
  return new kplus.Deployment(chart, 'kweb', {
    metadata: { name: 'kweb' },
    containers: [{ name: 'web', image: IMAGE, portNumber: 8080, ...props }],
  });
}

/** The `cdk8s.io/metadata.addr` selector cdk8s-plus-27 gives its workloads. */
const addrSelector = (objects: any[], kind: string, name: string) => find(objects, kind, name).spec.selector.matchLabels;

describe('cdk8s-plus-27 constructs take library workloads', () => {
  test('a kplus Service selects a library Deployment (IPodSelector)', () => {
    const objects = render((chart) => {
      new kplus.Service(chart, 'svc', { metadata: { name: 'api-k' }, selector: api(chart), ports: [{ port: 80, targetPort: 8080 }] });
    });
    expect(find(objects, 'Service', 'api-k').spec.selector).toEqual(SELECTOR('api'));
  });

  test('a kplus NetworkPolicy selects a library workload and admits another as a peer (INetworkPolicyPeer)', () => {
    const objects = render((chart) => {
      const web = api(chart, 'web');
      new kplus.NetworkPolicy(chart, 'np', {
        metadata: { name: 'api-from-web' },
        selector: api(chart),
        ingress: { rules: [{ peer: web, ports: [kplus.NetworkPolicyPort.tcp(8080)] }] },
      });
    });
    const policy = find(objects, 'NetworkPolicy', 'api-from-web');
    expect(policy.metadata.namespace).toBe('dev');
    expect(policy.spec.podSelector).toEqual({ matchLabels: SELECTOR('api') });
    expect(policy.spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: SELECTOR('web') }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
  });

  test('kplus pod connections reach a library workload', () => {
    const objects = render((chart) => {
      const pod = new kplus.Pod(chart, 'client', { metadata: { name: 'client' }, containers: [{ name: 'client', image: IMAGE }] });
      pod.connections.allowTo(api(chart), { ports: [kplus.NetworkPolicyPort.tcp(8080)] });
    });
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.map((p) => p.spec.podSelector.matchLabels)).toEqual(expect.arrayContaining([SELECTOR('api')]));
  });

  test.each([
    ['Deployment', (chart: AppChart) => api(chart)],
    ['StatefulSet', (chart: AppChart) => new StatefulSet(chart, 'api', { containers: [{ name: 'api', image: IMAGE, ports: [{ number: 8080, name: 'http' }] }], ports: [{ port: 8080, name: 'http' }] })],
  ])('a kplus HorizontalPodAutoscaler scales a library %s (IScalable), which leaves its replicas to it', (kind, make) => {
    const objects = render((chart) => {
      new kplus.HorizontalPodAutoscaler(chart, 'hpa', { metadata: { name: 'api' }, target: make(chart), maxReplicas: 5 });
    }, { environment: 'stage' });
    expect(find(objects, 'HorizontalPodAutoscaler', 'api').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind, name: 'api' });
    expect(find(objects, kind, 'api').spec.replicas).toBeUndefined();
  });

  test('the scaling target reports the containers with their resources as rendered in the environment', () => {
    render((chart) => {
      const target = api(chart).toScalingTarget();
      expect(target.containers.map((c) => [c.name, c.image, c.resources?.cpu?.request?.amount, c.resources?.memory?.request?.toMebibytes()])).toEqual([['api', IMAGE, '50m', 64]]);
    });
  });

  test('a kplus Role grants access to a library workload (IApiResource)', () => {
    const objects = render((chart) => {
      new kplus.Role(chart, 'role', { metadata: { name: 'api-reader' } }).allowRead(api(chart));
    });
    expect(find(objects, 'Role', 'api-reader').rules).toEqual([
      { apiGroups: ['apps'], resourceNames: ['api'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('a kplus RoleBinding grants a role to a library workload\'s service account (ISubject), never to the default account', () => {
    const bind = (serviceAccountName?: string) => (chart: AppChart) => {
      const workload = new Deployment(chart, 'api', { serviceAccountName, containers: [{ name: 'api', image: IMAGE }] });
      const role = new kplus.Role(chart, 'role', { metadata: { name: 'pod-reader' } });
      role.allowRead(kplus.ApiResource.PODS);
      new kplus.RoleBinding(chart, 'binding', { metadata: { name: 'api-reads-pods' }, role }).addSubjects(workload);
    };
    expect(find(render(bind('api')), 'RoleBinding', 'api-reads-pods').subjects).toEqual([{ kind: 'ServiceAccount', apiGroup: '', name: 'api', namespace: 'dev' }]);
    expect(problemsOf(bind())).toEqual([
      '[dev/test] subjects: of test/binding: api runs under no service account of its own, so the binding would grant the role to the namespace\'s default account (got "test/api"). '
        + 'Fix: give api a serviceAccountName (a ServiceAccount of the stack), or bind that ServiceAccount',
    ]);
  });
});

describe('cdk8s-plus-27 constructs take library ConfigMaps, Secrets and ServiceAccounts', () => {
  /** A kplus Deployment reading `config` and `secret` through the kplus helpers. */
  const reader = (chart: AppChart, config: ConfigMap, secret: Secret) => new kplus.Deployment(chart, 'reader', {
    metadata: { name: 'reader' },
    containers: [{
      name: 'reader', image: IMAGE,
      envVariables: {
        MODE: kplus.EnvValue.fromConfigMap(config, 'mode'),
        TOKEN: kplus.EnvValue.fromSecretValue({ secret, key: 'token' }),
        CA: secret.envValue('ca', { optional: true }),
      },
      envFrom: [kplus.Env.fromConfigMap(config, 'CFG_'), kplus.Env.fromSecret(secret)],
      volumeMounts: [
        { path: '/etc/settings', volume: kplus.Volume.fromConfigMap(chart, 'settings-volume', config) },
        { path: '/etc/creds', volume: kplus.Volume.fromSecret(chart, 'creds-volume', secret) },
      ],
    }],
  });
  const config = (chart: AppChart) => new ConfigMap(chart, 'settings', { name: 'app-settings', data: { mode: 'fast' } });
  const secret = (chart: AppChart) => new Secret(chart, 'creds', { name: 'app-creds', data: { token: SecretValue.nonSensitive('t'), ca: SecretValue.nonSensitive('c') } });

  test('kplus env values, envFrom and volumes read a library ConfigMap (IConfigMap) and Secret (ISecret) by name', () => {
    const objects = render((chart) => { reader(chart, config(chart), secret(chart)); });
    const spec = find(objects, 'Deployment', 'reader').spec.template.spec;
    expect(spec.containers[0].env).toEqual([
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app-settings', key: 'mode' } } },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'app-creds', key: 'token' } } },
      { name: 'CA', valueFrom: { secretKeyRef: { name: 'app-creds', key: 'ca', optional: true } } },
    ]);
    expect(spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'app-settings' }, prefix: 'CFG_' }, { secretRef: { name: 'app-creds' } }]);
    expect(spec.volumes).toEqual([
      { name: 'configmap-app-settings', configMap: { name: 'app-settings' } },
      { name: 'secret-app-creds', secret: { secretName: 'app-creds' } },
    ]);
    expect(find(objects, 'ConfigMap', 'app-settings').data).toEqual({ mode: 'fast' });
  });

  test('kplus workloads reading the stack\'s ConfigMaps and Secrets roll when their content changes (config-hash annotation)', () => {
    const annotations = (data: Record<string, string>) => {
      const objects = render((chart) => {
        const settings = new ConfigMap(chart, 'settings', { name: 'app-settings', data });
        reader(chart, settings, secret(chart));
        new kplus.CronJob(chart, 'report', {
          metadata: { name: 'report' },
          schedule: Cron.daily(),
          containers: [{ name: 'report', image: IMAGE, envVariables: { MODE: kplus.EnvValue.fromConfigMap(settings, 'mode') } }],
        });
        new kplus.Deployment(chart, 'unrelated', { metadata: { name: 'unrelated' }, containers: [{ name: 'web', image: IMAGE }] });
      });
      return {
        reader: find(objects, 'Deployment', 'reader').spec.template.metadata.annotations ?? {},
        report: find(objects, 'CronJob', 'report').spec.jobTemplate.spec.template.metadata.annotations ?? {},
        unrelated: find(objects, 'Deployment', 'unrelated').spec.template.metadata.annotations ?? {},
      };
    };
    const before = annotations({ mode: 'fast' });
    const after = annotations({ mode: 'slow' });
    expect(before.reader[Annotations.CONFIG_HASH]).toMatch(/^[0-9a-f]{64}$/);
    expect(before.report[Annotations.CONFIG_HASH]).toMatch(/^[0-9a-f]{64}$/);
    expect(after.reader[Annotations.CONFIG_HASH]).not.toBe(before.reader[Annotations.CONFIG_HASH]);
    expect(after.report[Annotations.CONFIG_HASH]).not.toBe(before.report[Annotations.CONFIG_HASH]);
    expect(before.unrelated[Annotations.CONFIG_HASH]).toBeUndefined();
  });

  test('a kplus Role grants access to a library ConfigMap, Secret and ServiceAccount by name (IResource)', () => {
    const objects = render((chart) => {
      const role = new kplus.Role(chart, 'role', { metadata: { name: 'config-reader' } });
      role.allowRead(config(chart));
      role.allowRead(secret(chart));
      role.allowRead(new ServiceAccount(chart, 'sa', { name: 'api' }));
    });
    expect(find(objects, 'Role', 'config-reader').rules).toEqual([
      { apiGroups: [''], resourceNames: ['app-settings'], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resourceNames: ['app-creds'], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resourceNames: ['api'], resources: ['serviceaccounts'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('kplus env values, envFrom, volumes and Roles read an ExistingSecret and an ExternalSecret by name (ISecret)', () => {
    const objects = render((chart) => {
      const db = new ExistingSecret(chart, 'db', { name: 'db-credentials', keys: ['password'], createdBy: 'the database operator' });
      const api = new ExternalSecret(chart, 'api-key', { name: 'api-key', store: { name: 'vault' }, data: { token: { key: 'shop/api-token' } } });
      new kplus.Deployment(chart, 'reader', {
        metadata: { name: 'reader' },
        containers: [{
          name: 'reader', image: IMAGE,
          envVariables: { DB_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: db, key: 'password' }), TOKEN: api.envValue('token') },
          envFrom: [kplus.Env.fromSecret(api)],
          volumeMounts: [{ path: '/etc/db', volume: kplus.Volume.fromSecret(chart, 'db-volume', db) }],
        }],
      });
      const role = new kplus.Role(chart, 'role', { metadata: { name: 'secret-reader' } });
      role.allowRead(db);
      role.allowRead(api);
    });
    const container = find(objects, 'Deployment', 'reader').spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-key', key: 'token' } } },
    ]);
    expect(container.envFrom).toEqual([{ secretRef: { name: 'api-key' } }]);
    expect(find(objects, 'Deployment', 'reader').spec.template.spec.volumes).toEqual([{ name: 'secret-db-credentials', secret: { secretName: 'db-credentials' } }]);
    expect(find(objects, 'Role', 'secret-reader').rules).toEqual([
      { apiGroups: [''], resourceNames: ['db-credentials'], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resourceNames: ['api-key'], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('a kplus Deployment runs under a library ServiceAccount, and kplus bindings grant roles to it (IServiceAccount)', () => {
    const objects = render((chart) => {
      const account = new ServiceAccount(chart, 'sa', { name: 'reader' });
      new kplus.Deployment(chart, 'kweb', { metadata: { name: 'kweb' }, serviceAccount: account, containers: [{ name: 'web', image: IMAGE }] });
      const role = new kplus.Role(chart, 'role', { metadata: { name: 'pod-reader' } });
      role.allowRead(kplus.ApiResource.PODS);
      new kplus.RoleBinding(chart, 'binding', { metadata: { name: 'reader-reads-pods' }, role }).addSubjects(account);
      const clusterRole = new kplus.ClusterRole(chart, 'cluster-role', { metadata: { name: 'node-reader' } });
      clusterRole.allowRead(kplus.ApiResource.NODES);
      clusterRole.bind(account);
    });
    expect(find(objects, 'Deployment', 'kweb').spec.template.spec.serviceAccountName).toBe('reader');
    const subject = { kind: 'ServiceAccount', apiGroup: '', name: 'reader', namespace: 'dev' };
    expect(find(objects, 'RoleBinding', 'reader-reads-pods').subjects).toEqual([subject]);
    expect(objects.find((o) => o.kind === 'ClusterRoleBinding').subjects).toEqual([subject]);
  });
});

describe('library constructs take cdk8s-plus-27 objects', () => {
  test('a Service in front of a kplus Deployment selects its pods and checks its ports', () => {
    const objects = render((chart) => {
      new Service(chart, 'svc', { target: kweb(chart), ports: [{ port: 80, targetPort: 8080 }] });
    });
    const service = find(objects, 'Service', 'kweb');
    expect(service.spec.selector).toEqual(addrSelector(objects, 'Deployment', 'kweb'));
    expect(service.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'kweb', 'app.kubernetes.io/part-of': 'test' });

    expect(problemsOf((chart) => { new Service(chart, 'svc', { target: kweb(chart), ports: [{ port: 80, targetPort: 9090 }] }); })).toEqual([
      '[dev/test/svc] ports[0].targetPort: is not a port of any container of kweb (got 9090). Fix: point targetPort at a declared container port (number or name), or declare the port on the container',
    ]);
  });

  test('a Service in front of kplus Pods.select, a kplus Pod and a kplus StatefulSet', () => {
    const objects = render((chart) => {
      const db = new kplus.StatefulSet(chart, 'db', { metadata: { name: 'db' }, containers: [{ name: 'db', image: IMAGE, portNumber: 5432 }] });
      new Service(chart, 'db-read', { name: 'db-read', target: db, ports: [{ port: 5432 }] });
      new Service(chart, 'selected', { name: 'selected', target: kplus.Pods.select(chart, 'pods', { labels: { tier: 'web' } }), ports: [{ port: 80, targetPort: 8080 }] });
      const pod = new kplus.Pod(chart, 'pod', { metadata: { name: 'one' }, containers: [{ name: 'one', image: IMAGE, portNumber: 8080 }] });
      new Service(chart, 'one', { target: pod, ports: [{ port: 80, targetPort: 8080 }] });
    });
    expect(find(objects, 'Service', 'selected').spec.selector).toEqual({ tier: 'web' });
    expect(Object.keys(find(objects, 'Service', 'one').spec.selector)).toEqual(['cdk8s.io/metadata.addr']);
    expect(find(objects, 'Service', 'db-read').spec.selector).toEqual(addrSelector(objects, 'StatefulSet', 'db'));
  });

  test('a Service refuses a kplus selector it cannot express', () => {
    expect(problemsOf((chart) => {
      const pods = kplus.Pods.select(chart, 'pods', { expressions: [kplus.LabelExpression.exists('tier')] });
      new Service(chart, 'svc', { name: 'svc', target: pods, ports: [{ port: 80 }] });
    })).toEqual([
      '[dev/test/svc] target: selects pods by expressions, which a Service cannot (got [{"key":"tier","operator":"Exists"}]). Fix: select the pods by labels (matchLabels) only',
      '[dev/test/svc] target: selects no labels, so the Service would get no endpoints (got {}). Fix: target a workload, or pods with labels',
    ]);
  });

  test('an Ingress routes to a kplus Service and checks its ports', () => {
    const route = (port?: number | string) => (chart: AppChart) => {
      const service = new kplus.Service(chart, 'ksvc', { metadata: { name: 'kweb' }, selector: kweb(chart), ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
      new Ingress(chart, 'ingress', { rules: [{ host: 'shop.dev.example.com', paths: [{ path: '/', backend: { service, port } }] }] });
    };
    const ingress = find(render(route()), 'Ingress', 'ingress');
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'kweb', port: { number: 80 } } });
    expect(find(render(route('http')), 'Ingress', 'ingress').spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'kweb', port: { name: 'http' } } });
    expect(problemsOf(route('grpc'))).toEqual([
      '[dev/test/ingress] rules[0].paths[0].backend.port: is not a port of Service kweb (got "grpc"). Fix: use one of 80 ("http")',
    ]);
  });

  test('an autoscaler scales a kplus Deployment or StatefulSet, which then leaves out its replicas', () => {
    const objects = render((chart) => { new HorizontalPodAutoscaler(chart, 'hpa', { target: kweb(chart) }); }, { environment: 'stage' });
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'kweb');
    expect(hpa.spec).toMatchObject({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kweb' }, minReplicas: 2, maxReplicas: 5 });
    expect(hpa.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'kweb', 'environment': 'stage' });
    expect(find(objects, 'Deployment', 'kweb').spec.replicas).toBeUndefined();

    // Utilization is relative to the request, which the kplus container must have.
    expect(problemsOf((chart) => {
      new HorizontalPodAutoscaler(chart, 'hpa', { target: kweb(chart, { resources: { memory: { request: undefined, limit: undefined } } }) });
    }, { environment: 'stage' })).toEqual([
      '[stage/test/hpa] metrics[0]: is relative to the cpu request, but container web of kweb has none, so the autoscaler never scales (got "cpu utilization"). Fix: give container web a cpu request, or use Metric.cpuAverageValue(...)',
    ]);
    const db = render((chart) => {
      new HorizontalPodAutoscaler(chart, 'hpa', { target: new kplus.StatefulSet(chart, 'db', { metadata: { name: 'db' }, containers: [{ name: 'db', image: IMAGE, portNumber: 5432 }] }) });
    }, { environment: 'stage' });
    expect(find(db, 'HorizontalPodAutoscaler', 'db').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' });
    expect(find(db, 'StatefulSet', 'db').spec.replicas).toBeUndefined();
    // ifEnabled reads the environment of the chart.
    expect(render((chart) => { HorizontalPodAutoscaler.ifEnabled(chart, 'hpa', { target: kweb(chart) }); }).map((o) => o.kind)).toEqual(['Deployment']);
  });

  test('network policies select and admit kplus workloads', () => {
    const objects = render((chart) => {
      const web = kweb(chart);
      const backend = api(chart);
      const network = new NetworkIsolation(chart, 'network', { baseline: false });
      network.allowFromIngressController(web, [8080]);
      network.allow(web, backend, ['http']);
      new NetworkPolicy(chart, 'web-egress', { selector: web, egress: [{ peers: [NetworkPeer.workload(kplus.Pods.select(chart, 'any', { labels: { tier: 'db' } }))] }] });
    });
    const addr = addrSelector(objects, 'Deployment', 'kweb');
    expect(find(objects, 'NetworkPolicy', 'kweb-from-ingress-controller').spec.podSelector).toEqual({ matchLabels: addr });
    expect(find(objects, 'NetworkPolicy', 'api-from-kweb').spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: addr } }]);
    expect(find(objects, 'NetworkPolicy', 'kweb-to-api').spec).toMatchObject({ podSelector: { matchLabels: addr }, egress: [{ to: [{ podSelector: { matchLabels: SELECTOR('api') } }] }] });
    expect(find(objects, 'NetworkPolicy', 'web-egress').spec.egress[0].to).toEqual([{ podSelector: { matchLabels: { tier: 'db' } } }]);

    expect(problemsOf((chart) => { new NetworkIsolation(chart, 'network', { baseline: false }).allow(api(chart), kweb(chart), [9090]); })).toEqual([
      '[dev/test/network] kweb-from-api.ports[0]: is not a port of any container of kweb (got 9090). Fix: allow a declared container port (number or name), or declare the port on the container',
    ]);
  });

  test('a kplus workload of another namespace is admitted with its namespace', () => {
    const objects = render((chart) => {
      const other = new kplus.Deployment(chart, 'other', { metadata: { name: 'other', namespace: 'tools' }, containers: [{ name: 'other', image: IMAGE }] });
      new NetworkPolicy(chart, 'from-tools', { selector: api(chart), ingress: [{ peers: [NetworkPeer.workload(other)], ports: [{ port: 'http' }] }] });
    });
    expect(find(objects, 'NetworkPolicy', 'from-tools').spec.ingress[0].from).toEqual([{
      podSelector: { matchLabels: addrSelector(objects, 'Deployment', 'other') },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } },
    }]);
  });

  test('env values and volumes read kplus ConfigMaps and Secrets; their keys are checked and the pods roll with the ConfigMap', () => {
    const stack = (mode: string, key = 'mode') => (chart: AppChart) => {
      const settings = new kplus.ConfigMap(chart, 'settings', { metadata: { name: 'settings' }, data: { mode } });
      const creds = kplus.Secret.fromSecretName(chart, 'creds', 'creds');
      const volume = Volume.fromSecret('creds', creds);
      new Deployment(chart, 'api', {
        containers: [{
          name: 'api', image: IMAGE,
          env: { MODE: EnvValue.fromConfigMap(settings, key), TOKEN: EnvValue.fromSecret(creds, 'token') },
          mounts: [{ volume, path: '/creds', readOnly: true }, { volume: Volume.fromConfigMap('settings', settings), path: '/etc/settings', readOnly: true }],
        }],
      });
    };
    const pod = (mode: string) => find(render(stack(mode)), 'Deployment', 'api').spec.template;
    const template = pod('fast');
    expect(template.spec.containers[0].env).toEqual([
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
    ]);
    expect(template.spec.volumes).toEqual([
      { name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } },
      { name: 'settings', configMap: { name: 'settings', defaultMode: 0o444 } },
    ]);
    expect(template.metadata.annotations[Annotations.CONFIG_HASH]).toMatch(/^[0-9a-f]{64}$/);
    expect(pod('slow').metadata.annotations[Annotations.CONFIG_HASH]).not.toBe(template.metadata.annotations[Annotations.CONFIG_HASH]);
    expect(problemsOf(stack('fast', 'speed'))).toEqual([
      '[dev/test/api] pod.containers[0].env.MODE: is not a key of ConfigMap settings (its keys: mode) (got "speed"). Fix: use one of its keys or add the key to ConfigMap settings',
    ]);
  });
});

describe('AppChart gives cdk8s-plus-27 objects the standard labels', () => {
  test('on the object and on the pod template; the kplus selector labels stay', () => {
    const chart = new AppChart(Testing.app(), 'shop', { environment: ENV.prod, version: '2.0.1' });
    kweb(chart);
    new kplus.ConfigMap(chart, 'config', { metadata: { name: 'settings' }, data: {} });
    const objects = Testing.synth(chart);
    const standard = (name: string) => ({
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/instance': `${name}-prod`,
      'app.kubernetes.io/version': '2.0.1',
      'app.kubernetes.io/component': name,
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'environment': 'prod',
    });
    const deployment = find(objects, 'Deployment', 'kweb');
    expect(deployment.metadata.namespace).toBe('prod');
    expect(deployment.metadata.labels).toEqual(standard('kweb'));
    expect(deployment.spec.template.metadata.labels).toEqual({ ...standard('kweb'), ...deployment.spec.selector.matchLabels });
    expect(find(objects, 'ConfigMap', 'settings').metadata.labels).toEqual(standard('settings'));
  });
});
