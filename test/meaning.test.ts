import { ApiObject } from 'cdk8s';
import {
  AppChart, ClusterRole, ClusterRoleBinding, ConfigMap, Cpu, CronJob, CronSchedule, Deployment, DisruptionBudget, DnsPolicy, Environment, ExistingSecret, InitStep, Job, LifecycleHook, LimitRange, Memory, NetworkPeer, NetworkPolicy,
  PersistentVolumeClaim, Placement, Platform, Pod, PodCount, PodSecurityLevel, PolicyEngine, Probe, QuotaScope, ResourceQuota, Resources, RestartPolicy, RoleBinding, ServiceAccount, Sidecar, StatefulSet, StorageClass, Subject, SynthError, VolumeClaimTemplate, Waiver,
} from '../lib';
import { ENV, find, problemsOf, render } from './support/harness';

const IMAGE = 'registry.example.com/shop/api:3f9c2a1';
const api = (chart: AppChart, extra: object = {}) => new Deployment(chart, 'api', {
  containers: [{ name: 'api', image: IMAGE, ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/healthz', 'http') }],
  ...extra,
});

/** Problems of a stack rendered with the policy engine (what `npm run synth` runs). */
function engineProblems(define: (chart: AppChart) => void): string[] {
  try {
    new Platform({ environments: [ENV.stage], stacks: [{ name: 'test', define }], checks: [new PolicyEngine()] }).render();
  } catch (e) {
    if (e instanceof SynthError) return e.problems;
    throw e;
  }
  return [];
}

describe('disruption budgets', () => {
  test('disruptionBudget: false drops the automatic budget in a high-availability environment, keeps the spread', () => {
    const objects = render((chart) => api(chart, { disruptionBudget: false }), { environment: 'stage' });
    expect(objects.map((o) => o.kind)).toEqual(['Deployment']);
    expect(find(objects, 'Deployment', 'api').spec.template.spec.topologySpreadConstraints).toHaveLength(1);
  });

  test('disruptionBudget: false with an own budget renders exactly that budget', () => {
    const objects = render((chart) => {
      const d = api(chart, { disruptionBudget: false });
      new DisruptionBudget(chart, 'pdb', { target: d, name: 'api-pdb', minAvailable: PodCount.count(1) });
    }, { environment: 'stage' });
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name)).toEqual(['api-pdb']);
  });

  test('an own budget next to the automatic one is refused, with the switch as the fix', () => {
    const problems = problemsOf((chart) => {
      new DisruptionBudget(chart, 'pdb', { target: api(chart), name: 'api-pdb', minAvailable: PodCount.count(1) });
    }, { environment: 'stage' });
    expect(problems).toEqual([expect.stringMatching(/^\[stage\/test\/pdb\] target: already has the automatic PodDisruptionBudget .*Fix: set disruptionBudget: false on the workload/)]);
  });

  test('following the fix renders', () => {
    expect(engineProblems((chart) => {
      new DisruptionBudget(chart, 'pdb', { target: api(chart, { disruptionBudget: false }), name: 'api-pdb', minAvailable: PodCount.count(1) });
    })).toEqual([]);
  });

  test('PLT036: a raw budget over pods that already have one is refused by the engine', () => {
    const problems = engineProblems((chart) => {
      const d = api(chart);
      new ApiObject(chart, 'upstream-pdb', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'upstream-pdb' },
        spec: { minAvailable: 1, selector: { matchLabels: d.selector } },
      });
    });
    expect(problems).toEqual([expect.stringMatching(/^\[stage\/test\/upstream-pdb\] PLT036 spec\.selector: selects pods that PodDisruptionBudget stage\/api also selects/)]);
  });

  test('StatefulSets take the same switch', () => {
    const objects = render((chart) => new StatefulSet(chart, 'db', {
      replicas: 3,
      disruptionBudget: false,
      ports: [{ port: 5432, name: 'pg' }],
      containers: [{ name: 'db', image: IMAGE, ports: [{ number: 5432, name: 'pg' }], readiness: Probe.fromTcpSocket('pg') }],
    }), { environment: 'stage' });
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });
});

