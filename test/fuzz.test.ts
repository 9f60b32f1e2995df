import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import {
  AccessMode, AppChart, ArgoCdApplication, ArgoCdProject, AuditLevel, AuditPolicy, ClusterBaseline, ClusterRole, ClusterRoleBinding, ConcurrencyPolicy,
  ConfigMap, Container, Cpu, CronJob, CronSchedule, Deployment, DeploymentStrategy, DisruptionBudget, Environment, EnvValue, ExistingSecret, ExternalSecret,
  HorizontalPodAutoscaler, Ingress, InitStep, Job, LimitRange, Memory, Metric, MetricTarget, Namespace, NetworkIsolation, NetworkPeer, NetworkPolicy,
  PersistentVolume, PersistentVolumeClaim, PersistentVolumeSource, Platform, PodCount, PodManagementPolicy, PolicyEngine, Probe, ProbePresets, ResourceQuota,
  Resources, Role, RoleBinding, ScalingBehavior, Secret, SecretValue, Service, ServiceAccount, ServiceMonitor, ServiceType, Sidecar, StatefulSet,
  StatefulSetUpdateStrategy, StorageClass, Subject, SynthError, TeamRoles, Volume, VolumeClaimTemplate,
} from '../lib';
import { ENV } from './support/harness';
import { run } from './support/k8s-tools';
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

// ---- Arbitrary JavaScript values ---------------------------------------------------------------
// Every public constructor and factory, fed values a JavaScript caller or a generator fed by JSON
// or YAML could pass: fast-check's anything(), and valid props with one field replaced by
// anything, an unknown field added, a field removed, or class instances lost to a JSON round
// trip. Each case ends in problems that name path, field, value and fix, or in objects that pass
// the strict schema and read back unchanged from their YAML (a sample also through kubectl
// kustomize). Seeded: a failure prints the seed and the shrunk case.

const SEED = 14;
const ANY_RUNS = 125;
const CLEAR_LINE = /^\[.+\] (?:[A-Z]+[0-9]* )?\S.*\(got .*\)\. Fix: \S/s;
const sample: { file: string; yaml: string; object: unknown }[] = [];
/** Objects in the sample, by kind, namespace and name: kustomize refuses two objects with one id. */
const sampled = new Set<string>();

/** Renders a platform; returns the outcome after checking it is one of the two allowed ones. */
function anyOutcome(construct: string, platform: () => Platform): 'rendered' | 'refused' {
  const tally = tallies.get(construct) ?? { cases: 0, rendered: 0, refused: 0 };
  tallies.set(construct, tally);
  tally.cases++;
  let rendering;
  try {
    rendering = platform().render();
  } catch (e) {
    if (!(e instanceof SynthError)) throw e;
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) expect(p).toMatch(CLEAR_LINE);
    tally.refused++;
    return 'refused';
  }
  assertStrictlyValid(rendering.manifests.map((m) => m.object));
  for (const m of rendering.manifests) {
    const yaml = rendering.files.get(m.file)!;
    expect(parse(yaml)).toEqual(JSON.parse(JSON.stringify(m.object)));
    const id = `${m.object.kind}/${m.object.metadata?.namespace ?? ''}/${m.object.metadata?.name}`;
    if (sample.length < 300 && !sampled.has(id) && sampled.add(id) && (sample.length < 100 || /[^\x20-\x7e\n]/.test(yaml))) sample.push({ file: `${sample.length}-${m.file.replace(/\//g, '_')}`, yaml, object: m.object });
  }
  tally.rendered++;
  return 'rendered';
}

const inStack = (define: (chart: AppChart) => void) => () => new Platform({ environments: [ENV.stage], stacks: [{ name: 'fuzz', define }], checks: [new PolicyEngine()] });

/** Strings and numbers that are almost right, next to anything at all. */
const plausible = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true, withObjectString: true }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>('http', 'web', '/healthz', 8080, 80, 0, -1, 70000, 1.5, NaN, Infinity, '1Gi', 'x\u0085y', '\ud800', '__proto__', '', null, undefined, [], {}, 'yes', '  \n', 'a\n \nb', 'tab\there', '---', 'é✓') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

