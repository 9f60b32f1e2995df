import { JsonPatch } from 'cdk8s';
import { AppChart, CronJob, CronSchedule, Deployment, Environment, HorizontalPodAutoscaler, Job, Metric, MetricTarget, Probe, ScalingBehavior, StatefulSet } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';
import { PINGPONG } from './support/pingpong';
import { policyFindings } from './support/policy';

const API = 'registry.example.com/shop/api:1.2.3-3f9c2a1';

function api(chart: AppChart): Deployment {
  return new Deployment(chart, 'api', {
    containers: [{ name: 'api', image: API, ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/ready', 'http'), writablePaths: ['/tmp'] }],
  });
}

/** A stateless tier scaled on CPU where the environment enables autoscaling, with a gentle scale-down. */
function scaledApi(chart: AppChart): void {
  HorizontalPodAutoscaler.ifEnabled(chart, 'api-hpa', {
    target: api(chart),
    metrics: [Metric.cpuUtilization(70), Metric.memoryUtilization(85)],
    behavior: ScalingBehavior.gentleScaleDown(),
  });
}

describe('HorizontalPodAutoscaler', () => {
  test('snapshot: stage (autoscaling 2..5)', () => expectSnapshot(scaledApi, { environment: 'stage' }));

  test('min/max from the environment; the target leaves spec.replicas to the autoscaler', () => {
    const objects = render(scaledApi, { environment: 'prod' });
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'api');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 85 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    });
    expect(find(objects, 'Deployment', 'api').spec.replicas).toBeUndefined();
  });

  test('ifEnabled: nothing where autoscaling is off; the target keeps its fixed replicas', () => {
    const objects = render(scaledApi, { environment: 'dev' });
    expect(objects.map((o) => o.kind)).toEqual(['Deployment']);
    expect(find(objects, 'Deployment', 'api').spec.replicas).toBe(1);
  });

  test('defaults: CPU utilization 80% (written out) and the environment bounds', () => {
    const hpa = find(render((chart) => new HorizontalPodAutoscaler(chart, 'hpa', { target: api(chart) }), { environment: 'stage' }), 'HorizontalPodAutoscaler', 'api');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
  });

  const customMetrics = (chart: AppChart) => new HorizontalPodAutoscaler(chart, 'hpa', {
    target: api(chart),
    minReplicas: 2,
    maxReplicas: 20,
    metrics: [
      Metric.cpuAverageValue('500m'),
      Metric.memoryAverageValue('384Mi'),
      Metric.pods('http_requests_per_second', '100'),
      Metric.object({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'shop' }, 'requests_per_second', MetricTarget.value('2k')),
      Metric.external('queue_messages_ready', MetricTarget.averageValue('30'), { queue: 'orders' }),
    ],
    behavior: ScalingBehavior.of({
      scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }], selectPolicy: 'Max' },
      scaleDown: { selectPolicy: 'Disabled' },
    }),
  });

  test('snapshot: average values, pods, object and external metrics, explicit behaviour', () => expectSnapshot(customMetrics, { environment: 'stage' }));

  test('pods, object and external metrics are written in the autoscaling/v2 form', () => {
    const metrics = find(render(customMetrics, { environment: 'stage' }), 'HorizontalPodAutoscaler', 'api').spec.metrics;
    expect(metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '500m' } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '384Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } },
      { type: 'Object', object: { describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'shop' }, metric: { name: 'requests_per_second' }, target: { type: 'Value', value: '2k' } } },
      { type: 'External', external: { metric: { name: 'queue_messages_ready', selector: { matchLabels: { queue: 'orders' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
    ]);
  });

  test('a StatefulSet can be scaled too; its replicas are released', () => {
    const objects = render((chart) => {
      const set = new StatefulSet(chart, 'workers', {
        replicas: 2,
        ports: [{ port: 8080, name: 'http', targetPort: 'http' }],
        containers: [{ name: 'worker', image: API, ports: [{ number: 8080, name: 'http' }], readiness: Probe.fromHttpGet('/ready', 'http') }],
      });
      new HorizontalPodAutoscaler(chart, 'hpa', { target: set, behavior: ScalingBehavior.noScaleDown() });
    }, { environment: 'stage' });
    expect(find(objects, 'StatefulSet', 'workers').spec.replicas).toBeUndefined();
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'workers');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'workers' });
    expect(hpa.spec.behavior).toEqual({ scaleDown: { selectPolicy: 'Disabled' } });
  });

  test('passes the platform policy engine (target exists, no replicas, requests present)', () => {
    expect(policyFindings(scaledApi, 'stage')).toEqual([]);
  });
});

