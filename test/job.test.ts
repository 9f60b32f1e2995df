import { AppChart, CompletionMode, EnvValue, Job, RestartPolicy } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';
import { policyFindings } from './support/policy';
import { PINGPONG } from './support/pingpong';

/** The notes' pingpong Job (000): three pods in parallel, never restarted. */
function pingpong(chart: AppChart): Job {
  return new Job(chart, 'pingpong', { parallelism: 3, restartPolicy: RestartPolicy.NEVER, containers: [PINGPONG] });
}

describe('Job', () => {
  test('snapshot: the notes\' pingpong Job', () => expectSnapshot(pingpong));

  test('pingpong: parallelism 3, restartPolicy Never, labels on the template and no selector of its own', () => {
    const job = find(render(pingpong), 'Job', 'pingpong');
    expect(job.spec.parallelism).toBe(3);
    expect(job.spec.selector).toBeUndefined();
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'pingpong', 'app.kubernetes.io/instance': 'pingpong-dev' });
    expect(job.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  const indexed = (chart: AppChart) => new Job(chart, 'render-pages', {
    completions: 10,
    parallelism: 5,
    completionMode: CompletionMode.INDEXED,
    backoffLimit: 2,
    activeDeadlineSeconds: 600,
    ttlSecondsAfterFinished: 3600,
    restartPolicy: RestartPolicy.ON_FAILURE,
    containers: [{ name: 'render', image: 'registry.example.com/render:2.0.1', env: { SHARD_COUNT: EnvValue.value('10') } }],
  });

  test('snapshot: an Indexed Job with retries, deadline and clean-up', () => expectSnapshot(indexed, { environment: 'stage' }));

  test('Indexed Job: completions, mode, backoff, deadline, ttl and OnFailure are written as given', () => {
    const spec = find(render(indexed), 'Job', 'render-pages').spec;
    expect(spec).toMatchObject({ completions: 10, parallelism: 5, completionMode: 'Indexed', backoffLimit: 2, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 3600 });
    expect(spec.template.spec.restartPolicy).toBe('OnFailure');
  });

  test('restartPolicy defaults to Never', () => {
    const job = find(render((chart) => new Job(chart, 'once', { containers: [PINGPONG] })), 'Job', 'once');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  test('refused: restartPolicy Always', () => {
    const problems = problemsOf((chart) => new Job(chart, 'forever', { restartPolicy: RestartPolicy.ALWAYS, containers: [PINGPONG] }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/forever\] restartPolicy: must be Never or OnFailure.*\(got "Always"\)\. Fix: use RestartPolicy\.NEVER/)]);
  });

  test('refused: Indexed without completions', () => {
    const problems = problemsOf((chart) => new Job(chart, 'shards', { completionMode: CompletionMode.INDEXED, containers: [PINGPONG] }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/shards\] completions: is required with the Indexed completion mode.*\(got nothing\)\. Fix: /)]);
  });

  test.each([
    ['parallelism', { parallelism: -1 }, '-1'],
    ['completions', { completions: 0 }, '0'],
    ['backoffLimit', { backoffLimit: 1.5 }, '1.5'],
    ['activeDeadlineSeconds', { activeDeadlineSeconds: 0 }, '0'],
    ['ttlSecondsAfterFinished', { ttlSecondsAfterFinished: -5 }, '-5'],
  ])('refused: %s out of range', (field, props, got) => {
    const problems = problemsOf((chart) => new Job(chart, 'bad', { ...props, containers: [PINGPONG] }));
    expect(problems).toEqual([`[dev/test/bad] ${field}: must be a whole number >= ${field === 'completions' || field === 'activeDeadlineSeconds' ? 1 : 0} (got ${got}). Fix: set ${field} to ${field === 'completions' || field === 'activeDeadlineSeconds' ? 1 : 0} or more, or leave it out`]);
  });

  test('pods are checked like any workload (image policy)', () => {
    const problems = problemsOf((chart) => new Job(chart, 'latest', { containers: [{ ...PINGPONG, image: 'busybox' }] }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/latest\] pod\.containers\[0\]\.image: has no tag/)]);
  });
});

test('the pingpong Job passes the platform policy engine (PSS restricted, image policy, requests)', () => {
  expect(policyFindings(pingpong, 'stage')).toEqual([]);
});