describe('helpers in Jobs', () => {
  const task = { name: 'task', image: IMAGE, command: ['sh', '-c', 'work'] };
  const shipper = { container: { name: 'shipper', image: IMAGE }, shares: [{ name: 'out', path: '/out' }] };

  test('Sidecar.add on a Job is refused (the Job would never complete), naming the helper and the fix', () => {
    const problems = problemsOf((chart) => Sidecar.add(new Job(chart, 'export', { containers: [task] }), shipper));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/export\] pod\.containers\.shipper: is a helper .* never exits, so the Job never completes .*Fix: run what the helper prepares as an init step \(InitStep\.run/)]);
  });

  test('on a CronJob too', () => {
    const problems = problemsOf((chart) => Sidecar.add(new CronJob(chart, 'nightly', { schedule: CronSchedule.DAILY, containers: [task] }), shipper));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/nightly\] pod\.containers\.shipper: .*CronJob/)]);
  });

  test('following the fix (an init step sharing the directory) renders', () => {
    const objects = render((chart) => InitStep.renderConfig(new Job(chart, 'export', { containers: [task] }), { container: { name: 'prepare', image: IMAGE }, into: { name: 'out', path: '/out' } }));
    expect(find(objects, 'Job', 'export').spec.template.spec.initContainers.map((c: any) => c.name)).toEqual(['prepare']);
  });
});

describe('quotas and limit ranges render what is given', () => {
  test('pods: 2 renders pods only; the environment preset is opt-in', () => {
    const objects = render((chart) => {
      new ResourceQuota(chart, 'pods-only', { name: 'pods-only', pods: 2 });
      new ResourceQuota(chart, 'preset', { name: 'preset', fromEnvironment: true, requestsMemory: Memory.gibibytes(16) });
    });
    expect(find(objects, 'ResourceQuota', 'pods-only').spec).toEqual({ hard: { pods: 2 } });
    // limitsMemory follows the requestsMemory given, as its doc says.
    expect(find(objects, 'ResourceQuota', 'preset').spec.hard).toMatchObject({ 'requests.memory': '16Gi', 'limits.memory': '16Gi', 'services': 20 });
  });

  test('the upstream PriorityClass quota: scopeSelector, pods and compute only, any resource name', () => {
    const objects = render((chart) => {
      new ResourceQuota(chart, 'pods-high', {
        name: 'pods-high',
        requestsCpu: Cpu.cores(1000), requestsMemory: Memory.gibibytes(200), pods: 10,
        scopeSelector: [{ scopeName: QuotaScope.PRIORITY_CLASS, operator: 'In', values: ['high'] }],
      });
      new ResourceQuota(chart, 'object-counts', { name: 'object-counts', hard: { 'services.loadbalancers': 0, 'services.nodeports': '0', 'count/jobs.batch': 5 } });
    });
    expect(find(objects, 'ResourceQuota', 'pods-high').spec).toEqual({
      hard: { 'pods': 10, 'requests.cpu': '1000', 'requests.memory': '200Gi' },
      scopeSelector: { matchExpressions: [{ operator: 'In', scopeName: 'PriorityClass', values: ['high'] }] },
    });
    expect(find(objects, 'ResourceQuota', 'object-counts').spec.hard).toEqual({ 'services.loadbalancers': 0, 'services.nodeports': '0', 'count/jobs.batch': 5 });
  });

  test('a scoped quota limiting what its scope cannot count is refused; following the fix renders', () => {
    const problems = problemsOf((chart) => new ResourceQuota(chart, 'q', { fromEnvironment: true, scopes: [QuotaScope.PRIORITY_CLASS] }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/q\] scopes: limits pods, CPU and memory only, but the quota also limits services, persistentvolumeclaims, requests.storage: the API server refuses it .*Fix: drop services, persistentvolumeclaims, requests.storage from this quota/)]);
    expect(render((chart) => new ResourceQuota(chart, 'q', { pods: 4, scopes: [QuotaScope.PRIORITY_CLASS] }))).toHaveLength(1);
  });

  test('an empty quota or limit range, typed names in hard and bad ratios are refused', () => {
    expect(problemsOf((chart) => {
      new ResourceQuota(chart, 'q');
      new ResourceQuota(chart, 'q2', { name: 'q2', hard: { pods: 3 } });
      new LimitRange(chart, 'lr');
      new LimitRange(chart, 'lr2', { name: 'lr2', maxLimitRequestRatio: { memory: 0.5 } });
    })).toEqual([
      expect.stringMatching(/^\[dev\/test\/q\] hard: limits nothing .*fromEnvironment: true/),
      expect.stringMatching(/^\[dev\/test\/q2\] hard\.pods: is a typed prop of ResourceQuota .*Fix: set pods instead/),
      expect.stringMatching(/^\[dev\/test\/lr\] limits: bounds nothing/),
      expect.stringMatching(/^\[dev\/test\/lr2\] maxLimitRequestRatio\.memory: must be a number >= 1/),
    ]);
  });

  test('LimitRange: type Pod and maxLimitRequestRatio, only what is given', () => {
    const objects = render((chart) => new LimitRange(chart, 'lr', {
      name: 'lr',
      maxLimitRequestRatio: { memory: 2 },
      pod: { max: { cpu: Cpu.cores(2), memory: Memory.gibibytes(2) } },
    }));
    expect(find(objects, 'LimitRange', 'lr').spec.limits).toEqual([
      { type: 'Container', maxLimitRequestRatio: { memory: '2' } },
      { type: 'Pod', max: { cpu: '2', memory: '2Gi' } },
    ]);
  });
});

