import {
  Adapter, Ambassador, Annotations, AppChart, ConfigMap, Deployment, Environment, EnvValue, ExistingSecret, InitStep, PodSecurityLevel, Probe, Sidecar,
} from '../lib';
import { podSecurityProblems } from '../lib/policy/pod-security';
import { EnvName, expectSnapshot, find, problemsOf, render } from './support/harness';

const IMAGE = 'registry.example.com/shop/api:5e6f7a8';

/** A pod using every pattern, secret and config source: what restricted must still accept. */
function everything(chart: AppChart): void {
  const config = new ConfigMap(chart, 'settings', { data: { LOG_LEVEL: 'info' } });
  const db = new ExistingSecret(chart, 'db', { name: 'db-credentials', keys: ['url'], createdBy: 'the database operator' });
  const app = new Deployment(chart, 'api', {
    containers: [{
      name: 'api',
      image: IMAGE,
      ports: [{ number: 8080, name: 'http' }],
      readiness: Probe.fromHttpGet('/healthz', 'http'),
      env: { DATABASE_URL: db.env('url'), LOG_LEVEL: EnvValue.fromConfigMap(config.name, 'LOG_LEVEL') },
      writablePaths: ['/tmp'],
    }],
  });
  Sidecar.add(app, { container: { name: 'shipper', image: IMAGE }, shares: [{ name: 'logs', path: '/var/log/app' }] });
  Adapter.addMetricsExporter(app, { container: { name: 'exporter', image: IMAGE }, port: 9100 });
  Ambassador.add(app, { container: { name: 'cache-proxy', image: IMAGE }, port: 6380, env: 'CACHE_ADDR' });
  InitStep.waitFor(app, { name: 'wait-for-db', image: IMAGE, host: 'db.example.svc.cluster.local', port: 5432 });
  InitStep.run(app, { name: 'migrate', image: IMAGE, args: ['migrate'] });
}

/** Every pod spec of rendered objects, with its annotations. */
function pods(objects: any[]): { name: string; spec: any; annotations: Record<string, string> }[] {
  return objects
    .filter((o) => o.spec?.template?.spec?.containers)
    .map((o) => ({ name: `${o.kind}/${o.metadata.name}`, spec: o.spec.template.spec, annotations: o.spec.template.metadata?.annotations ?? {} }));
}

describe('secure by default', () => {
  test.each<EnvName>(['dev', 'stage', 'prod'])('every pod passes Pod Security Standards restricted (%s)', (environment) => {
    const rendered = pods(render(everything, { environment }));
    expect(rendered).toHaveLength(1);
    for (const pod of rendered) {
      expect(podSecurityProblems(pod.spec, PodSecurityLevel.RESTRICTED, { annotations: pod.annotations })).toEqual([]);
    }
  });

  test('pod: non-root 10001:10001, fsGroup, seccomp RuntimeDefault, no ServiceAccount token', () => {
    const spec = find(render(everything), 'Deployment', 'api').spec.template.spec;
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('every container, init containers included: no privilege escalation, drop ALL, read-only root', () => {
    const spec = find(render(everything), 'Deployment', 'api').spec.template.spec;
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  test('writable paths become emptyDirs, so the root filesystem stays read-only', () => {
    const spec = find(render(everything), 'Deployment', 'api').spec.template.spec;
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'api-tmp', mountPath: '/tmp' });
    expect(spec.volumes).toContainEqual({ name: 'api-tmp', emptyDir: {} });
  });

  test('snapshot', () => expectSnapshot(everything));
});

describe('explicit opt-outs', () => {
  const optOuts = (chart: AppChart) => {
    new Deployment(chart, 'legacy', {
      containers: [{
        name: 'nginx',
        image: IMAGE,
        ports: [{ number: 80, name: 'http' }],
        readiness: Probe.fromHttpGet('/', 'http'),
        securityExceptions: { addCapabilities: ['NET_BIND_SERVICE'], writableRootFilesystem: true },
      }],
    });
  };

  test('are visible in the security context and as a pod annotation, and still pass restricted', () => {
    const template = find(render(optOuts), 'Deployment', 'legacy').spec.template;
    const c = template.spec.containers[0];
    expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    expect(c.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(template.metadata.annotations[Annotations.SECURITY_EXCEPTIONS]).toBe('nginx:capability-NET_BIND_SERVICE,nginx:writable-root-filesystem');
    expect(podSecurityProblems(template.spec, PodSecurityLevel.RESTRICTED)).toEqual([]);
  });

  test('snapshot', () => expectSnapshot(optOuts));

  test('no annotation without opt-outs', () => {
    expect(find(render(everything), 'Deployment', 'api').spec.template.metadata.annotations[Annotations.SECURITY_EXCEPTIONS]).toBeUndefined();
  });
});

describe('refusals', () => {
  const withCapability = (cap: string) => (chart: AppChart) => {
    new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE, securityExceptions: { addCapabilities: [cap] } }] });
  };

  test('a capability restricted does not allow', () => {
    expect(problemsOf(withCapability('NET_RAW'))).toEqual([
      expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[0\]\.securityExceptions\.addCapabilities: is not allowed by Pod Security Standards restricted \(only NET_BIND_SERVICE is\) \(got "NET_RAW"\)\. Fix: /),
    ]);
  });

  const baseline = Environment.of({ name: 'lab', replicas: 1, baseDomain: 'lab.example.com', podSecurity: PodSecurityLevel.BASELINE });

  test('a baseline environment accepts a baseline capability, and the pod passes baseline', () => {
    const objects = render(withCapability('CHOWN'), { environment: baseline });
    const template = find(objects, 'Deployment', 'api').spec.template;
    expect(template.metadata.annotations[Annotations.SECURITY_EXCEPTIONS]).toBe('api:capability-CHOWN');
    expect(podSecurityProblems(template.spec, PodSecurityLevel.BASELINE)).toEqual([]);
  });

  test('a capability beyond baseline in a baseline environment', () => {
    expect(problemsOf(withCapability('SYS_ADMIN'), { environment: baseline })).toEqual([
      expect.stringMatching(/^\[lab\/test\/api\] pod\.containers\[0\]\.securityExceptions\.addCapabilities: is not allowed by Pod Security Standards baseline \(got "SYS_ADMIN"\)\. Fix: /),
    ]);
  });

  test.each(['user', 'group', 'fsGroup'] as const)('root %s id', (key) => {
    expect(problemsOf((chart) => {
      new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE }], identity: { [key]: 0 } });
    })).toEqual([expect.stringMatching(new RegExp(`^\\[dev/test/api\\] pod\\.identity\\.${key}: must be a non-zero id: root is refused \\(got 0\\)\\. Fix: `))]);
  });

  test('a relative writable path', () => {
    expect(problemsOf((chart) => {
      new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE, writablePaths: ['tmp'] }] });
    })).toEqual([expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[0\]\.mounts\[0\]\.path: must be an absolute path \(got "tmp"\)\. Fix: use "\/tmp"/)]);
  });
});
