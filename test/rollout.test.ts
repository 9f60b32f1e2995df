import {
  AppChart, Deployment, DeploymentProps, DeploymentStrategy, DisruptionBudget, Environment, PodCount, Probe,
} from '../lib';
import { applyHighAvailability } from '../lib/workloads/disruption-budget';
import { expectSnapshot, find, problemsOf, render } from './support/harness';

const IMAGE = 'registry.example.com/shop/api:3f9c2a1';

function deployment(props: Partial<DeploymentProps> = {}) {
  return (chart: AppChart) => {
    new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE, ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/healthz', 'http') }], ...props });
  };
}

function specOf(objects: any[]): any {
  return find(objects, 'Deployment', 'api').spec;
}

describe('strategy', () => {
  test('rolling update with counts', () => {
    const spec = specOf(render(deployment({ strategy: DeploymentStrategy.rollingUpdate({ maxSurge: PodCount.count(1), maxUnavailable: PodCount.count(0) }) })));
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  test('rolling update with percentages (the notes: 25% of 4 pods is 1)', () => {
    const spec = specOf(render(deployment({ strategy: DeploymentStrategy.rollingUpdate({ maxSurge: PodCount.percent(25), maxUnavailable: PodCount.percent(25) }) })));
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
  });

  test('rolling update with Kubernetes defaults', () => {
    expect(specOf(render(deployment({ strategy: DeploymentStrategy.rollingUpdate() }))).strategy).toEqual({ type: 'RollingUpdate' });
  });

  test('recreate', () => {
    expect(specOf(render(deployment({ strategy: DeploymentStrategy.recreate() }))).strategy).toEqual({ type: 'Recreate' });
  });

  test('nothing rendered when nothing is asked for', () => {
    const spec = specOf(render(deployment()));
    expect([spec.strategy, spec.progressDeadlineSeconds, spec.revisionHistoryLimit, spec.minReadySeconds]).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('snapshot: every rollout setting', () => expectSnapshot(deployment({
    strategy: DeploymentStrategy.rollingUpdate({ maxSurge: PodCount.count(1), maxUnavailable: PodCount.percent(0) }),
    progressDeadlineSeconds: 600,
    revisionHistoryLimit: 5,
    minReadySeconds: 10,
  })));
});

describe('strategy refusals', () => {
  test('a percentage above 100', () => {
    expect(problemsOf(deployment({ strategy: DeploymentStrategy.rollingUpdate({ maxSurge: PodCount.percent(150) }) }))).toEqual([
      expect.stringMatching(/^\[dev\/test\/api\] strategy\.maxSurge: must be a whole percentage 0-100 \(got "150%"\)\. Fix: /),
    ]);
  });

  test('a negative or fractional count', () => {
    expect(problemsOf(deployment({ strategy: DeploymentStrategy.rollingUpdate({ maxSurge: PodCount.count(-1), maxUnavailable: PodCount.count(0.5) }) }))).toEqual([
      expect.stringMatching(/strategy\.maxSurge: must be a whole number >= 0 \(got "-1"\)/),
      expect.stringMatching(/strategy\.maxUnavailable: must be a whole number >= 0 \(got "0\.5"\)/),
    ]);
  });

  test('maxSurge and maxUnavailable both 0', () => {
    expect(problemsOf(deployment({ strategy: DeploymentStrategy.rollingUpdate({ maxSurge: PodCount.percent(0), maxUnavailable: PodCount.count(0) }) }))).toEqual([
      expect.stringMatching(/^\[dev\/test\/api\] strategy\.maxUnavailable: is 0 while maxSurge is 0 too, so the update can never replace a pod \(got "0"\)\. Fix: /),
    ]);
  });

  test('progressDeadlineSeconds not above minReadySeconds', () => {
    expect(problemsOf(deployment({ progressDeadlineSeconds: 30, minReadySeconds: 30 }))).toEqual([
      expect.stringMatching(/^\[dev\/test\/api\] progressDeadlineSeconds: must be above minReadySeconds \(30\), or every update is reported failed \(got 30\)\. Fix: /),
    ]);
  });

  test('a negative revisionHistoryLimit and a zero progressDeadlineSeconds', () => {
    expect(problemsOf(deployment({ revisionHistoryLimit: -1, progressDeadlineSeconds: 0 })).map((p) => p.replace(/ \(got.*$/, ''))).toEqual([
      '[dev/test/api] progressDeadlineSeconds: must be a whole number >= 1',
      '[dev/test/api] revisionHistoryLimit: must be a whole number >= 0',
      '[dev/test/api] progressDeadlineSeconds: must be above minReadySeconds (0), or every update is reported failed',
    ]);
  });

  test('a negative replica count', () => {
    expect(problemsOf(deployment({ replicas: -1 }))).toEqual([expect.stringMatching(/^\[dev\/test\/api\] replicas: must be a whole number >= 0 \(got -1\)/)]);
  });
});

describe('high availability', () => {
  test('stage (2 replicas): a PodDisruptionBudget and a soft spread across nodes, both on the workload selector', () => {
    const objects = render(deployment(), { environment: 'stage' });
    const selector = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api-stage' };
    expect(find(objects, 'PodDisruptionBudget', 'api')).toMatchObject({ apiVersion: 'policy/v1', spec: { maxUnavailable: 1, selector: { matchLabels: selector } } });
    expect(specOf(objects).template.spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
    ]);
  });

  test('prod snapshot', () => expectSnapshot(deployment(), { environment: 'prod' }));

  test('not in dev (no highAvailability)', () => {
    const objects = render(deployment({ replicas: 3 }));
    expect(objects.map((o) => o.kind)).toEqual(['Deployment']);
    expect(specOf(objects).template.spec.topologySpreadConstraints).toBeUndefined();
  });

  test('not for a single replica, even in prod', () => {
    const objects = render(deployment({ replicas: 1 }), { environment: 'prod' });
    expect(objects.map((o) => o.kind)).toEqual(['Deployment']);
  });

  test('when the environment turns it on', () => {
    const ha = Environment.of({ name: 'ha', replicas: 2, baseDomain: 'ha.example.com', highAvailability: true });
    expect(render(deployment(), { environment: ha }).map((o) => o.kind)).toEqual(['Deployment', 'PodDisruptionBudget']);
  });

  test('applyHighAvailability is reusable by other replicated workloads (StatefulSet)', () => {
    const objects = render((chart) => {
      const app = new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE }], replicas: 1 });
      expect(applyHighAvailability(app, 1)).toBeUndefined();
      expect(applyHighAvailability(app, 3)).toBeInstanceOf(DisruptionBudget);
    }, { environment: 'stage' });
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'PodDisruptionBudget']);
  });
});

