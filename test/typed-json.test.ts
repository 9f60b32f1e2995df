import { ApiObject, App, Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { createPlatform } from '../apps/platform';
import { AppChart } from '../lib';
import { leaveEnvironmentToPlatform } from '../lib/core/platform-environments';
import { resolvedProps, typedJson } from '../lib/core/typed-json';
import { fieldsOf, wireJson } from '../lib/core/wire-conversion';

// The synth renders cdk8s-plus-27's typed objects in one pass (lib/core/typed-json.ts). Whatever
// it renders must be exactly what the object's own toJson() renders, key order included.

const same = (o: ApiObject) => JSON.stringify(typedJson(o, () => o.toJson()));
const own = (o: ApiObject) => JSON.stringify(o.toJson());
const kubeClass = (o: ApiObject): any => o.constructor;
/** The class's own typed conversion of resolved props, or where it fails, the error. */
const manifestOf = (o: ApiObject, props: Record<string, unknown>) => {
  try {
    return JSON.stringify(kubeClass(o).manifest(props));
  } catch (e) {
    return e;
  }
};

/** Every typed object of the shipped stacks in every environment, as the platform defines them. */
function shippedObjects(): ApiObject[] {
  const { environments, stacks } = createPlatform().props;
  return environments.flatMap((environment) => {
    const app = new App({ outdir: 'unused' });
    leaveEnvironmentToPlatform(app);
    for (const stack of stacks) {
      if (stack.environments && !stack.environments.includes(environment.name)) continue;
      stack.define(new AppChart(app, stack.name, { environment, version: stack.version }));
    }
    for (const chart of app.node.children) if (chart instanceof AppChart) chart.applyStandardLabels();
    return app.node.findAll().filter(ApiObject.isApiObject).filter((o) => Object.values(k8s).includes(kubeClass(o)));
  });
}

/** Resolved values: plain maps and lists, primitives, and unions as `{ value }`. */
const resolvedValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.oneof(fc.string(), fc.integer()).map((v) => ({ value: v }))),
  list: fc.array(tie('any'), { maxLength: 3 }),
  map: fc.dictionary(fc.constantFrom('name', 'value', 'port', 'cpu', 'spec', 'x'), tie('any'), { maxKeys: 3 }),
  any: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('list'), tie('map')),
})).any;