/** Valid props as they are, with one field replaced, one unknown field added, one removed, or JSON round-tripped; or anything. */
function confused(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(valid) },
    { weight: 1, arbitrary: plausible },
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...(keys.length ? keys : ['name'])), plausible).map(([k, v]) => ({ ...valid, [k]: v })) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), plausible).map(([k, v]) => ({ ...valid, [k]: v })) },
    { weight: 1, arbitrary: fc.constantFrom(...(keys.length ? keys : ['name'])).map((k) => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== k))) },
    { weight: 1, arbitrary: fc.constant(JSON.parse(JSON.stringify(valid, (_k, v) => (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) !== Object.prototype && !Array.isArray(v) ? {} : v)))) },
  );
}

const task = { name: 'task', image: 'registry.example.com/task:3f2a9c1' };
const REPO = 'https://git.example.com/platform.git';

/** Each constructor with valid props (given the workload `web` and its Service `svc`). */
const constructors: [string, (x: { web: Deployment; svc: Service }) => Record<string, unknown>, (chart: AppChart, props: any) => void][] = [
  ['ConfigMap', () => ({ data: { a: '1' }, immutable: true }), (c, p) => new ConfigMap(c, 'x', p)],
  ['Secret', () => ({ data: { a: SecretValue.nonSensitive('x') }, type: 'Opaque' }), (c, p) => new Secret(c, 'x', p)],
  ['ExistingSecret', () => ({ name: 'db', keys: ['password'], createdBy: 'ops' }), (c, p) => new ExistingSecret(c, 'x', p)],
  ['ExternalSecret', () => ({ store: { name: 'vault' }, data: { password: { key: 'db/password' } }, refreshInterval: '1h' }), (c, p) => new ExternalSecret(c, 'x', p)],
  ['Deployment', () => ({ containers: [web], replicas: 2, strategy: DeploymentStrategy.rollingUpdate() }), (c, p) => new Deployment(c, 'x', p)],
  ['StatefulSet', () => ({ containers: [web], ports: [{ port: 8080, targetPort: 'http' }], replicas: 1 }), (c, p) => new StatefulSet(c, 'x', p)],
  ['Job', () => ({ containers: [task], parallelism: 2, backoffLimit: 1 }), (c, p) => new Job(c, 'x', p)],
  ['CronJob', () => ({ containers: [task], schedule: CronSchedule.HOURLY, concurrencyPolicy: ConcurrencyPolicy.FORBID }), (c, p) => new CronJob(c, 'x', p)],
  ['Service', ({ web: w }) => ({ target: w, ports: [{ port: 80, targetPort: 'http' }], type: ServiceType.CLUSTER_IP }), (c, p) => new Service(c, 'x', p)],
  ['Ingress', ({ svc }) => ({ rules: [{ host: 'web.stage.example.com', paths: [{ path: '/', backend: { service: svc } }] }], tls: true }), (c, p) => new Ingress(c, 'x', p)],
  ['NetworkPolicy', ({ web: w }) => ({ selector: w, ingress: [{ peers: [NetworkPeer.workload(w)], ports: [{ port: 'http' }] }] }), (c, p) => new NetworkPolicy(c, 'x', p)],
  ['NetworkIsolation', () => ({ baseline: false }), (c, p) => new NetworkIsolation(c, 'x', p)],
  ['ServiceMonitor', ({ svc }) => ({ service: svc, port: 'http', interval: '30s' }), (c, p) => new ServiceMonitor(c, 'x', p)],
  ['HorizontalPodAutoscaler', ({ web: w }) => ({ target: w, minReplicas: 2, maxReplicas: 4 }), (c, p) => new HorizontalPodAutoscaler(c, 'x', p)],
  ['DisruptionBudget', ({ web: w }) => ({ target: w, name: 'web-pdb' }), (c, p) => new DisruptionBudget(c, 'x', p)],
  ['ServiceAccount', () => ({ name: 'reader', automountToken: false }), (c, p) => new ServiceAccount(c, 'x', p)],
  ['Role', () => ({ rules: [{ resources: ['pods'], verbs: ['get'] }], readOnly: true }), (c, p) => new Role(c, 'x', p)],
  ['ClusterRole', () => ({ rules: [{ resources: ['pods'], verbs: ['get'] }] }), (c, p) => new ClusterRole(c, 'x', p)],
  ['RoleBinding', () => ({ role: { kind: 'ClusterRole', name: 'view' }, subjects: [Subject.group('team')] }), (c, p) => new RoleBinding(c, 'x', p)],
  ['ClusterRoleBinding', () => ({ role: { kind: 'ClusterRole', name: 'view' }, subjects: [Subject.user('ann')] }), (c, p) => new ClusterRoleBinding(c, 'x', p)],
  ['TeamRoles', () => ({ groupPrefix: 'team' }), (c, p) => new TeamRoles(c, 'x', p)],
  ['Namespace', () => ({ podSecurityVersion: 'v1.27' }), (c, p) => new Namespace(c, 'x', p)],
  ['LimitRange', () => ({ minStorage: '1Gi', max: { memory: Memory.mebibytes(1024) } }), (c, p) => new LimitRange(c, 'x', p)],
  ['ResourceQuota', () => ({ pods: 10, requestsCpu: Cpu.cores(4) }), (c, p) => new ResourceQuota(c, 'x', p)],
  ['ClusterBaseline', () => ({ teams: { groupPrefix: 'team' } }), (c, p) => new ClusterBaseline(c, 'x', p)],
  ['AuditPolicy', () => ({ rules: [{ level: AuditLevel.METADATA }] }), (c, p) => new AuditPolicy(c, 'x', p)],
  ['PersistentVolumeClaim', () => ({ size: '1Gi', accessModes: [AccessMode.READ_WRITE_ONCE] }), (c, p) => new PersistentVolumeClaim(c, 'x', p)],
  ['PersistentVolume', () => ({ source: PersistentVolumeSource.nfs('nfs.example.com', '/exports'), size: '1Gi' }), (c, p) => new PersistentVolume(c, 'x', p)],
  ['StorageClass', () => ({ provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } }), (c, p) => new StorageClass(c, 'x', p)],
  ['ArgoCdProject', () => ({ sourceRepos: [REPO] }), (c, p) => new ArgoCdProject(c, 'x', p)],
  ['ArgoCdApplication', () => ({ repoURL: REPO, path: 'dist/stage/x' }), (c, p) => new ArgoCdApplication(c, 'x', { project: new ArgoCdProject(c, 'p', { sourceRepos: [REPO] }), ...p })],
];