describe('pods: identity, token, init containers', () => {
  const podOf = (objects: any[], name = 'api') => find(objects, 'Deployment', name).spec.template.spec;

  test('an identity given is rendered whole, as given; none gives 10001:10001', () => {
    expect(podOf(render((chart) => api(chart, { identity: { user: 1000, fsGroup: 1000 } }))).securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(podOf(render((chart) => api(chart))).securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
  });

  test('the token follows a named ServiceAccount unless the pod says; the default account gets none', () => {
    expect(podOf(render((chart) => api(chart))).automountServiceAccountToken).toBe(false);
    const withAccount = (props: object) => (chart: AppChart) => {
      new ServiceAccount(chart, 'my-scheduler', { automountToken: true });
      api(chart, { serviceAccountName: 'my-scheduler', ...props });
    };
    expect(podOf(render(withAccount({}))).automountServiceAccountToken).toBeUndefined();
    expect(podOf(render(withAccount({ automountServiceAccountToken: false }))).automountServiceAccountToken).toBe(false);
  });

  test('an init container without resources gets the main containers\' total; with resources, its own', () => {
    const pod = podOf(render((chart) => {
      const d = new Deployment(chart, 'api', {
        containers: [
          { name: 'api', image: IMAGE, resources: Resources.of({ cpu: Cpu.millis(500), memory: Memory.gibibytes(1) }) },
          { name: 'helper', image: IMAGE, resources: Resources.of({ cpu: Cpu.millis(100), memory: Memory.mebibytes(128) }) },
        ],
      });
      InitStep.run(d, { name: 'clone', image: IMAGE, args: ['clone'] });
      InitStep.run(d, { name: 'small', image: IMAGE, args: ['x'], resources: Resources.of({ cpu: Cpu.millis(10), memory: Memory.mebibytes(16) }) });
    }));
    expect(pod.initContainers.map((c: any) => c.resources)).toEqual([
      { requests: { cpu: '600m', memory: '1152Mi' }, limits: { memory: '1152Mi' } },
      { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '16Mi' } },
    ]);
  });
});

describe('pod fields with props', () => {
  test('scheduling, DNS, pull secrets, priority and probe headers render as given and validate strictly', () => {
    const objects = render((chart) => new Deployment(chart, 'api', {
      containers: [{
        name: 'api', image: IMAGE, ports: [{ number: 8080, name: 'http' }],
        readiness: Probe.fromHttpGet('/healthz', 'http', {}, undefined, { 'Custom-Header': 'Awesome' }),
        env: { PULL: new ExistingSecret(chart, 'regcred', { name: 'regcred', keys: ['.dockerconfigjson'], createdBy: 'the registry team' }).env('.dockerconfigjson') },
      }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, topologyKey: 'kubernetes.io/hostname' }] } },
      priorityClassName: 'high',
      imagePullSecrets: ['regcred'],
      dnsPolicy: DnsPolicy.NONE,
      dnsConfig: { nameservers: ['192.0.2.1'], searches: ['ns1.svc.cluster-domain.example'], options: { ndots: '2', edns0: '' } },
      hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }],
      terminationGracePeriodSeconds: 60,
    }));
    const pod = find(objects, 'Deployment', 'api').spec.template.spec;
    expect(pod).toMatchObject({
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }] } },
      priorityClassName: 'high',
      imagePullSecrets: [{ name: 'regcred' }],
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['192.0.2.1'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
      hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }],
      terminationGracePeriodSeconds: 60,
    });
    expect(pod.containers[0].readinessProbe.httpGet.httpHeaders).toEqual([{ name: 'Custom-Header', value: 'Awesome' }]);
  });

  test('bad tolerations, DNS and headers are refused with a fix', () => {
    const problems = problemsOf((chart) => new Deployment(chart, 'api', {
      containers: [{ name: 'api', image: IMAGE, ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/', 'http', {}, undefined, { 'bad header': 'x' }) }],
      tolerations: [{ operator: 'Equal', value: 'x' }, { key: 'k', effect: 'NoSchedule', tolerationSeconds: 5 }],
      dnsPolicy: DnsPolicy.NONE,
    }));
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      '[dev/test/api] pod.containers[0].readiness.headers.bad header',
      '[dev/test/api] pod.tolerations[0].key',
      '[dev/test/api] pod.tolerations[1].tolerationSeconds',
      '[dev/test/api] pod.dnsConfig.nameservers',
    ]);
  });
});

