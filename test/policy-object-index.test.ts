import { ObjectIndex } from '../lib/policy/object-index';

const deployment = (name: string, namespace: string, labels: Record<string, string>) => ({
  object: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { template: { metadata: { labels }, spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }, null] } } },
  },
  path: name,
  file: `${name}.yaml`,
});

describe('ObjectIndex', () => {
  const index = ObjectIndex.of([
    deployment('web', 'shop', { app: 'web', tier: 'front' }),
    deployment('web', 'other', { app: 'web', tier: 'front' }),
    { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } }, path: 'settings', file: 'settings.yaml' },
  ], 'shop');

  test('lists the pod templates of an object and their containers with field paths', () => {
    const [web, , settings] = index.objects;
    expect(index.podsOf(settings)).toEqual([]);
    expect(index.podsOf(web).map((p) => p.containers.map((c) => [c.field, c.init, c.container.name]))).toEqual([[
      ['spec.template.spec.initContainers[0]', true, 'init'],
      ['spec.template.spec.containers[0]', false, 'app'],
      ['spec.template.spec.containers[1]', false, undefined],
    ]]);
  });

  test('answers a repeated label selector per namespace', () => {
    const matchLabels = { app: 'web' };
    const owners = (namespace: string) => index.podsSelectedBy(namespace, { matchLabels }).map((p) => `${p.owner.namespace}/${p.owner.object.metadata.name}`);
    expect(owners('shop')).toEqual(['shop/web']);
    expect(owners('other')).toEqual(['other/web']);
    expect(owners('shop')).toEqual(['shop/web']);
    expect(index.podsSelectedBy('shop', { matchLabels, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] })).toEqual([]);
  });
});