/** `value` with the value at one of its paths replaced (or, with undefined, removed). */
function replaceAt(value: any, pick: number, replacement: unknown): any {
  const paths: (string | number)[][] = [];
  const collect = (v: any, path: (string | number)[]) => {
    if (typeof v !== 'object' || v === null) return;
    for (const key of Array.isArray(v) ? v.keys() : Object.keys(v)) {
      paths.push([...path, key]);
      collect(v[key], [...path, key]);
    }
  };
  collect(value, []);
  const path = paths[pick % paths.length];
  const copy = structuredClone(value);
  const parent = path.slice(0, -1).reduce((v, key) => v[key], copy);
  if (replacement === undefined && !Array.isArray(parent)) delete parent[path[path.length - 1]];
  else parent[path[path.length - 1]] = replacement;
  return copy;
}

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
            spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: k8s.Quantity.fromString('1'), memory: extra as any } }, env: extra as any }] },
          },
        },
      });
      // At union positions: a union where the conversion unwraps it, anything else where it does not.
      const service = new k8s.KubeService(chart, 's', {
        spec: { ports: [{ port: 80, targetPort: extra as any }], selector: labels as any },
      });
      for (const o of [configMap, deployment, service]) {
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

  test('converts every object of the shipped stacks as its class does, without falling back', () => {
    const objects = shippedObjects();
    expect(objects.length).toBeGreaterThan(100);
    for (const o of objects) {
      const props = resolvedProps(o);
      const fast = wireJson(kubeClass(o), props);
      expect(fast).toBeDefined();
      expect(JSON.stringify(fast)).toBe(manifestOf(o, props));
      // JSON patches (the platform's own, such as a cluster-scoped object's namespace) apply after either.
      if ((o as any).patches.length === 0) expect(same(o)).toBe(own(o));
    }
  });

  test('converts resolved props as the class does wherever it converts them', () => {
    const samples = shippedObjects().map((o) => ({ o, props: resolvedProps(o) }));
    let converted = 0;
    fc.assert(fc.property(fc.nat(), fc.nat(), fc.option(resolvedValue, { nil: undefined }), (which, pick, replacement) => {
      const { o, props } = samples[which % samples.length];
      const changed = replaceAt(props, pick, replacement);
      const fast = wireJson(kubeClass(o), changed);
      // Values the class's conversion reads differently (unknown fields, a non-union at a union) are left to it.
      if (fast === undefined) return;
      converted++;
      expect(JSON.stringify(fast)).toBe(manifestOf(o, changed));
    }), { seed: 42, numRuns: 2000 });
    expect(converted).toBeGreaterThan(500);
  });

  test('leaves unknown fields and values not of their field\'s shape to the class\'s conversion', () => {
    const chart = new Chart(new App(), 'c');
    const unknown = new k8s.KubeConfigMap(chart, 'unknown', { data: { a: 'b' }, bogus: 1 } as any);
    const notUnion = new k8s.KubeService(chart, 'svc', { spec: { ports: [{ port: 80, targetPort: 'http' as any }] } });
    const quantity = new k8s.KubePod(chart, 'pod', { spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1' as any } } }] } });
    const notMap = new k8s.KubeService(chart, 'not-map', { spec: { selector: ['a'] as any } });
    for (const o of [unknown, notUnion, quantity, notMap]) {
      const props = resolvedProps(o);
      expect(wireJson(kubeClass(o), props)).toBeUndefined();
      expect(same(o)).toBe(own(o));
    }
    // The class drops what it does not know, and reads a non-union at a union position as nothing.
    expect(unknown.toJson()).not.toHaveProperty('bogus');
    expect(notUnion.toJson().spec.ports[0]).toEqual({ port: 80 });
  });

  test('reads the generated conversions as a bundler prints them again', () => {
    // As esbuild (a synth bundle) prints cdk8s-plus-27's code: double quotes, `void 0`, fewer parentheses.
    const printed = (source: string) => new Function(`return ${source}`)();
    const requirements = printed(`function toJson_ResourceRequirements(obj) {
      if (obj === void 0) {
        return void 0;
      }
      const result = {
        "claims": obj.claims?.map((y) => toJson_ResourceClaim(y)),
        "limits": obj.limits === void 0 ? void 0 : Object.entries(obj.limits).reduce((r, i) => i[1] === void 0 ? r : { ...r, [i[0]]: i[1]?.value }, {}),
        "requests": obj.requests === void 0 ? void 0 : Object.entries(obj.requests).reduce((r, i) => i[1] === void 0 ? r : { ...r, [i[0]]: i[1]?.value }, {})
      };
      return Object.entries(result).reduce((r, i) => i[1] === void 0 ? r : { ...r, [i[0]]: i[1] }, {});
    }`);
    expect(fieldsOf(requirements, 'ResourceRequirements')).toEqual(fieldsOf((k8s as any).toJson_ResourceRequirements, 'ResourceRequirements'));
    expect(fieldsOf(requirements, 'ResourceRequirements')).toHaveLength(3);

    const configMap = printed(`class _KubeConfigMap {
      static manifest(props = {}) {
        return {
          ..._KubeConfigMap.GVK,
          ...toJson_KubeConfigMapProps(props)
        };
      }
    }`);
    configMap.GVK = k8s.KubeConfigMap.GVK;
    const props = { metadata: { name: 'cm' }, data: { a: 'b' } };
    expect(wireJson(configMap, props)).toEqual(k8s.KubeConfigMap.manifest(props));
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