describe('container lifecycle', () => {
  test('preStop and postStart hooks render; an empty command is refused', () => {
    const objects = render((chart) => new Deployment(chart, 'api', {
      containers: [{
        name: 'api', image: IMAGE, ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/healthz', 'http'),
        lifecycle: { preStop: LifecycleHook.fromCommand(['/bin/sh', '-c', 'nginx -s quit; sleep 10']), postStart: LifecycleHook.fromHttpGet('/warm', 'http') },
      }],
    }));
    expect(find(objects, 'Deployment', 'api').spec.template.spec.containers[0].lifecycle).toEqual({
      preStop: { exec: { command: ['/bin/sh', '-c', 'nginx -s quit; sleep 10'] } },
      postStart: { httpGet: { path: '/warm', port: 'http' } },
    });
    expect(problemsOf((chart) => new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE, lifecycle: { preStop: LifecycleHook.fromCommand([]) } }] })))
      .toEqual([expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[0\]\.lifecycle\.preStop\.command: is empty/)]);
  });
});

describe('NetworkPolicy: port ranges and namespaces by any label', () => {
  test('the upstream example: namespaceSelector on project, an endPort range', () => {
    const objects = render((chart) => new NetworkPolicy(chart, 'np', {
      ingress: [{ peers: [NetworkPeer.namespacesLabelled({ project: 'myproject' })], ports: [{ port: 6379 }] }],
      egress: [{ peers: [NetworkPeer.cidr('internal', '10.0.0.0/24')], ports: [{ port: 32000, endPort: 32768 }] }],
    }));
    const spec = find(objects, 'NetworkPolicy', 'np').spec;
    expect(spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { project: 'myproject' } } }]);
    expect(spec.egress[0].ports).toEqual([{ port: 32000, endPort: 32768, protocol: 'TCP' }]);
    expect(problemsOf((chart) => new NetworkPolicy(chart, 'np', { egress: [{ peers: [NetworkPeer.cidr('x', '10.0.0.0/8')], ports: [{ port: 'http', endPort: 90 }] }] })))
      .toEqual([expect.stringMatching(/^\[dev\/test\/np\] egress\[0\]\.ports\[0\]\.endPort: needs a numeric port/)]);
  });
});

