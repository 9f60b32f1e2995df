import { k8s } from 'cdk8s-plus-27';
import { AppChart, Probe, AuditPolicy, AuditPolicyCheck, AuditPresets, ClusterBaseline, NetworkIsolation, PolicyEngine, Cpu, Deployment, Environment, LimitRange, Memory, Namespace, Platform, PodSecurityLevel, QuotaCheck, ResourceQuota, Resources, SynthError } from '../lib';
import { ENV, expectSnapshot, find, problemsOf, render } from './support/harness';

const container = (name: string, resources?: Resources) => ({ name, image: 'nginx:1.25.3', resources });

/** Renders a `cluster` chart with the namespace and an app chart, with the QuotaCheck. */
function quotaProblems(namespace: (chart: AppChart) => void, app: (chart: AppChart) => void, environment: Environment = ENV.dev): string[] {
  const platform = new Platform({
    environments: [environment],
    stacks: [{ name: 'cluster', define: namespace }, { name: 'shop', define: app }],
    checks: [new QuotaCheck()],
  });
  try {
    platform.render();
  } catch (e) {
    if (e instanceof SynthError) return e.problems;
    throw e;
  }
  return [];
}

describe('Namespace', () => {
  test.each(['dev', 'prod'] as const)('snapshot: %s namespace with PSA labels, LimitRange and ResourceQuota', (environment) => {
    expectSnapshot((chart) => new Namespace(chart, 'namespace'), { environment, app: 'cluster' });
  });

  test('PSA enforces the environment level, audits and warns at restricted, and the namespace has no namespace', () => {
    const objects = render((chart) => new Namespace(chart, 'namespace'), { app: 'cluster' });
    const ns = find(objects, 'Namespace', 'dev');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.27',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(find(objects, 'LimitRange', 'limits').metadata.namespace).toBe('dev');
    expect(find(objects, 'ResourceQuota', 'quota').metadata.namespace).toBe('dev');
  });

  test('a namespace below restricted says so in an annotation', () => {
    const objects = render((chart) => new Namespace(chart, 'namespace', { podSecurity: PodSecurityLevel.BASELINE, quota: false, limits: false }), { app: 'cluster' });
    expect(objects).toHaveLength(1);
    expect(objects[0].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(objects[0].metadata.annotations).toEqual({ 'k8s-constructs.io/pod-security-exception': 'enforces baseline, not restricted' });
  });

  test('quota and limits are sized by the environment', () => {
    const hard = (env: 'dev' | 'stage' | 'prod') => find(render((chart) => new Namespace(chart, 'ns'), { environment: env, app: 'cluster' }), 'ResourceQuota', 'quota').spec.hard;
    expect(hard('dev')).toEqual({ 'requests.cpu': '2', 'requests.memory': '4Gi', 'limits.memory': '4Gi', 'pods': 20, 'services': 20, 'persistentvolumeclaims': 10, 'requests.storage': '100Gi' });
    expect(hard('prod')).toMatchObject({ 'requests.cpu': '40', 'requests.memory': '80Gi', 'pods': 200 });
    const limits = find(render((chart) => new Namespace(chart, 'ns'), { app: 'cluster' }), 'LimitRange', 'limits').spec.limits;
    expect(limits).toEqual([
      { type: 'Container', defaultRequest: { cpu: '50m', memory: '64Mi' }, default: { memory: '64Mi' }, min: { cpu: '10m', memory: '16Mi' }, max: { memory: '1Gi' } },
      { type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '50Gi' } },
    ]);
  });
});

describe('Namespace refusals', () => {
  test('a CPU maximum without a default CPU limit is refused', () => {
    expect(problemsOf((chart) => new LimitRange(chart, 'limits', { max: { cpu: Cpu.cores(2) } }))).toEqual([
      '[dev/test/limits] max.cpu: makes a CPU limit mandatory, but there is no default CPU limit: containers without one (the platform default) would be refused (got "2"). Fix: drop max.cpu, or also set defaultLimit.cpu',
    ]);
  });

  test('bounds out of order and bad storage quantities are refused', () => {
    expect(problemsOf((chart) => new LimitRange(chart, 'limits', { fromEnvironment: true, min: { memory: Memory.mebibytes(256) }, minStorage: '10Gi', maxStorage: '5 gigs' }))).toEqual([
      expect.stringContaining('defaultRequest.memory: is below min.memory 256Mi (got "64Mi")'),
      expect.stringContaining('maxStorage: is not a quantity (got "5 gigs")'),
    ]);
  });

  test('bad quota amounts and names are refused', () => {
    expect(problemsOf((chart) => new ResourceQuota(chart, 'q', { name: 'Quota', pods: -1, requestsMemory: Memory.gibibytes(2), limitsMemory: Memory.gibibytes(1) }))).toEqual([
      expect.stringContaining('name: must be a DNS-1123 subdomain'),
      expect.stringContaining('pods: must be a whole number >= 0 (got -1)'),
      expect.stringContaining('limitsMemory: is below requestsMemory 2Gi'),
    ]);
    expect(problemsOf((chart) => new Namespace(chart, 'ns', { name: 'Dev_NS', podSecurityVersion: '1.27' }))).toEqual([
      expect.stringContaining('[dev/test/ns] name: must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending alphanumeric, at most 63 characters) (got "Dev_NS")'),
      expect.stringContaining('podSecurityVersion: is not a Pod Security version (got "1.27")'),
    ]);
  });
});

