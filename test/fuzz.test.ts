import fc from 'fast-check';
import { parse } from 'yaml';
import {
  AccessMode, AppChart, ConcurrencyPolicy, ConfigMap, CronJob, CronSchedule, Deployment, EnvValue, ExternalSecret, HorizontalPodAutoscaler, Ingress, Job,
  Metric, NetworkPeer, NetworkPolicy, PersistentVolumeClaim, Platform, PodManagementPolicy, PolicyEngine, Probe, Role, Secret, SecretValue, Service,
  ServiceType, StatefulSet, StatefulSetUpdateStrategy, SynthError, VolumeClaimTemplate,
} from '../lib';
import { ENV } from './support/harness';
import { assertStrictlyValid } from './support/strict-schema';

/**
 * Property-based tests: random props for each construct either render objects that pass the
 * strict Kubernetes 1.27 schema (and parse back from their YAML), or are refused with a
 * SynthError whose every line names a construct path. Never an unhandled exception.
 */

interface Tally { cases: number; rendered: number; refused: number }
const tallies = new Map<string, Tally>();

// Hundreds of renders per test: generous under a parallel `npm test`.
jest.setTimeout(60_000);

/** Renders one stack with the policy engine; checks the outcome is one of the two allowed ones. */
function outcome(construct: string, env: keyof typeof ENV, define: (chart: AppChart) => void): 'rendered' | 'refused' {
  const tally = tallies.get(construct) ?? { cases: 0, rendered: 0, refused: 0 };
  tallies.set(construct, tally);
  tally.cases++;
  const platform = new Platform({ environments: [ENV[env]], stacks: [{ name: 'fuzz', define }], checks: [new PolicyEngine()] });
  let rendering;
  try {
    rendering = platform.render();
  } catch (e) {
    if (!(e instanceof SynthError)) throw e;
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) expect(p).toMatch(/^\[[^\]]+\] \S/);
    tally.refused++;
    return 'refused';
  }
  const objects = rendering.manifests.map((m) => m.object);
  assertStrictlyValid(objects);
  for (const m of rendering.manifests) {
    expect(parse(rendering.files.get(m.file)!)).toEqual(JSON.parse(JSON.stringify(m.object)));
  }
  tally.rendered++;
  return 'rendered';
}

const env = fc.constantFrom<keyof typeof ENV>('dev', 'stage', 'prod');
const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,14}[a-z0-9])?$/);
const name = fc.oneof({ weight: 4, arbitrary: dnsLabel }, { weight: 1, arbitrary: fc.string({ maxLength: 70 }) });
const image = fc.oneof(
  fc.constantFrom('registry.example.com/app:3f2a9c1', 'nginx', 'nginx:latest', 'nginx:1.25.3', 'Bad Image!', ''),
  fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `registry.example.com/app@sha256:${h}`),
  fc.string({ maxLength: 30 }),
);
const portNumber = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 65535 }) }, { weight: 1, arbitrary: fc.integer({ min: -10, max: 70000 }) });
const portName = fc.oneof(fc.constantFrom('http', 'grpc', 'metrics'), dnsLabel, fc.string({ maxLength: 20 }));
const containerPort = fc.record({ number: portNumber, name: fc.option(portName, { nil: undefined }) }, { requiredKeys: ['number'] });
const envName = fc.oneof(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), fc.string({ maxLength: 12 }));

const anyContainer = fc.record({
  name,
  image,
  ports: fc.array(containerPort, { maxLength: 3 }),
  env: fc.dictionary(envName, fc.oneof(
    fc.string({ maxLength: 20 }).map((v) => EnvValue.value(v)),
    fc.constant(EnvValue.fromConfigMap('settings', 'mode')),
    fc.constant(EnvValue.fromField('metadata.name')),
  ), { maxKeys: 3 }),
  readinessPort: fc.option(fc.oneof(portNumber, portName), { nil: undefined }),
  writablePaths: fc.array(fc.oneof(fc.constantFrom('/tmp', '/var/cache'), fc.string({ maxLength: 10 })), { maxLength: 2 }),
});