describe('labels and namespaces of any object', () => {
  test('a workload\'s extra labels go on the object and its pods, not the selector; standard labels cannot be replaced', () => {
    const d = find(render((chart) => api(chart, { labels: { tier: 'backend', role: 'leader' } })), 'Deployment', 'api');
    expect(d.metadata.labels).toMatchObject({ tier: 'backend', role: 'leader' });
    expect(d.spec.template.metadata.labels).toMatchObject({ tier: 'backend', role: 'leader' });
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api-dev' });
    expect(problemsOf((chart) => api(chart, { labels: { 'app.kubernetes.io/name': 'other' } })))
      .toEqual([expect.stringMatching(/^\[dev\/test\/api\] labels\.app\.kubernetes\.io\/name: is a standard label .*Fix: use another key/)]);
  });

  test('Placement: labels and another namespace for any construct; the environment keeps its own', () => {
    const objects = render((chart) => {
      const binding = new RoleBinding(chart, 'auth-reader', {
        name: 'my-scheduler-extension-apiserver-authentication-reader',
        role: { kind: 'Role', name: 'extension-apiserver-authentication-reader' },
        subjects: [Subject.serviceAccount({ name: 'my-scheduler', namespace: 'kube-system' })],
      });
      Placement.inNamespace(binding, 'kube-system');
      Waiver.add(binding, 'PLT042', 'the my-scheduler ServiceAccount is rendered by the kube-system stack');
      const cm = new ConfigMap(chart, 'cfg', { name: 'cfg', data: { a: 'b' } });
      Placement.addLabels(cm, { tier: 'frontend' });
    });
    expect(find(objects, 'RoleBinding', 'my-scheduler-extension-apiserver-authentication-reader').metadata.namespace).toBe('kube-system');
    expect(find(objects, 'ConfigMap', 'cfg').metadata).toMatchObject({ namespace: 'dev', labels: { tier: 'frontend' } });
  });
});

