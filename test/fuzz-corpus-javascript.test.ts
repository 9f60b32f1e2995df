import {
  AppChart, ConfigMap, CronJob, Deployment, DeploymentStrategy, Environment, EnvValue, Platform, PolicyEngine, Probe, Service,
} from '../lib';
import { ENV } from './support/harness';
import { BadInput, expectRefusal, refusalOf } from './support/refusal';

/**
 * Hand-written bad inputs a JavaScript caller (or a generator fed by JSON or YAML) passes, and the
 * API server's and kustomize's limits: each refused with `[construct path] field: ... (got value). Fix: ...`.
 */

const IMAGE = 'registry.example.com/web:3f2a9c1';
const web = { name: 'web', image: IMAGE, ports: [{ number: 8080, name: 'http' }] };
const js = (v: unknown) => v as any;

function stack(define: (chart: AppChart) => void, environment: Environment = ENV.dev): Platform {
  return new Platform({ environments: [environment], stacks: [{ name: 'test', define }], checks: [new PolicyEngine()] });
}
const container = (change: object) => stack((chart) => new Deployment(chart, 'web', { containers: [{ ...web, ...change }] }));
const service = (props: object) => stack((chart) => new Service(chart, 'svc', { target: new Deployment(chart, 'web', { containers: [web] }), ports: [{ port: 80, targetPort: 'http' }], ...props }));
const configMap = (props: object) => stack((chart) => new ConfigMap(chart, 'cm', js({ data: {}, ...props })));
const W = 'dev/test/web';
const c0 = 'containers[0]';