/** A container that should render, varied where the platform allows choice. */
const goodContainer = fc.record({
  name: dnsLabel,
  image: fc.constantFrom('registry.example.com/app:3f2a9c1', `registry.example.com/app@sha256:${'a'.repeat(64)}`),
  ports: fc.integer({ min: 1024, max: 65535 }).map((number) => [{ number, name: 'http' }]),
  env: fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), fc.string({ maxLength: 20 }).map((v) => EnvValue.value(v)), { maxKeys: 3 }),
  readinessPort: fc.constant<number | string | undefined>('http'),
  writablePaths: fc.constantFrom<string[]>([], ['/tmp'], ['/tmp', '/var/cache']),
});
const container = fc.oneof({ weight: 3, arbitrary: goodContainer }, { weight: 1, arbitrary: anyContainer });
const servicePort = fc.oneof(
  { weight: 3, arbitrary: fc.record({ port: fc.integer({ min: 1, max: 65535 }), targetPort: fc.constant<number | string | undefined>('http'), name: fc.constant<string | undefined>(undefined) }) },
  { weight: 1, arbitrary: fc.record({ port: portNumber, targetPort: fc.option(fc.oneof(portNumber, portName), { nil: undefined }), name: fc.option(portName, { nil: undefined }) }) },
);

const RUNS = 200;

afterAll(() => {
  const line = (t: Tally) => `${t.cases} cases (${t.rendered} rendered, ${t.refused} refused)`;
  const total = [...tallies.values()].reduce((a, t) => ({ cases: a.cases + t.cases, rendered: a.rendered + t.rendered, refused: a.refused + t.refused }), { cases: 0, rendered: 0, refused: 0 });
  console.log([`fuzz: ${line(total)}`, ...[...tallies].map(([c, t]) => `  ${c}: ${line(t)}`)].join('\n'));
});

