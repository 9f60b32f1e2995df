import { AppChart, ConcurrencyPolicy, CronJob, CronSchedule, RestartPolicy } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';
import { policyFindings } from './support/policy';
import { PINGPONG } from './support/pingpong';

/** The notes' pingpong CronJob (000): every minute, restarted on failure. */
function pingpong(chart: AppChart): CronJob {
  return new CronJob(chart, 'pingpong', { schedule: CronSchedule.EVERY_MINUTE, restartPolicy: RestartPolicy.ON_FAILURE, containers: [PINGPONG] });
}

describe('CronJob', () => {
  test('snapshot: the notes\' pingpong CronJob', () => expectSnapshot(pingpong));

  test('pingpong: every minute, Forbid by default, labelled job template with OnFailure and no selector', () => {
    const cron = find(render(pingpong), 'CronJob', 'pingpong');
    expect(cron.spec.schedule).toBe('*/1 * * * *');
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(cron.spec.jobTemplate.metadata.labels['app.kubernetes.io/name']).toBe('pingpong');
    expect(cron.spec.jobTemplate.spec.selector).toBeUndefined();
    expect(cron.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('OnFailure');
  });

  const nightly = (chart: AppChart) => new CronJob(chart, 'report', {
    schedule: CronSchedule.expression('30 2 * * mon-fri'),
    timeZone: 'Europe/Berlin',
    concurrencyPolicy: ConcurrencyPolicy.REPLACE,
    startingDeadlineSeconds: 300,
    successfulJobsHistoryLimit: 1,
    failedJobsHistoryLimit: 3,
    suspend: true,
    backoffLimit: 1,
    activeDeadlineSeconds: 1800,
    containers: [{ name: 'report', image: 'registry.example.com/report:3.1.0' }],
  });

  test('snapshot: every option', () => expectSnapshot(nightly));

  test('every option is written as given', () => {
    const spec = find(render(nightly), 'CronJob', 'report').spec;
    expect(spec).toMatchObject({
      schedule: '30 2 * * mon-fri',
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: 'Replace',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
      suspend: true,
      jobTemplate: { spec: { backoffLimit: 1, activeDeadlineSeconds: 1800 } },
    });
  });

  test('refused: restartPolicy Always in the job template', () => {
    const problems = problemsOf((chart) => new CronJob(chart, 'c', { schedule: CronSchedule.HOURLY, restartPolicy: RestartPolicy.ALWAYS, containers: [PINGPONG] }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/c\] jobTemplate\.restartPolicy: must be Never or OnFailure.*\(got "Always"\)/)]);
  });

  test('refused: an unknown time zone', () => {
    const problems = problemsOf((chart) => new CronJob(chart, 'c', { schedule: CronSchedule.DAILY, timeZone: 'Mars/Olympus', containers: [PINGPONG] }));
    expect(problems).toEqual(['[dev/test/c] timeZone: is not an IANA time zone (got "Mars/Olympus"). Fix: use a name such as "Etc/UTC" or "Europe/Berlin"']);
  });

  test.each([
    ['startingDeadlineSeconds', { startingDeadlineSeconds: 0 }, 1],
    ['successfulJobsHistoryLimit', { successfulJobsHistoryLimit: -1 }, 0],
    ['failedJobsHistoryLimit', { failedJobsHistoryLimit: 0.5 }, 0],
  ])('refused: %s out of range', (field, props, min) => {
    const problems = problemsOf((chart) => new CronJob(chart, 'c', { schedule: CronSchedule.DAILY, ...props, containers: [PINGPONG] }));
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^\\[dev/test/c\\] ${field}: must be a whole number >= ${min} \\(got `))]);
  });

  test('refused: a name too long for the Jobs it creates', () => {
    const name = 'a'.repeat(53);
    const problems = problemsOf((chart) => new CronJob(chart, 'c', { name, schedule: CronSchedule.DAILY, containers: [PINGPONG] }));
    expect(problems).toEqual([expect.stringMatching(/^\[dev\/test\/c\] name: must be a DNS-1123 label .*at most 52 characters\): Jobs append an 11-character suffix/)]);
  });
});

describe('CronSchedule', () => {
  test.each([
    '*/1 * * * *', '0 0 * * *', '15,45 9-17 * * 1-5', '0 */2 1,15 * *', '0 6 * jan-mar,oct mon', '5 4 * * sun', '0 0 * * 7',
    '0-30/10 * * * *', '@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually', '@midnight',
  ])('accepted: %s', (expression) => {
    expect(CronSchedule.expression(expression).problems('schedule')).toEqual([]);
  });

  test('factories', () => {
    expect([CronSchedule.everyMinutes(5), CronSchedule.dailyAt(3, 15), CronSchedule.WEEKLY, CronSchedule.MONTHLY].map(String)).toEqual(['*/5 * * * *', '15 3 * * *', '@weekly', '@monthly']);
  });

  test.each([
    ['60 * * * *', 'minute field "60" has 60, outside 0-59'],
    ['0 24 * * *', 'hour field "24" has 24, outside 0-23'],
    ['0 0 0 * *', 'day of month field "0" has 0, outside 1-31'],
    ['0 0 * 13 *', 'month field "13" has 13, outside 1-12'],
    ['0 0 * * 8', 'day of week field "8" has 8, outside 0-7'],
    ['0 0 * * funday', 'day of week field "funday" has "funday", which is not a number or name'],
    ['*/0 * * * *', 'minute field "*/0" has step "0", which must be a whole number 1-59'],
    ['0 17-9 * * *', 'hour field "17-9" has the range "17-9", which runs backwards'],
    ['* * * *', 'has 4 field(s), but a schedule has five'],
    ['@reboot', '@reboot has no meaning for a CronJob'],
    ['@every 5m', '@every is not a cron schedule'],
    ['@fortnightly', 'is not a known macro'],
    ['TZ=UTC 0 0 * * *', 'sets the time zone inside the schedule'],
  ])('refused: %s', (expression, message) => {
    const problems = problemsOf((chart) => new CronJob(chart, 'c', { schedule: CronSchedule.expression(expression), containers: [PINGPONG] }));
    expect(problems).toEqual([expect.stringContaining(`[dev/test/c] schedule: ${message}`)]);
    expect(problems[0]).toContain(`(got ${JSON.stringify(expression)}). Fix: `);
  });
});

test('the pingpong CronJob passes the platform policy engine (PSS restricted, image policy, requests)', () => {
  expect(policyFindings(pingpong, 'stage')).toEqual([]);
});