describe('DisruptionBudget', () => {
  test('minAvailable as a percentage', () => {
    const objects = render((chart) => {
      const app = new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE }] });
      new DisruptionBudget(chart, 'pdb', { target: app, name: 'api-pdb', minAvailable: PodCount.percent(50) });
    });
    expect(find(objects, 'PodDisruptionBudget', 'api-pdb').spec).toEqual({ minAvailable: '50%', selector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api-dev' } } });
  });

  test('refused: both minAvailable and maxUnavailable', () => {
    expect(problemsOf((chart) => {
      const app = new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE }] });
      new DisruptionBudget(chart, 'pdb', { target: app, minAvailable: PodCount.count(1), maxUnavailable: PodCount.count(1) });
    })).toEqual([expect.stringMatching(/^\[dev\/test\/pdb\] minAvailable: cannot be set together with maxUnavailable \(got "1"\)\. Fix: /)]);
  });

  test('refused: maxUnavailable 0 blocks every drain', () => {
    expect(problemsOf((chart) => {
      const app = new Deployment(chart, 'api', { containers: [{ name: 'api', image: IMAGE }] });
      new DisruptionBudget(chart, 'pdb', { target: app, maxUnavailable: PodCount.percent(0) });
    })).toEqual([expect.stringMatching(/^\[dev\/test\/pdb\] maxUnavailable: blocks every node drain \(got "0%"\)\. Fix: /)]);
  });
});
