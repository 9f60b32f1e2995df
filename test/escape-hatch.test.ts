import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ApiObject, AppChart, Deployment, Environment, ImagePolicy, JsonPatch, LimitRange, patchesAfterConversion, PLATFORM_RULES, PodSecurityLevel, PolicyEngine, Probe, ResourceQuota, strictSchemaProblems } from '../lib';
import { find, problemsOf, render } from './support/harness';

const web = (chart: AppChart) => new Deployment(chart, 'web', {
  name: 'web',
  containers: [{ name: 'web', image: 'nginx:1.25.3', ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/healthz', 'http') }],
});

describe('escape hatches keep what is written', () => {
  test('a quantity string added to a ResourceQuota survives the typed conversion', () => {
    const objects = render((chart) => {
      const quota = new ResourceQuota(chart, 'quota', { pods: 10 });
      quota.apiObject.addJsonPatch(JsonPatch.add('/spec/hard/services.nodeports', '0'));
    });
    expect(find(objects, 'ResourceQuota', 'quota').spec.hard['services.nodeports']).toBe('0');
  });

  test('a LimitRange maxLimitRequestRatio patched in renders its value, not {}', () => {
    const objects = render((chart) => {
      const limits = new LimitRange(chart, 'limits', { fromEnvironment: true });
      limits.apiObject.addJsonPatch(JsonPatch.add('/spec/limits/0/maxLimitRequestRatio', { memory: '2' }));
    });
    expect(find(objects, 'LimitRange', 'limits').spec.limits[0].maxLimitRequestRatio).toEqual({ memory: '2' });
  });

  test('ApiObject.of reaches the object of a construct; a valid unmodelled field survives', () => {
    const objects = render((chart) => {
      const d = web(chart);
      ApiObject.of(d.apiObject).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/lifecycle', {
        preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } },
      }));
    });
    expect(find(objects, 'Deployment', 'web').spec.template.spec.containers[0].lifecycle).toEqual({
      preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } },
    });
  });

  test('a misspelt field added through a patch fails the synth, naming the construct, the JSON path and the fix', () => {
    const problems = problemsOf((chart) => {
      web(chart).apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/lifecyle', { preStop: { exec: { command: ['sleep', '5'] } } }));
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\[dev\/test\/web\/Resource\] spec\.template\.spec\.containers\[0\]\.lifecyle: is not a field of Kubernetes 1\.27 .*Fix: did you mean "lifecycle"\?/);
  });

  test('a patch on a path that does not exist is a problem of the object, not an exception', () => {
    const problems = problemsOf((chart) => {
      web(chart).apiObject.addJsonPatch(JsonPatch.replace('/spec/nothing/here', 1));
    });
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/web\/Resource\] JSON patch replace \/spec\/nothing\/here: .*a parent of the path does not exist.*Fix: /)]);
  });

  test('a raw cdk8s-plus object in an AppChart is checked too', () => {
    const problems = problemsOf((chart) => {
      const cm = new kplus.ConfigMap(chart, 'raw', { metadata: { name: 'raw' }, data: { a: 'b' } });
      ApiObject.of(cm).addJsonPatch(JsonPatch.add('/immutible', true));
    });
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/raw\/Resource\] immutible: .*did you mean "immutable"/)]);
  });

  test('AppChart.toJson (plain cdk8s synth) applies patches after conversion too', () => {
    const app = Testing.app();
    const chart = new AppChart(app, 'shop', { environment: Environment.dev({ baseDomain: 'dev.example.com' }) });
    new ResourceQuota(chart, 'quota', { pods: 3 }).apiObject.addJsonPatch(JsonPatch.add('/spec/hard/count~1jobs.batch', '5'));
    const [quota] = chart.toJson();
    expect(quota.spec.hard['count/jobs.batch']).toBe('5');
    expect(strictSchemaProblems(quota)).toEqual([]);
    expect(app).toBeInstanceOf(App);
  });
});