test('Deployment and its Service', () => {
  fc.assert(fc.property(env, name, fc.oneof({ weight: 4, arbitrary: fc.array(container, { minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: fc.array(container, { maxLength: 2 }) }), fc.option(fc.integer({ min: -3, max: 12 }), { nil: undefined }),
    fc.oneof({ weight: 3, arbitrary: fc.array(servicePort, { minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: fc.array(servicePort, { maxLength: 3 }) }),
    fc.constantFrom(...Object.values(ServiceType)), fc.boolean(),
    (e, deploymentName, containers, replicas, servicePorts, type, headless) => {
      outcome('Deployment+Service', e, (chart) => {
        new ConfigMap(chart, 'settings', { data: { mode: 'fuzz' } });
        const d = new Deployment(chart, 'app', {
          name: deploymentName,
          replicas,
          containers: containers.map((c) => ({
            name: c.name,
            image: c.image,
            ports: c.ports,
            env: c.env,
            writablePaths: c.writablePaths,
            readiness: c.readinessPort === undefined ? undefined : Probe.fromTcpSocket(c.readinessPort),
          })),
        });
        new Service(chart, 'service', { target: d, ports: servicePorts, type, headless });
      });
    }), { numRuns: RUNS });
});

test('ConfigMap', () => {
  fc.assert(fc.property(env, name, fc.dictionary(fc.oneof(fc.stringMatching(/^[-._a-zA-Z0-9]{1,20}$/), fc.string({ maxLength: 10 })), fc.string({ maxLength: 40 }), { maxKeys: 4 }), fc.boolean(),
    (e, configName, data, immutable) => {
      outcome('ConfigMap', e, (chart) => new ConfigMap(chart, 'config', { name: configName, data, immutable }));
    }), { numRuns: RUNS });
});

test('Secret', () => {
  fc.assert(fc.property(env, name, fc.dictionary(fc.oneof(fc.stringMatching(/^[-._a-zA-Z0-9]{1,20}$/), fc.string({ maxLength: 10 })), fc.string({ maxLength: 40 }), { maxKeys: 4 }),
    fc.constantFrom('Opaque', 'kubernetes.io/tls', 'kubernetes.io/basic-auth'),
    (e, secretName, data, type) => {
      outcome('Secret', e, (chart) => new Secret(chart, 'secret', {
        name: secretName,
        type,
        data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, SecretValue.nonSensitive(v)])),
      }));
    }), { numRuns: RUNS });
});

const count = (min: number, max: number) => fc.option(fc.integer({ min, max }), { nil: undefined });
const web = { name: 'web', image: 'registry.example.com/app:3f2a9c1', ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromTcpSocket('http') };

test('HorizontalPodAutoscaler', () => {
  const metric = fc.oneof(
    fc.integer({ min: -5, max: 150 }).map((n) => Metric.cpuUtilization(n)),
    fc.integer({ min: -5, max: 150 }).map((n) => Metric.memoryUtilization(n)),
    fc.constantFrom('500m', '0', '1', 'lots', '256Mi').map((q) => Metric.cpuAverageValue(q)),
  );
  fc.assert(fc.property(env, name, count(-1, 12), count(-1, 12), fc.array(metric, { maxLength: 3 }), (e, hpaName, minReplicas, maxReplicas, metrics) => {
    outcome('HorizontalPodAutoscaler', e, (chart) => {
      const target = new Deployment(chart, 'web', { containers: [web] });
      HorizontalPodAutoscaler.ifEnabled(chart, 'hpa', { target, name: hpaName, minReplicas, maxReplicas, metrics: metrics.length ? metrics : undefined });
    });
  }), { numRuns: RUNS });
});

test('StatefulSet', () => {
  fc.assert(fc.property(env, name, count(-1, 5), count(-1, 4), fc.constantFrom(...Object.values(PodManagementPolicy)), fc.boolean(), fc.option(portName, { nil: undefined }),
    (e, setName, replicas, partition, podManagementPolicy, withClaim, portNameOrNot) => {
      outcome('StatefulSet', e, (chart) => {
        const claim = VolumeClaimTemplate.readWriteOnce('data', '1Gi');
        new StatefulSet(chart, 'db', {
          name: setName,
          replicas,
          podManagementPolicy,
          updateStrategy: partition === undefined ? undefined : StatefulSetUpdateStrategy.rollingUpdate({ partition }),
          containers: [{ ...web, mounts: withClaim ? [{ volume: claim.volume, path: '/data' }] : [] }],
          ports: [{ port: 8080, targetPort: 'http', name: portNameOrNot }],
          volumeClaimTemplates: withClaim ? [claim] : undefined,
        });
      });
    }), { numRuns: RUNS });
});

test('Ingress', () => {
  const path = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('/', '/api', '/api/v1', '/static') }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
  const host = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('web', 'api', '*.apps').map((h) => `${h}.dev.example.com`) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });
  const port = fc.oneof({ weight: 5, arbitrary: fc.constantFrom<number | string | undefined>(80, 'http', undefined) }, { weight: 1, arbitrary: fc.oneof(portNumber, portName) });
  const rule = fc.record({ host, paths: fc.uniqueArray(fc.record({ path, port }), { minLength: 1, maxLength: 3, selector: (p) => p.path }) });
  fc.assert(fc.property(env, fc.oneof({ weight: 5, arbitrary: fc.uniqueArray(rule, { minLength: 1, maxLength: 2, selector: (r) => r.host }) }, { weight: 1, arbitrary: fc.array(rule, { maxLength: 2 }) }), fc.boolean(),
    (e, rules, tls) => {
      outcome('Ingress', e, (chart) => {
        const service = new Service(chart, 'web-service', { target: new Deployment(chart, 'web', { containers: [web] }), name: 'web', ports: [{ port: 80, targetPort: 'http' }] });
        new Ingress(chart, 'ingress', { tls, rules: rules.map((r) => ({ host: r.host, paths: r.paths.map((p) => ({ path: p.path, backend: { service, port: p.port } })) })) });
      });
    }), { numRuns: RUNS });
});

