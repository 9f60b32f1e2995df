import { ConcurrencyPolicy, CronJob, CronSchedule, Job, RestartPolicy, StackDefinition } from '../../lib';
import { image } from '../images';

/** The pingpong script of the notes: ping, wait ten seconds, pong. */
const PINGPONG = ['/bin/sh', '-c', 'echo [`date`] ping!\nsleep 10\necho [`date`] pong!\n'];

/**
 * The batch examples of the notes (000, 001): the pingpong Job running three pods in parallel
 * (restartPolicy Never) and the pingpong CronJob every minute (restartPolicy OnFailure). A run
 * takes about ten seconds, so a run that is still going when the next minute starts means
 * something hangs: the CronJob forbids overlapping runs instead of piling them up.
 *
 * The finished Job stays, with its pods and their logs (the notes); no TTL, because Argo CD's
 * self-heal would re-create a Job the TTL controller deleted, and run it again.
 */
export const batch: StackDefinition = {
  name: 'batch',
  version: '1.0.0',
  define(chart) {
    const env = chart.environment;
    new Job(chart, 'pingpong-job', {
      name: 'pingpong',
      parallelism: 3,
      restartPolicy: RestartPolicy.NEVER,
      backoffLimit: 2,
      // The image tag says nothing about the script; label the app's version instead.
      version: chart.version,
      containers: [{ name: 'pingpong', image: image('alpineBash', env), command: PINGPONG }],
    });
    new CronJob(chart, 'pingpong-cron', {
      name: 'pingpong-cron',
      schedule: CronSchedule.EVERY_MINUTE,
      concurrencyPolicy: ConcurrencyPolicy.FORBID,
      startingDeadlineSeconds: 30,
      restartPolicy: RestartPolicy.ON_FAILURE,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      version: chart.version,
      containers: [{ name: 'pingpong', image: image('alpineBash', env), command: PINGPONG }],
    });
  },
};