describe('HorizontalPodAutoscaler refusals', () => {
  test('an HPA forced into an environment that turns autoscaling off', () => {
    const problems = problemsOf((chart) => new HorizontalPodAutoscaler(chart, 'hpa', { target: api(chart), minReplicas: 1, maxReplicas: 3 }));
    expect(problems).toEqual(['[dev/test/hpa] target: is autoscaled, but environment dev turns autoscaling off (got "api"). Fix: create it with HorizontalPodAutoscaler.ifEnabled(...) so the target keeps fixed replicas there, or give the environment an autoscaling profile']);
  });

  test('min > max', () => {
    const problems = problemsOf((chart) => new HorizontalPodAutoscaler(chart, 'hpa', { target: api(chart), minReplicas: 6, maxReplicas: 4 }), { environment: 'stage' });
    expect(problems).toEqual(['[stage/test/hpa] minReplicas: is above maxReplicas (4) (got 6). Fix: lower minReplicas to at most 4, or raise maxReplicas']);
  });

  test('min < 1', () => {
    const problems = problemsOf((chart) => new HorizontalPodAutoscaler(chart, 'hpa', { target: api(chart), minReplicas: 0 }), { environment: 'stage' });
    expect(problems).toEqual([expect.stringMatching(/^\[stage\/test\/hpa\] minReplicas: must be a whole number >= 1 \(got 0\)\. Fix: /)]);
  });

  test.each([
    ['Job', (chart: AppChart) => new Job(chart, 'pingpong', { parallelism: 3, containers: [PINGPONG] })],
    ['CronJob', (chart: AppChart) => new CronJob(chart, 'pingpong', { schedule: CronSchedule.EVERY_MINUTE, containers: [PINGPONG] })],
  ])('a target that cannot scale: %s', (kind, make) => {
    const problems = problemsOf((chart) => new HorizontalPodAutoscaler(chart, 'hpa', { target: make(chart) }), { environment: 'stage' });
    expect(problems).toEqual([`[stage/test/hpa] target: cannot be scaled by an autoscaler (only a Deployment or StatefulSet has a replica count) (got "${kind}/pingpong"). Fix: point the autoscaler at a Deployment or StatefulSet; scale Jobs with parallelism`]);
  });

  test('a utilization metric on a target whose container lacks the request', () => {
    const problems = problemsOf((chart) => {
      const target = api(chart);
      target.apiObject.addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/resources/requests/memory'));
      new HorizontalPodAutoscaler(chart, 'hpa', { target, metrics: [Metric.cpuUtilization(70), Metric.memoryUtilization(80), Metric.memoryAverageValue('256Mi')] });
    }, { environment: 'stage' });
    expect(problems).toEqual(['[stage/test/hpa] metrics[1]: is relative to the memory request, but container api of api has none, so the autoscaler never scales (got "memory utilization"). Fix: give container api a memory request (resources: Resources.preset(...)), or use Metric.memoryAverageValue(...)']);
  });

  test('bad metric values and behaviour', () => {
    const problems = problemsOf((chart) => new HorizontalPodAutoscaler(chart, 'hpa', {
      target: api(chart),
      metrics: [Metric.cpuUtilization(0), Metric.pods('rps', 'many')],
      behavior: ScalingBehavior.of({ scaleDown: { stabilizationWindowSeconds: 4000, policies: [{ type: 'Pods', value: 0, periodSeconds: 2000 }] } }),
    }), { environment: 'stage' });
    expect(problems).toEqual([
      expect.stringMatching(/^\[stage\/test\/hpa\] metrics\[0\]: utilization must be a whole percentage >= 1 \(got 0\)/),
      expect.stringMatching(/^\[stage\/test\/hpa\] metrics\[1\]: must be a positive quantity \(got "many"\)/),
      expect.stringMatching(/^\[stage\/test\/hpa\] behavior\.scaleDown\.stabilizationWindowSeconds: must be a whole number 0-3600 \(got 4000\)/),
      expect.stringMatching(/^\[stage\/test\/hpa\] behavior\.scaleDown\.policies\[0\]\.value: must be a whole number >= 1 \(got 0\)/),
      expect.stringMatching(/^\[stage\/test\/hpa\] behavior\.scaleDown\.policies\[0\]\.periodSeconds: must be a whole number 1-1800 \(got 2000\)/),
    ]);
  });

  test('no metrics', () => {
    const problems = problemsOf((chart) => new HorizontalPodAutoscaler(chart, 'hpa', { target: api(chart), metrics: [] }), { environment: 'stage' });
    expect(problems).toEqual([expect.stringMatching(/^\[stage\/test\/hpa\] metrics: is empty \(got \[\]\)/)]);
  });

  test('no bounds: a custom profile with autoscaling but an explicit maxReplicas of 0', () => {
    const elastic = Environment.of({ name: 'lab', replicas: 1, baseDomain: 'lab.example.com', autoscaling: { minReplicas: 1, maxReplicas: 4 } });
    const problems = problemsOf((chart) => new HorizontalPodAutoscaler(chart, 'hpa', { target: api(chart), maxReplicas: 0 }), { environment: elastic });
    expect(problems).toEqual([expect.stringMatching(/^\[lab\/test\/hpa\] maxReplicas: must be a whole number >= 1 \(got 0\)/)]);
  });
});