describe('construct checks that are policy are waivable like engine rules', () => {
  const sameProbe = Probe.fromHttpGet('/healthz', 'http');
  const twin = (chart: AppChart) => new Deployment(chart, 'api', {
    containers: [{ name: 'api', image: IMAGE, ports: [{ number: 8080, name: 'http' }], readiness: sameProbe, liveness: sameProbe }],
  });

  test('identical liveness and readiness: refused with the rule id; the waiver renders and shows in the YAML', () => {
    expect(problemsOf(twin)).toEqual([expect.stringMatching(/^\[dev\/test\/api\] PLT074 pod\.containers\[0\]\.liveness: is identical to the readiness probe/)]);
    const objects = render((chart) => Waiver.add(twin(chart), 'PLT074', 'upstream chart: one cheap endpoint, accepted by the platform team'));
    expect(find(objects, 'Deployment', 'api').metadata.annotations['k8s-constructs.io/waive.PLT074']).toMatch(/accepted/);
    expect(engineProblems((chart) => Waiver.add(twin(chart), 'PLT074', 'accepted'))).toEqual([]);
  });

  test('a probe on an undeclared numeric port is waivable; an undeclared named port is not policy', () => {
    const numeric = (chart: AppChart) => new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE, readiness: Probe.fromTcpSocket(6379) }] });
    expect(problemsOf(numeric)).toEqual([expect.stringMatching(/^\[dev\/test\/api\] PLT072 pod\.containers\[0\]\.readiness\.port: .*waive PLT072/)]);
    expect(render((chart) => Waiver.add(numeric(chart), 'PLT072', 'redis binds 6379 without declaring it upstream'))).toHaveLength(1);
    const named = (chart: AppChart) => Waiver.add(new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE, readiness: Probe.fromTcpSocket('redis') }] }), 'PLT072', 'x');
    expect(problemsOf(named)).toEqual([expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[0\]\.readiness\.port: is not a port/)]);
  });

  test('unnamed StatefulSet ports are waivable (PLT076)', () => {
    const set = (chart: AppChart) => new StatefulSet(chart, 'db', {
      ports: [{ port: 5432 }],
      containers: [{ name: 'db', image: IMAGE, ports: [{ number: 5432 }], readiness: Probe.fromTcpSocket(5432) }],
    });
    expect(problemsOf(set)).toEqual([expect.stringMatching(/^\[dev\/test\/db\] PLT076 ports\[0\]\.name: is missing/)]);
    expect(render((chart) => Waiver.add(set(chart), 'PLT076', 'clients use the ordinal DNS names only')).length).toBeGreaterThan(0);
  });

  test('a RoleBinding to a Role made outside the repository is waivable (PLT043); kube-system\'s authentication reader is known', () => {
    const binding = (chart: AppChart, role: string) => new RoleBinding(chart, 'rb', { name: 'rb', role: { kind: 'Role', name: role }, subjects: [Subject.serviceAccount({ name: 'my-scheduler', namespace: 'kube-system' })] });
    expect(problemsOf((chart) => binding(chart, 'operator-made'))).toEqual([expect.stringMatching(/^\[dev\/test\/rb\] PLT043 role: .*waive PLT043 with a reason/)]);
    const external = (b: RoleBinding) => Waiver.add(b, 'PLT042', 'the ServiceAccount is made by the kube-system stack');
    expect(render((chart) => {
      const b = binding(chart, 'operator-made');
      Waiver.add(b, 'PLT043', 'made by the operator');
      external(b);
    })).toHaveLength(1);
    const placed = render((chart) => {
      const b = binding(chart, 'extension-apiserver-authentication-reader');
      Placement.inNamespace(b, 'kube-system');
      external(b);
    });
    expect(placed[0].metadata.namespace).toBe('kube-system');
  });

  test('IPC_LOCK under restricted does not send you to baseline, which refuses it too; following the fix renders', () => {
    const locked = (chart: AppChart) => new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE, securityExceptions: { addCapabilities: ['IPC_LOCK'] } }] });
    const [problem] = problemsOf(locked);
    expect(problem).toMatch(/Fix: drop the capability: baseline refuses it too .*only an environment whose podSecurity is privileged admits it/);
    expect(problemsOf(locked, { environment: Environment.dev({ baseDomain: 'dev.example.com', podSecurity: PodSecurityLevel.BASELINE }) })[0]).toMatch(/is not allowed by Pod Security Standards baseline/);
    expect(render(locked, { environment: Environment.dev({ baseDomain: 'dev.example.com', podSecurity: PodSecurityLevel.PRIVILEGED }) })).toHaveLength(1);
  });
});

