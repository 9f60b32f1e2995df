import { AppChart, Deployment, Image, ImagePolicy, InitStep, Sidecar } from '../lib';
import { EnvName, expectSnapshot, find, problemsOf, render } from './support/harness';

const DIGEST = 'sha256:6bd5a8b31f5d2b02a2a7a8f3c56b1e8d3c8a3e1f94dbb1f7ee02f5c0a4d71c3e';

function withImage(image: string) {
  return (chart: AppChart) => {
    new Deployment(chart, 'api', { containers: [{ name: 'api', image }] });
  };
}

function containerOf(objects: any[]): any {
  return find(objects, 'Deployment', 'api').spec.template.spec.containers[0];
}

describe('accepted references', () => {
  test.each<[string, EnvName, string]>([
    ['registry.example.com/shop/api:1.2.3', 'dev', 'Always'],
    ['registry.example.com/shop/api:1.2.3', 'stage', 'Always'],
    ['localhost:5000/api:v2', 'dev', 'Always'],
    ['registry.example.com/shop/api:3f9c2a1', 'prod', 'IfNotPresent'],
    ['registry.example.com/shop/api:main-3f9c2a1d', 'prod', 'IfNotPresent'],
    [`registry.example.com/shop/api@${DIGEST}`, 'prod', 'IfNotPresent'],
    [`registry.example.com/shop/api:1.2.3@${DIGEST}`, 'prod', 'IfNotPresent'],
  ])('%s in %s, pulled %s', (image, environment, pullPolicy) => {
    expect(containerOf(render(withImage(image), { environment }))).toMatchObject({ image, imagePullPolicy: pullPolicy });
  });

  test('snapshot: a digest in prod', () => expectSnapshot(withImage(`registry.example.com/shop/api@${DIGEST}`), { environment: 'prod' }));

  test('parsing', () => {
    const image = Image.of(`registry.example.com:5000/shop/api:1.2.3@${DIGEST}`);
    expect([image.repository, image.tag, image.digest, image.immutable]).toEqual(['registry.example.com:5000/shop/api', '1.2.3', DIGEST, true]);
    expect(Image.of('nginx:1.25').immutable).toBe(false);
  });
});

describe('refusals', () => {
  test.each<EnvName>(['dev', 'stage', 'prod'])('an untagged image (%s)', (environment) => {
    expect(problemsOf(withImage('nginx'), { environment })).toEqual([
      expect.stringMatching(new RegExp(`^\\[${environment}/test/api\\] pod\\.containers\\[0\\]\\.image: has no tag, so it means :latest \\(got "nginx"\\)\\. Fix: `)),
    ]);
  });

  test.each<EnvName>(['dev', 'stage', 'prod'])(':latest (%s)', (environment) => {
    expect(problemsOf(withImage('gihyodocker/nginx:latest'), { environment })).toEqual([
      expect.stringMatching(/pod\.containers\[0\]\.image: uses the mutable :latest tag \(got "gihyodocker\/nginx:latest"\)\. Fix: /),
    ]);
  });

  test('a version tag in prod, which requires an immutable reference', () => {
    expect(problemsOf(withImage('registry.example.com/shop/api:1.2.3'), { environment: 'prod' })).toEqual([
      expect.stringMatching(/^\[prod\/test\/api\] pod\.containers\[0\]\.image: is mutable, but this environment requires an immutable image \(commit-sha tag or digest\) \(got "registry\.example\.com\/shop\/api:1\.2\.3"\)\. Fix: /),
    ]);
  });

  test('an unparsable reference', () => {
    expect(problemsOf(withImage('Registry.example.com/API:1.0'))).toEqual([
      expect.stringMatching(/pod\.containers\[0\]\.image: is not a valid image reference \(got "Registry\.example\.com\/API:1\.0"\)/),
    ]);
  });

  test('everywhere: sidecars and init containers too', () => {
    const problems = problemsOf((chart) => {
      const app = new Deployment(chart, 'api', { containers: [{ name: 'api', image: 'registry.example.com/shop/api:1.2.3' }] });
      Sidecar.add(app, { container: { name: 'shipper', image: 'fluent/fluent-bit:latest' } });
      InitStep.run(app, { name: 'migrate', image: 'migrate/migrate' });
    });
    expect(problems).toEqual([
      expect.stringMatching(/pod\.initContainers\[0\]\.image: has no tag/),
      expect.stringMatching(/pod\.containers\[1\]\.image: uses the mutable :latest tag/),
    ]);
  });

  test('the policy can be checked directly', () => {
    expect(Image.of('nginx:1.25').problems('image', ImagePolicy.TAGGED)).toEqual([]);
    expect(Image.of('nginx:1.25').problems('image', ImagePolicy.IMMUTABLE)).toHaveLength(1);
  });
});