describe('QuotaCheck', () => {
  const shop = (chart: AppChart) => {
    new Deployment(chart, 'api', { containers: [container('api', Resources.of({ cpu: Cpu.millis(400), memory: Memory.mebibytes(512) }))], replicas: 3 });
    new Deployment(chart, 'web', { containers: [container('web', Resources.of({ cpu: Cpu.millis(100), memory: Memory.mebibytes(128) }))], replicas: 2 });
  };

  test('a quota the workloads fit in passes', () => {
    expect(quotaProblems((chart) => new Namespace(chart, 'ns'), shop)).toEqual([]);
  });

  test('a quota smaller than the workloads is refused, naming the biggest consumers', () => {
    const problems = quotaProblems((chart) => new Namespace(chart, 'ns', { quota: { requestsCpu: Cpu.cores(1), pods: 5 } }), shop);
    expect(problems).toEqual([
      // api: 3 replicas + 1 surge pod (25%) × 400m; web: 2 + 1 × 100m.
      expect.stringContaining('QUOTA spec.hard.pods: is smaller than what the namespace\'s workloads need: 7; biggest: shop/Deployment api 4 (3+1 surge pods)'),
      '[dev/cluster/ns/quota/Resource] QUOTA spec.hard.requests.cpu: is smaller than what the namespace\'s workloads need: 1900m; biggest: shop/Deployment api 1600m (3+1 surge pods), shop/Deployment web 300m (2+1 surge pods) (got "1"). Fix: raise it to at least 1900m, or lower the replicas or resources of the biggest consumers',
    ]);
  });

  test('a CPU-limit quota refuses pods without CPU limits', () => {
    const problems = quotaProblems((chart) => new Namespace(chart, 'ns', { quota: { limitsCpu: Cpu.cores(8) } }), shop);
    expect(problems).toEqual([
      expect.stringContaining('spec.hard.limits.cpu: requires a CPU limit on every pod, but shop/Deployment api, shop/Deployment web have none: their pods would be refused (got "8")'),
    ]);
  });

  test('memory counts limits, and workloads of other namespaces are not counted', () => {
    const problems = quotaProblems((chart) => new Namespace(chart, 'ns', { quota: { requestsMemory: Memory.gibibytes(1), limitsMemory: Memory.gibibytes(1) } }), shop);
    expect(problems.map((p) => p.split(':')[0])).toEqual(['[dev/cluster/ns/quota/Resource] QUOTA spec.hard.limits.memory', '[dev/cluster/ns/quota/Resource] QUOTA spec.hard.requests.memory']);
    expect(quotaProblems((chart) => new Namespace(chart, 'ns', { name: 'other', quota: { requestsCpu: Cpu.millis(10) } }), shop)).toEqual([]);
  });

  test('an autoscaler counts at its maximum, and claims count with their storage', () => {
    const problems = quotaProblems((chart) => new Namespace(chart, 'ns', { quota: { pods: 12, requestsStorage: '15Gi', requestsCpu: Cpu.cores(8), requestsMemory: Memory.gibibytes(8), limitsMemory: Memory.gibibytes(8) } }), (chart) => {
      shop(chart);
      new k8s.KubeHorizontalPodAutoscalerV2(chart, 'api-hpa', {
        metadata: { name: 'api' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, minReplicas: 3, maxReplicas: 8 },
      });
      new k8s.KubePersistentVolumeClaim(chart, 'data', {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString('20Gi') } } },
      });
    });
    expect(problems).toEqual([
      expect.stringContaining('spec.hard.pods: is smaller than what the namespace\'s workloads need: 13; biggest: shop/Deployment api 10 (8+2 surge pods), shop/Deployment web 3 (2+1 surge pods) (got 12)'),
      expect.stringContaining('spec.hard.requests.storage: is smaller than what the namespace\'s workloads need: 20Gi; biggest: shop/PersistentVolumeClaim data 20Gi (got "15Gi")'),
    ]);
  });
});

describe('ClusterBaseline', () => {
  test('every environment gets its namespace, limits, quota, team roles and network baseline; apps add allowances; all checks pass', () => {
    const platform = new Platform({
      environments: [ENV.dev, ENV.stage, ENV.prod],
      stacks: [
        { name: 'cluster', define: (chart) => new ClusterBaseline(chart, 'baseline') },
        { name: 'kube-apiserver', define: (chart) => new AuditPolicy(chart, 'audit', AuditPresets.gke()) },
        {
          name: 'shop',
          define: (chart) => {
            const web = new Deployment(chart, 'web', { containers: [{ ...container('web'), image: 'nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', ports: [{ number: 8080 }], readiness: Probe.fromTcpSocket(8080) }] });
            new NetworkIsolation(chart, 'network', { baseline: false }).allowFromIngressController(web, [8080]);
          },
        },
      ],
      checks: [new QuotaCheck(), new PolicyEngine(), new AuditPolicyCheck()],
    });
    const { files, warnings } = platform.render();
    expect(warnings).toEqual([]);
    expect([...files.keys()].filter((f) => f.startsWith('prod/') && !f.startsWith('prod/shop/Deployment') && !f.startsWith('prod/shop/PodDisruptionBudget'))).toEqual([
      'prod/cluster/LimitRange.limits.k8s.yaml',
      'prod/cluster/Namespace.prod.k8s.yaml',
      'prod/cluster/NetworkPolicy.allow-dns.k8s.yaml',
      'prod/cluster/NetworkPolicy.default-deny.k8s.yaml',
      'prod/cluster/ResourceQuota.quota.k8s.yaml',
      'prod/cluster/Role.team-deployer.k8s.yaml',
      'prod/cluster/Role.team-viewer.k8s.yaml',
      'prod/cluster/RoleBinding.team-admin.k8s.yaml',
      'prod/cluster/RoleBinding.team-deployer.k8s.yaml',
      'prod/cluster/RoleBinding.team-viewer.k8s.yaml',
      'prod/kube-apiserver/Policy.audit-policy.k8s.yaml',
      'prod/shop/NetworkPolicy.web-from-ingress-controller.k8s.yaml',
    ]);
  });
});