describe('names that cross objects', () => {
  test('a claim naming a StorageClass of the stack by its given name is refused; its rendered name works', () => {
    const problems = problemsOf((chart) => {
      new StorageClass(chart, 'fast', { provisioner: 'pd.csi.storage.gke.io' });
      new PersistentVolumeClaim(chart, 'data', { size: '1Gi', storageClassName: 'fast' });
    });
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/data\] storageClassName: names the StorageClass of the stack by the name it was given, but it renders as "dev-fast" .*Fix: pass the class's name/)]);
    const objects = render((chart) => {
      const fast = new StorageClass(chart, 'fast', { provisioner: 'pd.csi.storage.gke.io' });
      new PersistentVolumeClaim(chart, 'data', { size: '1Gi', storageClassName: fast.name });
    });
    expect(find(objects, 'PersistentVolumeClaim', 'data').spec.storageClassName).toBe('dev-fast');
  });

  test('a StatefulSet claim template naming a StorageClass of the stack by its given name is refused; its rendered name works', () => {
    const database = (chart: AppChart, storageClassName: (fast: StorageClass) => string) => {
      const fast = new StorageClass(chart, 'fast', { provisioner: 'pd.csi.storage.gke.io' });
      const data = VolumeClaimTemplate.readWriteOnce('data', '1Gi', { storageClassName: storageClassName(fast) });
      new StatefulSet(chart, 'db', {
        ports: [{ port: 6379, name: 'redis', targetPort: 'redis' }],
        volumeClaimTemplates: [data],
        containers: [{ name: 'redis', image: IMAGE, ports: [{ number: 6379, name: 'redis' }], readiness: Probe.fromTcpSocket('redis'), mounts: [{ volume: data.volume, path: '/data' }] }],
      });
    };
    expect(problemsOf((chart) => database(chart, () => 'fast'))).toEqual([
      '[dev/test/db] volumeClaimTemplates[0].storageClassName: names the StorageClass of the stack by the name it was given, but it renders as "dev-fast" (cluster-scoped names carry the environment): the claim would stay Pending (got "fast"). Fix: pass the class\'s name: storageClassName: storageClass.name (here "dev-fast")',
    ]);
    const objects = render((chart) => database(chart, (fast) => fast.name));
    expect(find(objects, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('dev-fast');
    // In another environment the class and the claim follow it.
    const staged = render((chart) => database(chart, (fast) => fast.name), { environment: 'stage' });
    expect(find(staged, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('stage-fast');
    expect(find(staged, 'StorageClass', 'stage-fast')).toBeDefined();
  });

  test('a RoleBinding or ClusterRoleBinding naming a ClusterRole of the stack by its given name is refused; passing the construct binds it', () => {
    const rules = [{ resources: ['pods'], verbs: ['get', 'list', 'watch'] }];
    for (const Binding of [RoleBinding, ClusterRoleBinding]) {
      expect(problemsOf((chart) => {
        new ClusterRole(chart, 'pod-reader', { rules });
        new Binding(chart, 'readers', { role: { kind: 'ClusterRole', name: 'pod-reader' }, subjects: [Subject.group('devs')] });
      })).toEqual([
        '[dev/test/readers] PLT043 role: names the ClusterRole of the stack by the name it was given, but it renders as "dev-pod-reader" (cluster-scoped names carry the environment): the binding would grant nothing (got {"kind":"ClusterRole","name":"pod-reader"}). Fix: pass the ClusterRole construct itself (role: the ClusterRole made as "pod-reader"), which binds "dev-pod-reader"',
      ]);
      const objects = render((chart) => {
        const podReader = new ClusterRole(chart, 'pod-reader', { rules });
        new Binding(chart, 'readers', { role: podReader, subjects: [Subject.group('devs')] });
      });
      const binding = objects.find((o) => o.kind === (Binding === RoleBinding ? 'RoleBinding' : 'ClusterRoleBinding'));
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'dev-pod-reader' });
      expect(find(objects, 'ClusterRole', 'dev-pod-reader')).toBeDefined();
    }
  });
});

describe('a bare Pod', () => {
  test('renders a v1 Pod with the standard labels, the restricted defaults and its restart policy', () => {
    const pod = find(render((chart) => new Pod(chart, 'shell', { restartPolicy: RestartPolicy.NEVER, containers: [{ name: 'shell', image: IMAGE, command: ['sleep', '3600'] }] })), 'Pod', 'shell');
    expect(pod).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { labels: { 'app.kubernetes.io/name': 'shell' } }, spec: { restartPolicy: 'Never', securityContext: { runAsNonRoot: true } } });
  });
});

describe('more pod fields', () => {
  test('scheduler, runtime class, service links, process namespace, host name, subdomain and spread constraints', () => {
    const pod = find(render((chart) => new Deployment(chart, 'api', {
      containers: [{ name: 'api', image: IMAGE }],
      schedulerName: 'my-scheduler',
      runtimeClassName: 'gvisor',
      enableServiceLinks: false,
      shareProcessNamespace: true,
      hostname: 'api-0',
      subdomain: 'api',
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }],
    }), { environment: 'stage' }), 'Deployment', 'api').spec.template.spec;
    expect(pod).toMatchObject({ schedulerName: 'my-scheduler', runtimeClassName: 'gvisor', enableServiceLinks: false, shareProcessNamespace: true, hostname: 'api-0', subdomain: 'api' });
    // The high-availability soft spread across nodes comes after the one given.
    expect(pod.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(problemsOf((chart) => new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE }], hostname: 'Api_0' })))
      .toEqual([expect.stringMatching(/^\[dev\/test\/api\] pod\.hostname: must be a DNS-1123 label/)]);
  });
});
