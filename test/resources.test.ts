import { AppChart, Cpu, Deployment, Environment, Memory, Resources, ResourceSize, Sidecar } from '../lib';
import { EnvName, expectSnapshot, find, problemsOf, render } from './support/harness';

const IMAGE = 'registry.example.com/shop/api:3f9c2a1';

function withResources(resources?: Resources) {
  return (chart: AppChart) => {
    new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE, resources }] });
  };
}

function resourcesOf(objects: any[], index = 0): any {
  return find(objects, 'Deployment', 'api').spec.template.spec.containers[index].resources;
}

describe('presets', () => {
  test('every size as written (prod, scale 1): CPU request only, memory limit = request', () => {
    const sizes = Object.fromEntries(Object.values(ResourceSize).map((size) => [size, resourcesOf(render(withResources(Resources.preset(size)), { environment: 'prod' }))]));
    expect(sizes).toEqual({
      nano: { requests: { cpu: '25m', memory: '32Mi' }, limits: { memory: '32Mi' } },
      micro: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '64Mi' } },
      small: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
      medium: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '256Mi' } },
      large: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '512Mi' } },
      xlarge: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } },
    });
  });

  test.each<[EnvName, string, string]>([['dev', '125m', '128Mi'], ['stage', '250m', '256Mi'], ['prod', '250m', '256Mi']])(
    'scaled by the environment: medium in %s is %s / %s', (environment, cpu, memory) => {
      expect(resourcesOf(render(withResources(Resources.preset(ResourceSize.MEDIUM)), { environment }))).toEqual({ requests: { cpu, memory }, limits: { memory } });
    });

  test('scaling never goes below 10m / 16Mi', () => {
    const tiny = Environment.of({ name: 'tiny', replicas: 1, baseDomain: 'tiny.example.com', resourceScale: 0.1 });
    expect(resourcesOf(render(withResources(Resources.preset(ResourceSize.NANO)), { environment: tiny }))).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '16Mi' } });
  });

  test('the default is small, scaled; no cdk8s-plus default (1000m / 512Mi) leaks in', () => {
    expect(resourcesOf(render(withResources()))).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '64Mi' } });
  });

  test('snapshot: default resources in dev', () => expectSnapshot(withResources()));
});

describe('exact amounts', () => {
  test('are not scaled; CPU limit is optional and rendered only when given', () => {
    const exact = Resources.of({ cpu: Cpu.cores(1), memory: Memory.gibibytes(1) });
    expect(resourcesOf(render(withResources(exact)))).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } });
    const limited = Resources.of({ cpu: Cpu.millis(500), memory: Memory.mebibytes(768), cpuLimit: Cpu.cores(2), memoryLimit: Memory.gibibytes(1) });
    expect(resourcesOf(render(withResources(limited)))).toEqual({ requests: { cpu: '500m', memory: '768Mi' }, limits: { cpu: '2', memory: '1Gi' } });
  });

  test('per-container overrides: each container of a pod has its own', () => {
    const objects = render((chart) => {
      const app = new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE, resources: Resources.preset(ResourceSize.LARGE) }] });
      Sidecar.add(app, { container: { name: 'shipper', image: IMAGE, resources: Resources.preset(ResourceSize.NANO) } });
    }, { environment: 'prod' });
    expect(resourcesOf(objects, 0).requests).toEqual({ cpu: '500m', memory: '512Mi' });
    expect(resourcesOf(objects, 1).requests).toEqual({ cpu: '25m', memory: '32Mi' });
  });

  test('snapshot', () => expectSnapshot(withResources(Resources.of({ cpu: Cpu.millis(500), memory: Memory.mebibytes(768), cpuLimit: Cpu.cores(2), memoryLimit: Memory.gibibytes(1) }))));
});

describe('refusals', () => {
  test('a CPU limit below the request', () => {
    expect(problemsOf(withResources(Resources.of({ cpu: Cpu.millis(500), memory: Memory.mebibytes(256), cpuLimit: Cpu.millis(250) })))).toEqual([
      expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[0\]\.resources\.cpuLimit: is below the CPU request 500m \(got "250m"\)\. Fix: /),
    ]);
  });

  test('a memory limit below the request', () => {
    expect(problemsOf(withResources(Resources.of({ cpu: Cpu.millis(100), memory: Memory.gibibytes(1), memoryLimit: Memory.mebibytes(512) })))).toEqual([
      expect.stringMatching(/^\[dev\/test\/api\] pod\.containers\[0\]\.resources\.memoryLimit: is below the memory request 1Gi \(got "512Mi"\)\. Fix: /),
    ]);
  });

  test('amounts that are not positive whole millicores / mebibytes', () => {
    const problems = problemsOf(withResources(Resources.of({ cpu: Cpu.cores(0.0001), memory: Memory.mebibytes(0.5) })));
    expect(problems).toEqual([
      expect.stringMatching(/pod\.containers\[0\]\.resources\.cpu: must be a positive whole number \(got 0\)\. Fix: /),
      expect.stringMatching(/pod\.containers\[0\]\.resources\.memory: must be a positive whole number \(got 0\.5\)\. Fix: /),
    ]);
  });

  test('a negative amount', () => {
    expect(problemsOf(withResources(Resources.of({ cpu: Cpu.millis(-100), memory: Memory.mebibytes(128) })))).toEqual([
      expect.stringMatching(/pod\.containers\[0\]\.resources\.cpu: must be a positive whole number \(got -100\)/),
    ]);
  });
});