const corpus: BadInput[] = [
  // TypeErrors before
  { name: 'env value as a plain string', platform: container({ env: { MODE: 'fast' } }), path: W, field: `${c0}.env.MODE`, value: 'fast' },
  { name: 'HTTP probe path not a string', platform: container({ readiness: Probe.fromHttpGet(js(123), 'http') }), path: W, field: `pod.${c0}.readiness.path`, value: 123 },
  { name: 'CronJob schedule as a string', platform: stack((chart) => new CronJob(chart, 'cron', js({ schedule: '* * * * *', containers: [web] }))), path: 'dev/test/cron', field: 'schedule', value: '* * * * *' },
  { name: 'Environment.dev without baseDomain', platform: stack(() => undefined, Environment.dev(js({}))), path: 'dev', field: 'environment.baseDomain', value: undefined },
  { name: 'maxUnavailable as a number', platform: stack((chart) => new Deployment(chart, 'web', { containers: [web], strategy: DeploymentStrategy.rollingUpdate(js({ maxUnavailable: 1 })) })), path: W, field: 'strategy.maxUnavailable', value: 1 },
  // Unclear before
  { name: 'containers as an object', platform: stack((chart) => new Deployment(chart, 'web', js({ containers: {} }))), path: W, field: 'containers', value: {} },
  { name: 'containers null', platform: stack((chart) => new Deployment(chart, 'web', js({ containers: null }))), path: W, field: 'containers', value: null },
  { name: 'ports as an object', platform: container({ ports: {} }), path: W, field: `${c0}.ports`, value: {} },
  { name: 'Service target null', platform: service({ target: null }), path: 'dev/test/svc', field: 'target', value: null },
  { name: 'Service without ports', platform: service({ ports: undefined }), path: 'dev/test/svc', field: 'ports', value: undefined },
  { name: 'command as a string', platform: container({ command: 'echo hi' }), path: W, field: `${c0}.command`, value: 'echo hi' },
  { name: 'unknown prop', platform: container({ imagePullPolicy: 'Always' }), path: W, field: `${c0}.imagePullPolicy`, value: 'Always' },
  // Accepted before
  { name: 'Service port above 65535', platform: service({ ports: [{ port: 70000, targetPort: 'http' }] }), path: 'dev/test/svc', field: 'ports[0].port', value: 70000 },
  { name: 'Service port -1', platform: service({ ports: [{ port: -1, targetPort: 'http' }] }), path: 'dev/test/svc', field: 'ports[0].port', value: -1 },
  { name: 'Service port as a string', platform: service({ ports: [{ port: '80', targetPort: 'http' }] }), path: 'dev/test/svc', field: 'ports[0].port', value: '80' },
  { name: 'Service port NaN', platform: service({ ports: [{ port: NaN, targetPort: 'http' }] }), path: 'dev/test/svc', field: 'ports[0].port', value: 'NaN' },
  { name: 'ConfigMap over 1 MiB', platform: configMap({ data: { big: 'x'.repeat(1.5 * 1024 * 1024) } }), path: 'dev/test/cm', field: 'data', value: `${1.5 * 1024 * 1024 + 3} bytes` },
  { name: 'ConfigMap value not a string', platform: configMap({ data: { n: 5 } }), path: 'dev/test/cm', field: 'data.n', value: 5 },
  { name: 'env value from a number', platform: container({ env: { N: EnvValue.value(js(5)) } }), path: W, field: `pod.${c0}.env.N.value`, value: 5 },
  { name: 'args not strings', platform: container({ args: [1] }), path: W, field: `${c0}.args[0]`, value: 1 },
  { name: 'immutable "yes"', platform: configMap({ immutable: 'yes' }), path: 'dev/test/cm', field: 'immutable', value: 'yes' },
  { name: 'resourceScale Infinity', platform: stack(() => undefined, Environment.dev(js({ baseDomain: 'dev.example.com', resourceScale: Infinity }))), path: 'dev', field: 'environment.resourceScale', value: 'Infinity' },
  { name: 'lone surrogate in ConfigMap data', platform: configMap({ data: { a: 'x\ud800' } }), path: 'dev/test/cm/Resource', field: 'data.a', value: 'x\ud800' },
  { name: 'NEL in ConfigMap data', platform: configMap({ data: { a: 'x\u0085y' } }), path: 'dev/test/cm/Resource', field: 'data.a', value: 'x\u0085y' },
  // Silently wrong before
  { name: 'ConfigMap value null', platform: configMap({ data: { a: null } }), path: 'dev/test/cm', field: 'data.a', value: null },
  { name: 'ConfigMap value undefined', platform: configMap({ data: { a: undefined } }), path: 'dev/test/cm', field: 'data.a', value: undefined },
  { name: 'array as ConfigMap data', platform: configMap({ data: ['a', 'b'] }), path: 'dev/test/cm', field: 'data', value: ['a', 'b'] },
  { name: 'string as ConfigMap data', platform: configMap({ data: 'ab' }), path: 'dev/test/cm', field: 'data', value: 'ab' },
  { name: '__proto__ key', platform: configMap({ data: JSON.parse('{"__proto__": "x"}') }), path: 'dev/test/cm', field: 'data.__proto__', value: '__proto__' },
  { name: 'baseDomain 123', platform: stack(() => undefined, Environment.dev(js({ baseDomain: 123 }))), path: 'dev', field: 'environment.baseDomain', value: 123 },
  { name: 'duplicate construct id', platform: stack((chart) => { new ConfigMap(chart, 'cm', { data: {} }); new ConfigMap(chart, 'cm', { name: 'other', data: {} }); }), path: 'dev/test', field: 'id', value: 'cm' },
  { name: 'props not an object', platform: stack((chart) => new ConfigMap(chart, 'cm', js(null))), path: 'dev/test/cm', field: 'props', value: null },
];

test.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, bad) => expectRefusal(bad));

test('nothing of a refused construct is rendered, and the other problems of the stack are still listed', () => {
  const problems = refusalOf(stack((chart) => {
    new ConfigMap(chart, 'bad-name', { name: 'Bad_Name', data: {} });
    new Deployment(chart, 'web', js({ containers: {} }));
  }));
  expect(problems).toEqual([
    expect.stringMatching(/^\[dev\/test\/bad-name\] name: /),
    expect.stringMatching(/^\[dev\/test\/web\] containers: must be an array/),
  ]);
});
