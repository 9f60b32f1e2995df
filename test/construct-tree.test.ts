import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment, Platform } from '../lib';
import { ConstructTree } from '../lib/core/construct-tree';

function tree(): { app: App; chart: Chart } {
  const app = new App();
  const chart = new Chart(app, 'c');
  new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap' });
  new Construct(new Construct(chart, 'x'), 'y');
  new Chart(app, 'd');
  return { app, chart };
}

const paths = (cs: readonly Construct[]) => cs.map((c) => c.node.path);

test('an open tree gives every scope its findAll, in pre-order', () => {
  const { app, chart } = tree();
  ConstructTree.open(app);
  for (const scope of [app, chart, ...app.node.findAll()]) {
    expect(paths(ConstructTree.findAll(scope))).toEqual(paths(scope.node.findAll()));
  }
});

test('a construct added after the tree opened is seen', () => {
  const { app, chart } = tree();
  ConstructTree.open(app);
  ConstructTree.findAll(app);
  new ApiObject(chart.node.findChild('x'), 'later', { apiVersion: 'v1', kind: 'Secret' });
  new Chart(app, 'e');
  expect(paths(ConstructTree.findAll(app))).toEqual(paths(app.node.findAll()));
  expect(paths(ConstructTree.findAll(chart))).toContain('c/x/later');
});

test('a tree that is not open is traversed every time', () => {
  const { chart } = tree();
  ConstructTree.findAll(chart);
  new Construct(chart, 'later');
  expect(paths(ConstructTree.findAll(chart))).toContain('c/later');
});

test('an object a validation adds is rendered, as before the traversals were shared', () => {
  const environment = Environment.dev({ baseDomain: 'dev.example.com' });
  const rendering = new Platform({
    environments: [environment],
    stacks: [{
      name: 'shop',
      define: (chart) => {
        chart.node.addValidation({
          validate: () => {
            new ApiObject(chart, 'added', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'added' } });
            return [];
          },
        });
      },
    }],
  }).render();
  expect([...rendering.files.keys()]).toEqual(['dev/shop/ConfigMap.added.k8s.yaml']);
});