describe('every constructor, given arbitrary JavaScript values', () => {
  test.each(constructors.map(([name, valid, make]) => [name, valid, make] as const))('%s', (name, valid, make) => {
    // The valid props are built once in a scratch chart, only to know their shape and values.
    const scratch = new AppChart(new App(), 'scratch', { environment: ENV.stage });
    const w = new Deployment(scratch, 'web', { containers: [web] });
    const s = new Service(scratch, 'svc', { target: w, name: 'web-svc', ports: [{ port: 80, targetPort: 'http', name: 'http' }] });
    const shape = valid({ web: w, svc: s });
    fc.assert(fc.property(confused(shape), (props) => {
      anyOutcome(`any ${name}`, inStack((chart) => {
        const target = new Deployment(chart, 'web', { containers: [web] });
        const svc = new Service(chart, 'svc', { target, name: 'web-svc', ports: [{ port: 80, targetPort: 'http', name: 'http' }] });
        // The scratch workload and Service, wherever they are in the props, become this chart's.
        const swap = (v: unknown, depth = 0): unknown => {
          if (v === w) return target;
          if (v === s) return svc;
          if (depth > 6 || v === null || typeof v !== 'object') return v;
          if (Array.isArray(v)) return v.map((x) => swap(x, depth + 1));
          return Object.getPrototypeOf(v) === Object.prototype ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x, depth + 1)])) : v;
        };
        make(chart, swap(props));
      }));
    }), { numRuns: ANY_RUNS, seed: SEED });
  });
});