test('Job and CronJob', () => {
  fc.assert(fc.property(env, name, count(-1, 5), count(-1, 5), count(-1, 10), fc.oneof(fc.constant(CronSchedule.DAILY), fc.integer({ min: -1, max: 70 }).map((m) => CronSchedule.everyMinutes(m))),
    fc.constantFrom(...Object.values(ConcurrencyPolicy)),
    (e, jobName, parallelism, completions, backoffLimit, schedule, concurrencyPolicy) => {
      outcome('Job+CronJob', e, (chart) => {
        const container = { name: 'task', image: 'registry.example.com/task:3f2a9c1' };
        new Job(chart, 'job', { name: jobName, parallelism, completions, backoffLimit, containers: [container] });
        new CronJob(chart, 'cron', { schedule, concurrencyPolicy, containers: [container] });
      });
    }), { numRuns: RUNS });
});

test('NetworkPolicy', () => {
  const peer = fc.oneof(
    fc.constant(NetworkPeer.pods({ 'app.kubernetes.io/name': 'web' })),
    fc.constantFrom('10.0.0.0/8', '2001:db8::/32', '10.0.0.300/8', 'anywhere').map((cidr) => NetworkPeer.cidr('partner', cidr)),
    fc.constant(NetworkPeer.namespace('monitoring')),
  );
  const rule = fc.record({ peers: fc.array(peer, { maxLength: 2 }), ports: fc.option(fc.array(fc.record({ port: fc.oneof(portNumber, portName) }), { maxLength: 2 }), { nil: undefined }) });
  fc.assert(fc.property(env, name, fc.array(rule, { maxLength: 2 }), fc.array(rule, { maxLength: 2 }), (e, policyName, ingress, egress) => {
    outcome('NetworkPolicy', e, (chart) => {
      const target = new Deployment(chart, 'web', { containers: [web] });
      new NetworkPolicy(chart, 'policy', { name: policyName, selector: target, ingress, egress });
    });
  }), { numRuns: RUNS });
});

test('Role', () => {
  const words = (good: string[], bad: string[]) => fc.oneof(
    { weight: 4, arbitrary: fc.uniqueArray(fc.constantFrom(...good), { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...good, ...bad), fc.string({ maxLength: 8 })), { maxLength: 3 }) },
  );
  const rule = fc.record({
    apiGroups: fc.option(words(['', 'apps'], ['*']), { nil: undefined }),
    resources: words(['pods', 'deployments', 'configmaps'], ['secrets', '*']),
    verbs: words(['get', 'list', 'watch'], ['delete', 'bind', '*']),
  });
  fc.assert(fc.property(env, name, fc.array(rule, { minLength: 1, maxLength: 2 }), fc.boolean(), (e, roleName, rules, readOnly) => {
    outcome('Role', e, (chart) => new Role(chart, 'role', { name: roleName, rules, readOnly }));
  }), { numRuns: RUNS });
});

test('PersistentVolumeClaim and ExternalSecret', () => {
  const size = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('1Gi', '500Mi', '20Gi') }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom('0', 'big', ''), fc.string({ maxLength: 6 })) });
  const keys = fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.constant('db/password'), { minKeys: 1, maxKeys: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }) },
  );
  fc.assert(fc.property(env, name, size, fc.subarray(Object.values(AccessMode)), keys, fc.option(fc.constantFrom('1h', '15m', 'hourly', ''), { nil: undefined }),
    (e, claimName, size, accessModes, keys, refreshInterval) => {
      outcome('PersistentVolumeClaim+ExternalSecret', e, (chart) => {
        new PersistentVolumeClaim(chart, 'claim', { name: claimName, size, accessModes: accessModes.length ? accessModes : undefined });
        new ExternalSecret(chart, 'secret', { store: { name: 'vault' }, refreshInterval, data: Object.fromEntries(Object.entries(keys).map(([k, key]) => [k, { key }])) });
      });
    }), { numRuns: RUNS });
});

test('both outcomes occur for every construct, so the generators reach the validations and the renderer', () => {
  for (const [construct, t] of tallies) {
    expect({ construct, rendered: t.rendered > 0, refused: t.refused > 0 }).toEqual({ construct, rendered: true, refused: true });
  }
});
