import { ApiObject, App, Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { typedJson } from '../lib/core/typed-json';

// The synth renders cdk8s-plus-27's typed objects in one pass (lib/core/typed-json.ts). Whatever
// it renders must be exactly what the object's own toJson() renders, key order included.

const same = (o: ApiObject) => JSON.stringify(typedJson(o, () => o.toJson()));
const own = (o: ApiObject) => JSON.stringify(o.toJson());

/** Values as stacks put them into typed props: tokens, unions, nulls, empty lists and maps. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constant(undefined),
    fc.string().map((s) => k8s.Quantity.fromString(s)), fc.integer().map((n) => k8s.IntOrString.fromNumber(n)),
  ),
  lazy: tie('any').map((v) => Lazy.any({ produce: () => v })),
  list: fc.array(tie('any'), { maxLength: 4 }),
  map: fc.dictionary(fc.string({ maxLength: 6 }), tie('any'), { maxKeys: 5 }),
  any: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('lazy'), tie('list'), tie('map')),
})).any;

describe('typedJson', () => {
  test('renders random typed props exactly as toJson()', () => {
    let rendered = 0;
    const map = fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 6 });
    fc.assert(fc.property(map, value, map, map, fc.array(value, { maxLength: 3 }), (data, extra, labels, annotations, finalizers) => {
      const chart = new Chart(new App(), 'c');
      const configMap = new k8s.KubeConfigMap(chart, 'cm', {
        metadata: { name: 'cm', labels: labels as any, annotations: annotations as any, finalizers: finalizers as any, generateName: extra as any },
        data: data as any,
      });
      const deployment = new k8s.KubeDeployment(chart, 'd', {
        metadata: { name: 'd', annotations: {} },
        spec: {
          selector: { matchLabels: { app: 'd' } },
          template: {
            metadata: { labels: { app: 'd' } },
            spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: k8s.Quantity.fromString('1') } }, env: extra as any }] },
          },
        },
      });
      for (const o of [configMap, deployment]) {
        let expected: string | undefined;
        try {
          expected = own(o);
        } catch {
          expected = undefined;
        }
        const fast = typedJson(o, () => o.toJson());
        // Where cdk8s cannot render a value, the shortcut leaves it to cdk8s (and its error).
        expect(fast === undefined ? undefined : JSON.stringify(fast)).toBe(expected);
        if (fast !== undefined) rendered++;
      }
    }), { seed: 42, numRuns: 400 });
    // fast-check favours keys such as `constructor`, which cdk8s cannot render; the other cases render both ways.
    expect(rendered).toBeGreaterThan(100);
  });

  test('renders cdk8s-plus-27 constructs as their toJson()', () => {
    const chart = new Chart(new App(), 'c');
    const deployment = new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx', portNumber: 8080 }] });
    deployment.exposeViaService();
    new kplus.ConfigMap(chart, 'config', { data: { a: '1' } });
    const objects = chart.node.findAll().filter(ApiObject.isApiObject);
    expect(objects.length).toBeGreaterThanOrEqual(3);
    for (const o of objects) {
      expect(typedJson(o, () => o.toJson())).toBeDefined();
      expect(same(o)).toBe(own(o));
    }
  });

  test('leaves other objects, custom resolvers and values cdk8s refuses to cdk8s', () => {
    const chart = new Chart(new App(), 'c');
    const plain = new ApiObject(chart, 'plain', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } });
    expect(typedJson(plain, () => plain.toJson())).toBeUndefined();

    const withResolver = new Chart(new App({ resolvers: [{ resolve: () => undefined }] }), 'r');
    const resolved = new k8s.KubeConfigMap(withResolver, 'cm', { data: { a: 'b' } });
    expect(typedJson(resolved, () => resolved.toJson())).toBeUndefined();

    const refused = new k8s.KubeConfigMap(chart, 'dated', { data: { when: new Date(0) as any } });
    expect(typedJson(refused, () => refused.toJson())).toBeUndefined();
    expect(() => refused.toJson()).toThrow(/non-simple object/);

    const failing = new k8s.KubeConfigMap(chart, 'failing', { data: Lazy.any({ produce: () => { throw new Error('broken producer'); } }) as any });
    expect(typedJson(failing, () => failing.toJson())).toBeUndefined();
  });

  test('turns itself off when the first object of a class renders differently', () => {
    jest.isolateModules(() => {
      const fresh: typeof import('../lib/core/typed-json') = require('../lib/core/typed-json');
      const chart = new Chart(new App(), 'c');
      const first = new k8s.KubeSecret(chart, 'first', { stringData: { a: 'b' } });
      const other = new k8s.KubeConfigMap(chart, 'other', { data: { a: 'b' } });
      expect(fresh.typedJson(first, () => ({ rendered: 'differently' }))).toBeUndefined();
      expect(fresh.typedJson(other, () => other.toJson())).toBeUndefined();
    });
  });
});