const withContainer = (change: object) => (chart: AppChart) => new Deployment(chart, 'web', { containers: [{ ...web, ...change }] });
/** Each factory with valid arguments, and a stack that uses what it makes. */
const factories: [string, unknown[], (args: any[]) => (chart: AppChart) => void][] = [
  ['EnvValue.value', ['fast'], (a) => withContainer({ env: { MODE: EnvValue.value(a[0]) } })],
  ['EnvValue.nonSensitive', ['fast'], (a) => withContainer({ env: { MODE: EnvValue.nonSensitive(a[0]) } })],
  ['EnvValue.fromConfigMap', ['settings', 'mode', { optional: true }], (a) => withContainer({ env: { MODE: EnvValue.fromConfigMap(a[0], a[1], a[2]) } })],
  ['EnvValue.fromSecret', ['db', 'password', { optional: true }], (a) => withContainer({ env: { MODE: EnvValue.fromSecret(a[0], a[1], a[2]) } })],
  ['EnvValue.fromField', ['metadata.name'], (a) => withContainer({ env: { MODE: EnvValue.fromField(a[0]) } })],
  ['Probe.fromHttpGet', ['/healthz', 'http', { periodSeconds: 10 }, 'HTTP'], (a) => withContainer({ readiness: Probe.fromHttpGet(a[0], a[1], a[2], a[3]) })],
  ['Probe.fromTcpSocket', ['http', { periodSeconds: 10 }], (a) => withContainer({ readiness: Probe.fromTcpSocket(a[0], a[1]) })],
  ['Probe.fromGrpc', [8080, { periodSeconds: 10 }, 'health'], (a) => withContainer({ readiness: Probe.fromGrpc(a[0], a[1], a[2]) })],
  ['Probe.fromCommand', [['cat', '/tmp/ready'], { periodSeconds: 10 }], (a) => withContainer({ readiness: Probe.fromCommand(a[0], a[1]) })],
  ['Probe.fromCheck', [{ kind: 'tcp', port: 'http' }, { periodSeconds: 10 }], (a) => withContainer({ readiness: Probe.fromCheck(a[0], a[1]) })],
  ['ProbePresets.slowStart', [{ kind: 'tcp', port: 'http' }, { worstCaseStartSeconds: 60 }], (a) => withContainer({ startup: ProbePresets.slowStart(a[0], a[1]) })],
  ['Volume.emptyDir', ['data', { sizeLimit: '64Mi' }], (a) => withContainer({ mounts: [{ volume: Volume.emptyDir(a[0], a[1]), path: '/data' }] })],
  ['Volume.fromConfigMap', ['data', 'settings', { optional: true }], (a) => withContainer({ mounts: [{ volume: Volume.fromConfigMap(a[0], a[1], a[2]), path: '/data' }] })],
  ['Volume.fromSecret', ['data', 'db', { optional: true }], (a) => withContainer({ mounts: [{ volume: Volume.fromSecret(a[0], a[1], a[2]), path: '/data' }] })],
  ['Volume.fromClaim', ['data', 'claim', { readOnly: true }], (a) => withContainer({ mounts: [{ volume: Volume.fromClaim(a[0], a[1], a[2]), path: '/data' }] })],
  ['Volume.fromSource', ['data', { emptyDir: {} }], (a) => withContainer({ mounts: [{ volume: Volume.fromSource(a[0], a[1]), path: '/data' }] })],
  ['Resources.preset', ['small'], (a) => withContainer({ resources: Resources.preset(a[0]) })],
  ['Resources.of', [{ cpu: Cpu.millis(100), memory: Memory.mebibytes(128) }], (a) => withContainer({ resources: Resources.of(a[0]) })],
  ['Cpu and Memory', [100, 128], (a) => withContainer({ resources: Resources.of({ cpu: Cpu.millis(a[0]), memory: Memory.mebibytes(a[1]) }) })],
  ['new Container', [web], (a) => (chart) => new Deployment(chart, 'web', { containers: [new Container(a[0])] })],
  ['CronSchedule', ['*/5 * * * *', 5, 30], (a) => (chart) => {
    new CronJob(chart, 'a', { schedule: CronSchedule.expression(a[0]), containers: [task] });
    new CronJob(chart, 'b', { schedule: CronSchedule.everyMinutes(a[1]), containers: [task] });
    new CronJob(chart, 'c', { schedule: CronSchedule.dailyAt(a[1], a[2]), containers: [task] });
  }],
  ['PodCount and DeploymentStrategy', [1, 25], (a) => (chart) => {
    new Deployment(chart, 'a', { containers: [web], strategy: DeploymentStrategy.rollingUpdate({ maxUnavailable: PodCount.count(a[0]), maxSurge: PodCount.percent(a[1]) }) });
    new Deployment(chart, 'b', { containers: [web], strategy: DeploymentStrategy.rollingUpdate(a[0]) });
  }],
  ['Metric', [70, '256Mi', '10'], (a) => (chart) => {
    const target = new Deployment(chart, 'web', { containers: [web] });
    new HorizontalPodAutoscaler(chart, 'hpa', { target, metrics: [Metric.cpuUtilization(a[0]), Metric.memoryAverageValue(a[1]), Metric.pods(a[1], a[2]), Metric.external(a[0], MetricTarget.value(a[2]))] });
  }],
  ['ScalingBehavior', [{ scaleDown: { stabilizationWindowSeconds: 300 } }], (a) => (chart) => {
    const target = new Deployment(chart, 'web', { containers: [web] });
    new HorizontalPodAutoscaler(chart, 'hpa', { target, behavior: ScalingBehavior.of(a[0]) });
    new HorizontalPodAutoscaler(chart, 'hpa2', { target, name: 'web2', behavior: ScalingBehavior.gentleScaleDown(a[0]) });
  }],
  ['NetworkPeer', [{ app: 'web' }, 'monitoring', ['10.0.0.0/16']], (a) => (chart) => {
    const target = new Deployment(chart, 'web', { containers: [web] });
    new NetworkPolicy(chart, 'p', { selector: target, ingress: [{ peers: [NetworkPeer.pods(a[0]), NetworkPeer.namespace(a[1], a[0]), NetworkPeer.cidr(a[0], a[1], a[2]), NetworkPeer.workload(a[2])] }] });
  }],
  ['Subject', ['team'], (a) => (chart) => new RoleBinding(chart, 'b', { role: { kind: 'ClusterRole', name: 'view' }, subjects: [Subject.user(a[0]), Subject.group(a[0]), Subject.serviceAccount(a[0])] })],
  ['SecretValue.nonSensitive', ['public'], (a) => (chart) => new Secret(chart, 's', { data: { a: SecretValue.nonSensitive(a[0]) } })],
  ['PersistentVolumeSource', ['nfs.example.com', '/exports', 'ext4'], (a) => (chart) => {
    new PersistentVolume(chart, 'a', { size: '1Gi', source: PersistentVolumeSource.nfs(a[0], a[1]) });
    new PersistentVolume(chart, 'b', { size: '1Gi', source: PersistentVolumeSource.csi(a[0], a[1], a[2]) });
    new PersistentVolume(chart, 'c', { size: '1Gi', source: PersistentVolumeSource.of(a[0]) });
  }],
  ['VolumeClaimTemplate', ['data', '1Gi', { storageClassName: 'fast' }], (a) => (chart) => {
    const claim = VolumeClaimTemplate.readWriteOnce(a[0], a[1], a[2]);
    new StatefulSet(chart, 'db', { containers: [{ ...web, mounts: [{ volume: claim.volume, path: '/data' }] }], ports: [{ port: 8080, targetPort: 'http' }], volumeClaimTemplates: [claim, new VolumeClaimTemplate(a[2])] });
  }],
  ['StatefulSetUpdateStrategy', [{ partition: 0 }], (a) => (chart) => new StatefulSet(chart, 'db', { containers: [web], ports: [{ port: 8080, targetPort: 'http' }], updateStrategy: StatefulSetUpdateStrategy.rollingUpdate(a[0]) })],
  ['pod patterns', [{ container: { name: 'side', image: 'registry.example.com/side:3f2a9c1' } }, { name: 'init', image: 'registry.example.com/init:3f2a9c1' }], (a) => (chart) => {
    const target = new Deployment(chart, 'web', { containers: [web] });
    Sidecar.add(target, a[0]);
    InitStep.run(target, a[1]);
  }],
  ['NetworkIsolation.allow', [undefined, ['http']], (a) => (chart) => {
    const target = new Deployment(chart, 'web', { containers: [web] });
    new NetworkIsolation(chart, 'net', { baseline: false }).allow(a[0] ?? target, target, a[1]);
  }],
];