describe('strictSchemaProblems', () => {
  const deployment = (container: object) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [container] } } },
  });

  test('a valid object has no problems', () => {
    expect(strictSchemaProblems(deployment({ name: 'web', image: 'nginx:1.25.3', resources: { limits: { memory: '64Mi' } } }))).toEqual([]);
  });

  test('unknown fields, wrong types, bad quantities and missing required fields, each with its JSON path', () => {
    const problems = strictSchemaProblems(deployment({ image: 'nginx', imagePullPolcy: 'Always', ports: [{ containerPort: '80' }], resources: { limits: { cpu: {} } } }));
    expect(problems.map((p) => `${p.field}: ${p.message}`).sort()).toEqual([
      'spec.template.spec.containers[0].imagePullPolcy: is not a field of Kubernetes 1.27 (the API server would drop it)',
      'spec.template.spec.containers[0].name: is required',
      'spec.template.spec.containers[0].ports[0].containerPort: must be integer',
      'spec.template.spec.containers[0].resources.limits.cpu: must be string or number',
    ]);
    expect(problems.find((p) => p.field.endsWith('imagePullPolcy'))?.fix).toBe('did you mean "imagePullPolicy"? Otherwise remove it');
  });

  test('enums, removed APIs, missing names', () => {
    expect(strictSchemaProblems({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'Loadbalancer' } })[0].message).toMatch(/must be one of .*"LoadBalancer"/);
    expect(strictSchemaProblems({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'i' } })[0].message).toBe('is not a Kubernetes 1.27 kind');
    expect(strictSchemaProblems({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })).toEqual([expect.objectContaining({ field: 'metadata.name', message: 'is required' })]);
    expect(strictSchemaProblems({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: 'ten' } } })).toEqual([expect.objectContaining({ field: 'spec.hard.pods', message: 'must be a quantity' })]);
  });

  test('custom resources get their envelope checked, metadata strictly', () => {
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' }, spec: { anything: true } };
    expect(strictSchemaProblems(app)).toEqual([]);
    expect(strictSchemaProblems({ ...app, metadata: { name: 'a', lables: {} } })).toEqual([expect.objectContaining({ field: 'metadata.lables', fix: 'did you mean "labels"? Otherwise remove it' })]);
  });
});

describe('PLT005 kubernetes-schema (the engine rule, for plain cdk8s apps)', () => {
  test('in a plain cdk8s app, patchesAfterConversion keeps a patched field, so the rule sees a typo', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'plain');
    const d = new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nginx:1.25.3', portNumber: 8080 }] });
    ApiObject.of(d).addJsonPatch(JsonPatch.add('/spec/template/spec/nodeSelectr', { disk: 'ssd' }));
    expect(chart.toJson().find((o: any) => o.kind === 'Deployment').spec.template.spec.nodeSelectr).toBeUndefined();
    patchesAfterConversion(app);
    const objects = chart.toJson();
    expect(objects.flatMap((o: any) => strictSchemaProblems(o)).map((p: any) => p.field)).toEqual(['spec.template.spec.nodeSelectr']);
  });

  test('a misspelt field of a plain cdk8s object is a finding naming the object and the JSON path', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'plain');
    new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nginx:1.25.3', portNumber: 8080 }] });
    new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, immutible: true } as any);
    const inputs = chart.toJson().map((object: any) => ({ object, path: `plain/${object.metadata.name}`, file: 'plain.k8s.yaml' }));
    const findings = new PolicyEngine({ rules: PLATFORM_RULES.filter((r) => r.id === 'PLT005') }).evaluate(inputs, { namespace: 'default', podSecurity: PodSecurityLevel.RESTRICTED, imagePolicy: ImagePolicy.TAGGED });
    expect(findings.map((f) => `${f.rule} ${f.objectKind}/${f.objectName} ${f.field} ${f.fix}`)).toEqual([
      'PLT005 ConfigMap/settings immutible did you mean "immutable"? Otherwise remove it',
    ]);
  });
});