describe('every factory, given arbitrary JavaScript values', () => {
  test.each(factories)('%s', (name, valid, use) => {
    // Each argument valid or plausible, so that cases reach both the checks and the renderer.
    fc.assert(fc.property(fc.tuple(...valid.map((v) => fc.oneof(fc.constant(v), plausible))), (args) => {
      anyOutcome(`any ${name}`, inStack(use(args)));
    }), { numRuns: ANY_RUNS, seed: SEED });
  });

  test('Environment presets and Environment.of', () => {
    fc.assert(fc.property(confused({ name: 'qa', replicas: 2, baseDomain: 'qa.example.com', resourceScale: 1 }), fc.boolean(), (props, preset) => {
      anyOutcome('any Environment', () => new Platform({ environments: [preset ? Environment.qa(props as any) : Environment.of(props as any)], stacks: [{ name: 'fuzz', define: (chart) => new ConfigMap(chart, 'c', { data: {} }) }] }));
    }), { numRuns: ANY_RUNS * 2, seed: SEED });
  });

  test('Platform props', () => {
    fc.assert(fc.property(confused({ environments: [ENV.dev], stacks: [{ name: 'fuzz', define: () => undefined }] }), (props) => {
      anyOutcome('any Platform', () => new Platform(props as any));
    }), { numRuns: ANY_RUNS, seed: SEED });
  });
});

test('duplicate construct ids are one problem each, and the rest of the stack is still checked', () => {
  const platform = inStack((chart) => {
    new ConfigMap(chart, 'config', { data: {} });
    new ConfigMap(chart, 'config', { name: 'other', data: {} });
    new ConfigMap(chart, 'later', { name: 'Bad_Name', data: {} });
  })();
  expect(() => platform.render()).toThrow(SynthError);
  const problems = (() => { try { platform.render(); } catch (e) { return (e as SynthError).problems; } return []; })();
  expect(problems).toEqual([
    expect.stringMatching(/^\[stage\/fuzz\] id: is already the id of another construct in fuzz \(got "config"\)\. Fix: /),
    expect.stringMatching(/^\[stage\/fuzz\/later\] name: must be a DNS-1123 subdomain/),
  ]);
});

test('a sample of the YAML the arbitrary values rendered reads back unchanged through kubectl kustomize', () => {
  expect(sample.length).toBeGreaterThan(0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-kustomize-'));
  try {
    for (const s of sample) fs.writeFileSync(path.join(dir, s.file), s.yaml);
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), `resources:\n${sample.map((s) => `- ${s.file}\n`).join('')}`);
    const docs = parseAllDocuments(run('kubectl', ['kustomize', dir])).map((d) => d.toJSON());
    const key = (o: any) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    const byKey = new Map(docs.map((d) => [key(d), d]));
    for (const s of sample) expect(byKey.get(key(s.object))).toEqual(JSON.parse(JSON.stringify(s.object)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test('the run covers at least 10,000 cases', () => {
  expect([...tallies.values()].reduce((sum, t) => sum + t.cases, 0)).toBeGreaterThanOrEqual(10_000);
});
